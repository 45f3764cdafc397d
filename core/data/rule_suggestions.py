"""Rules found in the data: candidates, each with the real rows that support and break it.

Four kinds of candidate, each a rule in :mod:`core.data.rules`' form:

- a column never exceeds another (``Inequality``), and three in a row (``Range``), where the
  columns' ranges overlap (``age ≤ income`` holds only because the ranges never meet);
- a category determines another (each ``state`` comes with one ``country``): a
  ``FixedCombinations`` rule keeps the extract to the combinations seen;
- whole numbers that are multiples of a step of 2 or more (``FixedIncrements``);
- groups of 0/1 columns with exactly one 1 per row (``OneHotEncoding``).

A candidate that up to :data:`NEAR_SHARE` of the rows break is listed too (``holds`` false),
so a person sees an almost-rule; only one that every row keeps can be added. Direct
identifiers and keys are never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from core.data.rule_rows import as_numbers
from core.data.rule_words import describe_rule
from core.meta import StudioMetadata

# A candidate is listed when at most this share of the rows it reads break it.
NEAR_SHARE = 0.01
# Rows a candidate must read (both values present) to be listed at all.
MIN_SUPPORT = 20
# Categories of a column a combination candidate reads, at most.
MAX_CATEGORIES = 200
# Columns of each kind looked at (pairs grow with the square).
MAX_COLUMNS = 40
STEPS = (2, 5, 10, 25, 50, 100, 250, 500, 1000)
MAX_SUGGESTIONS = 40


@dataclass(frozen=True)
class Suggestion:
    """A rule found in the data, with the rows that support and break it."""

    rule: dict[str, Any]
    support_rows: int  # rows that read it (its values present) and keep it
    breaking_rows: int  # rows that break it
    why: str = ""

    @property
    def holds(self) -> bool:
        return self.breaking_rows == 0

    @property
    def checked_rows(self) -> int:
        return self.support_rows + self.breaking_rows

    def to_dict(self) -> dict[str, Any]:
        """The rule in SDV's names with its counts as extra keys (readable back as a rule)."""
        return {
            **self.rule,
            "label": describe_rule(self.rule) + (f" ({self.why})" if self.why else ""),
            "support_rows": int(self.support_rows),
            "breaking_rows": int(self.breaking_rows),
            "checked_rows": int(self.checked_rows),
            "holds": self.holds,
        }


def suggest_rules(
    data: pd.DataFrame, metadata: StudioMetadata, *, limit: int = MAX_SUGGESTIONS
) -> list[Suggestion]:
    """Candidate rules of ``data``: those every row keeps first, then the most supported.

    Args:
        data: The real rows.
        metadata: Their metadata: learned columns only (no key, no direct identifier).
        limit: The most candidates returned.
    """
    sdtypes = metadata.sdtypes
    skip = set(metadata.direct_columns) | {metadata.primary_key}
    learned = [c for c in data.columns if c in sdtypes and c not in skip]
    numbers = [c for c in learned if sdtypes[c] == "numerical"][:MAX_COLUMNS]
    dates = [c for c in learned if sdtypes[c] == "datetime"][:MAX_COLUMNS]
    categories = [
        c
        for c in learned
        if sdtypes[c] in ("categorical", "boolean", "ordinal")
        and 2 <= data[c].nunique(dropna=True) <= MAX_CATEGORIES
    ][:MAX_COLUMNS]
    found = [
        *_inequalities(data, numbers),
        *_inequalities(data, dates),
        *_determines(data, categories),
        *_increments(data, numbers),
        *_one_hot_groups(data, [c for c in learned if sdtypes[c] != "datetime"]),
    ]
    found.sort(key=lambda s: (not s.holds, -s.support_rows))
    return found[:limit]


def _near(breaking: int, checked: int) -> bool:
    return checked >= MIN_SUPPORT and breaking <= NEAR_SHARE * checked


def _inequalities(data: pd.DataFrame, columns: list[str]) -> list[Suggestion]:
    values = {c: as_numbers(data[c]) for c in columns}
    found: list[Suggestion] = []
    holding: dict[str, list[str]] = {}
    ties: set[tuple[str, str]] = set()
    for low, high in ((a, b) for a in columns for b in columns if a != b):
        lo, hi = values[low], values[high]
        both = ~np.isnan(lo) & ~np.isnan(hi)
        checked = int(both.sum())
        if not checked or np.nanmax(lo) <= np.nanmin(hi):
            continue  # no rows, or the ranges never meet: true, but says nothing
        breaking = int((lo[both] > hi[both]).sum())
        if np.array_equal(lo[both], hi[both]) or not _near(breaking, checked):
            continue
        rule = {"type": "Inequality", "low_column_name": low, "high_column_name": high}
        found.append(Suggestion(rule, checked - breaking, breaking))
        if not breaking:
            holding.setdefault(low, []).append(high)
            if (lo[both] == hi[both]).any():
                ties.add((low, high))
    for low, highs in holding.items():
        for middle in highs:
            for high in holding.get(middle, []):
                if high not in highs:
                    continue
                strict = not ({(low, middle), (middle, high)} & ties)
                rule = {
                    "type": "Range",
                    "low_column_name": low,
                    "middle_column_name": middle,
                    "high_column_name": high,
                    "strict_boundaries": strict,
                }
                present = ~np.isnan(values[low]) & ~np.isnan(values[middle])
                present &= ~np.isnan(values[high])
                found.append(Suggestion(rule, int(present.sum()), 0))
    return found


def _determines(data: pd.DataFrame, columns: list[str]) -> list[Suggestion]:
    found = []
    for first, second in combinations(columns, 2):
        both = data[[first, second]].dropna()
        if len(both) < MIN_SUPPORT:
            continue
        best: tuple[int, str, str] | None = None
        for a, b in ((first, second), (second, first)):
            # Rows off the most frequent b of their a break "a determines b".
            counts = both.groupby([a, b], observed=True).size()
            kept = int(counts.groupby(level=0, observed=True).max().sum())
            if counts.index.get_level_values(0).nunique() < 2:
                continue
            if best is None or len(both) - kept < best[0]:
                best = (len(both) - kept, a, b)
        if best is None or both[best[2]].nunique() < 2 or not _near(best[0], len(both)):
            continue
        breaking, a, b = best
        rule = {"type": "FixedCombinations", "column_names": [first, second]}
        share = 1 - breaking / len(both)
        why = f"each {a} comes with one {b}" + (f" in {share:.1%} of rows" if breaking else "")
        found.append(Suggestion(rule, len(both) - breaking, breaking, why))
    return found


def _increments(data: pd.DataFrame, columns: list[str]) -> list[Suggestion]:
    found = []
    for column in columns:
        values = as_numbers(data[column])
        present = values[~np.isnan(values)]
        if len(present) < MIN_SUPPORT or len(np.unique(present)) < 3:
            continue
        if not np.all(present == np.round(present)) or np.abs(present).max() >= 2**53:
            continue
        whole = np.abs(present).astype(np.int64)
        divisor = int(np.gcd.reduce(whole))
        spread = present.max() - present.min()
        steps = sorted({*(s for s in STEPS if s < spread), *([divisor] if divisor >= 2 else [])})
        counted = [(step, int((whole % step != 0).sum())) for step in steps]
        counted = [(step, breaking) for step, breaking in counted if _near(breaking, len(present))]
        exact = max((step for step, breaking in counted if not breaking), default=None)
        near = [(step, b) for step, b in counted if b and (exact is None or step > exact)]
        chosen = ([(exact, 0)] if exact else []) + near[-1:]
        for step, breaking in chosen:
            rule = {"type": "FixedIncrements", "column_name": column, "increment_value": step}
            found.append(Suggestion(rule, len(present) - breaking, breaking))
    return found


def _one_hot_groups(data: pd.DataFrame, columns: list[str]) -> list[Suggestion]:
    binary = []
    for column in columns:
        values = as_numbers(data[column]) if data[column].dtype != object else None
        if values is None or np.isnan(values).any():
            continue
        if set(np.unique(values).tolist()) == {0.0, 1.0}:
            binary.append((column, values))
    found = []
    used: set[str] = set()
    for i, (column, values) in enumerate(binary):
        if column in used:
            continue
        group, total = [column], values.copy()
        for other, more in binary[i + 1 :]:
            if other not in used and not np.any((total == 1) & (more == 1)):
                group.append(other)
                total = total + more
        if len(group) >= 2 and np.all(total == 1):
            used.update(group)
            rule = {"type": "OneHotEncoding", "column_names": group}
            found.append(Suggestion(rule, len(data), 0))
    return found


def suggestion_rows(suggestions: list[Suggestion]) -> list[dict[str, Any]]:
    """The suggestions as JSON-safe dicts (``constraints --json`` prints these)."""
    return [s.to_dict() for s in suggestions]
