"""Coverage and copying measures on plotly's tips data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.data.metadata import detect_metadata
from core.errors import StudioError
from core.evaluate.coverage import CoverageResult, compute_coverage


@pytest.fixture
def tips_sdtypes(tips: pd.DataFrame) -> dict[str, str]:
    columns = detect_metadata(tips).columns
    return {name: col["sdtype"] for name, col in columns.items()}


def _column(result: CoverageResult, name: str) -> pd.Series:
    return result.per_column.set_index("column").loc[name]


def test_copy_covers_everything_and_copies_every_row(
    tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup
    copy = tips.sample(frac=1, random_state=1)

    # Run
    result = compute_coverage(real=tips, synthetic=copy, sdtypes=tips_sdtypes)

    # Assert
    assert result.category_coverage.value == pytest.approx(1.0)
    assert result.range_coverage.value == pytest.approx(1.0)
    assert result.missing_value_similarity.value == pytest.approx(1.0)
    assert result.rare_category_coverage.value == pytest.approx(1.0)
    assert result.exact_copy_share.value == pytest.approx(1.0)
    assert result.near_duplicate_share.value == pytest.approx(1.0)
    assert result.exact_copy_rows == len(tips)
    assert all(0.0 <= s.low <= s.high <= 1.0 for s in result.scores())


def test_removed_category_lowers_category_coverage(
    tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup: no Friday in the synthetic rows
    without_friday = tips[tips["day"] != "Fri"]

    # Run
    result = compute_coverage(real=tips, synthetic=without_friday, sdtypes=tips_sdtypes)

    # Assert
    assert _column(result, "day")["coverage"] == pytest.approx(0.75)
    assert _column(result, "day")["metric"] == "CategoryCoverage"
    assert result.category_coverage.value < 1.0


def test_squeezed_column_lowers_range_coverage(
    tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup: tips only between the real quartiles
    low, high = tips["tip"].quantile([0.25, 0.75])
    squeezed = tips.assign(tip=tips["tip"].clip(low, high))

    # Run
    result = compute_coverage(real=tips, synthetic=squeezed, sdtypes=tips_sdtypes)

    # Assert
    assert _column(result, "tip")["coverage"] < 0.5
    assert _column(result, "total_bill")["coverage"] == pytest.approx(1.0)
    assert result.range_coverage.value < 1.0


def test_lost_rare_category_lowers_rare_coverage(
    tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup: party sizes 1, 5 and 6 are each under 5% of bills; drop the parties of six
    no_six = tips[tips["size"] != 6]

    # Run
    result = compute_coverage(real=tips, synthetic=no_six, sdtypes=tips_sdtypes)

    # Assert
    assert _column(result, "size")["rare_categories"] == 3
    assert _column(result, "size")["rare_covered"] == 2
    assert result.rare_category_coverage.value == pytest.approx(2 / 3)


def test_repeated_rows_are_counted(tips: pd.DataFrame, tips_sdtypes: dict[str, str]) -> None:
    # Setup: distinct rows plus ten of them again
    distinct = tips.drop_duplicates()
    repeated = pd.concat([distinct, distinct.head(10)], ignore_index=True)

    # Run
    result = compute_coverage(real=tips, synthetic=repeated, sdtypes=tips_sdtypes)

    # Assert
    assert result.duplicate_rows == 10
    assert result.duplicate_share.value == pytest.approx(10 / len(repeated))


def test_random_rows_copy_nothing(tips: pd.DataFrame, tips_sdtypes: dict[str, str]) -> None:
    # Setup: every column drawn on its own, numbers uniform over the real range
    rng = np.random.default_rng(0)
    noise = pd.DataFrame(
        {
            c: rng.uniform(tips[c].min(), tips[c].max(), len(tips))
            if tips_sdtypes[c] == "numerical"
            else rng.choice(tips[c].unique(), len(tips))
            for c in tips.columns
        }
    )

    # Run
    result = compute_coverage(real=tips, synthetic=noise, sdtypes=tips_sdtypes)

    # Assert
    assert result.exact_copy_share.value == 0.0
    assert result.near_duplicate_share.value <= 0.1
    assert result.near_duplicate_threshold > 0


def test_missing_values_are_compared(tips: pd.DataFrame, tips_sdtypes: dict[str, str]) -> None:
    # Setup: half the synthetic tips missing
    holes = tips.copy()
    holes.loc[holes.index[::2], "tip"] = np.nan

    # Run
    result = compute_coverage(real=tips, synthetic=holes, sdtypes=tips_sdtypes)

    # Assert
    tip = _column(result, "tip")
    assert tip["real_missing"] == 0.0
    assert tip["synthetic_missing"] == pytest.approx(0.5)
    assert tip["missing_similarity"] == pytest.approx(0.5)
    assert result.missing_value_similarity.value < 1.0


def test_integers_returned_as_floats_still_match(
    tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup: a synthesizer or DuckDB may hand back 2.0 for 2
    floats = tips.assign(size=tips["size"].astype(float))

    # Run
    result = compute_coverage(real=tips, synthetic=floats, sdtypes=tips_sdtypes)

    # Assert
    assert result.exact_copy_share.value == pytest.approx(1.0)
    assert _column(result, "size")["coverage"] == pytest.approx(1.0)


def test_near_duplicate_sample_is_bounded_and_recorded(
    tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup
    copy = tips.copy()

    # Run
    result = compute_coverage(real=tips, synthetic=copy, sdtypes=tips_sdtypes, max_rows=100)

    # Assert
    assert result.near_duplicate_sample_rows == 100
    assert result.to_dict()["near_duplicate_sample_rows"] == 100


def test_to_dict_is_json_safe(tips: pd.DataFrame, tips_sdtypes: dict[str, str]) -> None:
    # Setup: a constant real column has no range, so its coverage is NaN
    constant = tips.assign(tip=1.0)
    result = compute_coverage(real=constant, synthetic=tips, sdtypes=tips_sdtypes)

    # Run
    summary = json.loads(json.dumps(result.to_dict(), allow_nan=False))

    # Assert
    assert 0.0 <= summary["exact_copy_share"] <= 1.0
    rows = {row["column"]: row for row in summary["per_column"]}
    assert rows["tip"]["coverage"] is None
    assert set(rows) == set(tips.columns)


def test_synthetic_missing_a_column_is_refused(
    tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup
    lacking = tips.drop(columns="day")

    # Run / Assert
    with pytest.raises(StudioError, match="lacks column"):
        compute_coverage(real=tips, synthetic=lacking, sdtypes=tips_sdtypes)


def test_range_narrowed_by_clipping_is_measured_against_the_clipped_range(
    tips: pd.DataFrame, tips_sdtypes: dict[str, str]
) -> None:
    # Setup: a synthesizer fitted on tips clipped to [1.5, 6.0] spans that range at best
    bounds = (1.5, 6.0)
    synthetic = tips.assign(tip=tips["tip"].clip(*bounds))

    # Run
    plain = compute_coverage(real=tips, synthetic=synthetic, sdtypes=tips_sdtypes)
    told = compute_coverage(
        real=tips, synthetic=synthetic, sdtypes=tips_sdtypes, clipped={"tip": bounds}
    )

    # Assert
    assert _column(told, "tip")["coverage"] == pytest.approx(_column(plain, "tip")["coverage"])
    assert _column(told, "tip")["coverage"] < 0.6
    assert _column(told, "tip")["coverage_within_clipping"] == pytest.approx(1.0)
    assert _column(told, "tip")["clipped_to"] == "[1.5, 6]"
    summary = told.to_dict()
    assert summary["range_clipped_columns"] == ["tip"]
    assert summary["range_coverage_within_clipping"] == pytest.approx(1.0)
    assert plain.to_dict()["range_clipped_columns"] == []
