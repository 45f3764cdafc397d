"""Checking rows against a rule with the studio's own code, independently of SDV.

:func:`compile_rule` turns a rule into a :class:`CompiledRule` whose ``holds(frame)`` is True
for each row that keeps it; a fixed combination is one seen in the reference table, as SDV
learns it. A row with a missing value in a rule's columns keeps it, as SDV counts it.
:func:`as_numbers` reads numbers and dates alike, so ordered rules compare either.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.data.rule_types import rule_columns, strict_boundaries
from core.data.rule_words import describe_rule


@dataclass(frozen=True, eq=False)
class CompiledRule:
    """A rule ready to check rows: ``holds(frame)`` is True for each row that keeps it."""

    rule: dict[str, Any]
    label: str
    holds: Callable[[pd.DataFrame], np.ndarray]


def compile_rule(rule: Mapping[str, Any], reference: pd.DataFrame) -> CompiledRule:
    """A checker for ``rule``; a fixed combination is one of those in ``reference``.

    ``reference`` is the table the rule was learned from (the rows a model is fitted on):
    SDV keeps exactly the combinations it saw there.
    """
    kind, columns = rule["type"], rule_columns(rule)
    if kind in ("Inequality", "Range"):
        strict = strict_boundaries(rule)
        holds = _ordered(columns, strict=strict)
    elif kind == "FixedIncrements":
        holds = _multiples(columns[0], float(rule["increment_value"]))
    elif kind == "FixedCombinations":
        holds = _combinations(columns, reference)
    else:
        holds = _one_hot(columns)
    return CompiledRule(rule=dict(rule), label=describe_rule(rule), holds=holds)


def as_numbers(series: pd.Series) -> np.ndarray:
    """Numbers as floats and dates as nanoseconds, missing values as NaN."""
    if pd.api.types.is_datetime64_any_dtype(series):
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_convert(None)
        raw = series.to_numpy(dtype="datetime64[ns]").view("int64").astype(float)
        raw[series.isna().to_numpy()] = np.nan
        return raw
    if pd.api.types.is_bool_dtype(series):
        series = series.astype(float)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _ordered(columns: list[str], *, strict: bool) -> Callable[[pd.DataFrame], np.ndarray]:
    def holds(frame: pd.DataFrame) -> np.ndarray:
        values = [as_numbers(frame[c]) for c in columns]
        keep = np.ones(len(frame), dtype=bool)
        for i, low in enumerate(values):
            for high in values[i + 1 :]:
                ordered = high > low if strict else high >= low
                keep &= np.isnan(low) | np.isnan(high) | ordered
        return keep

    return holds


def _multiples(column: str, step: float) -> Callable[[pd.DataFrame], np.ndarray]:
    def holds(frame: pd.DataFrame) -> np.ndarray:
        values = as_numbers(frame[column])
        with np.errstate(invalid="ignore"):
            return np.isnan(values) | (np.mod(values, step) == 0)

    return holds


def _combination_keys(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    # One text key per row; a missing value is a value of its own, as SDV combines them.
    parts = [frame[c].astype(object).where(frame[c].notna(), "\x00na").astype(str) for c in columns]
    key = parts[0]
    for part in parts[1:]:
        key = key + "\x1f" + part
    return key


def _combinations(
    columns: list[str], reference: pd.DataFrame
) -> Callable[[pd.DataFrame], np.ndarray]:
    allowed = set(_combination_keys(reference, columns))

    def holds(frame: pd.DataFrame) -> np.ndarray:
        return _combination_keys(frame, columns).isin(allowed).to_numpy()

    return holds


def _one_hot(columns: list[str]) -> Callable[[pd.DataFrame], np.ndarray]:
    def holds(frame: pd.DataFrame) -> np.ndarray:
        values = np.column_stack([as_numbers(frame[c]) for c in columns])
        with np.errstate(invalid="ignore"):
            return (
                ~np.isnan(values).any(axis=1)
                & (values.sum(axis=1) == 1)
                & (values.max(axis=1) == 1)
                & (values.min(axis=1) == 0)
            )

    return holds


def share(kept: int, rows: int) -> float:
    """``kept / rows``, NaN without rows."""
    return kept / rows if rows else math.nan
