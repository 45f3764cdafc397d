"""Protections applied to the real training rows before a synthesizer is fitted.

A synthesizer reproduces what it sees. A category held by two people, or the one salary far
above the rest, can point at a person even in synthetic rows, and direct identifiers (emails,
names) must never be learned at all. Each protection here is optional and on by default:

- :func:`protect_rare_categories` groups categories seen fewer than ``min_count`` times;
- :func:`clip_extremes` pulls the few most extreme numbers in (off by default: its price);
- :func:`fake_pii_metadata` marks direct identifiers so they are never learned: SDV generates
  them and :mod:`core.synth.fakes` turns each value into a realistic fake of the real column's
  shape.

They lower the risk of reproducing a real person's values; they do not make the data safe on
their own (see ``core.privacy.checks`` for the checks run after sampling).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidParameterError

RARE_REPLACEMENT = "(other)"


@dataclass(frozen=True)
class RareGrouping:
    """Training rows after rare categories were grouped, and what changed.

    ``grouped`` lists each changed column's rare values, most frequent first; a number column
    keeps numbers: its rare values join the nearest frequent value (``merged_into``) instead
    of becoming text. ``left`` says why a column with rare values was left as it is.
    """

    data: pd.DataFrame
    grouped: dict[str, list[Any]] = field(default_factory=dict)
    merged_into: dict[str, dict[Any, Any]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    left: dict[str, str] = field(default_factory=dict)


def protect_rare_categories(
    df: pd.DataFrame,
    *,
    sdtypes: dict[str, str],
    min_count: int = 5,
    replacement: str = RARE_REPLACEMENT,
    max_rare_share: float = 0.5,
) -> RareGrouping:
    """Group the categories seen fewer than ``min_count`` times.

    Only ``categorical`` columns are changed; missing values stay missing. Ordinal and
    boolean columns are left alone, since merging would break their order or meaning. In a
    text column the rare values become ``replacement``; in a number column (a count or a year
    marked categorical) each joins the nearest value seen at least ``min_count`` times, so
    the column stays a number column and holds only real values. A column whose rare values
    fill more than ``max_rare_share`` of its rows is mostly unique values, not categories:
    grouping would erase it, so it is left as it is and listed in ``left``.

    Args:
        df: The real training rows (not modified).
        sdtypes: SDV sdtype per column.
        min_count: Categories with fewer rows than this are grouped.
        replacement: The value that takes their place in text columns.
        max_rare_share: Columns with a larger share of rows in rare values are left alone.

    Returns:
        The protected copy with what changed in each column.

    Raises:
        InvalidParameterError: ``min_count`` is below 1.
    """
    result = RareGrouping(data=df.copy())
    for column, series in _columns_to_protect(df, sdtypes, "categorical", min_count):
        if pd.api.types.is_bool_dtype(series.dtype):
            continue  # two values: grouping one into the other would leave a constant
        counts = series.value_counts(dropna=True)
        rare = counts.index[counts < min_count]
        if len(rare) == 0:
            continue
        rare_rows = int(counts[counts < min_count].sum())
        if rare_rows > max_rare_share * counts.sum():
            result.left[str(column)] = (
                f"{rare_rows / counts.sum():.0%} of its rows hold values seen fewer than "
                f"{min_count} times: grouping would erase the column (mark it personal data to "
                "replace its values)"
            )
            continue
        is_number = pd.api.types.is_numeric_dtype(series.dtype) and not isinstance(
            series.dtype, pd.CategoricalDtype
        )
        if is_number:
            mapping = _nearest_frequent(counts, min_count)
            result.data[column] = series.replace(mapping).astype(series.dtype)
            result.merged_into[str(column)] = {
                _plain(value): _plain(target) for value, target in mapping.items()
            }
        else:
            if isinstance(series.dtype, pd.CategoricalDtype) or not pd.api.types.is_object_dtype(
                series
            ):
                series = series.astype(object)
            result.data[column] = series.mask(series.isin(set(rare)), replacement)
        result.grouped[str(column)] = [_plain(value) for value in rare]
        result.rows[str(column)] = rare_rows
    return result


def _nearest_frequent(counts: pd.Series, min_count: int) -> dict[Any, Any]:
    """Each rare value of ``counts`` mapped to the nearest value seen ``min_count`` times or
    more: on a tie the more frequent, then the lower. Some value is frequent (a column of
    only rare values is left alone before this)."""
    frequent = counts[counts >= min_count].sort_index()
    rare = counts.index[counts < min_count]
    points = frequent.index.to_numpy(dtype=float)
    values = rare.to_numpy(dtype=float)
    right = np.clip(np.searchsorted(points, values), 0, len(points) - 1)
    left = np.clip(right - 1, 0, len(points) - 1)
    gap_left, gap_right = np.abs(values - points[left]), np.abs(points[right] - values)
    weight = frequent.to_numpy()
    take_left = (gap_left < gap_right) | ((gap_left == gap_right) & (weight[left] >= weight[right]))
    chosen = np.where(take_left, left, right)
    return {value: frequent.index[i] for value, i in zip(rare, chosen, strict=True)}


@dataclass(frozen=True)
class Clipping:
    """Training rows after extreme numbers were pulled in, with each moved column's bounds."""

    data: pd.DataFrame
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def clip_extremes(
    df: pd.DataFrame,
    *,
    sdtypes: dict[str, str],
    min_count: int = 5,
) -> Clipping:
    """Pull the few most extreme values of each ``numerical`` column in to the ``min_count``-th.

    Values below the ``min_count``-th smallest or above the ``min_count``-th largest value
    are set to it, so at most ``min_count - 1`` rows move at each end and the smallest and
    largest values left are each shared by at least ``min_count`` rows. The bounds are
    observed values, so a column keeps its dtype and decimal places and no value is invented.
    Columns with fewer than ``2 * min_count`` values are left alone.

    Args:
        df: The real training rows (not modified).
        sdtypes: SDV sdtype per column.
        min_count: Rank, from each end, of the value the extremes are pulled to.

    Returns:
        The clipped copy, and the ``(low, high)`` bounds and rows moved of each column in
        which at least one value moved.

    Raises:
        InvalidParameterError: ``min_count`` is below 1.
    """
    result = Clipping(data=df.copy())
    for column, series in _columns_to_protect(df, sdtypes, "numerical", min_count):
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        present = np.sort(series.dropna().to_numpy())
        if len(present) < 2 * min_count:
            continue
        low, high = present[min_count - 1], present[-min_count]
        moved = int(((present < low) | (present > high)).sum())
        if not moved:
            continue
        result.data[column] = series.clip(lower=low, upper=high)
        result.bounds[str(column)] = (float(low), float(high))
        result.rows[str(column)] = moved
    return result


def _columns_to_protect(
    df: pd.DataFrame, sdtypes: dict[str, str], sdtype: str, min_count: int
) -> list[tuple[Any, pd.Series]]:
    """The columns of ``df`` marked ``sdtype``, in the order of ``sdtypes``.

    Raises:
        InvalidParameterError: ``min_count`` is below 1.
    """
    if min_count < 1:
        raise InvalidParameterError(f"min_count must be at least 1, got {min_count}.")
    return [
        (column, df[column])
        for column, marked in sdtypes.items()
        if marked == sdtype and column in df.columns
    ]


def _plain(value: Any) -> Any:
    # numpy scalars become Python ones so the summary is JSON-safe.
    return value.item() if hasattr(value, "item") else value
