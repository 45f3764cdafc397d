"""The bake-off's plan: which synthesizers run, with how many epochs, decided before any runs.

The plan is a pure function of the inputs (the table's shape, the synthesizers, rows, budget,
target and parameters) through the fit estimate of :mod:`core.synth.estimate`, so the same
inputs always give the same plan: the same epochs, the same skips. The clock never decides:
timing a probe fit, as the bake-off once did, gave 14 s for TVAE on one run and 81 s on the
next on a shared machine, and so skipped it once and trained it once.

Budget. Synthesizers without epochs come first: they take seconds and run while any budget is
left. Then the budget left is split evenly across the neural synthesizers not yet planned; each
gets the most epochs whose setup, epochs, sampling and scoring fit its share (at most its
default: the budget is a ceiling, not a target), or one epoch borrowed from those after it, or
is skipped with the reason in words. Epochs given by the user are used as given. A run then
takes what it takes; the leaderboard shows its time beside the planned time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.config import Settings, get_settings
from core.formatting import duration
from core.synth.estimate import TableShape, estimate_fit
from core.synth.registry import get_spec, resolve_params
from core.synth.training_sample import planned_training_rows

EXHAUSTED = "Budget used up"
# Sampling and scoring one run, measured on a 2-core machine: overhead seconds, seconds per
# 1,000 sampled cells, per 1,000 scored cells (each side is scored on at most
# Settings.eval_max_rows rows), per column pair, and the utility check's two models.
SCORING_COST = (1.0, 0.002, 0.012, 0.004, 3.0)


@dataclass(frozen=True)
class PlannedRun:
    """One synthesizer in the plan: its epochs and estimated seconds, or why it is skipped."""

    key: str
    label: str
    epochs: int | None  # None without epochs, or when skipped
    seconds: float  # estimated fit, sampling and scoring; 0 when skipped
    skip: str = ""  # the reason it does not run, in words; "" when it runs

    @property
    def runs(self) -> bool:
        return not self.skip


@dataclass(frozen=True)
class BakeoffPlan:
    """The runs of a bake-off, in the order they run."""

    budget_seconds: float
    runs: tuple[PlannedRun, ...] = field(default_factory=tuple)

    @property
    def seconds(self) -> float:
        return sum(run.seconds for run in self.runs)

    def lines(self) -> list[str]:
        """One sentence per synthesizer, as the page and the report state the plan."""
        return [
            f"{run.label}: {run.skip}"
            if run.skip
            else f"{run.label}: "
            + (f"{run.epochs} epochs, " if run.epochs else "")
            + f"about {duration(run.seconds)}."
            for run in self.runs
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "budget_seconds": self.budget_seconds,
            "runs": [
                {
                    "key": r.key,
                    "epochs": r.epochs,
                    "seconds": round(r.seconds, 1),
                    "skip": r.skip or None,
                }
                for r in self.runs
            ],
        }


def scoring_seconds(
    shape: TableShape, *, rows: int, target: bool, settings: Settings | None = None
) -> float:
    """Estimated seconds to sample ``rows`` synthetic rows and score them (see SCORING_COST)."""
    settings = settings or get_settings()
    overhead, per_sampled, per_scored, per_pair, utility = SCORING_COST
    columns = max(shape.columns, 1)
    scored = (min(rows, settings.eval_max_rows) + min(shape.rows, settings.eval_max_rows)) * columns
    return (
        overhead
        + per_sampled * rows * columns / 1000
        + per_scored * scored / 1000
        + per_pair * columns * (columns - 1) / 2
        + (utility if target else 0.0)
    )


def epochs_within(
    seconds: float, *, setup: float, per_epoch: float, scoring: float, most: int
) -> int:
    """Most epochs (at most ``most``) whose fit plus scoring takes no more than ``seconds``.

    Zero or less when not even one epoch fits.
    """
    return min(math.floor((seconds - scoring - setup) / per_epoch), most)


def plan_bakeoff(
    *,
    keys: Sequence[str],
    shape: TableShape,
    rows: int,
    budget_seconds: float,
    target: bool = False,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    settings: Settings | None = None,
) -> BakeoffPlan:
    """The bake-off's runs in order, each with its epochs and estimate or why it is skipped.

    Args:
        keys: Registry keys, without duplicates.
        shape: The dataset's shape (every row; the plan takes its training rows and sample).
        rows: Synthetic rows per synthesizer.
        budget_seconds: Time for the whole bake-off.
        target: Whether a utility check runs (two more models per run).
        params: Per-synthesizer parameters; an ``epochs`` given there is used as given.
        settings: Cost constants, the holdout share and the training sample cap.
    """
    settings = settings or get_settings()
    params = params or {}
    fit_shape = shape.with_rows(
        min(planned_training_rows(shape.rows, settings), settings.train_max_rows)
    )
    scoring = scoring_seconds(shape, rows=rows, target=target, settings=settings)
    specs = sorted((get_spec(key) for key in keys), key=lambda spec: spec.has_epochs)
    left = float(budget_seconds)
    planned: list[PlannedRun] = []
    for index, spec in enumerate(specs):
        given = params.get(spec.key, {}).get("epochs")
        if not spec.has_epochs or given is not None:
            estimate = estimate_fit(spec, shape=fit_shape, epochs=given, settings=settings)
            if left <= 0:
                skip = (
                    f"{EXHAUSTED}: the runs before it are planned to take "
                    f"{duration(budget_seconds - left)} of the {duration(budget_seconds)} budget."
                )
                planned.append(PlannedRun(spec.key, spec.label, None, 0.0, skip))
                continue
            cost = estimate.seconds + scoring
            planned.append(PlannedRun(spec.key, spec.label, given, cost))
            left -= cost
            continue
        estimate = estimate_fit(spec, shape=fit_shape, epochs=1, settings=settings)
        cost = {
            "setup": estimate.setup_seconds,
            "per_epoch": max(estimate.epoch_seconds, 1e-3),
            "scoring": scoring,
            "most": int(resolve_params(spec.key)["epochs"]),
        }
        share = left / (len(specs) - index)
        epochs = epochs_within(share, **cost)
        if epochs < 1 and epochs_within(left, **cost) >= 1:
            epochs = 1  # less than one epoch fits its share: borrow from the synthesizers after it
        if epochs < 1:
            need = estimate.setup_seconds + estimate.epoch_seconds + scoring
            skip = (
                f"{EXHAUSTED}: its setup, one epoch and scoring need about {duration(need)}, "
                f"and {duration(max(left, 0))} of the {duration(budget_seconds)} budget is left "
                "for it."
            )
            planned.append(PlannedRun(spec.key, spec.label, None, 0.0, skip))
            continue
        seconds = estimate.setup_seconds + epochs * estimate.epoch_seconds + scoring
        planned.append(PlannedRun(spec.key, spec.label, epochs, seconds))
        left -= seconds
    return BakeoffPlan(budget_seconds=float(budget_seconds), runs=tuple(planned))
