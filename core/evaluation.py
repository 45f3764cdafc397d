"""One evaluation of a synthetic table: fidelity, the holdout ceiling, coverage and copying,
utility, and the stakeholder report. The pipeline, the Compare page and ``cli evaluate`` share
it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from core.config import Settings, get_settings
from core.coverage import CoverageResult, compute_coverage
from core.diagnostic import DiagnosticResult, run_diagnostic
from core.errors import InvalidParameterError
from core.evaluate import QualityResult, evaluate_quality
from core.holdout import split_holdout
from core.metadata import LEARNED_SDTYPES, TABLE, to_sdv
from core.personal import direct_columns
from core.plots import plot_column, plot_correlations
from core.privacy import GateResult, PrivacyResult, compute_privacy, release_gate
from core.progress import Progress, no_progress
from core.projection import compute_projection, plot_correlation_difference, plot_projection
from core.readings import headline_columns, protection_notes
from core.release import release_status
from core.report import render_report
from core.tally import SyntheticTally
from core.training_sample import fitted_sample_note
from core.utility import UtilityResult, cap_rows, compute_utility

# Scores the report shows, in order; counts and sample sizes go into its readings instead.
_REPORTED = (
    "quality_score",
    "column_shapes",
    "column_pair_trends",
    "holdout_quality_score",
    "diagnostic",
    "coverage",
    "utility",
)
# Columns plotted in the report: enough to show the shape of the data, few enough to read.
REPORT_COLUMNS = 8


@dataclass(frozen=True)
class RealSplit:
    """The real rows a synthesizer fits on, and those kept aside (None for tiny tables)."""

    train: pd.DataFrame
    holdout: pd.DataFrame | None
    share: float
    seed: int
    note: str = ""
    moved: int = 0  # holdout rows moved to training (see core.holdout.keep_values_in_training)


def split_real(real: pd.DataFrame, settings: Settings | None = None) -> RealSplit:
    """The studio's seeded training / holdout split; every run of a dataset gets the same one."""
    settings = settings or get_settings()
    share, seed = settings.holdout_share, settings.seed
    try:
        split = split_holdout(real, holdout_share=share, seed=seed)
    except InvalidParameterError as err:
        return RealSplit(real, None, share, seed, f"No holdout: {err}")
    return RealSplit(split.train, split.holdout, share, seed, moved=split.moved)


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
        return scores


def pii_columns(metadata: dict[str, Any]) -> list[str]:
    """The direct-identifier columns: faked, never learned, never shown (see core.personal)."""
    return direct_columns(metadata)


def sdtypes_of(metadata: dict[str, Any]) -> dict[str, str]:
    """Column name to sdtype, from the studio metadata dict."""
    columns = metadata["sdv"]["tables"][TABLE]["columns"]
    return {name: column["sdtype"] for name, column in columns.items()}


def evaluate(
    *,
    real_train: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: dict[str, Any],
    holdout: pd.DataFrame | None = None,
    target: str | None = None,
    seed: int = 0,
    settings: Settings | None = None,
    progress: Progress = no_progress,
    tally: SyntheticTally | None = None,
    clipped: dict[str, Any] | None = None,
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
            :mod:`core.tally`); coverage and privacy count every row with it, the other
            checks read the sample.
        clipped: Bounds of the columns the studio clipped before fitting, so coverage says
            when a range was narrowed by the studio rather than missed by the synthesizer.

    Raises:
        StudioError: a check cannot run on these tables (one line).
    """
    settings = settings or get_settings()
    sdv_metadata = to_sdv(metadata)
    sdtypes = sdtypes_of(metadata)
    steps = 6 if target else 5
    caps = {"max_rows": settings.eval_max_rows, "seed": seed}

    def quality_of(reference: pd.DataFrame, other: pd.DataFrame) -> QualityResult:
        # Every column is scored or listed with its reason: faked ones are not left out.
        return evaluate_quality(
            real=reference,
            synthetic=other,
            metadata=sdv_metadata,
            max_columns=settings.eval_max_columns,
            replaced=pii_columns(metadata),
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
        pii_columns=pii_columns(metadata),
        real_pii=real_train if holdout is None else pd.concat([real_train, holdout]),
    )
    diagnostic = run_diagnostic(real=real_train, synthetic=synthetic, metadata=sdv_metadata)
    progress("evaluate", 3, steps)
    coverage = compute_coverage(
        real=real_train,
        synthetic=synthetic,
        sdtypes=sdtypes,
        max_rows=settings.distance_max_rows,
        seed=seed,
        tally=tally,
        clipped=clipped,
    )
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
                pii_columns=pii_columns(metadata),
                max_rows=settings.distance_max_rows,
                seed=seed,
                tally=tally,
            )
            gate = release_gate(privacy, max_dcr_share=settings.gate_max_dcr_share)
        except InvalidParameterError as err:
            privacy_note = str(err)
    utility = None
    if target:
        if holdout is None:
            raise InvalidParameterError(
                "The utility check needs holdout rows; this table is too small to keep any."
            )
        utility = capped_utility(
            real_train=real_train,
            synthetic=synthetic,
            holdout=holdout,
            target=target,
            max_rows=settings.eval_max_rows,
            seed=seed,
        )
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
        pii_columns=tuple(pii_columns(metadata)),
    )


def capped_utility(
    *,
    real_train: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame,
    target: str,
    max_rows: int,
    seed: int = 0,
) -> UtilityResult:
    """The utility check with both models learning from at most ``max_rows`` rows (seeded).

    A run sampled in batches has only its evaluation sample on the synthetic side, and a big
    real table should not give the real-trained model a head start.
    """
    return compute_utility(
        real_train=cap_rows(real_train, max_rows, seed=seed),
        synthetic=cap_rows(synthetic, max_rows, seed=seed),
        holdout=holdout,
        target=target,
        seed=seed,
    )


class ReportFigures(dict[str, go.Figure]):
    """The report's figures by title, with ``note``: which columns they show, and why."""

    note: str = ""


def report_columns(
    real: pd.DataFrame, sdtypes: dict[str, str], *, max_categories: int = 20
) -> tuple[list[str], str]:
    """The columns a report plots, most informative first, and a sentence saying which.

    Only learned columns are candidates: direct identifiers and keys are generated, never
    learned, so plotting them would only show real identifiers beside fakes. Numbers, dates
    and categories with a few values come first, then categories with many values, then
    constant columns, each in table order; at most ``REPORT_COLUMNS`` are kept.
    """
    learned = [c for c, t in sdtypes.items() if t in LEARNED_SDTYPES and c in real.columns]
    skipped = [c for c in sdtypes if c not in learned]

    def rank(column: str) -> int:
        distinct = real[column].nunique(dropna=True)
        if distinct <= 1:
            return 3
        if sdtypes[column] in ("numerical", "datetime"):
            return 0
        return 1 if distinct <= max_categories else 2

    ranked = sorted(learned, key=rank)  # stable: table order within a rank
    shown = ranked[:REPORT_COLUMNS]
    note = f"Column figures show {len(shown)} of {len(sdtypes)} columns: {', '.join(shown)}."
    if skipped:
        note += (
            f" Never plotted: {', '.join(skipped)} (direct identifiers and keys, replaced by "
            "fakes and never learned)."
        )
    if rest := [c for c in ranked if c not in shown]:
        note += f" Not plotted, as less informative or beyond {REPORT_COLUMNS}: {', '.join(rest)}."
    return shown, note


def report_figures(
    real: pd.DataFrame, synthetic: pd.DataFrame, sdtypes: dict[str, str], *, seed: int = 0
) -> ReportFigures:
    """The key plots of a report: a few learned columns, correlations and a 2-D projection.

    No direct identifier or key is ever drawn (see :func:`report_columns`); the result's
    ``note`` says which columns are shown, and :func:`build_report` prints it.
    """
    settings = get_settings()
    learned = {c: t for c, t in sdtypes.items() if t in LEARNED_SDTYPES}
    shown, note = report_columns(real, sdtypes, max_categories=settings.plot_max_categories)
    figures = ReportFigures(
        {
            f"Column: {column}": plot_column(
                real[column],
                synthetic[column],
                sdtypes[column],
                max_categories=settings.plot_max_categories,
                max_rows=settings.plot_max_rows,
            )
            for column in shown
        }
    )
    figures.note = note
    figures["Correlations"] = plot_correlations(real, synthetic, learned)
    figures["Correlation difference"] = plot_correlation_difference(real, synthetic, learned)
    projection = compute_projection(real, synthetic, sdtypes=learned, seed=seed)
    if not projection.empty:
        figures["2-D projection (PCA)"] = plot_projection(projection)
    return figures


def build_report(
    *,
    title: str,
    dataset_summary: dict[str, Any],
    synthesizer: str,
    params: dict[str, Any],
    evaluation_scores: dict[str, Any],
    figures: dict[str, go.Figure],
    override: dict[str, Any] | None = None,
) -> str:
    """The self-contained HTML report of one evaluation, with its privacy checks.

    ``override`` is the run's recorded release override, printed in the privacy section.
    """
    scores = {k: evaluation_scores[k] for k in _REPORTED if k in evaluation_scores}
    readings = []
    holdout = evaluation_scores.get("holdout") or {}
    if holdout.get("holdout_rows"):
        readings.append(
            f"Trained on {holdout['train_rows']:,} real rows; {holdout['holdout_rows']:,} more "
            "were kept aside and never shown to the synthesizer."
        )
    if sampled := fitted_sample_note(holdout):
        readings.append(sampled)
    sample = evaluation_scores.get("sample_rows")
    if sample:
        readings.append(f"Fidelity scores use up to {sample:,} rows of each table.")
    if note := getattr(figures, "note", ""):
        readings.append(note)
    ceiling = evaluation_scores.get("holdout_quality_score")
    quality = evaluation_scores.get("quality_score")
    if _number(ceiling) and _number(quality):
        readings.append(
            f"The synthetic data reaches {quality / ceiling:.0%} of the quality that fresh real "
            "rows (the holdout) reach."
        )
    return render_report(
        title=title,
        dataset_summary=dataset_summary,
        synthesizer=synthesizer,
        params=params,
        scores=scores,
        figures=figures,
        readings=readings,
        privacy=evaluation_scores.get("privacy"),
        release=release_status(evaluation_scores, override) if evaluation_scores else None,
        headline=headline_columns(evaluation_scores),
        protections=protection_notes(evaluation_scores.get("protections") or {}),
    )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not math.isnan(value) and value != 0
