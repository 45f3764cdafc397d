"""SDMetrics diagnostic report on plotly's tips data."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from sdv.metadata import Metadata

from core.data.metadata import detect_metadata
from core.errors import StudioError
from core.evaluate.diagnostic import DiagnosticResult, run_diagnostic


@pytest.fixture
def tips_metadata(tips: pd.DataFrame) -> Metadata:
    return (detect_metadata(tips)).to_sdv()


def test_copy_is_fully_valid(tips: pd.DataFrame, tips_metadata: Metadata) -> None:
    # Setup
    copy = tips.sample(frac=1, random_state=1).reset_index(drop=True)

    # Run
    result = run_diagnostic(real=tips, synthetic=copy, metadata=tips_metadata)

    # Assert
    assert isinstance(result, DiagnosticResult)
    assert result.overall.value >= 0.99
    assert result.data_validity.value == pytest.approx(1.0)
    assert result.data_structure.value == pytest.approx(1.0)
    assert (result.overall.low, result.overall.high) == (0.0, 1.0)
    assert set(result.per_column["column"]) == set(tips.columns)
    assert list(result.per_column.columns) == ["column", "metric", "score"]


def test_out_of_range_values_lower_validity(tips: pd.DataFrame, tips_metadata: Metadata) -> None:
    # Setup: tips ten times larger than any real tip
    broken = tips.copy()
    broken["tip"] = broken["tip"] * 10

    # Run
    result = run_diagnostic(real=tips, synthetic=broken, metadata=tips_metadata)

    # Assert
    assert result.data_validity.value < 1.0
    tip = result.per_column.set_index("column").loc["tip"]
    assert tip["metric"] == "BoundaryAdherence"
    assert tip["score"] < 0.5


def test_to_dict_is_json_safe(tips: pd.DataFrame, tips_metadata: Metadata) -> None:
    # Setup
    result = run_diagnostic(real=tips, synthetic=tips.copy(), metadata=tips_metadata)

    # Run
    summary = result.to_dict()

    # Assert
    text = json.dumps(summary, allow_nan=False)
    assert json.loads(text)["diagnostic_score"] == pytest.approx(result.overall.value)
    assert len(summary["per_column"]) == len(tips.columns)
    assert all(not isinstance(v, float) or not math.isnan(v) for v in summary.values())


def test_empty_synthetic_is_refused(tips: pd.DataFrame, tips_metadata: Metadata) -> None:
    # Setup
    empty = tips.head(0)

    # Run / Assert
    with pytest.raises(StudioError, match="synthetic table has no rows"):
        run_diagnostic(real=tips, synthetic=empty, metadata=tips_metadata)
