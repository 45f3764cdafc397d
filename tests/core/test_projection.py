"""PCA projection and correlation difference figures on plotly's tips data."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from core.errors import StudioError
from core.evaluate.plots import NO_CORRELATIONS, REAL_COLOR, SYNTH_COLOR
from core.evaluate.projection import (
    compute_projection,
    plot_correlation_difference,
    plot_projection,
)


@pytest.fixture
def synthetic_tips(tips: pd.DataFrame) -> pd.DataFrame:
    return tips.sample(n=100, random_state=1).reset_index(drop=True)


def test_projection_has_both_sources(
    tips: pd.DataFrame, synthetic_tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup
    sdtypes = tips_sdtypes

    # Run
    frame = compute_projection(tips, synthetic_tips, sdtypes=sdtypes)

    # Assert
    assert list(frame.columns) == ["x", "y", "source"]
    assert frame["source"].value_counts().to_dict() == {"Real": 244, "Synthetic": 100}
    assert frame[["x", "y"]].notna().all().all()
    assert len(frame.attrs["explained_variance"]) == 2


def test_projection_is_capped_and_seeded(
    tips: pd.DataFrame, synthetic_tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup
    first = compute_projection(tips, synthetic_tips, sdtypes=tips_sdtypes, max_rows=50)

    # Run
    again = compute_projection(tips, synthetic_tips, sdtypes=tips_sdtypes, max_rows=50)

    # Assert
    assert frame_counts(first) == {"Real": 50, "Synthetic": 50}
    pd.testing.assert_frame_equal(first, again)


def frame_counts(frame: pd.DataFrame) -> dict[str, int]:
    return frame["source"].value_counts().to_dict()


def test_projection_of_a_copy_overlaps(tips: pd.DataFrame, tips_sdtypes: dict[str, str]) -> None:
    # Setup
    copy = tips.copy()

    # Run
    frame = compute_projection(tips, copy, sdtypes=tips_sdtypes)

    # Assert
    real = frame[frame["source"] == "Real"][["x", "y"]].to_numpy()
    synthetic = frame[frame["source"] == "Synthetic"][["x", "y"]].to_numpy()
    assert real == pytest.approx(synthetic)


def test_projection_needs_a_modelled_column(tips: pd.DataFrame) -> None:
    # Setup: ids only
    sdtypes = {c: "id" for c in tips.columns}

    # Run / Assert
    with pytest.raises(StudioError, match="No numerical"):
        compute_projection(tips, tips, sdtypes=sdtypes)


def test_plot_projection_colours_real_and_synthetic(
    tips: pd.DataFrame, synthetic_tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup
    frame = compute_projection(tips, synthetic_tips, sdtypes=tips_sdtypes)

    # Run
    fig = plot_projection(frame)

    # Assert
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == ["Real", "Synthetic"]
    assert [t.marker.color for t in fig.data] == [REAL_COLOR, SYNTH_COLOR]
    assert [len(t.x) for t in fig.data] == [244, 100]


def test_correlation_difference_of_a_copy_is_zero(
    tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup
    copy = tips.copy()

    # Run
    fig = plot_correlation_difference(tips, copy, tips_sdtypes)

    # Assert
    (heatmap,) = fig.data
    assert (heatmap.zmin, heatmap.zmax) == (-1.0, 1.0)
    assert list(heatmap.x) == ["total_bill", "tip"]
    assert abs(pd.DataFrame(heatmap.z)).to_numpy().max() == pytest.approx(0.0)


def test_correlation_difference_shows_a_broken_relationship(
    tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup: tips shuffled against bills, so their correlation is gone
    shuffled = tips.assign(tip=tips["tip"].sample(frac=1, random_state=0).to_numpy())

    # Run
    fig = plot_correlation_difference(tips, shuffled, tips_sdtypes)

    # Assert
    assert fig.data[0].z[0][1] < -0.4


def test_correlation_difference_needs_two_numeric_columns(tips: pd.DataFrame) -> None:
    # Setup
    sdtypes = {"tip": "numerical", "day": "categorical"}

    # Run
    fig = plot_correlation_difference(tips, tips, sdtypes)

    # Assert
    assert len(fig.data) == 0
    assert fig.layout.annotations[0].text == NO_CORRELATIONS
