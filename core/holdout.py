"""Set real rows aside before fitting, so evaluation can compare against data the model never saw.

A synthesizer scored only against its own training rows rewards memorisation; a seeded holdout
gives the honest reference for utility (train on synthetic, test on real) and a ceiling for
quality (how well a fresh sample of real data scores).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from sklearn.model_selection import train_test_split

from core.errors import InvalidParameterError

MIN_HOLDOUT_ROWS = 10
MIN_TRAIN_ROWS = 20
MAX_HOLDOUT_SHARE = 0.5


@dataclass(frozen=True)
class Split:
    """Real rows for fitting (``train``) and real rows kept aside (``holdout``)."""

    train: pd.DataFrame
    holdout: pd.DataFrame


def split_holdout(df: pd.DataFrame, *, holdout_share: float = 0.2, seed: int = 0) -> Split:
    """Shuffle ``df`` with a seed and keep a share of its rows aside.

    Args:
        df: The real table.
        holdout_share: Share of rows kept aside, in (0, 0.5].
        seed: The same seed and table always give the same split.

    Returns:
        Both parts with a fresh 0..n-1 index; the holdout has ``ceil(share * rows)`` rows.

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
    return Split(train=train.reset_index(drop=True), holdout=holdout.reset_index(drop=True))
