"""Rare categories and rare pairs of categories in the real data, and whether the extract has them.

Synthesizers drop the rare first. This lists, for the real table, each category under the
rare share of rows and each combination of two category columns under it, with how many real
rows hold it and how many synthetic rows do (counted over every stored row, batch by batch,
:class:`RareCounter`). Each item is a condition a page can hand to
:mod:`core.synth.scenarios` to generate more of it.

What is listed never names a rare value the protections hide: a category or combination seen
in fewer than ``min_count`` real rows is counted (``withheld``), not listed, like the
rare-category grouping before fitting. Direct identifiers and keys are never read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import pandas as pd

from core.evaluate.features import as_labels
from core.evaluate.sdmetrics import json_float

# A category or pair in fewer than this share of the real rows is rare (as coverage counts).
RARE_SHARE = 0.05
# Category columns paired, at most, and their distinct values, at most.
MAX_PAIR_COLUMNS = 12
MAX_PAIR_CATEGORIES = 30
# Items listed per kind (single categories, pairs), rarest first.
MAX_ITEMS = 50
_CATEGORY_SDTYPES = ("categorical", "boolean", "ordinal")


@dataclass(frozen=True)
class RareItem:
    """A rare category (one column) or combination (two), with its real rows."""

    values: tuple[tuple[str, str], ...]  # (column, value label) pairs
    real_rows: int
    real_share: float

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.values)


@dataclass(frozen=True)
class RareCoverage:
    """Rare items of the real table and the synthetic rows holding each."""

    items: tuple[RareItem, ...]
    synthetic_rows: tuple[int, ...]
    withheld: int  # rare items under min_count real rows: counted, never named
    threshold: float
    min_count: int

    @property
    def covered(self) -> int:
        return sum(1 for n in self.synthetic_rows if n > 0)

    def to_dict(self) -> list[dict[str, Any]]:
        return [
            {
                "columns": list(item.columns),
                "condition": dict(item.values),
                "real_rows": int(item.real_rows),
                "real_share": json_float(item.real_share),
                "synthetic_rows": int(count),
                "in_extract": count > 0,
            }
            for item, count in zip(self.items, self.synthetic_rows, strict=True)
        ]

    def summary(self) -> dict[str, Any]:
        """The stored block: the items, how many the extract has, how many were withheld."""
        return {
            "items": self.to_dict(),
            "listed": len(self.items),
            "in_extract": self.covered,
            "withheld": int(self.withheld),
            "threshold": self.threshold,
            "min_count": int(self.min_count),
        }


def rare_items(
    real: pd.DataFrame,
    sdtypes: Mapping[str, str],
    *,
    threshold: float,
    min_count: int,
    skip: frozenset[str] = frozenset(),
) -> tuple[list[RareItem], int]:
    """The rare categories and pairs of ``real`` to list, and the count of those withheld."""
    columns = [
        c
        for c, t in sdtypes.items()
        if t in _CATEGORY_SDTYPES and c in real.columns and c not in skip
    ]
    labels = {c: as_labels(real[c]) for c in columns}
    rows = len(real)
    singles: list[RareItem] = []
    pairs: list[RareItem] = []
    withheld = 0
    for column in columns:
        for value, count in labels[column].value_counts().items():
            if count / rows < threshold:
                if count < min_count:
                    withheld += 1
                else:
                    singles.append(RareItem(((column, str(value)),), int(count), count / rows))
    alone = {c: labels[c].value_counts() for c in columns}
    narrow = [c for c in columns if len(alone[c]) <= MAX_PAIR_CATEGORIES][:MAX_PAIR_COLUMNS]
    for first, second in combinations(narrow, 2):
        counts = pd.DataFrame({"a": labels[first], "b": labels[second]}).value_counts()
        for (a, b), count in counts.items():
            # A pair is rare when it is, and its two categories are not: rare categories are
            # listed alone already.
            least = min(alone[first][a], alone[second][b])
            if count / rows >= threshold or least / rows < threshold:
                continue
            if count < min_count:
                withheld += 1
            else:
                pairs.append(
                    RareItem(((first, str(a)), (second, str(b))), int(count), count / rows)
                )
    singles.sort(key=lambda i: (i.real_rows, i.values))
    pairs.sort(key=lambda i: (i.real_rows, i.values))
    return singles[:MAX_ITEMS] + pairs[:MAX_ITEMS], withheld


class RareCounter:
    """Synthetic rows holding each rare item of a real table, counted batch by batch.

    Args:
        real: The real rows whose rare items are listed (the training rows).
        sdtypes: Their SDV sdtypes: category columns are read.
        threshold: A category or pair under this share of rows is rare.
        min_count: Rare items in fewer real rows are counted as withheld, not listed.
        skip: Columns never read (direct identifiers).
    """

    def __init__(
        self,
        real: pd.DataFrame,
        sdtypes: Mapping[str, str],
        *,
        threshold: float,
        min_count: int,
        skip: frozenset[str] = frozenset(),
    ) -> None:
        self.items, self.withheld = rare_items(
            real, sdtypes, threshold=threshold, min_count=min_count, skip=skip
        )
        self.threshold, self.min_count = threshold, min_count
        self.counts = [0] * len(self.items)

    def add(self, batch: pd.DataFrame) -> None:
        labels: dict[str, pd.Series] = {}
        for i, item in enumerate(self.items):
            keep = pd.Series(True, index=batch.index)
            for column, value in item.values:
                if column not in labels:
                    labels[column] = as_labels(batch[column])
                keep &= labels[column].eq(value)
            self.counts[i] += int(keep.sum())

    def result(self) -> RareCoverage:
        """The coverage once every synthetic row was added."""
        return RareCoverage(
            items=tuple(self.items),
            synthetic_rows=tuple(self.counts),
            withheld=self.withheld,
            threshold=self.threshold,
            min_count=self.min_count,
        )
