"""Seeded holdout split on plotly's tips data."""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.holdout import Split, split_holdout
from core.errors import InvalidParameterError, StudioError


def test_split_sizes_and_rows_are_kept(tips: pd.DataFrame) -> None:
    # Setup
    columns = list(tips.columns)

    # Run
    split = split_holdout(tips, holdout_share=0.2, seed=0)

    # Assert
    assert isinstance(split, Split)
    assert len(split.holdout) == 49  # ceil(0.2 * 244)
    assert len(split.train) == 195
    together = pd.concat([split.train, split.holdout]).sort_values(columns).reset_index(drop=True)
    assert together.equals(tips.sort_values(columns).reset_index(drop=True))
    assert list(split.train.index) == list(range(195))


def test_same_seed_same_split_other_seed_other_split(tips: pd.DataFrame) -> None:
    # Setup
    first = split_holdout(tips, seed=3)

    # Run
    again = split_holdout(tips, seed=3)
    other = split_holdout(tips, seed=4)

    # Assert
    assert first.holdout.equals(again.holdout)
    assert first.train.equals(again.train)
    assert not first.holdout.equals(other.holdout)


@pytest.mark.parametrize("share", [0.0, -0.1, 0.51, 1.0])
def test_share_outside_bounds_is_refused(tips: pd.DataFrame, share: float) -> None:
    # Setup: the share must be in (0, 0.5]

    # Run / Assert
    with pytest.raises(InvalidParameterError) as caught:
        split_holdout(tips, holdout_share=share)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, StudioError)


@pytest.mark.parametrize(("rows", "share"), [(25, 0.2), (30, 0.5), (5, 0.5)])
def test_table_too_small_is_refused(tips: pd.DataFrame, rows: int, share: float) -> None:
    # Setup: needs at least 10 holdout rows and 20 training rows
    small = tips.head(rows)

    # Run / Assert
    with pytest.raises(InvalidParameterError, match="at least 10"):
        split_holdout(small, holdout_share=share)


def test_smallest_allowed_table_splits(tips: pd.DataFrame) -> None:
    # Setup: 30 rows at a third would be 10 / 20, the smallest split; 0.25 gives 8, too few
    small = tips.head(40)

    # Run
    split = split_holdout(small, holdout_share=0.25)

    # Assert
    assert (len(split.train), len(split.holdout)) == (30, 10)


def test_every_category_and_missing_value_stays_in_the_training_rows():
    # Setup: one rare category and the only missing value, wherever the seeded draw puts them
    rows = 200
    df = pd.DataFrame(
        {
            "plan": ["basic"] * (rows - 1) + ["platinum"],
            "score": [float(i) for i in range(rows - 1)] + [None],
            "id": range(rows),
        }
    )

    # Run
    splits = [split_holdout(df.sample(frac=1, random_state=s), seed=s) for s in range(20)]

    # Assert: the draw put them aside in some splits; they were always handed back
    assert any(split.moved for split in splits)
    for split in splits:
        assert "platinum" in set(split.train["plan"])
        assert split.train["score"].isna().sum() == 1
        assert len(split.train) + len(split.holdout) == rows
        assert len(split.holdout) == 40 - split.moved
