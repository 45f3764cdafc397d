"""The studio's pipeline as verbs over the workspace: the pages and the CLI share these."""

from __future__ import annotations

import dataclasses
import platform
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import torch
from sdv.single_table.base import BaseSingleTableSynthesizer

from core.config import Settings, get_settings
from core.data.holdout import RealSplit, split_real
from core.data.metadata import detect_metadata
from core.data.pii import detect_pii
from core.data.roles import fake_pii_metadata
from core.errors import InvalidParameterError
from core.evaluate.quality import QualityResult
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
from core.progress import Progress, no_progress
from core.runs.assess import Evaluation, evaluate
from core.runs.request import RunRequest
from core.runs.shaping import learned_shaping, plan_shaping
from core.synth.fitting import fit_synthesizer
from core.synth.redraw import RedrawRealPii, redraw_real_pii
from core.synth.registry import get_spec, resolve_params
from core.synth.sampling import Draw, sample_into_run
from core.synth.scenarios import Shaping, value_label
from core.synth.seeding import check_seed
from core.synth.training_sample import TrainingSample, category_columns, training_sample
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import ActiveRun, Workspace

_VERSIONED = ("sdv", "sdmetrics", "rdt", "copulas", "ctgan", "pandas", "numpy", "torch")


def library_versions() -> dict[str, str]:
    """Versions that decide a run's rows, recorded with every run for reproduction.

    With them torch's thread count: a neural fit's sums are split across threads, and another
    count gives other rows from the same seed (2 threads vs 1 or 4, measured on CTGAN).
    """
    return {
        "python": platform.python_version(),
        **{name: version(name) for name in _VERSIONED},
        "torch_threads": str(torch.get_num_threads()),
    }


def ensure_metadata(
    workspace: Workspace,
    dataset: DatasetInfo,
    *,
    pii: bool = True,
    real: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The dataset's stored metadata, detecting and storing it on first use.

    With ``pii`` on, columns holding direct identifiers (emails, phones, names, card numbers…)
    are marked as personal data, so synthesizers fill them with fake values. ``real`` is the
    dataset's table when the caller has read it already.
    """
    if dataset.metadata is not None:
        return dataset.metadata
    real = workspace.read_real(dataset.id) if real is None else real
    metadata = detect_metadata(real)
    if pii and (findings := detect_pii(real)):
        metadata = fake_pii_metadata(metadata, findings)
    workspace.set_metadata(dataset.id, metadata)
    return metadata


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
class RunResult:
    """A finished run: its record, its scores and its evaluation sample.

    The rows themselves are in the workspace (``Workspace.read_synthetic``); ``sample`` holds
    the first of them, at most ``Settings.eval_max_rows``, that the sampled checks read.
    """

    run: RunInfo
    sample: pd.DataFrame
    evaluation: Evaluation

    @property
    def rows(self) -> int:
        return self.run.n_rows

    @property
    def quality(self) -> QualityResult:
        return self.evaluation.quality


def synthesize(
    workspace: Workspace,
    request: RunRequest | None = None,
    *,
    progress: Progress = no_progress,
    settings: Settings | None = None,
    **fields: Any,
) -> RunResult:
    """Fit on the training rows, sample, score against them and the holdout, store the run.

    ``seed`` decides everything random in the run: the holdout split, the training sample,
    the fit and the samples, so the same seed, data and settings give the same rows (MST's
    private noise excepted, see :mod:`core.synth.dp`). The run goes through four steps, each
    returning a frozen value: :func:`prepare` (split and protect the real rows),
    :func:`fit`, :func:`sample` (in batches of ``Settings.sample_batch_rows`` straight into
    the workspace, so memory does not grow with ``rows``) and :func:`assess`. The run keeps
    everything or, on any error or interruption, nothing (see :meth:`Workspace.running`).

    The run is ``request`` (:class:`~core.runs.request.RunRequest`), or one built from
    ``fields``, its attributes as keywords (``synthesize(ws, dataset_id=1, key=..., ...)``).
    ``target`` adds the utility check; ``pii`` detects direct identifiers on first use of the
    dataset; ``protections`` says which protections change the training rows (the settings'
    defaults: rare categories grouped, no clipping); ``protect=False`` turns every one off.
    The run records the settings, what each changed and what it cost
    (``scores["protections"]``).

    The rows can be shaped (:mod:`core.synth.scenarios`): ``conditions`` (column to value,
    values as text or as the column holds them) makes every row that scenario; ``rebalance``
    names a category column whose shares become ``shares`` (category to share, adding up to
    1; equal when None); the dataset's rules (``StudioMetadata.rules``) hold in every row.
    The run stores them (``RunInfo.shaping``) and scores each scenario against its real rows
    (``scores["scenarios"]``), the shares reached (``scores["rebalance"]``) and the rows
    keeping each rule (``scores["rules"]``). ``augment`` (with a category ``target``) trains
    on real rows alone and on real plus synthetic rows and tests both on the holdout
    (``scores["augmentation"]``). ``limits`` bounds the drawing of a scenario's rows.

    Raises:
        StudioError: bad parameters, conditions, shares or rules, a fit the data does not
            allow, or a scenario the model rarely makes, as one line.
    """
    if request is None:
        request = RunRequest(**fields)
    elif fields:
        raise TypeError(f"synthesize takes a request or its fields, not both: {sorted(fields)}")
    settings = settings or get_settings()
    protections = request.protections if request.protect else ProtectionSettings.none()
    protections = protections or ProtectionSettings.from_settings(settings)
    key, rows, dataset_id, target = request.key, request.rows, request.dataset_id, request.target
    spec = get_spec(key)
    values = resolve_params(key, request.params)
    seed = check_seed(request.seed)
    if not 1 <= rows <= settings.max_rows:
        raise InvalidParameterError(
            f"Number of rows must be between 1 and {settings.max_rows:,}; got {rows:,}."
        )
    dataset = workspace.get_dataset(dataset_id)
    real = workspace.read_real(dataset_id)  # read once: metadata on first use, then the split
    metadata = ensure_metadata(workspace, dataset, pii=request.pii, real=real)
    if target is not None and target not in metadata.sdtypes:
        raise InvalidParameterError(f"Target column '{target}' is not in {dataset.name}.")
    # Checked before the run starts: a bad condition, share or rule records nothing.
    shaping = plan_shaping(
        real,
        metadata,
        spec=spec,
        conditions=request.conditions,
        rebalance=request.rebalance,
        shares=request.shares,
        limits=request.limits,
    )
    with workspace.running(
        dataset_id=dataset_id,
        synthesizer=spec.key,
        params=values,
        seed=seed,
        n_rows=rows,
        versions=library_versions(),
        shaping=shaping.to_dict() if shaping.active else None,
    ) as run:
        prepared = prepare(
            real,
            metadata,
            seed=seed,
            protections=protections,
            settings=settings,
            shaping=shaping,
        )
        fitted = fit(
            prepared, key=request.key, params=values, seed=seed, run=run, progress=progress
        )
        sampled = sample(
            run,
            fitted,
            prepared,
            rows=rows,
            seed=seed,
            schema=workspace.real_schema(dataset_id),
            settings=settings,
            progress=progress,
        )
        evaluation = assess(
            prepared,
            sampled,
            target=target,
            seed=seed,
            settings=settings,
            progress=progress,
            augment=request.augment,
            synthesizer=spec.key,
        )
        run.finish(
            fit_seconds=fitted.seconds,
            sample_seconds=sampled.seconds,
            scores=evaluation.to_dict(),
            model_path=fitted.model_path,
        )
    return RunResult(
        run=workspace.get_run(run.id), sample=sampled.tally.sample, evaluation=evaluation
    )


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
    rare = RareCounter(
        train,
        prepared.metadata.sdtypes,
        threshold=RARE_SHARE,
        min_count=settings.rare_min_count,
        skip=frozenset(prepared.metadata.direct_columns),
    )
    shares = ShareTally(shaping.rebalance.column) if shaping.rebalance else None
    observers = [tally.add, rules.add, rare.add, *([shares.add] if shares else [])]

    def observe(batch: pd.DataFrame) -> None:
        for add in observers:
            add(batch)

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
    if not shaping.shaped:
        return evaluation
    every = split.train if split.holdout is None else real_all(split)
    scenarios = tuple(
        scenario_fidelity(
            real=every,
            synthetic=sampled.tally.sample,
            metadata=prepared.metadata,
            conditions=scenario,
            synthesizer=synthesizer,
        )
        for scenario in shaping.scenarios()[:MAX_SCENARIOS]
    )
    rebalanced = (
        rebalance_result(shaping.rebalance, every, sampled.shares)
        if shaping.rebalance and sampled.shares
        else None
    )
    return dataclasses.replace(evaluation, scenarios=scenarios, rebalance=rebalanced)


def _single_class(shaping: Shaping, target: str | None) -> str:
    """Why a model cannot learn ``target`` from the run's rows alone, or "" when it can."""
    if target is None or target not in shaping.conditions:
        return ""
    return (
        f"Every row is {target}={value_label(shaping.conditions[target])}: a model cannot learn "
        f"'{target}' from these rows alone, so train-on-synthetic was not measured; see "
        "augmentation for real plus synthetic rows."
    )
