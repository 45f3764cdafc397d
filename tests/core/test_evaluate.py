"""Quality evaluation on plotly's tips data with real SDMetrics."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import plotly
import pytest
from sdv.metadata import Metadata

from core.data.metadata import detect_metadata
from core.errors import StudioError
from core.evaluate.quality import QualityResult, evaluate_quality
from core.evaluate.sdmetrics import Score

TIPS = Path(plotly.__file__).parent / "package_data/datasets/tips.csv.gz"


@pytest.fixture
def tips() -> pd.DataFrame:
    return pd.read_csv(TIPS)


@pytest.fixture
def tips_metadata(tips: pd.DataFrame) -> Metadata:
    return (detect_metadata(tips)).to_sdv()


@pytest.fixture
def shuffled_tips(tips: pd.DataFrame) -> pd.DataFrame:
    return tips.sample(frac=1, random_state=1).reset_index(drop=True)


@pytest.fixture
def independent_tips(tips: pd.DataFrame) -> pd.DataFrame:
    """Each column shuffled on its own: same shapes, pair trends destroyed."""
    rng = np.random.default_rng(7)
    return pd.DataFrame({c: rng.permutation(tips[c].to_numpy()) for c in tips.columns})


def _scores(result: QualityResult) -> list[Score]:
    return [result.overall, result.column_shapes, result.column_pair_trends]


def test_shuffled_copy_scores_high(
    tips: pd.DataFrame, shuffled_tips: pd.DataFrame, tips_metadata: Metadata
) -> None:
    # Setup: a row-shuffled copy has exactly the real distributions

    # Run
    result = evaluate_quality(real=tips, synthetic=shuffled_tips, metadata=tips_metadata)

    # Assert
    assert result.overall.value >= 0.9
    assert result.column_shapes.value >= 0.99
    assert result.sample_rows == len(tips)


def test_independent_columns_lose_pair_trends(
    tips: pd.DataFrame,
    shuffled_tips: pd.DataFrame,
    independent_tips: pd.DataFrame,
    tips_metadata: Metadata,
) -> None:
    # Setup
    copy = evaluate_quality(real=tips, synthetic=shuffled_tips, metadata=tips_metadata)

    # Run
    independent = evaluate_quality(real=tips, synthetic=independent_tips, metadata=tips_metadata)

    # Assert
    assert independent.column_pair_trends.value < copy.column_pair_trends.value - 0.1
    assert independent.column_shapes.value >= 0.99


def test_uniform_noise_lowers_column_shapes(
    tips: pd.DataFrame, shuffled_tips: pd.DataFrame, tips_metadata: Metadata
) -> None:
    # Setup
    noisy = shuffled_tips.copy()
    noisy["total_bill"] = np.random.default_rng(3).uniform(0, 200, len(noisy)).round(2)
    copy = evaluate_quality(real=tips, synthetic=shuffled_tips, metadata=tips_metadata)

    # Run
    result = evaluate_quality(real=tips, synthetic=noisy, metadata=tips_metadata)

    # Assert
    assert result.column_shapes.value < copy.column_shapes.value - 0.05
    row = result.per_column.set_index("column").loc["total_bill"]
    assert row["metric"] == "KSComplement"
    assert row["score"] < 0.5


def test_scores_and_details_lie_in_their_range(
    tips: pd.DataFrame, independent_tips: pd.DataFrame, tips_metadata: Metadata
) -> None:
    # Setup: a mediocre synthetic table, so the scores are not all 1.0

    # Run
    result = evaluate_quality(real=tips, synthetic=independent_tips, metadata=tips_metadata)

    # Assert
    for score in _scores(result):
        assert (score.low, score.high) == (0.0, 1.0)
        assert score.low <= score.value <= score.high, score
        assert score.description
    assert list(result.per_column.columns) == ["column", "metric", "score", "role"]
    assert list(result.per_pair.columns) == ["column_1", "column_2", "metric", "score"]
    assert sorted(result.per_column["column"]) == sorted(tips.columns)
    assert len(result.per_pair) == 7 * 6 / 2
    # SDMetrics leaves weakly associated category pairs unscored (NaN) by design.
    scored = result.per_pair["score"].dropna()
    assert len(scored) >= 3
    assert scored.between(0, 1).all()


def test_large_tables_are_subsampled_deterministically(
    tips: pd.DataFrame, shuffled_tips: pd.DataFrame, tips_metadata: Metadata
) -> None:
    # Setup
    max_rows = 100

    # Run
    first = evaluate_quality(
        real=tips, synthetic=shuffled_tips, metadata=tips_metadata, max_rows=max_rows, seed=5
    )
    again = evaluate_quality(
        real=tips, synthetic=shuffled_tips, metadata=tips_metadata, max_rows=max_rows, seed=5
    )

    # Assert
    assert first.sample_rows == max_rows
    assert first.to_dict() == again.to_dict()
    # Independent subsamples of the same data no longer match row for row.
    assert first.column_shapes.value < 1.0


def test_to_dict_is_json_and_single_column_has_no_pair_score(tips: pd.DataFrame) -> None:
    # Setup: one column has no pairs, so the pair trends score is NaN
    one = tips[["total_bill"]]
    metadata = (detect_metadata(one)).to_sdv()

    # Run
    result = evaluate_quality(real=one, synthetic=one.iloc[::-1], metadata=metadata)
    summary = json.loads(json.dumps(result.to_dict(), allow_nan=False))

    # Assert
    assert math.isnan(result.column_pair_trends.value)
    assert result.per_pair.empty
    assert summary["column_pair_trends"] is None
    assert summary["quality_score"] == pytest.approx(1.0)
    assert summary["per_column"] == [
        {"column": "total_bill", "metric": "KSComplement", "score": 1.0, "role": "learned"}
    ]
    assert set(summary) == {
        "quality_score",
        "column_shapes",
        "column_pair_trends",
        "learned_quality_score",
        "sample_rows",
        "per_column",
        "skipped_columns",
        "columns_used",
        "columns_total",
        "scored_columns",
        "unscored_columns",
    }
    assert (summary["columns_used"], summary["columns_total"]) == (1, 1)


@pytest.mark.parametrize(
    ("synthetic", "message"),
    [
        (lambda df: df.iloc[:0], "no rows"),
        (lambda df: df.drop(columns=["tip"]), "tip"),
        (lambda df: df.assign(total_bill="not a number"), "could not score column(s) total_bill"),
    ],
    ids=["empty", "missing-column", "wrong-type"],
)
def test_bad_synthetic_tables_raise_one_line_studio_error(
    tips: pd.DataFrame, tips_metadata: Metadata, synthetic, message: str
) -> None:
    # Setup
    bad = synthetic(tips)

    # Run
    with pytest.raises(StudioError) as caught:
        evaluate_quality(real=tips, synthetic=bad, metadata=tips_metadata)

    # Assert
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_wide_table_is_scored_on_a_column_sample_and_empty_columns_are_skipped():
    # Setup
    import numpy as np

    from core.data.metadata import detect_metadata

    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.normal(size=(80, 30)), columns=[f"c{i}" for i in range(30)])
    wide["empty"] = np.nan
    metadata = (detect_metadata(wide)).to_sdv()
    # Run
    result = evaluate_quality(
        real=wide,
        synthetic=wide.sample(frac=1.0, random_state=1),
        metadata=metadata,
        max_columns=10,
    )
    # Assert
    assert (result.columns_used, result.columns_total) == (10, 31)
    assert result.skipped_columns == ("empty",)
    assert len(result.per_column) == 10
    unscored = {c.column: c.role for c in result.columns if not c.scored}
    assert unscored["empty"] == "empty"
    assert sorted(unscored.values()).count("not_sampled") == 20
    assert result.overall.value > 0.95


def test_subsample_keeps_each_continuous_columns_extremes() -> None:
    # Setup: SDMetrics bins numbers and dates between each table's own min and max, so a
    # subsample must hold them for its pair-trend score to match the full tables' one.
    from core.evaluate.quality import _subsample

    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "spend": rng.lognormal(3.0, 1.0, 5000),
            "joined": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 999, 5000), "D"),
            "plan": rng.choice(["free", "paid"], 5000),
        }
    )
    frame.loc[17, "spend"] = np.nan

    # Run
    sample = _subsample(frame, max_rows=100, seed=5, keep_extremes=["spend", "joined"])
    again = _subsample(frame, max_rows=100, seed=5, keep_extremes=["spend", "joined"])

    # Assert
    assert len(sample) == 100
    pd.testing.assert_frame_equal(sample, again)
    for column in ("spend", "joined"):
        assert sample[column].min() == frame[column].min()
        assert sample[column].max() == frame[column].max()
    assert _subsample(frame, max_rows=5000, seed=5, keep_extremes=["spend"]) is frame


@pytest.fixture
def airports() -> pd.DataFrame:
    """vega_datasets' airports: a key, two text columns of mostly unique names, places and
    coordinates (3,376 real US airports)."""
    import vega_datasets

    return pd.read_csv(Path(vega_datasets.__file__).parent / "_data/airports.csv")


def _faked(airports: pd.DataFrame) -> tuple[pd.DataFrame, Metadata]:
    """The extract the studio makes when coordinates and states are replaced by fake values:
    learned columns copied, replaced ones drawn at random."""
    metadata = detect_metadata(airports)
    columns = metadata.columns
    for name, sdtype in (("latitude", "latitude"), ("longitude", "longitude"), ("state", "state")):
        columns[name] = {"sdtype": sdtype, "pii": True}
    rng = np.random.default_rng(0)
    synthetic = airports.sample(frac=1.0, random_state=2).reset_index(drop=True)
    synthetic["latitude"] = rng.uniform(-90, 90, len(synthetic))
    synthetic["longitude"] = rng.uniform(-180, 180, len(synthetic))
    synthetic["state"] = rng.choice(["Bavaria", "Ontario", "Queensland"], len(synthetic))
    return synthetic, metadata.to_sdv()


def test_headline_covers_replaced_columns_and_lists_the_rest(airports: pd.DataFrame) -> None:
    # Setup: before, SDMetrics skipped the faked columns and the headline covered only
    # 'country' (and 'state' when learned), reading near 1.0 for an extract whose coordinates
    # are random.
    synthetic, metadata = _faked(airports)

    # Run
    result = evaluate_quality(
        real=airports, synthetic=synthetic, metadata=metadata, replaced=["state"]
    )
    summary = result.to_dict()

    # Assert
    roles = {c.column: c.role for c in result.columns}
    assert roles["latitude"] == roles["longitude"] == roles["state"] == "replaced"
    assert roles["iata"] == "key"
    assert roles["name"] == roles["city"] == "unique"  # 3,237 and 2,674 distinct in 3,376
    assert {c["column"] for c in summary["scored_columns"]} == {
        "state",
        "country",
        "latitude",
        "longitude",
    }
    assert {c["column"] for c in summary["unscored_columns"]} == {"iata", "name", "city"}
    assert all(c["reason"] for c in summary["scored_columns"] + summary["unscored_columns"])
    assert (result.columns_used, result.columns_total) == (4, 7)
    # Random coordinates and foreign states pull the headline far below the learned column.
    assert result.overall.value < 0.7
    assert result.learned.value > 0.95
    assert summary["learned_quality_score"] == pytest.approx(result.learned.value)


def test_headline_matches_sdmetrics_run_on_the_listed_columns(airports: pd.DataFrame) -> None:
    # Setup: an independent check reruns SDMetrics itself on the columns the result lists
    from sdmetrics.reports.single_table import QualityReport

    synthetic, metadata = _faked(airports)
    result = evaluate_quality(real=airports, synthetic=synthetic, metadata=metadata)
    listed = {c["column"]: c["scored_as"] for c in result.to_dict()["scored_columns"]}

    # Run
    report = QualityReport()
    report.generate(
        airports[list(listed)],
        synthetic[list(listed)],
        {"columns": {name: {"sdtype": sdtype} for name, sdtype in listed.items()}},
        verbose=False,
    )

    # Assert
    assert result.overall.value == pytest.approx(report.get_score(), abs=1e-9)


def test_fake_text_in_a_number_column_is_compared_as_text() -> None:
    # Setup: phone numbers stored as numbers, replaced by fake ones written as text
    real = pd.DataFrame({"phone": np.arange(5_550_000, 5_550_300), "plan": ["a", "b", "c"] * 100})
    metadata = detect_metadata(real)
    metadata = metadata.with_columns({"phone": {"sdtype": "phone_number", "pii": True}})
    metadata = metadata.with_primary_key(None)
    synthetic = real.assign(phone=[f"+1 555 01{i:04d}" for i in range(300)])

    # Run
    result = evaluate_quality(real=real, synthetic=synthetic, metadata=metadata.to_sdv())

    # Assert
    phone = next(c for c in result.columns if c.column == "phone")
    assert phone.role == "replaced"
    assert "text" in phone.reason
    assert result.per_column.set_index("column").loc["phone", "score"] < 0.01
