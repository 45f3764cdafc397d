"""The bake-off's leaderboard: entries, the composite score, the ranking and the recommendation.

Pure data, no fitting: :mod:`core.runs.bakeoff` fills the entries and calls :func:`rank_entries` and
:func:`recommend`.

The composite score is in [0, 1] (weights in ``WEIGHTS``, the one place to change the
ranking): quality; the utility ratio when a target is given (capped at 1); and privacy as
``1 - (DCR share - 0.5) / 0.5`` clipped to [0, 1]. A DCR share at or below 0.5 (what unseen real
rows give) scores 1: rows no closer to the training rows than to unseen ones leak nothing, so
being below 0.5 is not penalised. Missing components are left out and the weights renormalised.
Only a run that passes the privacy gate can be recommended: runs that pass rank first, then by
score rounded to the two decimals shown (equal scores are a tie), then by fit + sample time.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from core.formatting import MISSING, count, duration, percent, score
from core.runs.bakeoff_plan import BakeoffPlan

# Quality leads; utility only counts when a target is given; privacy is mostly the gate.
WEIGHTS: dict[str, float] = {"quality": 0.6, "utility": 0.25, "privacy": 0.15}
LEADERBOARD_COLUMNS = (
    "rank",
    "synthesizer",
    "status",
    "score",
    "quality",
    "utility_ratio",
    "dcr_share",
    "gate_passed",
    "epochs",
    "fit_seconds",
    "sample_seconds",
    "planned_seconds",
    "run_id",
    "note",
    "key",
)


@dataclass(frozen=True)
class BakeoffEntry:
    """One synthesizer's line in the leaderboard.

    ``status`` is "done", "failed" or "skipped". Scores are None unless done: ``quality`` and
    ``score`` in [0, 1], ``utility_ratio`` in [0, ~1] (synthetic over real model score),
    ``dcr_share`` in [0, 1] (0.5 ideal). ``rank`` is 1 for the best finished run, None otherwise.
    """

    key: str
    label: str
    status: str
    run_id: int | None = None
    score: float | None = None
    quality: float | None = None
    utility_ratio: float | None = None
    dcr_share: float | None = None
    gate_passed: bool = False
    fit_seconds: float | None = None
    sample_seconds: float | None = None
    wall_seconds: float = 0.0  # everything spent on it here: fit, sample, scoring, storing
    planned_seconds: float | None = None  # what the plan estimated for it
    epochs: int | None = None
    rank: int | None = None
    note: str = ""

    @property
    def seconds(self) -> float:
        """Time to make the data (fit + sample): the speed the recommendation compares."""
        return (self.fit_seconds or 0.0) + (self.sample_seconds or 0.0)


@dataclass(frozen=True)
class BakeoffResult:
    """The ranked entries, best first, and the recommendation in one sentence."""

    dataset: str
    dataset_id: int
    budget_seconds: float
    elapsed_seconds: float
    entries: tuple[BakeoffEntry, ...]
    recommendation: str
    winner: str | None  # key of the recommended synthesizer; None when none qualifies
    target: str | None = None
    plan: BakeoffPlan | None = None  # what was planned before anything ran

    def leaderboard(self) -> pd.DataFrame:
        """One row per synthesizer in ranking order, finished runs first."""
        rows = [{**asdict(e), "synthesizer": e.label} for e in self.entries]
        table = pd.DataFrame(rows, columns=list(LEADERBOARD_COLUMNS))
        return table.astype({"rank": "Int64", "epochs": "Int64", "run_id": "Int64"})

    def display_table(self) -> pd.DataFrame:
        """The leaderboard as a person reads it: formatted values, why a run did not finish in
        the row itself, and the time each run took beside its plan."""
        return pd.DataFrame(
            [
                {
                    "Rank": "" if e.rank is None else str(e.rank),
                    "Synthesizer": e.label,
                    "Outcome": _outcome(e),
                    **_scores(e, target=self.target is not None),
                    "Privacy gate": _gate(e),
                    "Epochs": "" if e.epochs is None else count(e.epochs),
                    "Time (planned)": _time(e),
                    "Run": "" if e.run_id is None else f"#{e.run_id}",
                }
                for e in self.entries
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary, the shape ``cli bakeoff --report`` writes."""
        return {
            "dataset": self.dataset,
            "target": self.target,
            "budget_seconds": self.budget_seconds,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "weights": dict(WEIGHTS),
            "leaderboard": [{k: _json_safe(v) for k, v in asdict(e).items()} for e in self.entries],
            "recommendation": self.recommendation,
            "winner": self.winner,
            "plan": None if self.plan is None else self.plan.to_dict(),
        }


def _outcome(entry: BakeoffEntry) -> str:
    if entry.status == "done":
        return f"Done. {entry.note}" if entry.note else "Done."
    if entry.status == "skipped":
        return f"Skipped. {entry.note}"
    return entry.note if entry.note.startswith("Failed") else f"Failed: {entry.note}"


def _scores(entry: BakeoffEntry, *, target: bool) -> dict[str, str]:
    """The scores of a finished run, formatted; blank for a run that did not finish."""
    if entry.status != "done":
        return dict.fromkeys(("Score", "Quality", "Utility ratio", "DCR share"), "")
    return {
        "Score": score(entry.score),
        "Quality": percent(entry.quality),
        "Utility ratio": score(entry.utility_ratio) if target else "no target",
        "DCR share": score(entry.dcr_share),
    }


def _gate(entry: BakeoffEntry) -> str:
    if entry.status != "done":
        return ""
    return "passed" if entry.gate_passed else "failed"


def _time(entry: BakeoffEntry) -> str:
    if entry.status == "skipped":
        return ""
    took = duration(entry.wall_seconds) if entry.wall_seconds else MISSING
    if entry.planned_seconds is None:
        return took
    return f"{took} ({duration(entry.planned_seconds)})"


def composite_score(
    quality: float, utility_ratio: float | None = None, dcr_share: float | None = None
) -> float:
    """The weighted score in [0, 1] that ranks finished runs (see ``WEIGHTS``)."""
    parts = {"quality": _clip(quality)}
    if utility_ratio is not None:
        parts["utility"] = _clip(utility_ratio)
    if dcr_share is not None:
        parts["privacy"] = _clip(1.0 - (dcr_share - 0.5) / 0.5)
    total = sum(WEIGHTS[name] for name in parts)
    return sum(WEIGHTS[name] * value for name, value in parts.items()) / total


def rank_entries(entries: list[BakeoffEntry]) -> list[BakeoffEntry]:
    """Finished runs ranked (gate passed, score to two decimals, then time); then the rest."""
    done = sorted(
        (e for e in entries if e.status == "done"),
        key=lambda e: (not e.gate_passed, -round(e.score or 0.0, 2), e.seconds),
    )
    rest = [e for e in entries if e.status == "failed"] + [
        e for e in entries if e.status == "skipped"
    ]
    return [dataclasses.replace(e, rank=i) for i, e in enumerate(done, start=1)] + rest


def recommend(ranked: list[BakeoffEntry]) -> tuple[str | None, str]:
    """The recommended key (None when nothing qualifies) and one sentence saying why."""
    done = [e for e in ranked if e.status == "done"]
    unfinished = [e for e in ranked if e.status != "done"]
    tail = ""
    if unfinished:
        tail = " Not finished: " + ", ".join(f"{e.label} ({e.status})" for e in unfinished) + "."
    if not done:
        skipped = any(e.status == "skipped" for e in unfinished)
        advice = " Raise the budget or choose faster synthesizers." if skipped else ""
        return None, "No synthesizer finished." + advice + tail
    passing = [e for e in done if e.gate_passed]
    if not passing:
        best = done[0]
        return None, (
            f"None is recommended: no synthesizer passes the privacy gate. The best score is "
            f"{best.label}'s {_fmt(best.score)} (DCR share {_fmt(best.dcr_share)}); review its "
            "privacy on the Compare page before any release." + tail
        )
    win = passing[0]
    others = [e for e in done if e is not win]
    rival = max(others, key=lambda e: e.score or 0.0, default=None)
    if rival is None:
        why = f"the only one that finished, score {_fmt(win.score)}"
    elif round(win.score or 0.0, 2) > round(rival.score or 0.0, 2):
        why = f"highest score {_fmt(win.score)}"
    elif round(win.score or 0.0, 2) == round(rival.score or 0.0, 2):
        why = f"tied best score {_fmt(win.score)}"
    else:
        why = f"best score among those passing the privacy gate, {_fmt(win.score)}"
    parts = [
        f"quality {_fmt(win.quality)}"
        + (f" ({rival.label} {_fmt(rival.quality)})" if rival else "")
    ]
    if win.utility_ratio is not None:
        parts.append(
            f"utility ratio {_fmt(win.utility_ratio)}"
            + (f" ({rival.label} {_fmt(rival.utility_ratio)})" if rival else "")
        )
    gate = f"passes the privacy gate (DCR share {_fmt(win.dcr_share)})"
    if rival is not None and not rival.gate_passed:
        gate += f" where {rival.label} does not"
    parts.append(gate)
    if rival is not None:
        parts.append(_speed(win, rival))
    return win.key, f"{win.label}: {why}; " + ", ".join(parts) + "." + tail


def _speed(win: BakeoffEntry, rival: BakeoffEntry) -> str:
    if win.seconds <= 0 or rival.seconds <= 0:
        return f"as fast as {rival.label}"
    ratio = rival.seconds / win.seconds
    if ratio >= 1.5:
        return f"{_times(ratio)} faster than {rival.label}"
    if ratio <= 1 / 1.5:
        return f"{_times(1 / ratio)} slower than {rival.label}"
    return f"about as fast as {rival.label}"


def _times(ratio: float) -> str:
    return f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.1f}x"


def _fmt(value: float | None) -> str:
    return score(value)


def _clip(value: float) -> float:
    return min(max(float(value), 0.0), 1.0)


def number_or_none(value: Any) -> float | None:
    """A score as a float, or None when it is missing or not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return float(value)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
