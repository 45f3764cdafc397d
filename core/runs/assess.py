"""One evaluation of a synthetic table: fidelity, the holdout ceiling, coverage and copying,
utility, the rules kept, augmentation, and the stakeholder report. The pipeline, the Compare
page and ``cli evaluate`` share it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.config import Settings, get_settings
from core.errors import InvalidParameterError
from core.evaluate.augmentation import AugmentationResult, compute_augmentation
from core.evaluate.coverage import CoverageResult, compute_coverage
from core.evaluate.diagnostic import DiagnosticResult, run_diagnostic
from core.evaluate.quality import QualityResult, evaluate_quality
from core.evaluate.rare import RareCounter
from core.evaluate.rule_checks import RuleChecks, RuleTally, compute_rule_checks, rule_tally
from core.evaluate.scenario import RebalanceResult, ScenarioFidelity
from core.evaluate.tally import SyntheticTally
from core.evaluate.utility import UtilityResult, capped_utility
from core.meta import StudioMetadata
from core.privacy.checks import GateResult, PrivacyResult, compute_privacy, release_gate
from core.progress import Progress, no_progress


@dataclass(frozen=True)
class Evaluation:
    """Every check of one synthetic table against the real training rows (and the holdout)."""

    quality: QualityResult
    holdout_quality: QualityResult | None  # the holdout scored like synthetic data: the ceiling
    diagnostic: DiagnosticResult
    coverage: CoverageResult
    utility: UtilityResult | None
    train_rows: int
    holdout_rows: int
    split: dict[str, Any] | None = None  # how the holdout was drawn, for reproduction
    privacy: PrivacyResult | None = None
    gate: GateResult | None = None
    privacy_note: str = ""  # why privacy could not be measured
    protections: dict[str, Any] | None = None  # what was grouped or clipped before fitting
    pii_columns: tuple[str, ...] = ()  # columns of personal data, faked and checked for leaks
    rules: RuleChecks | None = None  # the share of rows keeping each rule, real and synthetic
    augmentation: AugmentationResult | None = None  # real-only vs real + synthetic, on holdout
    scenarios: tuple[ScenarioFidelity, ...] = ()  # each scenario's rows against its real rows
    rebalance: RebalanceResult | None = None  # a rebalanced column's shares before and after
    utility_note: str = ""  # why the utility check did not apply, when it did not

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe scores, the shape stored with a run and written to REPORT.json."""
        scores = self.quality.to_dict()
        ceiling = self.holdout_quality.to_dict() if self.holdout_quality else {}
        coverage = self.coverage.to_dict()
        scores.update(
            {
                "holdout_quality_score": ceiling.get("quality_score"),
                "holdout_column_shapes": ceiling.get("column_shapes"),
                "holdout_column_pair_trends": ceiling.get("column_pair_trends"),
                "diagnostic_score": self.diagnostic.to_dict()["diagnostic_score"],
                "diagnostic": self.diagnostic.to_dict(),
                "coverage": coverage,
                "duplicates": {
                    "rows": coverage["duplicate_rows"],
                    "share": coverage["duplicate_share"],
                    "exact_copy_rows": coverage["exact_copy_rows"],
                    "exact_copy_share": coverage["exact_copy_share"],
                    "near_duplicate_share": coverage["near_duplicate_share"],
                },
                "holdout": {
                    "train_rows": self.train_rows,
                    "holdout_rows": self.holdout_rows,
                    **(self.split or {}),
                },
            }
        )
        if self.utility is not None:
            scores["utility"] = self.utility.to_dict()
        elif self.utility_note:
            scores["utility"] = {"note": self.utility_note}
        if self.privacy is not None:
            scores["privacy"] = self.privacy.to_dict(gate=self.gate)
        else:
            scores["privacy"] = {
                "dcr_share": None,
                "exact_match_share": None,
                "nndr": None,
                "pii_columns": list(self.pii_columns),
                "error": self.privacy_note,
                "gate": {"passed": False, "failing": ["privacy_measured"], "checks": []},
            }
        scores["protections"] = self.protections or {}
        if self.rules is not None:
            scores["rules"] = self.rules.to_dict()
        if self.augmentation is not None:
            scores["augmentation"] = self.augmentation.to_dict()
        if self.scenarios:
            scores["scenarios"] = [s.to_dict() for s in self.scenarios]
        if self.rebalance is not None:
            scores["rebalance"] = self.rebalance.to_dict()
        return scores


def evaluate(
    *,
    real_train: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: StudioMetadata,
    holdout: pd.DataFrame | None = None,
    target: str | None = None,
    seed: int = 0,
    settings: Settings | None = None,
    progress: Progress = no_progress,
    tally: SyntheticTally | None = None,
    clipped: dict[str, Any] | None = None,
    split: dict[str, Any] | None = None,
    protections: dict[str, Any] | None = None,
    rules: RuleTally | None = None,
    rare: RareCounter | None = None,
    augment: bool = False,
    skip_utility: str = "",
) -> Evaluation:
    """Score ``synthetic`` against the real rows it was made from.

    Args:
        real_train: The real rows the synthesizer was fitted on.
        synthetic: The synthetic rows, or with ``tally``, their evaluation sample.
        metadata: The studio metadata dict of the table.
        holdout: Real rows the synthesizer never saw: the ceiling and the utility test set.
        target: A column to predict for the utility check (needs ``holdout``).
        seed: Seed of every subsample, so the same inputs give the same scores.
        settings: Row caps (defaults to :func:`get_settings`).
        progress: Called with stage ``"evaluate"`` after each check.
        tally: Facts about every synthetic row of a run sampled in batches (see
            :mod:`core.evaluate.tally`); coverage and privacy count every row with it, the other
            checks read the sample.
        clipped: Bounds of the columns the studio clipped before fitting, so coverage says
            when a range was narrowed by the studio rather than missed by the synthesizer.
        split: How the holdout and the training rows were drawn, recorded with the scores
            for reproduction.
        protections: What the protections changed before fitting, recorded likewise.
        rules: Rows keeping each rule over every synthetic row (see
            :mod:`core.evaluate.rule_checks`); made from ``synthetic`` when not given: the
            metadata's rules and those every real row keeps.
        rare: The rare categories and pairs counted over every synthetic row (see
            :mod:`core.evaluate.rare`); made from ``synthetic`` when not given.
        augment: Also train on real plus synthetic rows and compare on the holdout (needs
            ``target``, a category, and ``holdout``).
        skip_utility: Why the utility check does not apply to these rows (e.g. every row is
            one class of the target, as a condition on it makes them); stored as its note.

    Raises:
        StudioError: a check cannot run on these tables (one line).
    """
    settings = settings or get_settings()
    sdv_metadata = metadata.to_sdv()
    sdtypes = metadata.sdtypes
    steps = 6 if target else 5
    caps = {"max_rows": settings.eval_max_rows, "seed": seed}

    def quality_of(reference: pd.DataFrame, other: pd.DataFrame) -> QualityResult:
        # Every column is scored or listed with its reason: faked ones are not left out.
        return evaluate_quality(
            real=reference,
            synthetic=other,
            metadata=sdv_metadata,
            max_columns=settings.eval_max_columns,
            replaced=metadata.direct_columns,
            max_distinct_share=settings.categorical_max_share,
            **caps,
        )

    progress("evaluate", 0, steps)
    # The headline compares the extract with every real row, as anyone checking it against
    # their file does; the ceiling scores fresh real rows against the training rows.
    every_row = real_train if holdout is None else pd.concat([real_train, holdout])
    quality = quality_of(every_row.reset_index(drop=True), synthetic)
    progress("evaluate", 1, steps)
    ceiling = quality_of(real_train, holdout) if holdout is not None else None
    progress("evaluate", 2, steps)
    tally = tally or SyntheticTally.of(
        synthetic,
        sdtypes=sdtypes,
        columns=real_train.columns,
        pii_columns=metadata.direct_columns,
        real_pii=real_train if holdout is None else pd.concat([real_train, holdout]),
    )
    diagnostic = run_diagnostic(real=real_train, synthetic=synthetic, metadata=sdv_metadata)
    progress("evaluate", 3, steps)
    # Coverage and privacy measure distances to real rows on the same capped sample.
    distances = {"max_rows": settings.distance_max_rows, "seed": seed, "tally": tally}
    coverage = compute_coverage(
        real=real_train,
        synthetic=synthetic,
        sdtypes=sdtypes,
        **distances,
        clipped=clipped,
        rare=rare,
        rare_min_count=settings.rare_min_count,
        skip=frozenset(metadata.direct_columns),
    )
    if rules is None:
        rules = rule_tally(metadata=metadata, real=real_train, reference=real_train)
        rules.add(synthetic)
    rule_checks = compute_rule_checks(rules, every_row)
    progress("evaluate", 4, steps)
    privacy, gate, privacy_note = None, None, ""
    if holdout is None:
        privacy_note = "No holdout rows, so leakage cannot be measured."
    else:
        try:
            privacy = compute_privacy(
                train=real_train,
                holdout=holdout,
                synthetic=synthetic,
                sdtypes=sdtypes,
                pii_columns=metadata.direct_columns,
                **distances,
            )
            gate = release_gate(privacy, max_dcr_share=settings.gate_max_dcr_share)
        except InvalidParameterError as err:
            privacy_note = str(err)
    utility = augmentation = None
    if augment and not target:
        raise InvalidParameterError("Augmentation needs a target column to predict.")
    if target:
        if holdout is None:
            raise InvalidParameterError(
                "The utility check needs holdout rows; this table is too small to keep any."
            )
        # Both learn from the same capped rows and are tested on the same holdout.
        learning = {"real_train": real_train, "synthetic": synthetic, "holdout": holdout}
        if not skip_utility:
            utility = capped_utility(**learning, target=target, **caps)
        if augment:
            augmentation = compute_augmentation(**learning, target=target, **caps)
    progress("evaluate", steps, steps)
    return Evaluation(
        quality=quality,
        holdout_quality=ceiling,
        diagnostic=diagnostic,
        coverage=coverage,
        utility=utility,
        train_rows=len(real_train),
        holdout_rows=0 if holdout is None else len(holdout),
        privacy=privacy,
        gate=gate,
        privacy_note=privacy_note,
        pii_columns=tuple(metadata.direct_columns),
        split=split,
        protections=protections,
        rules=rule_checks,
        augmentation=augmentation,
        utility_note=skip_utility if target else "",
    )
