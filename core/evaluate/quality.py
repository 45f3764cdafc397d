"""Score how closely a synthetic table follows the real one, with the SDMetrics quality report.

Both tables are subsampled to a row cap first so a large upload is scored in seconds, and the
subsample is seeded so the same inputs always give the same numbers. It keeps the rows holding
each number's and date's extremes, so its score stays within a point of the full report's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype
from sdv.metadata import Metadata

from core.errors import StudioError
from core.evaluate.columns import (
    CONTINUOUS,
    ColumnScoring,
    align_replaced,
    plan_scoring,
    scored_metadata,
)
from core.evaluate.sdmetrics import Score, json_float, run_report, tidy

_SHAPES = "Column Shapes"
_PAIRS = "Column Pair Trends"
_PER_COLUMN = ["column", "metric", "score"]
_PER_PAIR = ["column_1", "column_2", "metric", "score"]


@dataclass(frozen=True)
class QualityResult:
    """The SDMetrics quality report of one synthetic table against its real table.

    The headline (``overall``) covers every column of ``columns`` that is scored, replaced
    columns included; ``learned`` is the same score over the columns the synthesizer learned.
    """

    overall: Score
    column_shapes: Score
    column_pair_trends: Score
    per_column: pd.DataFrame
    per_pair: pd.DataFrame  # score is NaN where SDMetrics skips a weakly associated pair
    sample_rows: int
    skipped_columns: tuple[str, ...] = ()  # empty in the real data: nothing to compare
    columns_used: int = 0  # columns scored ...
    columns_total: int = 0  # ... out of every column of the table
    columns: tuple[ColumnScoring, ...] = ()  # each column's role, scored or not and why
    learned: Score = field(default_factory=lambda: Score("Learned columns", math.nan))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe summary for the workspace: NaN scores become ``None``."""
        return {
            "quality_score": json_float(self.overall.value),
            "column_shapes": json_float(self.column_shapes.value),
            "column_pair_trends": json_float(self.column_pair_trends.value),
            "learned_quality_score": json_float(self.learned.value),
            "sample_rows": int(self.sample_rows),
            "skipped_columns": list(self.skipped_columns),
            "columns_used": int(self.columns_used),
            "columns_total": int(self.columns_total),
            "scored_columns": [c.to_dict() for c in self.columns if c.scored],
            "unscored_columns": [c.to_dict() for c in self.columns if not c.scored],
            "per_column": [
                {
                    "column": str(column),
                    "metric": str(metric),
                    "score": json_float(score),
                    "role": str(role),
                }
                for column, metric, score, role in self.per_column[
                    [*_PER_COLUMN, "role"]
                ].itertuples(index=False, name=None)
            ],
        }


def evaluate_quality(
    *,
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Metadata,
    max_rows: int = 20_000,
    max_columns: int = 60,
    seed: int = 0,
    replaced: Iterable[str] = (),
    max_distinct_share: float = 0.5,
    same_rows: bool = False,
) -> QualityResult:
    """Run the SDMetrics quality report on (a seeded subsample of) both tables.

    Every column of ``real`` is scored or listed with the reason it is not (see
    :mod:`core.evaluate.columns`): columns replaced by fake values are scored as what the extract
    holds
    instead of being skipped, so the headline matches SDMetrics run on the listed columns.

    Args:
        real: The real table.
        synthetic: The synthetic table, with the same columns as ``real``.
        metadata: SDV metadata of the single studio table.
        max_rows: Each table is randomly cut to at most this many rows before scoring.
        max_columns: Wider tables are scored on a seeded sample of this many columns: pair
            trends grow with the square of the column count.
        seed: Seed of that subsample, so repeated evaluations give identical scores.
        replaced: Columns the studio filled with fake values (direct identifiers).
        max_distinct_share: Columns compared as categories whose distinct values exceed this
            share of rows are left out (listed as ``unique``).
        same_rows: ``synthetic`` is ``real`` changed in place (what the protections cost):
            both are cut to the same rows (seeded, keeping ``real``'s extremes), so a score
            below 1 measures the change alone, not two independent samples.

    Returns:
        The overall, column shapes and column pair trends scores with their details.
        ``sample_rows`` is the row cap that took effect: each table used
        ``min(len(table), sample_rows)`` rows.

    Raises:
        StudioError: a table is empty, the columns differ, ``same_rows`` tables differ in
            length, or SDMetrics fails.
    """
    if same_rows:
        real, synthetic = _same_rows(real, synthetic, max_rows=max_rows, seed=seed)
        max_rows = len(real)
    if max_rows < 1:
        raise ValueError(f"max_rows must be at least 1, got {max_rows}")
    for label, frame in (("real", real), ("synthetic", synthetic)):
        if frame.empty:
            # SDMetrics scores an empty table (0.5) instead of refusing it.
            raise StudioError(f"The {label} table has no rows; there is nothing to evaluate.")
    missing = [str(c) for c in real.columns if c not in synthetic.columns]
    if missing:
        raise StudioError(
            f"The synthetic table lacks column(s) {', '.join(missing)}; sample it again."
        )
    full = metadata.to_dict()
    plan = plan_scoring(
        real,
        full,
        max_columns=max_columns,
        replaced=replaced,
        max_distinct_share=max_distinct_share,
        seed=seed,
    )
    skipped = tuple(c.column for c in plan if c.role == "empty")
    if len(skipped) == real.shape[1]:
        raise StudioError("Every column is empty in the real data; there is nothing to compare.")
    scored = [c.column for c in plan if c.scored]
    if not scored:
        reasons = "; ".join(f"{c.column}: {c.reason}" for c in plan)[:300]
        raise StudioError(f"No column can be scored ({reasons}).")
    real, synthetic, plan = align_replaced(real[scored], synthetic[scored], plan)
    scoring = Metadata.load_from_dict(scored_metadata(full, plan))
    continuous = [c.column for c in plan if c.scored_as in CONTINUOUS]
    real_used = _subsample(real, max_rows=max_rows, seed=seed, keep_extremes=continuous)
    synthetic_used = _subsample(synthetic, max_rows=max_rows, seed=seed, keep_extremes=continuous)
    report = run_report(
        "quality",
        real=real_used,
        synthetic=synthetic_used,
        metadata=scoring,
        details=(_SHAPES, _PAIRS),
    )
    shapes, pairs = report.details[_SHAPES], report.details[_PAIRS]
    roles = {c.column: c.role for c in plan}
    per_column = tidy(shapes, {"Column": "column", "Metric": "metric", "Score": "score"})
    per_column["role"] = per_column["column"].map(roles)
    per_pair = tidy(
        pairs,
        {
            "Column 1": "column_1",
            "Column 2": "column_2",
            "Metric": "metric",
            "Score": "score",
            "Meets Threshold?": "counted",
        },
    )
    return QualityResult(
        overall=report.overall_score(
            "Quality score",
            "Average of column shapes and column pair trends over every scored "
            "column, replaced ones included.",
        ),
        column_shapes=report.property_score(
            _SHAPES,
            "How well each column's distribution is matched "
            "(KSComplement for numbers and dates, TVComplement for categories).",
        ),
        column_pair_trends=report.property_score(
            _PAIRS,
            "How well relationships between pairs of columns are kept "
            "(correlation similarity, contingency similarity); "
            "NaN when there are no column pairs.",
        ),
        per_column=per_column,
        per_pair=per_pair[_PER_PAIR],
        sample_rows=max(len(real_used), len(synthetic_used)),
        skipped_columns=skipped,
        columns_used=len(scored),
        columns_total=len(plan),
        columns=plan,
        learned=_learned_score(per_column, per_pair, roles),
    )


def _same_rows(
    before: pd.DataFrame, after: pd.DataFrame, *, max_rows: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same seeded sample of rows of ``before`` and of ``after``, its changed copy."""
    if len(before) != len(after):
        raise StudioError("A change is scored on the same rows: the two tables differ in length.")
    continuous = [
        c
        for c in before.columns
        if is_numeric_dtype(before[c]) or is_datetime64_any_dtype(before[c])
    ]
    positions = _sample_positions(before, max_rows=max_rows, seed=seed, keep_extremes=continuous)
    if positions is None:
        return before, after
    return (
        before.iloc[positions].reset_index(drop=True),
        after.iloc[positions].reset_index(drop=True),
    )


def _learned_score(
    per_column: pd.DataFrame, per_pair: pd.DataFrame, roles: dict[str, str]
) -> Score:
    """The quality score over learned columns only, averaged as SDMetrics averages."""
    learned = {column for column, role in roles.items() if role == "learned"}
    shapes = per_column.loc[per_column["column"].isin(learned), "score"]
    both = per_pair["column_1"].isin(learned) & per_pair["column_2"].isin(learned)
    counted = per_pair["counted"].astype("boolean").fillna(False).astype(bool)
    pairs = per_pair.loc[both & counted, "score"]
    parts = [part.mean() for part in (shapes, pairs) if part.notna().any()]
    return Score(
        name="Learned columns",
        value=float(np.mean(parts)) if parts else math.nan,
        description="The quality score over the columns the synthesizer learned, leaving out "
        "those replaced by fake values.",
    )


def _subsample(
    frame: pd.DataFrame, *, max_rows: int, seed: int, keep_extremes: list[str] | None = None
) -> pd.DataFrame:
    """A seeded sample of ``max_rows`` rows that keeps the rows holding each listed column's
    smallest and largest value.

    SDMetrics bins numbers and dates between each table's own minimum and maximum before
    comparing pair trends, so a sample that misses an extreme gets other bins and a pair-trend
    score several points away from the full tables' one; with the extremes the bins match.
    """
    positions = _sample_positions(frame, max_rows=max_rows, seed=seed, keep_extremes=keep_extremes)
    if positions is None:
        return frame
    return frame.iloc[positions].reset_index(drop=True)


def _sample_positions(
    frame: pd.DataFrame, *, max_rows: int, seed: int, keep_extremes: list[str] | None = None
) -> np.ndarray | None:
    """Sorted row positions of :func:`_subsample`'s sample; None when every row is kept."""
    if len(frame) <= max_rows:
        return None
    keep = np.zeros(len(frame), dtype=bool)
    for column in keep_extremes or []:
        values = frame[column]
        dtype = values.dtype
        continuous = is_datetime64_any_dtype(dtype) or (
            is_numeric_dtype(dtype) and not is_bool_dtype(dtype)
        )
        if continuous and values.notna().any():
            keep[[values.argmin(), values.argmax()]] = True  # positions, NaN skipped
    kept = np.flatnonzero(keep)[:max_rows]
    others = np.flatnonzero(~keep)
    chosen = np.random.default_rng(seed).choice(others, size=max_rows - len(kept), replace=False)
    return np.sort(np.concatenate([kept, chosen]))
