"""Score how closely a synthetic table follows the real one, with the SDMetrics quality report.

Both tables are subsampled to a row cap first so a large upload is scored in seconds, and the
subsample is seeded so the same inputs always give the same numbers. It keeps the rows holding
each number's and date's extremes, so its score stays within a point of the full report's.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype
from sdv.evaluation import evaluate_quality as sdv_evaluate_quality
from sdv.metadata import Metadata

from core.errors import StudioError, one_line
from core.metadata import TABLE

_SHAPES = "Column Shapes"
_PAIRS = "Column Pair Trends"
_PER_COLUMN = ["column", "metric", "score"]
_PER_PAIR = ["column_1", "column_2", "metric", "score"]
_CONTINUOUS = ("numerical", "datetime")


@dataclass(frozen=True)
class Score:
    """One score with its range; ``value`` is NaN when the score does not apply."""

    name: str
    value: float
    low: float = 0.0
    high: float = 1.0
    description: str = ""


@dataclass(frozen=True)
class QualityResult:
    """The SDMetrics quality report of one synthetic table against its real table."""

    overall: Score
    column_shapes: Score
    column_pair_trends: Score
    per_column: pd.DataFrame
    per_pair: pd.DataFrame  # score is NaN where SDMetrics skips a weakly associated pair
    sample_rows: int
    skipped_columns: tuple[str, ...] = ()  # empty in the real data: nothing to compare
    columns_used: int = 0  # columns scored (a sample of wide tables) ...
    columns_total: int = 0  # ... out of this many non-empty ones

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe summary for the workspace: NaN scores become ``None``."""
        return {
            "quality_score": _json_float(self.overall.value),
            "column_shapes": _json_float(self.column_shapes.value),
            "column_pair_trends": _json_float(self.column_pair_trends.value),
            "sample_rows": int(self.sample_rows),
            "skipped_columns": list(self.skipped_columns),
            "columns_used": int(self.columns_used),
            "columns_total": int(self.columns_total),
            "per_column": [
                {"column": str(column), "metric": str(metric), "score": _json_float(score)}
                for column, metric, score in self.per_column[_PER_COLUMN].itertuples(
                    index=False, name=None
                )
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
) -> QualityResult:
    """Run the SDMetrics quality report on (a seeded subsample of) both tables.

    Args:
        real: The real table.
        synthetic: The synthetic table, with the same columns as ``real``.
        metadata: SDV metadata of the single studio table.
        max_rows: Each table is randomly cut to at most this many rows before scoring.
        max_columns: Wider tables are scored on a seeded sample of this many columns: pair
            trends grow with the square of the column count.
        seed: Seed of that subsample, so repeated evaluations give identical scores.

    Returns:
        The overall, column shapes and column pair trends scores with their details.
        ``sample_rows`` is the row cap that took effect: each table used
        ``min(len(table), sample_rows)`` rows.

    Raises:
        StudioError: a table is empty, the columns differ, or SDMetrics fails.
    """
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
    skipped = tuple(str(c) for c in real.columns if real[c].isna().all())
    if skipped:
        metadata = Metadata.load_from_dict(metadata.to_dict())
        for column in skipped:
            metadata.remove_column(column, table_name=TABLE)
        real = real.drop(columns=list(skipped))
    if real.shape[1] == 0:
        raise StudioError("Every column is empty in the real data; there is nothing to compare.")
    columns_total = real.shape[1]
    if columns_total > max_columns:
        kept = set(real.columns.to_series().sample(n=max_columns, random_state=seed))
        dropped = [c for c in real.columns if c not in kept]
        metadata = Metadata.load_from_dict(metadata.to_dict())
        for column in dropped:
            metadata.remove_column(column, table_name=TABLE)
        real = real[[c for c in real.columns if c in kept]]
    columns = metadata.to_dict()["tables"][TABLE]["columns"]
    continuous = [c for c in real.columns if columns.get(c, {}).get("sdtype") in _CONTINUOUS]
    real_used = _subsample(real, max_rows=max_rows, seed=seed, keep_extremes=continuous)
    synthetic_used = _subsample(
        synthetic[list(real.columns)], max_rows=max_rows, seed=seed, keep_extremes=continuous
    )
    try:
        with warnings.catch_warnings():
            # Small-sample and future warnings from scipy/SDMetrics are noise for a studio user.
            warnings.simplefilter("ignore")
            report = sdv_evaluate_quality(real_used, synthetic_used, metadata, verbose=False)
            properties = report.get_properties().set_index("Property")["Score"]
            shapes = report.get_details(_SHAPES)
            pairs = report.get_details(_PAIRS)
            overall = report.get_score()
    except Exception as err:  # SDMetrics raises many types; all mean "could not score"
        text = one_line(err)
        raise StudioError(f"Quality evaluation failed: {text}") from err
    _raise_column_errors(shapes)
    return QualityResult(
        overall=Score(
            name="Quality score",
            value=_float(overall),
            description="Average of column shapes and column pair trends.",
        ),
        column_shapes=Score(
            name=_SHAPES,
            value=_float(properties.get(_SHAPES)),
            description=(
                "How well each column's distribution is matched "
                "(KSComplement for numbers and dates, TVComplement for categories)."
            ),
        ),
        column_pair_trends=Score(
            name=_PAIRS,
            value=_float(properties.get(_PAIRS)),
            description=(
                "How well relationships between pairs of columns are kept "
                "(correlation similarity, contingency similarity); "
                "NaN when there are no column pairs."
            ),
        ),
        per_column=_tidy(shapes, {"Column": "column", "Metric": "metric", "Score": "score"}),
        per_pair=_tidy(
            pairs,
            {"Column 1": "column_1", "Column 2": "column_2", "Metric": "metric", "Score": "score"},
        ),
        sample_rows=max(len(real_used), len(synthetic_used)),
        skipped_columns=skipped,
        columns_used=real.shape[1],
        columns_total=columns_total,
    )


def _raise_column_errors(shapes: pd.DataFrame) -> None:
    # A metric that fails on one column is reported as NaN and left out of the average, so
    # the overall score would look fine while hiding a column of the wrong type.
    if "Error" not in shapes.columns:
        return
    failed = shapes[shapes["Error"].notna()]
    if failed.empty:
        return
    columns = ", ".join(str(c) for c in failed["Column"])
    first = " ".join(str(failed["Error"].iloc[0]).split())[:200]
    raise StudioError(
        f"Quality evaluation failed: could not score column(s) {columns} ({first}); "
        "check that the synthetic columns have the same types as the real ones."
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
    if len(frame) <= max_rows:
        return frame
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
    return frame.iloc[np.sort(np.concatenate([kept, chosen]))].reset_index(drop=True)


def _tidy(details: pd.DataFrame, renames: dict[str, str]) -> pd.DataFrame:
    # SDMetrics returns an empty frame without some columns when a property has no rows.
    tidy = details.rename(columns=renames).reindex(columns=list(renames.values()))
    tidy["score"] = pd.to_numeric(tidy["score"], errors="coerce").astype(float)
    return tidy.reset_index(drop=True)


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _json_float(value: Any) -> float | None:
    number = _float(value)
    return None if math.isnan(number) else number
