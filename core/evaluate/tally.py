"""Whole-table facts about synthetic rows, gathered one batch at a time.

A run's rows go from the synthesizer to the workspace in batches and are never all in memory.
The checks that need every row (missing values, categories and ranges reached, duplicate rows,
exact copies of real rows, leaked personal values) read these facts instead; the checks that
work on a sample (quality, diagnostic, distances, utility) read the evaluation sample, the
first rows drawn. Batches are independent draws, so the first rows are a random sample.

Memory: the sample, one batch, each column's distinct categories, and 8 bytes per row for the
row hashes that duplicates are counted from (16 when a personal-data column is also modelled,
as privacy compares rows without it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidParameterError
from core.evaluate.features import as_labels, as_seconds, kinds_from_sdtypes, prepare_features


@dataclass
class ColumnFacts:
    """What coverage needs of one synthetic column: its missing values and reach."""

    kind: str  # "numeric", "datetime" or "categorical" (see core.evaluate.utility)
    missing: int = 0
    distinct: set[Any] = field(default_factory=set)  # categorical: the values seen
    low: float = math.nan  # numeric and datetime: the smallest and largest value seen
    high: float = math.nan

    def add(self, series: pd.Series) -> None:
        self.missing += int(series.isna().sum())
        if self.kind == "categorical":
            self.distinct.update(series.dropna().unique().tolist())
            return
        values = (as_seconds(series) if self.kind == "datetime" else as_float(series)).to_numpy()
        if len(values) and not np.isnan(values).all():
            self.low = float(np.fmin(self.low, np.nanmin(values)))
            self.high = float(np.fmax(self.high, np.nanmax(values)))

    def values(self) -> pd.Series:
        """A stand-in for the column's values: its categories, or its two extremes.

        CategoryCoverage reads only which categories occur and RangeCoverage only the minimum
        and maximum, so both score the stand-in as they would the whole column.
        """
        if self.kind == "categorical":
            # The dtype is inferred again, so whole floats still read as integers (as_labels).
            return pd.Series(list(self.distinct), dtype=None if self.distinct else object)
        return pd.Series([] if math.isnan(self.low) else [self.low, self.high], dtype=float)


def as_float(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype(float)


def row_hashes(frame: pd.DataFrame, kinds: dict[str, str]) -> np.ndarray:
    """One 64-bit hash per row of canonical values (an int that comes back as a float matches)."""
    if not kinds:  # nothing to compare: every row alike (the checks refuse such a table)
        return np.zeros(len(frame), dtype=np.uint64)
    hashed = pd.util.hash_pandas_object(prepare_features(frame, kinds), index=False)
    return hashed.to_numpy(dtype=np.uint64)


def normalised(series: pd.Series) -> set[str]:
    """Personal values as trimmed, case-folded text, so ``" Ann@X.org"`` is ``"ann@x.org"``."""
    labels = as_labels(series).dropna().astype(str).str.strip().str.casefold()
    return {value for value in labels if value}


class SyntheticTally:
    """Facts about every synthetic row, and the first ``sample_rows`` rows themselves.

    Args:
        sdtypes: SDV sdtype per column; the modelled ones are tallied.
        columns: the real table's columns: only these are compared.
        pii_columns: personal-data columns: left out of the privacy hashes.
        real_pii: real rows (or their distinct values) of the personal-data columns; a
            synthetic value that equals one of them (normalised) is a leak.
        sample_rows: how many of the first rows to keep as the evaluation sample.
    """

    def __init__(
        self,
        *,
        sdtypes: dict[str, str],
        columns: Iterable[str],
        pii_columns: Iterable[str] = (),
        real_pii: pd.DataFrame | None = None,
        sample_rows: int,
    ) -> None:
        present = set(columns)
        pii = {str(c) for c in pii_columns}
        self.kinds = {c: k for c, k in kinds_from_sdtypes(sdtypes).items() if c in present}
        # Privacy compares the modelled columns that are not personal data.
        self.privacy_kinds = {c: k for c, k in self.kinds.items() if str(c) not in pii}
        self.facts = {c: ColumnFacts(k) for c, k in self.kinds.items()}
        self._real_pii = {
            c: normalised(real_pii[c])
            for c in (real_pii.columns if real_pii is not None else [])
            if str(c) in pii
        }
        self.leaked: dict[str, set[str]] = {c: set() for c in self._real_pii}
        self.sample_rows = sample_rows
        self.rows = 0
        self._parts: list[pd.DataFrame] = []
        self._hashes: list[np.ndarray] = []
        self._privacy_hashes: list[np.ndarray] = []

    @classmethod
    def of(cls, frame: pd.DataFrame, **kwargs: Any) -> SyntheticTally:
        """The tally of a table already in memory, kept whole as its own sample."""
        tally = cls(sample_rows=len(frame), **kwargs)
        tally.add(frame)
        return tally

    def add(self, batch: pd.DataFrame) -> None:
        """Count one batch of synthetic rows (columns the tally compares must be there)."""
        lacking = [str(c) for c in self.kinds if c not in batch.columns]
        if lacking:
            missing = ", ".join(lacking)
            raise InvalidParameterError(f"The synthetic table lacks column(s) {missing}.")
        for column, facts in self.facts.items():
            facts.add(batch[column])
        hashes = row_hashes(batch, self.kinds)
        self._hashes.append(hashes)
        if self.privacy_kinds != self.kinds:
            self._privacy_hashes.append(row_hashes(batch, self.privacy_kinds))
        for column, real in self._real_pii.items():
            if column in batch.columns:
                self.leaked[column] |= real & normalised(batch[column])
        if (room := self.sample_rows - sum(len(p) for p in self._parts)) > 0:
            self._parts.append(batch.iloc[:room])
        self.rows += len(batch)

    @property
    def sample(self) -> pd.DataFrame:
        """The first rows drawn, at most ``sample_rows`` of them."""
        if len(self._parts) > 1:  # joined once, however often it is read
            self._parts = [pd.concat(self._parts, ignore_index=True)]
        return self._parts[0] if self._parts else pd.DataFrame()

    @property
    def hashes(self) -> np.ndarray:
        """Row hashes over every compared column, one per synthetic row."""
        self._hashes = _joined(self._hashes)
        return self._hashes[0] if self._hashes else np.empty(0, dtype=np.uint64)

    @property
    def privacy_hashes(self) -> np.ndarray:
        """Row hashes over the compared columns that are not personal data."""
        if not self._privacy_hashes:
            return self.hashes
        self._privacy_hashes = _joined(self._privacy_hashes)
        return self._privacy_hashes[0]

    @property
    def duplicate_rows(self) -> int:
        """Rows that repeat an earlier synthetic row on every compared column."""
        # Sorted, equal neighbours counted: np.unique peaked at 60 bytes a row.
        ordered = np.sort(self.hashes)
        return int(np.count_nonzero(ordered[1:] == ordered[:-1]))

    @property
    def pii_leaks(self) -> int:
        """Distinct real personal values that appear in the same synthetic column."""
        return sum(len(values) for values in self.leaked.values())


def count_in(hashes: np.ndarray, reference: np.ndarray) -> int:
    """How many of ``hashes`` occur in ``reference`` (hash-based, not sorted)."""
    return int(pd.Series(hashes).isin(pd.unique(reference)).sum())


def _joined(parts: list[np.ndarray]) -> list[np.ndarray]:
    """``parts`` as one array (in a list, so later batches append to it)."""
    return [np.concatenate(parts)] if len(parts) > 1 else parts
