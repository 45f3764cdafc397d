"""The bake-off: several synthesizers on one dataset within a time budget, ranked.

Every synthesizer is an ordinary studio run (:func:`core.runs.pipeline.synthesize`), so each entry
of the leaderboard is a recorded run that the Runs and Compare pages open like any other. Which
synthesizers run and with how many epochs is planned before anything runs, from the inputs alone
(:mod:`core.runs.bakeoff_plan`), so the same inputs give the same plan; the ranking and the
recommendation are in :mod:`core.runs.leaderboard`. A run in progress cannot be stopped, and the
plan is an estimate, so the total may overrun: each entry shows its time beside its plan.
"""

from __future__ import annotations

import time
from typing import Any

from core.config import Settings, get_settings
from core.errors import InvalidParameterError, StudioError
from core.formatting import name
from core.progress import Progress, no_progress
from core.runs.bakeoff_plan import EXHAUSTED, BakeoffPlan, epochs_within, plan_bakeoff
from core.runs.leaderboard import (
    BakeoffEntry,
    BakeoffResult,
    composite_score,
    number_or_none,
    rank_entries,
    recommend,
)
from core.runs.pipeline import ensure_metadata, synthesize
from core.runs.request import RunRequest
from core.synth.estimate import table_shape
from core.synth.registry import get_spec, resolve_params
from core.synth.seeding import check_seed
from core.workspace.store import Workspace

__all__ = [
    "EXHAUSTED",
    "BakeoffEntry",
    "BakeoffPlan",
    "BakeoffResult",
    "epochs_within",
    "plan_for",
    "run_bakeoff",
]


def plan_for(
    workspace: Workspace,
    *,
    dataset_id: int,
    keys: list[str],
    rows: int,
    budget_seconds: float,
    target: str | None = None,
    params: dict[str, dict[str, Any]] | None = None,
    settings: Settings | None = None,
) -> BakeoffPlan:
    """The plan :func:`run_bakeoff` follows for these inputs, to show before it starts.

    Reads the dataset's shape (rows, learned columns from its metadata, distinct values) and
    nothing that varies between calls, so it is the same plan every time.

    Raises:
        StudioError: bad arguments (no or unknown synthesizer, budget, rows, target,
            parameters), before anything runs.
    """
    settings = settings or get_settings()
    keys = list(dict.fromkeys(keys))
    if not keys:
        raise InvalidParameterError("Choose at least one synthesizer for the bake-off.")
    for key in keys:
        get_spec(key)  # an unknown key is refused before anything runs
    if not budget_seconds > 0:
        raise InvalidParameterError(f"The budget must be above 0 seconds; got {budget_seconds}.")
    if not 1 <= rows <= settings.max_rows:
        raise InvalidParameterError(
            f"Number of rows must be between 1 and {settings.max_rows:,}; got {rows:,}."
        )
    for key, values in (params or {}).items():
        if key not in keys:
            raise InvalidParameterError(f"Parameters given for '{key}', which is not in the run.")
        resolve_params(key, values)  # refuse bad values before anything runs
    dataset = workspace.get_dataset(dataset_id)
    metadata = ensure_metadata(workspace, dataset)
    if target is not None and target not in metadata.sdtypes:
        raise InvalidParameterError(f"Target column '{target}' is not in {dataset.name}.")
    shape = table_shape(
        rows=dataset.n_rows,
        sdtypes=metadata.sdtypes,
        distinct=workspace.distinct_counts(dataset_id),
    )
    return plan_bakeoff(
        keys=list(dict.fromkeys(keys)),
        shape=shape,
        rows=rows,
        budget_seconds=budget_seconds,
        target=target is not None,
        params=params,
        settings=settings,
    )


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
        seed: Seed of every run (its split, training sample, fit and samples), so every
            synthesizer is fitted and scored on the same rows.
        budget_seconds: Total time for the whole bake-off, sampling and scoring included;
            it decides the plan (:func:`plan_for`), not a clock.
        target: A column to predict, adding the utility ratio to the ranking.
        params: Per-synthesizer parameter overrides, ``{key: {name: value}}``; an ``epochs``
            given here is used as is instead of being fitted to the budget.
        progress: Called with ``("bakeoff:<key>", i, n)`` when the i-th of n synthesizers
            starts (a skipped one too), ``("<key>:<stage>", done, total)`` for its fit,
            sample and evaluate stages, and ``("bakeoff", n, n)`` at the end.
        settings: Limits and the holdout split (defaults to :func:`get_settings`).

    Returns:
        The leaderboard, best first; a failing synthesizer is an entry, not an error.

    Raises:
        StudioError: bad arguments (unknown synthesizer, budget, rows, target, parameters).
    """
    settings = settings or get_settings()
    keys = list(dict.fromkeys(keys))
    seed = check_seed(seed)
    overrides = params or {}
    dataset = workspace.get_dataset(dataset_id)
    plan = plan_for(
        workspace,
        dataset_id=dataset_id,
        keys=keys,
        rows=rows,
        budget_seconds=budget_seconds,
        target=target,
        params=overrides,
        settings=settings,
    )
    started = _now()
    every = RunRequest(dataset_id=dataset_id, key="", rows=rows, seed=seed, target=target)
    entries: list[BakeoffEntry] = []
    for index, planned in enumerate(plan.runs):
        progress(f"bakeoff:{planned.key}", index, len(plan.runs))
        if not planned.runs:
            entries.append(BakeoffEntry(planned.key, planned.label, "skipped", note=planned.skip))
            continue

        def forward(stage: str, done: float, total: float | None, key: str = planned.key) -> None:
            progress(f"{key}:{stage}", done, total)

        values = dict(overrides.get(planned.key, {}))
        if planned.epochs is not None:
            values["epochs"] = planned.epochs
        entries.append(
            _run_one(
                workspace,
                every.with_synthesizer(planned.key, values),
                settings=settings,
                progress=forward,
                planned_seconds=planned.seconds,
            )
        )
    progress("bakeoff", len(plan.runs), len(plan.runs))
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
        plan=plan,
    )


def _run_one(
    workspace: Workspace,
    request: RunRequest,
    *,
    settings: Settings,
    progress: Progress,
    planned_seconds: float,
) -> BakeoffEntry:
    spec_key, dataset_id = request.key, request.dataset_id
    spec = get_spec(spec_key)
    begun = _now()
    known = {run.id for run in workspace.list_runs(dataset_id)}
    epochs = (request.params or {}).get("epochs")
    try:
        result = synthesize(workspace, request, progress=progress, settings=settings)
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
            planned_seconds=planned_seconds,
            epochs=epochs,
            note=f"Failed: {err}",
        )
    scores = result.evaluation.to_dict()
    quality = number_or_none(scores.get("quality_score"))
    utility = number_or_none((scores.get("utility") or {}).get("ratio"))
    privacy = scores.get("privacy") or {}
    dcr = number_or_none(privacy.get("dcr_share"))
    gate = privacy.get("gate") or {}
    failing = ", ".join(name(check) for check in gate.get("failing", [])) or "not measured"
    note = "" if gate.get("passed") else f"Privacy gate failed: {failing}."
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
        planned_seconds=planned_seconds,
        epochs=epochs,
        note=note,
    )
