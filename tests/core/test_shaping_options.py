"""What a form may shape rows by, typed percentages as shares, and the bounded share figure."""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.metadata import detect_metadata
from core.errors import InvalidParameterError
from core.evaluate.plots import LABEL_WIDTH, OTHER, plot_shares
from core.runs.shaping_options import (
    form_metadata,
    refusal,
    rules_line,
    scenario_warning,
    shapeable_columns,
    shares_from_percents,
)
from core.synth.registry import REGISTRY


def test_shapeable_columns_are_categories_and_few_valued_numbers(tips: pd.DataFrame) -> None:
    # Setup
    metadata = form_metadata(tips, None)

    # Run
    columns = {c.name: c for c in shapeable_columns(tips, metadata)}

    # Assert: the bills and tips (continuous) are not offered; shares are the real ones
    assert list(columns) == ["sex", "smoker", "day", "time", "size"]
    day = columns["day"]
    assert day.values == ["Fri", "Sat", "Sun", "Thur"]
    assert day.shares["Fri"] == pytest.approx(19 / 244)
    assert sum(day.shares.values()) == pytest.approx(1.0)
    assert sum(day.percents().values()) == pytest.approx(100.0)
    assert day.percents()["Sat"] == pytest.approx(35.7)
    assert columns["size"].values == ["1", "2", "3", "4", "5", "6"]
    assert all(c.classes for c in columns.values())


def test_missing_values_are_a_share_but_not_a_choice() -> None:
    # Setup
    real = pd.DataFrame({"plan": ["a", "b", None, "a"] * 20, "spend": range(80)})

    # Run
    [plan] = shapeable_columns(real, detect_metadata(real))

    # Assert
    assert plan.values == ["a", "b"]
    assert plan.shares == {"a": 0.5, "b": 0.25, "(missing)": 0.25}
    assert plan.percents() == {"a": 66.7, "b": 33.3}


@pytest.mark.parametrize(
    ("percents", "shares"),
    [
        ({"a": 50, "b": 50}, {"a": 0.5, "b": 0.5}),
        ({"a": 33.3, "b": 33.3, "c": 33.3}, {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}),
        ({"a": 100, "b": 0}, {"a": 1.0}),
    ],
)
def test_percentages_adding_up_to_100_become_shares(
    percents: dict[str, float], shares: dict[str, float]
) -> None:
    # Run
    got = shares_from_percents(percents)

    # Assert
    assert got == pytest.approx(shares)
    assert sum(got.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("percents", "message"),
    [
        ({"a": 60, "b": 50}, "The shares add up to 110%, not 100%: remove 10 points."),
        ({"a": 40, "b": 50}, "The shares add up to 90%, not 100%: add 10 points."),
        ({"a": 120, "b": -20}, "A share cannot be negative."),
    ],
)
def test_percentages_not_adding_up_to_100_are_refused_in_one_line(
    percents: dict[str, float], message: str
) -> None:
    with pytest.raises(InvalidParameterError) as err:
        shares_from_percents(percents)
    assert str(err.value) == message


def test_the_registry_decides_who_is_refused() -> None:
    # Run
    refused = {key: refusal(spec) for key, spec in REGISTRY.items()}

    # Assert
    assert {k for k, line in refused.items() if line} == {
        k for k, spec in REGISTRY.items() if spec.conditioning == "none"
    }
    assert refused["dp_mst"].startswith("MST (differentially private) cannot generate scenarios")


def test_rules_are_listed_or_refused_by_the_synthesizer(tips: pd.DataFrame) -> None:
    # Setup
    rule = {"type": "Inequality", "low_column_name": "tip", "high_column_name": "total_bill"}
    metadata = form_metadata(tips, None).with_rules([rule])

    # Run + Assert
    assert rules_line(metadata, REGISTRY["gaussian_copula"]) == (
        "Every row keeps the dataset's 1 rule(s): tip ≤ total_bill."
    )
    assert rules_line(metadata, REGISTRY["dp_mst"]).startswith(
        "MST (differentially private) cannot keep the dataset's 1 rule(s)"
    )
    assert rules_line(form_metadata(tips, None), REGISTRY["gaussian_copula"]) == ""


def test_poor_scenarios_are_named_together_with_a_synthesizer_to_try() -> None:
    # Setup
    def scenario(label: str, poor: bool) -> dict[str, object]:
        return {"label": label, "poor": poor, "warning": "w", "suggested_synthesizer": "ctgan"}

    scores = {"scenarios": [scenario("day=Fri", True), scenario("day=Sat", False)]}

    # Run
    line = scenario_warning(scores)

    # Assert
    assert line.startswith("1 of 2 scenarios follow their real rows little better")
    assert "(day=Fri)" in line and line.endswith("Try CTGAN.")
    assert scenario_warning({"scenarios": [scenario("day=Sat", False)]}) == "w"
    assert scenario_warning({}) == ""


def test_the_share_figure_is_bounded_and_names_its_sides() -> None:
    # Setup: more categories than are drawn, one with a very long name
    labels = [f"category {i:03d}" for i in range(80)] + ["x" * 200]
    real = {k: 1 / len(labels) for k in labels}
    asked = {labels[-1]: 0.5, labels[0]: 0.5}

    # Run: as the form draws it before a run (the configured bound, 20), and after one
    before = plot_shares("plan", before=real, target=asked, max_categories=20)
    after = plot_shares("plan", before=real, target=asked, after=asked, max_categories=20)

    # Assert
    assert [t.name for t in before.data] == ["Real rows", "Asked for"]
    assert [t.name for t in after.data] == ["Real rows", "Asked for", "Extract"]
    drawn = list(after.data[0].x)
    assert len(drawn) == 20 + 1 and drawn[-1] == OTHER  # the rest summed, not dropped
    assert max(len(x) for x in drawn) <= LABEL_WIDTH
    assert after.data[1].y[drawn.index("x" * (LABEL_WIDTH - 1) + "…")] == 0.5
    assert all(abs(sum(trace.y) - 1.0) < 1e-9 for trace in after.data)
    assert "real and asked for" in before.layout.title.text
    assert "reached" in after.layout.title.text
