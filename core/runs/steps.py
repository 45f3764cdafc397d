"""The four steps of a run, each returning a frozen value: prepare, fit, sample, assess.

:func:`prepare` splits the real rows with the run's seed, protects the training rows and draws
the fit rows; :func:`fit` fits and saves the model; :func:`sample` draws the rows into the
run's table, tallying each batch for the checks; :func:`assess` scores them.
:func:`core.runs.pipeline.synthesize` runs them in order inside one run of the workspace.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from sdv.single_table.base import BaseSingleTableSynthesizer

from core.config import Settings
from core.data.formats import ColumnFormat
from core.data.holdout import RealSplit, split_real
from core.data.spelling import spell_booleans, spell_label
from core.evaluate.augmentation import AugmentationResult
from core.evaluate.rare import RARE_SHARE, RareCounter
from core.evaluate.rule_checks import RuleTally, rule_tally
from core.evaluate.scenario import MAX_SCENARIOS, ShareTally, rebalance_result, scenario_fidelity
from core.evaluate.tally import SyntheticTally
from core.meta import StudioMetadata
from core.privacy.protections import (
    Protected,
    ProtectionSettings,
    protect_training,
    protection_cost,
)
from core.progress import Progress
from core.runs.assess import Evaluation, evaluate
from core.runs.shaping import learned_shaping
from core.synth.fitting import fit_synthesizer
from core.synth.redraw import RedrawRealPii, redraw_real_pii
from core.synth.sampling import Draw, sample_into_run
from core.synth.scenarios import Shaping, spelled_scenario
from core.synth.training_sample import TrainingSample, category_columns, training_sample
from core.workspace.run_life import ActiveRun


def real_all(split: RealSplit) -> pd.DataFrame:
    """Training and holdout rows together: every real value a fake one must avoid."""
    return pd.concat([split.train, split.holdout], ignore_index=True)


def save_model(synth: BaseSingleTableSynthesizer, path: Path) -> Path:
    """Save a fitted model beside the workspace (SDV's cloudpickle: studio files only).

    Only models the studio wrote itself are ever loaded again; nothing a user uploads is.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    synth.save(str(partial))
    partial.replace(path)
    return path


@dataclass(frozen=True)
class Prepared:
    """The real rows of a run, split and protected, and what a fake value must avoid."""

    metadata: StudioMetadata  # the dataset's (roles, sdtypes); ``protected.metadata`` is fitted
    split: RealSplit
    protected: Protected
    cost: dict[str, Any]  # what the protections cost (see protection_cost)
    fit_rows: TrainingSample
    redraw: RedrawRealPii | None
    shaping: Shaping = dataclasses.field(default_factory=Shaping)


def prepare(
    real: pd.DataFrame,
    metadata: StudioMetadata,
    *,
    seed: int,
    protections: ProtectionSettings,
    settings: Settings,
    shaping: Shaping | None = None,
) -> Prepared:
    """Split the real rows with the run's seed, protect the training rows, draw the fit rows.

    ``shaping`` is checked against the fit rows (:func:`learned_shaping`).
    """
    split = split_real(real, seed=seed, settings=settings)
    protected = protect_training(split.train, metadata, protections)
    # Big tables fit on a stratified sample; scores still compare against every train row.
    fit_rows = training_sample(
        protected.data,
        max_rows=settings.train_max_rows,
        strata=category_columns(protected.metadata),
        seed=seed,
    )
    real_rows = split.train if split.holdout is None else real_all(split)
    shaping = shaping or Shaping()
    return Prepared(
        metadata=metadata,
        split=split,
        protected=protected,
        cost=protection_cost(split.train, protected, metadata, settings, seed=seed),
        fit_rows=fit_rows,
        redraw=redraw_real_pii(metadata, real_rows),
        shaping=learned_shaping(shaping, fit_rows.data, protected.metadata),
    )


@dataclass(frozen=True, eq=False)
class Fitted:
    """A run's fitted model, saved beside the workspace, and the fit's time."""

    synth: BaseSingleTableSynthesizer
    seconds: float
    model_path: Path


def fit(
    prepared: Prepared,
    *,
    key: str,
    params: dict[str, Any],
    seed: int,
    run: ActiveRun,
    progress: Progress,
) -> Fitted:
    """Fit the synthesizer on the prepared rows, seeded with the run's seed, and save it."""
    started = time.perf_counter()
    synth = fit_synthesizer(
        key=key,
        metadata=prepared.protected.metadata.to_sdv(),
        data=prepared.fit_rows.data,
        seed=seed,
        params=params,
        locales=list(prepared.metadata.locales),
        rules=prepared.shaping.rules,
        progress=progress,
    )
    seconds = time.perf_counter() - started
    return Fitted(synth=synth, seconds=seconds, model_path=save_model(synth, run.model_path))


@dataclass(frozen=True, eq=False)
class Sampled:
    """A run's rows, stored: what the checks counted of every row, and their sample."""

    rows: int
    seconds: float
    tally: SyntheticTally
    pii_values_redrawn: int  # fakes drawn again because they equalled a real value
    rules: RuleTally | None = None  # rows keeping each rule, over every row
    rare: RareCounter | None = None  # rows holding each rare real category or pair
    shares: ShareTally | None = None  # a rebalanced column's categories, over every row


def sample(
    run: ActiveRun,
    fitted: Fitted,
    prepared: Prepared,
    *,
    rows: int,
    seed: int,
    schema: pa.Schema,
    settings: Settings,
    progress: Progress,
) -> Sampled:
    """Sample the run's rows into its table, tallying each batch for the checks."""
    redraw, shaping, train = prepared.redraw, prepared.shaping, prepared.split.train
    tally = SyntheticTally(
        sdtypes=prepared.metadata.sdtypes,
        columns=train.columns,
        pii_columns=redraw.columns if redraw else (),
        real_pii=redraw.real if redraw else None,
        sample_rows=settings.eval_max_rows,
    )
    rules = rule_tally(
        metadata=prepared.metadata.with_rules(shaping.rules),
        real=train,
        reference=prepared.fit_rows.data,
    )
    words = shaping.table  # what people read spells true / false as the input does
    rare = RareCounter(
        spell_booleans(train, words),
        prepared.metadata.sdtypes,
        threshold=RARE_SHARE,
        min_count=settings.rare_min_count,
        skip=frozenset(prepared.metadata.direct_columns),
    )
    shares = ShareTally(shaping.rebalance.column) if shaping.rebalance else None

    def observe(batch: pd.DataFrame) -> None:
        tally.add(batch)
        rules.add(batch)
        spelled = spell_booleans(batch, words)
        rare.add(spelled)
        if shares is not None:
            shares.add(spelled)

    draw = Draw(
        fitted.synth,
        rows=rows,
        seed=seed,
        batch_rows=settings.sample_batch_rows,
        postprocess=redraw,
        shaping=shaping,
    )
    stored = sample_into_run(run, draw, schema=schema, progress=progress, observe=observe)
    return Sampled(
        rows=stored.rows,
        seconds=stored.seconds,
        tally=tally,
        pii_values_redrawn=redraw.redrawn if redraw else 0,
        rules=rules,
        rare=rare,
        shares=shares,
    )


def assess(
    prepared: Prepared,
    sampled: Sampled,
    *,
    target: str | None,
    seed: int,
    settings: Settings,
    progress: Progress,
    augment: bool = False,
    synthesizer: str = "",
) -> Evaluation:
    """Score the run's rows against the training rows and the holdout, with its records.

    A shaped run also scores each scenario's rows against its real rows, and the shares a
    rebalance reached.
    """
    split = prepared.split
    protections = {**prepared.protected.report, "cost": prepared.cost}
    if prepared.redraw is not None:
        protections["pii_values_redrawn"] = sampled.pii_values_redrawn
    evaluation = evaluate(
        real_train=split.train,
        synthetic=sampled.tally.sample,
        metadata=prepared.metadata,
        holdout=split.holdout,
        target=target,
        seed=seed,
        settings=settings,
        progress=progress,
        tally=sampled.tally,
        clipped=prepared.protected.report.get("clipped"),
        split={
            "share": split.share,
            "seed": split.seed,
            "note": split.note,
            "moved_to_training": split.moved,
            "training_sample": prepared.fit_rows.to_dict(),
            "sample_batch_rows": settings.sample_batch_rows,
            "evaluation_sample_rows": len(sampled.tally.sample),
        },
        protections=protections,
        rules=sampled.rules,
        rare=sampled.rare,
        augment=augment,
        skip_utility=_single_class(prepared.shaping, target),
    )
    shaping = prepared.shaping
    words = shaping.table
    if evaluation.augmentation is not None and target and words is not None:
        evaluation = dataclasses.replace(
            evaluation, augmentation=_spelled(evaluation.augmentation, words.columns.get(target))
        )
    if not shaping.shaped:
        return evaluation
    # Scored on rows spelled as the input spells them: the stored labels read "smoker=Yes".
    every = spell_booleans(split.train if split.holdout is None else real_all(split), words)
    synthetic = spell_booleans(sampled.tally.sample, words)
    scenarios = tuple(
        scenario_fidelity(
            real=every,
            synthetic=synthetic,
            metadata=prepared.metadata,
            conditions=spelled_scenario(scenario, words),
            synthesizer=synthesizer,
        )
        for scenario in shaping.scenarios()[:MAX_SCENARIOS]
    )
    rebalanced = (
        rebalance_result(shaping.rebalance, every, sampled.shares, words)
        if shaping.rebalance and sampled.shares
        else None
    )
    return dataclasses.replace(evaluation, scenarios=scenarios, rebalance=rebalanced)


def _spelled(augmentation: AugmentationResult, fmt: ColumnFormat | None) -> AugmentationResult:
    """``augmentation`` with its classes named as the input spells them (``Yes``, not True)."""
    return dataclasses.replace(
        augmentation,
        minority_class=spell_label(augmentation.minority_class, fmt),
        synthetic_class_rows={
            spell_label(k, fmt): n for k, n in augmentation.synthetic_class_rows.items()
        },
    )


def _single_class(shaping: Shaping, target: str | None) -> str:
    """Why a model cannot learn ``target`` from the run's rows alone, or "" when it can."""
    if target is None or target not in shaping.conditions:
        return ""
    return (
        f"Every row is {target}={shaping.value_text(target, shaping.conditions[target])}: a "
        "model cannot learn "
        f"'{target}' from these rows alone, so train-on-synthetic was not measured; see "
        "augmentation for real plus synthetic rows."
    )
