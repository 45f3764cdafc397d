"""The bake-off: several synthesizers on one dataset within a time budget, ranked.

Every synthesizer is an ordinary studio run (:func:`core.runs.pipeline.synthesize`), so each entry
of
the leaderboard is a recorded run that the Runs and Compare pages open like any other. The
ranking and the recommendation are in :mod:`core.runs.leaderboard`.

Budget. Synthesizers without epochs run first: they take seconds, and their measured sampling
and scoring time tells how much of a neural synthesizer's share that part will need. Before
each synthesizer starts, the time left is split evenly across those not yet run; one that
cannot start (no time left, or not even one epoch fits) is recorded as skipped, "budget
exhausted". For a neural synthesizer the epochs are chosen from a probe: a two-epoch fit on at
most ``PROBE_ROWS`` training rows, timed at the end of each epoch, separates the fixed setup
(column transformers) from the cost of one epoch; both are scaled linearly to the full row
count (an epoch is one pass over the rows in fixed-size batches), plus ``ESTIMATE_MARGIN``. A
probe is cheaper and more faithful than a rows-times-columns formula, whose constant would
depend on the machine and its load. The epochs never exceed the synthesizer's default: the
budget is a ceiling, not a target. A run in progress cannot be stopped, so the total may still
overrun a little.
"""

from __future__ import annotations

import math
import time
from typing import Any

import pandas as pd

from core.config import Settings, get_settings
from core.data.holdout import split_real
from core.errors import InvalidParameterError, StudioError
from core.meta import StudioMetadata
from core.privacy.protections import protect_training
from core.progress import Progress, no_progress
from core.runs.leaderboard import (
    BakeoffEntry,
    BakeoffResult,
    composite_score,
    number_or_none,
    rank_entries,
    recommend,
)
from core.runs.pipeline import ensure_metadata, synthesize
from core.synth.registry import fit_synthesizer, get_spec, resolve_params
from core.synth.seeding import check_seed
from core.workspace.store import Workspace

__all__ = ["BakeoffEntry", "BakeoffResult", "epochs_within", "run_bakeoff"]

# Training rows the epoch probe fits on; its time is scaled up to the full table.
PROBE_ROWS = 1000
PROBE_EPOCHS = 2
# Timings vary from run to run (other processes, slower first epochs): estimates get this margin.
ESTIMATE_MARGIN = 1.2
# Seconds assumed for sampling and scoring before any run has measured them.
FALLBACK_SCORING_SECONDS = 5.0
EXHAUSTED = "budget exhausted"


def _now() -> float:
    """The clock the budget is measured by (a module function, so a test can move it)."""
    return time.perf_counter()


def run_bakeoff(
    workspace: Workspace,
    *,
    dataset_id: int,
    keys: list[str],
    rows: int,
    seed: int,
    budget_seconds: float,
    target: str | None = None,
    params: dict[str, dict[str, Any]] | None = None,
    progress: Progress = no_progress,
    settings: Settings | None = None,
) -> BakeoffResult:
    """Run each synthesizer in ``keys`` on one dataset within a time budget and rank them.

    Args:
        workspace: Where the dataset is and the runs are recorded.
        dataset_id: The dataset to synthesize.
        keys: Registry keys; duplicates are run once.
        rows: Synthetic rows per synthesizer.
        seed: Seed of every run (its split, training sample, fit and samples) and probe, so
            every synthesizer is fitted and scored on the same rows.
        budget_seconds: Total time for the whole bake-off, probes and scoring included.
        target: A column to predict, adding the utility ratio to the ranking.
        params: Per-synthesizer parameter overrides, ``{key: {name: value}}``; an ``epochs``
            given here is used as is instead of being fitted to the budget.
        progress: Called with ``("bakeoff:<key>", i, n)`` when the i-th of n synthesizers
            starts, ``("<key>:<stage>", done, total)`` for its probe, fit, sample and
            evaluate stages, and ``("bakeoff", n, n)`` at the end.
        settings: Limits and the holdout split (defaults to :func:`get_settings`).

    Returns:
        The leaderboard, best first; a failing synthesizer is an entry, not an error.

    Raises:
        StudioError: bad arguments (unknown synthesizer, budget, rows, target, parameters).
    """
    settings = settings or get_settings()
    keys = list(dict.fromkeys(keys))
    if not keys:
        raise InvalidParameterError("Choose at least one synthesizer for the bake-off.")
    specs = [get_spec(key) for key in keys]
    seed = check_seed(seed)
    if not budget_seconds > 0:
        raise InvalidParameterError(f"The budget must be above 0 seconds; got {budget_seconds}.")
    if not 1 <= rows <= settings.max_rows:
        raise InvalidParameterError(
            f"Number of rows must be between 1 and {settings.max_rows:,}; got {rows:,}."
        )
    overrides = params or {}
    for key in overrides:
        if key not in keys:
            raise InvalidParameterError(f"Parameters given for '{key}', which is not in the run.")
        resolve_params(key, overrides[key])  # refuse bad values before anything runs
    dataset = workspace.get_dataset(dataset_id)
    metadata = ensure_metadata(workspace, dataset)
    if target is not None and target not in metadata.sdtypes:
        raise InvalidParameterError(f"Target column '{target}' is not in {dataset.name}.")

    started = _now()
    # Fast synthesizers first: they finish in seconds and measure the scoring time.
    specs.sort(key=lambda spec: spec.has_epochs)
    scoring_seconds: float | None = None
    training: pd.DataFrame | None = None
    entries: list[BakeoffEntry] = []
    for index, spec in enumerate(specs):
        progress(f"bakeoff:{spec.key}", index, len(specs))
        begun = _now()
        left = budget_seconds - (begun - started)
        if left <= 0:
            entries.append(BakeoffEntry(spec.key, spec.label, "skipped", note=EXHAUSTED))
            continue
        values = dict(overrides.get(spec.key, {}))

        def forward(stage: str, done: float, total: float | None, key: str = spec.key) -> None:
            progress(f"{key}:{stage}", done, total)

        if spec.has_epochs and "epochs" not in values:
            if training is None:
                training = _training_rows(workspace, dataset_id, metadata, settings, seed=seed)
            try:
                epochs, reason = _fit_epochs(
                    spec.key,
                    values,
                    training=training,
                    metadata=metadata,
                    share_of=len(specs) - index,
                    deadline=started + budget_seconds,
                    scoring_seconds=scoring_seconds or FALLBACK_SCORING_SECONDS,
                    seed=seed,
                    progress=forward,
                )
            except StudioError as err:  # the probe could not fit: the run would not either
                epochs, reason, status = None, str(err), "failed"
            else:
                status = "skipped"
            if epochs is None:
                wall = _now() - begun
                entries.append(
                    BakeoffEntry(spec.key, spec.label, status, wall_seconds=wall, note=reason)
                )
                continue
            values["epochs"] = epochs
        run_started = _now()
        entry = _run_one(
            workspace,
            spec_key=spec.key,
            dataset_id=dataset_id,
            rows=rows,
            seed=seed,
            params=values,
            target=target,
            settings=settings,
            progress=forward,
            begun=begun,
        )
        entries.append(entry)
        if entry.status == "done" and entry.fit_seconds is not None:
            # Everything but the fit (sampling, scoring, storing): the same work for every run.
            spent = _now() - run_started - entry.fit_seconds
            scoring_seconds = max(scoring_seconds or 0.0, spent)
    progress("bakeoff", len(specs), len(specs))
    ranked = rank_entries(entries)
    winner, sentence = recommend(ranked)
    return BakeoffResult(
        dataset=dataset.name,
        dataset_id=dataset.id,
        budget_seconds=float(budget_seconds),
        elapsed_seconds=_now() - started,
        entries=tuple(ranked),
        recommendation=sentence,
        winner=winner,
        target=target,
    )


def _run_one(
    workspace: Workspace,
    *,
    spec_key: str,
    dataset_id: int,
    rows: int,
    seed: int,
    params: dict[str, Any],
    target: str | None,
    settings: Settings,
    progress: Progress,
    begun: float,
) -> BakeoffEntry:
    spec = get_spec(spec_key)
    known = {run.id for run in workspace.list_runs(dataset_id)}
    epochs = params.get("epochs")
    try:
        result = synthesize(
            workspace,
            dataset_id=dataset_id,
            key=spec_key,
            rows=rows,
            seed=seed,
            params=params,
            target=target,
            progress=progress,
            settings=settings,
        )
    except StudioError as err:
        # The pipeline recorded the failed run; find it so the entry can point to it.
        failed = [
            run.id
            for run in workspace.list_runs(dataset_id)
            if run.id not in known and run.synthesizer == spec_key
        ]
        return BakeoffEntry(
            spec_key,
            spec.label,
            "failed",
            run_id=failed[-1] if failed else None,
            wall_seconds=_now() - begun,
            epochs=epochs,
            note=str(err),
        )
    scores = result.evaluation.to_dict()
    quality = number_or_none(scores.get("quality_score"))
    utility = number_or_none((scores.get("utility") or {}).get("ratio"))
    privacy = scores.get("privacy") or {}
    dcr = number_or_none(privacy.get("dcr_share"))
    gate = privacy.get("gate") or {}
    note = "" if gate.get("passed") else "privacy gate: " + ", ".join(gate.get("failing", []))
    return BakeoffEntry(
        spec_key,
        spec.label,
        "done",
        run_id=result.run.id,
        score=composite_score(quality or 0.0, utility, dcr),
        quality=quality,
        utility_ratio=utility,
        dcr_share=dcr,
        gate_passed=bool(gate.get("passed")),
        fit_seconds=result.run.fit_seconds,
        sample_seconds=result.run.sample_seconds,
        wall_seconds=_now() - begun,
        epochs=epochs,
        note=note,
    )


def _training_rows(
    workspace: Workspace,
    dataset_id: int,
    metadata: StudioMetadata,
    settings: Settings,
    *,
    seed: int,
) -> pd.DataFrame:
    """The rows a run with ``seed`` fits on: its training split after its protections."""
    split = split_real(workspace.read_real(dataset_id), seed=seed, settings=settings)
    return protect_training(split.train, metadata, settings).data


def _fit_epochs(
    key: str,
    params: dict[str, Any],
    *,
    training: pd.DataFrame,
    metadata: StudioMetadata,
    share_of: int,
    deadline: float,
    scoring_seconds: float,
    seed: int,
    progress: Progress,
) -> tuple[int | None, str]:
    """Epochs that fit this synthesizer's share of the time left, or None and why not."""
    if deadline - _now() <= scoring_seconds:
        return None, f"{EXHAUSTED}: sampling and scoring alone need ~{scoring_seconds:.0f} s"
    sample = training.sample(n=min(len(training), PROBE_ROWS), random_state=seed)
    setup, per_epoch = _probe(key, params, sample, metadata, progress, seed=seed)
    scale = len(training) / len(sample) * ESTIMATE_MARGIN
    setup, per_epoch = setup * scale, per_epoch * scale
    left = deadline - _now()
    most = int(resolve_params(key)["epochs"])
    cost = {"setup": setup, "per_epoch": per_epoch, "scoring": scoring_seconds, "most": most}
    epochs = epochs_within(left / share_of, **cost)
    if epochs < 1 and epochs_within(left, **cost) >= 1:
        epochs = 1  # less than one epoch fits its share: borrow from the synthesizers after it
    if epochs >= 1:
        return epochs, ""
    need = setup + per_epoch + scoring_seconds
    return None, f"{EXHAUSTED}: one epoch and scoring need ~{need:.0f} s, {max(left, 0):.0f} s left"


def epochs_within(
    seconds: float, *, setup: float, per_epoch: float, scoring: float, most: int
) -> int:
    """Most epochs (at most ``most``) whose fit plus scoring takes no more than ``seconds``.

    Zero or less when not even one epoch fits.
    """
    return min(math.floor((seconds - scoring - setup) / per_epoch), most)


def _probe(
    key: str,
    params: dict[str, Any],
    data: pd.DataFrame,
    metadata: StudioMetadata,
    progress: Progress,
    *,
    seed: int,
) -> tuple[float, float]:
    """Setup and per-epoch seconds of ``key`` on ``data``, from a short timed fit."""
    poll = 0.05
    first_epoch: list[float] = []

    def watch(stage: str, done: float, total: float | None) -> None:
        if stage == "fit" and done >= 1 and not first_epoch:
            first_epoch.append(_now())
        progress("probe", done, total)

    started = _now()
    fit_synthesizer(
        key=key,
        metadata=metadata.to_sdv(),
        data=data,
        seed=seed,
        params={**params, "epochs": PROBE_EPOCHS},
        locales=list(metadata.locales),
        progress=watch,
        poll_seconds=poll,
    )
    ended = _now()
    first = first_epoch[0] if first_epoch else ended
    # Epochs shorter than one poll are seen together; the poll interval bounds them from above.
    per_epoch = max((ended - first) / (PROBE_EPOCHS - 1), poll)
    setup = max(first - started - per_epoch, 0.0)
    return setup, per_epoch
