"""Set real rows aside before fitting, so evaluation can compare against data the model never saw.

A synthesizer scored only against its own training rows rewards memorisation; a seeded holdout
gives the honest reference for utility (train on synthetic, test on real) and a ceiling for
quality (how well a fresh sample of real data scores).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from core.config import Settings, get_settings
from core.errors import InvalidParameterError

MIN_HOLDOUT_ROWS = 10
MIN_TRAIN_ROWS = 20
MAX_HOLDOUT_SHARE = 0.5


# A column with at most this many distinct values is a set of categories whose every value
# the training rows must hold; wider columns (keys, free text, measurements) are not.
CATEGORY_MAX_DISTINCT = 50


@dataclass(frozen=True)
class Split:
    """Real rows for fitting (``train``) and real rows kept aside (``holdout``).

    ``moved`` holdout rows of the seeded draw went to the training rows, because they held a
    category or a missing value no training row had (see :func:`keep_values_in_training`).
    """

    train: pd.DataFrame
    holdout: pd.DataFrame
    moved: int = 0


def split_holdout(df: pd.DataFrame, *, holdout_share: float = 0.2, seed: int = 0) -> Split:
    """Shuffle ``df`` with a seed and keep a share of its rows aside.

    Args:
        df: The real table.
        holdout_share: Share of rows kept aside, in (0, 0.5].
        seed: The same seed and table always give the same split.

    Returns:
        Both parts with a fresh 0..n-1 index. The seeded draw keeps ``ceil(share * rows)``
        rows aside, then hands back to training the few that hold a category or a missing
        value no training row has: a synthesizer cannot learn what it never sees.

    Raises:
        InvalidParameterError: the share is outside (0, 0.5], or the table is too small to
            leave at least 10 holdout rows and 20 training rows.
    """
    if not 0.0 < holdout_share <= MAX_HOLDOUT_SHARE:
        raise InvalidParameterError(
            f"Holdout share must be above 0 and at most {MAX_HOLDOUT_SHARE}, got {holdout_share}."
        )
    rows = len(df)
    holdout_rows = math.ceil(holdout_share * rows)
    if holdout_rows < MIN_HOLDOUT_ROWS or rows - holdout_rows < MIN_TRAIN_ROWS:
        raise InvalidParameterError(
            f"A {holdout_share:.0%} holdout of {rows} rows leaves {holdout_rows} holdout and "
            f"{rows - holdout_rows} training rows; at least {MIN_HOLDOUT_ROWS} and "
            f"{MIN_TRAIN_ROWS} are needed, so use a larger table or a different share."
        )
    train, holdout = train_test_split(df, test_size=holdout_rows, random_state=seed, shuffle=True)
    train, holdout, moved = keep_values_in_training(train, holdout)
    return Split(
        train=train.reset_index(drop=True), holdout=holdout.reset_index(drop=True), moved=moved
    )


def keep_values_in_training(
    train: pd.DataFrame, holdout: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Move to ``train`` the first holdout row of each category or missing value it lacks.

    A category only in the holdout, or the only missing values of a column, would never be
    learned: the extract could not hold them, and a model is fitted on a different set of
    values than the table has (SDV's Gaussian copula fitted BudgetFood's sex column without its
    one missing value to a 0.07 lower quality). Categories are the values of columns with at
    most ``CATEGORY_MAX_DISTINCT`` distinct values; at least ``MIN_HOLDOUT_ROWS`` stay aside.

    Returns:
        The training rows, the holdout rows and how many rows moved.
    """
    take: list[int] = []  # positions in holdout, in the order found
    for column in holdout.columns:
        kept, aside = train[column], holdout[column]
        if aside.isna().any() and not kept.isna().any():
            take.append(int(aside.isna().to_numpy().argmax()))
        if kept.nunique(dropna=True) > CATEGORY_MAX_DISTINCT:
            continue
        known = set(kept.dropna().tolist())
        for value in aside.dropna().drop_duplicates().tolist():
            if value not in known:
                take.append(int((aside == value).to_numpy().argmax()))
    take = list(dict.fromkeys(take))[: max(len(holdout) - MIN_HOLDOUT_ROWS, 0)]
    if not take:
        return train, holdout, 0
    staying = np.ones(len(holdout), dtype=bool)
    staying[take] = False
    return pd.concat([train, holdout.iloc[take]]), holdout.iloc[staying], len(take)


@dataclass(frozen=True)
class RealSplit:
    """The real rows a synthesizer fits on, and those kept aside (None for tiny tables)."""

    train: pd.DataFrame
    holdout: pd.DataFrame | None
    share: float
    seed: int
    note: str = ""
    moved: int = 0  # holdout rows moved to training (see core.data.holdout.keep_values_in_training)


def split_real(
    real: pd.DataFrame, *, seed: int, share: float | None = None, settings: Settings | None = None
) -> RealSplit:
    """A run's training / holdout split, drawn with the run's seed.

    Args:
        real: The dataset's table.
        seed: The run's seed: the same seed and table always give the same split.
        share: Share of rows kept aside; default ``Settings.holdout_share``.
        settings: Where the default share comes from (default :func:`get_settings`).
    """
    if share is None:
        share = (settings or get_settings()).holdout_share
    try:
        split = split_holdout(real, holdout_share=share, seed=seed)
    except InvalidParameterError as err:
        return RealSplit(real, None, share, seed, f"No holdout: {err}")
    return RealSplit(split.train, split.holdout, share, seed, moved=split.moved)


def recorded_split(
    real: pd.DataFrame, scores: dict[str, Any] | None, settings: Settings | None = None
) -> RealSplit:
    """The split a finished run drew, from the share and seed it recorded.

    Every figure, score, bundle or benchmark that re-derives a run's training rows and holdout
    goes through here, so they are the rows the run was fitted and scored on. ``scores`` is the
    run's stored scores (its ``holdout`` block). A run recorded before the split was, if any,
    drew it with the settings' share and seed of the time: those of ``settings`` are taken.
    """
    settings = settings or get_settings()
    recorded = (scores or {}).get("holdout") or {}
    seed = recorded.get("seed")
    share = recorded.get("share")
    return split_real(
        real,
        seed=settings.seed if seed is None else int(seed),
        share=settings.holdout_share if share is None else float(share),
    )
