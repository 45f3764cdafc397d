"""Fit big tables on a stratified sample of their training rows.

A synthesizer's fit time grows with rows × columns (× epochs), while its quality stops improving
long before a million rows; a sample that keeps every category's share (and every rare category
present) fits in a fraction of the time with little loss.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.config import Settings, get_settings
from core.data.holdout import MIN_HOLDOUT_ROWS, MIN_TRAIN_ROWS
from core.errors import InvalidParameterError
from core.meta import StudioMetadata

# Columns with more distinct values than this are identifiers or free text, not strata.
_MAX_STRATUM_VALUES = 1000
_STRATA_SDTYPES = ("categorical", "boolean")
_MISSING = "\x00missing"  # a missing value is a category of its own when stratifying


@dataclass(frozen=True)
class TrainingSample:
    """The rows a synthesizer fits on, and how they were drawn (for the report)."""

    data: pd.DataFrame
    total_rows: int
    strata: tuple[str, ...]
    seed: int
    note: str

    @property
    def sampled(self) -> bool:
        return len(self.data) < self.total_rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe record of the sample, stored with the run's scores."""
        return {
            "rows": len(self.data),
            "of_rows": self.total_rows,
            "strata": list(self.strata),
            "seed": self.seed,
            "note": self.note,
        }


def training_sample(
    train: pd.DataFrame, *, max_rows: int, strata: Sequence[str] | None, seed: int
) -> TrainingSample:
    """A seeded sample of at most ``max_rows`` training rows, stratified on categories.

    Every value of every stratum column (missing counts as a value) first gets one seeded row,
    so rare categories stay present. The other rows are drawn by implicit stratification:
    sorted by the strata (fewest values first, shuffled within), then every k-th row from a
    random start. Each value of the first stratum keeps its share to within one row, and each
    later stratum its share within every group of the earlier ones; unlike proportional
    allocation to joint cells, this holds however many cells the strata make. Rows keep their
    original order.

    Args:
        train: The training rows (after protections).
        max_rows: Most rows to keep; a table this small or smaller is returned whole.
        strata: Columns to stratify on; None picks the text, category and boolean columns.
            Columns with more than 1,000 distinct values (identifiers, free text) are left out.
        seed: The run's seed: the same seed and table always give the same sample.

    Raises:
        InvalidParameterError: ``max_rows`` below 1 or a stratum that is not a column.
    """
    if max_rows < 1:
        raise InvalidParameterError(f"Training sample size must be at least 1; got {max_rows}.")
    missing = [c for c in strata or [] if c not in train.columns]
    if missing:
        raise InvalidParameterError(f"Stratum column(s) {', '.join(missing)} are not in the table.")
    total = len(train)
    if total <= max_rows:
        return TrainingSample(train, total, (), seed, f"Fits on all {total:,} training rows.")
    columns = [
        c
        for c in (strata if strata is not None else default_strata(train))
        if train[c].nunique(dropna=False) <= _MAX_STRATUM_VALUES
    ]
    columns.sort(key=lambda c: train[c].nunique(dropna=False))
    keys = train[columns].astype(object).where(train[columns].notna(), _MISSING)
    rng = np.random.default_rng(seed)
    chosen = _rare_rows(keys, max_rows, rng)
    rest = np.setdiff1d(np.arange(total), chosen)
    picked = _systematic(keys.iloc[rest], rest, max_rows - len(chosen), rng)
    positions = np.sort(np.concatenate([chosen, picked]))
    data = train.iloc[positions].reset_index(drop=True)
    how = f"strata: {', '.join(columns)}"
    note = (
        f"Fits on a stratified sample of {len(data):,} of {total:,} training rows ({how}; "
        f"seed {seed})."
        if columns
        else f"Fits on a random sample of {len(data):,} of {total:,} training rows (seed {seed})."
    )
    return TrainingSample(data, total, tuple(columns), seed, note)


def fitted_sample_note(split: dict[str, Any]) -> str | None:
    """After a run: the sentence saying it fitted on a sample of its training rows, or None.

    ``split`` is the run's recorded ``holdout`` block, where the pipeline keeps the sample's
    :meth:`TrainingSample.to_dict`. Runs that fitted on every training row get None.
    """
    sample = split.get("training_sample") or {}
    if not sample or sample["rows"] >= sample["of_rows"]:
        return None
    strata = sample.get("strata") or []
    how = f"stratified on {', '.join(strata)}" if strata else "drawn at random"
    return (
        f"Fitted on a sample of {sample['rows']:,} of its {sample['of_rows']:,} training rows "
        f"({how}, seed {sample['seed']}); the scores compare with all the training rows."
    )


def category_columns(metadata: StudioMetadata) -> list[str]:
    """The categorical and boolean columns of a table: the strata of a training sample."""
    return [name for name, sdtype in metadata.sdtypes.items() if sdtype in _STRATA_SDTYPES]


def default_strata(train: pd.DataFrame) -> list[str]:
    """Category-like columns: text, categorical or boolean, with at most 1,000 values."""
    return [
        c
        for c in train.columns
        if (
            pd.api.types.is_object_dtype(train[c])
            or isinstance(train[c].dtype, pd.CategoricalDtype)
            or pd.api.types.is_bool_dtype(train[c])
            or pd.api.types.is_string_dtype(train[c])
        )
        and train[c].nunique(dropna=False) <= _MAX_STRATUM_VALUES
    ]


def _rare_rows(keys: pd.DataFrame, budget: int, rng: np.random.Generator) -> np.ndarray:
    """One seeded row per (column, value), rarest first, skipping values already covered."""
    where = {c: keys[c].groupby(keys[c], sort=False).indices for c in keys.columns}
    pairs = sorted(
        (
            (len(rows), column, value)
            for column, groups in where.items()
            for value, rows in groups.items()
        ),
        key=lambda p: (p[0], p[1], str(p[2])),
    )
    covered: set[tuple[str, Any]] = set()
    chosen: list[int] = []
    for _count, column, value in pairs:
        if len(chosen) >= budget:
            break
        if (column, value) in covered:
            continue
        row = int(rng.choice(where[column][value]))
        chosen.append(row)
        covered.update((c, keys[c].iat[row]) for c in keys.columns)
    return np.array(sorted(chosen), dtype=int)


def _systematic(
    keys: pd.DataFrame, rows: np.ndarray, budget: int, rng: np.random.Generator
) -> np.ndarray:
    """``budget`` of ``rows``: every k-th row of them sorted by ``keys``, from a random start."""
    if budget <= 0:
        return np.array([], dtype=int)
    # np.lexsort sorts by its last key first: a random tiebreak, then the strata in reverse.
    sort_keys = [rng.random(len(rows))]
    sort_keys += [pd.factorize(keys[c], sort=False)[0] for c in reversed(keys.columns)]
    ordered = rows[np.lexsort(sort_keys)]
    step = len(rows) / budget  # above 1: the table is larger than the sample
    return ordered[np.floor(rng.uniform(0, step) + step * np.arange(budget)).astype(int)]


def planned_training_rows(n_rows: int, settings: Settings | None = None) -> int:
    """How many training rows :func:`core.data.holdout.split_real` leaves of ``n_rows``.

    Computed from the count alone, so a page can show it without reading the table.
    """
    settings = settings or get_settings()
    holdout = math.ceil(settings.holdout_share * n_rows)
    if holdout < MIN_HOLDOUT_ROWS or n_rows - holdout < MIN_TRAIN_ROWS:
        return n_rows  # too small for a holdout: every row trains
    return n_rows - holdout
