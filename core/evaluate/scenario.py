"""Scenario fidelity and reached shares: do the rows of a scenario look like its real rows?

A scenario (``plan = premium``) is a success only if its other columns follow the condition
the way the real rows of that scenario do (premium customers spend like premium customers),
not if the fixed column was merely written over. Each scenario's synthetic rows are scored
against the real rows of the same scenario with SDMetrics' column-shape metrics
(KSComplement for numbers and dates, TVComplement for categories) over the other learned
columns. Beside it, the **baseline**: the same score of every real row against the scenario's
rows, which is what a copy of the whole table with the fixed column written over would get.
``gap_closed`` is the share of the distance from the baseline to 1 the synthetic rows cover;
below one half, the scenario is poor and the check names a synthesizer to try.

A rebalance's shares are counted over every stored row (:class:`ShareTally`) and stored with
the real table's shares before it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sdmetrics.single_column import KSComplement, TVComplement

from core.data.formats import TableFormat
from core.evaluate.features import as_labels, as_seconds, kinds_from_sdtypes
from core.evaluate.sdmetrics import json_float
from core.meta import StudioMetadata
from core.synth.registry import get_spec
from core.synth.scenarios import Rebalance, json_value, scenario_label, value_label

# Below this share of the gap from the baseline to 1 closed, a scenario is poor.
MIN_GAP_CLOSED = 0.5
# A scenario whose real rows score this close to 1 against the whole table is no different
# from it in the other columns: there is nothing to carry, so nothing to judge.
MIN_DIFFERENCE = 0.05
# Fewer real rows than this make a scenario's score noise.
MIN_REAL_ROWS = 10
# Scenarios checked per run (a rebalance of many categories checks the first ones).
MAX_SCENARIOS = 20


@dataclass(frozen=True)
class ScenarioFidelity:
    """How closely one scenario's synthetic rows follow its real rows (scores in [0, 1])."""

    conditions: dict[str, Any]
    real_rows: int
    synthetic_rows: int
    score: float  # synthetic scenario rows against real scenario rows
    baseline: float  # every real row against the real scenario rows
    columns: tuple[dict[str, Any], ...]
    synthesizer: str = ""

    @property
    def label(self) -> str:
        return scenario_label(self.conditions)

    @property
    def gap_closed(self) -> float | None:
        """Share of the baseline's distance to 1 the synthetic rows cover (None: no gap)."""
        gap = 1.0 - self.baseline
        if math.isnan(self.score) or math.isnan(gap) or gap < MIN_DIFFERENCE:
            return None
        return (self.score - self.baseline) / gap

    @property
    def poor(self) -> bool:
        if self.real_rows < MIN_REAL_ROWS or math.isnan(self.score):
            return False
        closed = self.gap_closed
        if closed is None:  # the scenario looks like the table: just do not be worse
            return self.score < self.baseline - MIN_DIFFERENCE
        return closed < MIN_GAP_CLOSED

    @property
    def suggested_synthesizer(self) -> str | None:
        if not self.poor or not self.synthesizer:
            return None
        return get_spec(self.synthesizer).scenario_alternative

    @property
    def warning(self) -> str:
        if self.real_rows < MIN_REAL_ROWS:
            return (
                f"Scenario {self.label} has {self.real_rows} real rows: too few to judge its "
                "synthetic rows."
            )
        if not self.poor:
            return ""
        text = (
            f"Scenario {self.label}: its rows follow the real {self.label} rows "
            f"({self.score:.2f}) little better than the whole table does ({self.baseline:.2f}); "
            "the synthesizer wrote the condition without carrying it into the other columns."
        )
        if self.synthesizer and get_spec(self.synthesizer).conditioning == "native":
            text += " A Gaussian copula carries a condition only through linear correlations."
        if (suggested := self.suggested_synthesizer) is not None:
            text += f" Try {get_spec(suggested).label}."
        return text

    def to_dict(self) -> dict[str, Any]:
        closed = self.gap_closed
        return {
            "conditions": {c: json_value(v) for c, v in self.conditions.items()},
            "label": self.label,
            "real_rows": int(self.real_rows),
            "synthetic_rows": int(self.synthetic_rows),
            "fidelity": json_float(self.score),
            "baseline": json_float(self.baseline),
            "gap_closed": None if closed is None else json_float(closed),
            "poor": self.poor,
            "warning": self.warning,
            "suggested_synthesizer": self.suggested_synthesizer,
            "columns": [dict(c) for c in self.columns],
        }


def matching(frame: pd.DataFrame, conditions: Mapping[str, Any]) -> pd.Series:
    """Which rows of ``frame`` meet every condition (values compared as labels)."""
    keep = pd.Series(True, index=frame.index)
    for column, value in conditions.items():
        keep &= as_labels(frame[column]).eq(value_label(value)).to_numpy()
    return keep


def scenario_fidelity(
    *,
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: StudioMetadata,
    conditions: Mapping[str, Any],
    synthesizer: str = "",
) -> ScenarioFidelity:
    """Score the synthetic rows of one scenario against its real rows, beside the baseline.

    Args:
        real: Every real row (training and holdout).
        synthetic: Synthetic rows; those meeting ``conditions`` are scored.
        metadata: The table's metadata: its learned columns other than the conditions' are
            scored.
        conditions: The scenario.
        synthesizer: The registry key that made the rows, for the suggestion.
    """
    kinds = {
        c: k
        for c, k in kinds_from_sdtypes(metadata.sdtypes).items()
        if c not in conditions and c not in metadata.direct_columns and c in synthetic.columns
    }
    real_rows = real[matching(real, conditions).to_numpy()]
    synthetic_rows = synthetic[matching(synthetic, conditions).to_numpy()]
    columns = []
    for column, kind in kinds.items():
        score = _shape(real_rows[column], synthetic_rows[column], kind)
        baseline = _shape(real_rows[column], real[column], kind)
        entry: dict[str, Any] = {
            "column": str(column),
            "metric": "KSComplement" if kind != "categorical" else "TVComplement",
            "fidelity": json_float(score),
            "baseline": json_float(baseline),
        }
        if kind == "numeric":
            entry.update(
                real_scenario_mean=_mean(real_rows[column]),
                real_mean=_mean(real[column]),
                synthetic_mean=_mean(synthetic_rows[column]),
            )
        columns.append(entry)
    return ScenarioFidelity(
        conditions=dict(conditions),
        real_rows=len(real_rows),
        synthetic_rows=len(synthetic_rows),
        score=_average([c["fidelity"] for c in columns]),
        baseline=_average([c["baseline"] for c in columns]),
        columns=tuple(columns),
        synthesizer=synthesizer,
    )


def _shape(real: pd.Series, synthetic: pd.Series, kind: str) -> float:
    if kind == "categorical":
        real, synthetic = as_labels(real).dropna(), as_labels(synthetic).dropna()
        metric = TVComplement
    else:
        convert = as_seconds if kind == "datetime" else _numbers
        real, synthetic = convert(real).dropna(), convert(synthetic).dropna()
        metric = KSComplement
    if real.empty or synthetic.empty:
        return math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(metric.compute(real, synthetic))


def _numbers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype(float)


def _mean(series: pd.Series) -> float | None:
    return json_float(_numbers(series).mean())


def _average(values: list[float | None]) -> float:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else math.nan


class ShareTally:
    """Counts of one column's categories over every stored row, batch by batch."""

    def __init__(self, column: str) -> None:
        self.column = column
        self.rows = 0
        self.counts: dict[str, int] = {}

    def add(self, batch: pd.DataFrame) -> None:
        counts = as_labels(batch[self.column]).fillna("(missing)").value_counts()
        for label, count in counts.items():
            self.counts[str(label)] = self.counts.get(str(label), 0) + int(count)
        self.rows += len(batch)

    def shares(self) -> dict[str, float]:
        return {k: v / self.rows for k, v in sorted(self.counts.items())} if self.rows else {}


@dataclass(frozen=True)
class RebalanceResult:
    """A rebalanced column's shares: in the real rows, asked for, and reached in the extract."""

    column: str
    before: dict[str, float]
    target: dict[str, float]
    after: dict[str, float]
    rows: int

    @property
    def max_gap_points(self) -> float:
        """The largest distance between a category's target and reached share, in points."""
        labels = set(self.target) | set(self.after)
        return 100 * max(abs(self.target.get(k, 0.0) - self.after.get(k, 0.0)) for k in labels)

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "before": self.before,
            "target": self.target,
            "after": self.after,
            "rows": int(self.rows),
            "max_gap_points": round(self.max_gap_points, 4),
        }


def rebalance_result(
    rebalance: Rebalance, real: pd.DataFrame, tally: ShareTally, table: TableFormat | None = None
) -> RebalanceResult:
    """The shares of ``rebalance.column`` before (real rows), asked for and reached (tally).

    ``real`` and the tallied rows come spelled as the input spells its values
    (:func:`core.data.spelling.spell_booleans`); ``table`` spells the asked-for shares to match.
    """
    before = as_labels(real[rebalance.column]).fillna("(missing)").value_counts(normalize=True)
    return RebalanceResult(
        column=rebalance.column,
        before={str(k): float(v) for k, v in sorted(before.items())},
        target=rebalance.labelled(table),
        after=tally.shares(),
        rows=tally.rows,
    )
