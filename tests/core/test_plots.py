"""Comparison figures built from plotly's tips data and small hand-made columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly
import plotly.graph_objects as go
import pytest

from core.data.metadata import detect_metadata
from core.evaluate.plots import (
    MISSING,
    NO_CORRELATIONS,
    OTHER,
    REAL_COLOR,
    SYNTH_COLOR,
    compute_correlations,
    plot_column,
    plot_correlations,
)

TIPS = Path(plotly.__file__).parent / "package_data/datasets/tips.csv.gz"


@pytest.fixture
def tips() -> pd.DataFrame:
    return pd.read_csv(TIPS)


@pytest.fixture
def synthetic_tips(tips: pd.DataFrame) -> pd.DataFrame:
    """Each column shuffled on its own: same shapes, correlations near zero."""
    rng = np.random.default_rng(11)
    return pd.DataFrame({c: rng.permutation(tips[c].to_numpy()) for c in tips.columns})


@pytest.fixture
def dates() -> pd.Series:
    return pd.Series(pd.date_range("2024-01-01", periods=300, freq="D"), name="day")


def _assert_real_and_synthetic(fig: go.Figure) -> None:
    assert [t.name for t in fig.data] == ["Real", "Synthetic"]
    assert [t.marker.color for t in fig.data] == [REAL_COLOR, SYNTH_COLOR]


def test_numerical_column_is_two_overlaid_densities_on_shared_bins(tips: pd.DataFrame) -> None:
    # Setup
    real, synthetic = tips["total_bill"], tips["total_bill"] * 1.5

    # Run
    fig = plot_column(real, synthetic, "numerical")

    # Assert
    _assert_real_and_synthetic(fig)
    assert fig.layout.title.text == "total_bill"
    assert fig.layout.barmode == "overlay"
    real_bars, synth_bars = fig.data
    np.testing.assert_array_equal(real_bars.x, synth_bars.x)
    for bars in fig.data:
        assert bars.opacity == pytest.approx(0.6)
        assert np.sum(np.asarray(bars.y) * np.asarray(bars.width)) == pytest.approx(1.0)
        assert sum(bars.customdata) == len(tips)


def test_categorical_column_shows_shares_per_category(tips: pd.DataFrame) -> None:
    # Setup
    real, synthetic = tips["day"], tips["day"].replace({"Fri": "Sat"})

    # Run
    fig = plot_column(real, synthetic, "categorical")

    # Assert
    _assert_real_and_synthetic(fig)
    assert fig.layout.barmode == "group"
    assert list(fig.data[0].x) == list(tips["day"].value_counts().index)
    for bars in fig.data:
        assert sum(bars.y) == pytest.approx(1.0)
    shares = dict(zip(fig.data[1].x, fig.data[1].y, strict=True))
    assert shares["Fri"] == 0.0


def test_rare_categories_are_grouped_as_other_and_nulls_as_missing() -> None:
    # Setup: 30 categories, the lower-numbered ones more frequent, plus nulls
    values = [f"c{i:02d}" for i in range(30) for _ in range(30 - i)] + [None] * 5
    real = pd.Series(values, name="code")
    synthetic = pd.Series(["c00", "c29", "new", None], name="code")

    # Run
    fig = plot_column(real, synthetic, "categorical", max_categories=5)

    # Assert
    real_bars, synth_bars = fig.data
    assert list(real_bars.x) == ["c00", "c01", "c02", "c03", "c04", OTHER, MISSING]
    assert list(synth_bars.x) == list(real_bars.x)
    assert dict(zip(synth_bars.x, synth_bars.customdata, strict=True)) == {
        "c00": 1,
        "c01": 0,
        "c02": 0,
        "c03": 0,
        "c04": 0,
        OTHER: 2,
        MISSING: 1,
    }


def test_mixed_object_values_and_float_integers_become_labels() -> None:
    # Setup: a synthesizer may hand back 2.0 for the real 2
    real = pd.Series([1, "a", 2, None, True], dtype=object, name="mixed")
    synthetic = pd.Series([1.0, 2.0, None], name="mixed")

    # Run
    fig = plot_column(real, synthetic, "categorical")

    # Assert
    counts = dict(zip(fig.data[1].x, fig.data[1].customdata, strict=True))
    assert counts["1"] == 1 and counts["2"] == 1 and counts[MISSING] == 1


def test_datetime_column_is_binned_over_time(dates: pd.Series) -> None:
    # Setup
    synthetic = dates.astype(str).sample(frac=0.5, random_state=0)

    # Run
    fig = plot_column(dates, synthetic, "datetime")

    # Assert
    _assert_real_and_synthetic(fig)
    assert isinstance(fig.data[0].x[0], (pd.Timestamp, np.datetime64))
    for bars in fig.data:
        assert sum(bars.y) == pytest.approx(1.0)
    assert sum(fig.data[1].customdata) == 150


def test_columns_are_downsampled_to_max_rows() -> None:
    # Setup
    real = pd.Series(np.random.default_rng(0).normal(size=20_000), name="x")

    # Run
    fig = plot_column(real, real, "numerical", max_rows=1_000)
    again = plot_column(real, real, "numerical", max_rows=1_000)

    # Assert
    assert sum(fig.data[0].customdata) == 1_000
    np.testing.assert_array_equal(fig.data[0].y, again.data[0].y)


@pytest.mark.parametrize("sdtype", ["numerical", "datetime", "categorical", "boolean", "id"])
@pytest.mark.parametrize(
    ("real", "synthetic"),
    [
        (pd.Series([None, None, None], name="c"), pd.Series([None, None], name="c")),
        (pd.Series([3, 3, 3], name="c"), pd.Series([3, 3], name="c")),
        (pd.Series([1, 2, None], name="c"), pd.Series([], dtype=float, name="c")),
        (pd.Series([], dtype=object, name="c"), pd.Series([], dtype=object, name="c")),
    ],
    ids=["all-null", "constant", "empty-synthetic", "both-empty"],
)
def test_degenerate_columns_still_plot(sdtype: str, real: pd.Series, synthetic: pd.Series) -> None:
    # Setup: see parameters

    # Run
    fig = plot_column(real, synthetic, sdtype)

    # Assert
    _assert_real_and_synthetic(fig)
    fig.to_json()  # what st.plotly_chart serialises; must not choke on NaN or empty arrays


def test_compute_correlations_uses_numbers_and_dates_only(
    tips: pd.DataFrame, tips_sdtypes: dict[str, str], dates: pd.Series
) -> None:
    # Setup: a date column that rises with the bill
    frame = tips.sort_values("total_bill").head(len(dates)).reset_index(drop=True)
    frame["day_paid"] = dates
    sdtypes = {**tips_sdtypes, "day_paid": "datetime"}

    # Run
    corr = compute_correlations(frame, sdtypes)

    # Assert
    assert list(corr.index) == list(corr.columns) == ["total_bill", "tip", "day_paid"]
    np.testing.assert_allclose(np.diag(corr.to_numpy()), 1.0)
    assert corr.loc["total_bill", "day_paid"] > 0.9


def test_correlation_heatmaps_share_one_fixed_scale(
    tips: pd.DataFrame, synthetic_tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup: see fixtures

    # Run
    fig = plot_correlations(tips, synthetic_tips, tips_sdtypes)

    # Assert
    assert [a.text for a in fig.layout.annotations] == ["Real", "Synthetic"]
    real_map, synth_map = fig.data
    assert real_map.type == synth_map.type == "heatmap"
    assert (real_map.zmin, real_map.zmax) == (synth_map.zmin, synth_map.zmax) == (-1.0, 1.0)
    assert [m.showscale for m in fig.data] == [False, True]
    assert list(real_map.x) == list(synth_map.x) == ["total_bill", "tip"]
    for heatmap in fig.data:
        z = np.asarray(heatmap.z, dtype=float)
        assert z.shape == (2, 2)
        assert np.all((z >= -1) & (z <= 1))
    assert np.asarray(real_map.z)[0, 1] > np.asarray(synth_map.z)[0, 1] + 0.3


def test_one_numeric_column_gives_an_annotated_figure(
    tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup
    only_bill = tips.drop(columns=["tip"])

    # Run
    fig = plot_correlations(only_bill, only_bill, tips_sdtypes)

    # Assert
    assert len(fig.data) == 0
    assert [a.text for a in fig.layout.annotations] == [NO_CORRELATIONS]


# --- the report's figures: learned columns only ---------------------------------------------

CUSTOMERS = Path(__file__).parents[1] / "data" / "customers.csv"


@pytest.fixture
def customers() -> tuple[pd.DataFrame, dict]:
    from core.data.pii import detect_pii
    from core.data.roles import fake_pii_metadata

    real = pd.read_csv(CUSTOMERS)
    return real, fake_pii_metadata(detect_metadata(real), detect_pii(real))


def test_report_columns_skip_direct_identifiers_and_keys_and_say_so(customers) -> None:
    # Setup
    from core.export.report_figures import report_columns

    real, metadata = customers
    sdtypes = metadata.sdtypes

    # Run
    shown, note = report_columns(real, sdtypes)

    # Assert: numbers and dates first (zip is read as a number here), then categories with a
    # few values (city has 40, beyond the 20 a figure shows); no identifier
    assert shown == [
        "zip",
        "birth_date",
        "age",
        "monthly_spend",
        "signup",
        "state",
        "gender",
        "plan",
    ]
    assert not {"customer_id", "email", "phone", "full_name", "notes"} & set(shown)
    assert note.startswith(f"Column figures show 8 of {len(sdtypes)} columns: zip, birth_date")
    assert note.endswith("Not plotted, as less informative or beyond 8: city, job.")
    assert "Never plotted: customer_id, first_name" in note


def test_report_figures_and_html_hold_no_real_identifier(customers) -> None:
    # Setup: the real table as its own "synthetic" side, the worst case for a leak
    from core.export.report_figures import build_report, report_figures
    from tests.leak_scan import Needles, scan_text

    real, metadata = customers
    direct = ["customer_id", "first_name", "last_name", "full_name", "email", "phone"]
    needles = Needles(real.astype(str), direct + ["street_address", "card_number", "ssn"])

    # Run
    figures = report_figures(real, real, metadata.sdtypes)
    html = build_report(
        title="t",
        dataset_summary={"rows": len(real)},
        synthesizer="none",
        params={},
        evaluation_scores={},
        figures=figures,
    )

    # Assert
    spec = "".join(figure.to_json() for figure in figures.values())
    assert scan_text(spec, needles, artifact="figures") == []
    assert scan_text(html, needles, artifact="report") == []
    assert figures.note in html


def test_shares_figure_draws_before_asked_and_reached_bounded() -> None:
    # Setup: 30 categories, the last one rare in the real rows and asked up to a third
    from core.evaluate.plots import TARGET_COLOR, plot_shares

    labels = [f"c{i:02d}" for i in range(30)]
    before = {k: (0.01 if k == "c29" else 0.99 / 29) for k in labels}
    target = {k: (1 / 3 if k == "c29" else (2 / 3) / 29) for k in labels}
    after = {k: v + (0.002 if k == "c00" else 0.0) for k, v in target.items()}

    # Run
    fig = plot_shares("kind", before=before, target=target, after=after, max_categories=10)

    # Assert: three sides, ten categories and (other) summing the rest, largest first
    assert [t.name for t in fig.data] == ["Real rows", "Asked for", "Extract"]
    assert [t.marker.color for t in fig.data] == [REAL_COLOR, TARGET_COLOR, SYNTH_COLOR]
    for trace in fig.data:
        assert len(trace.x) == 11 and trace.x[0] == "c29" and trace.x[-1] == OTHER
        assert sum(trace.y) == pytest.approx(1.0, abs=0.01)
    assert fig.data[1].y[0] == pytest.approx(1 / 3)
    assert "Shares of kind" in fig.layout.title.text


def test_report_columns_chosen_keep_their_order_and_never_an_identifier(customers) -> None:
    # Setup
    from core.export.report_figures import report_columns

    real, metadata = customers

    # Run
    shown, note = report_columns(real, metadata.sdtypes, chosen=["plan", "email", "age", "plan"])

    # Assert
    assert shown == ["plan", "age"]
    assert note.startswith("Column figures show 2 of ")
    assert "as chosen on the Compare page: plan, age." in note
    assert "Never plotted: customer_id" in note and "email" in note.split("Never plotted")[1]
