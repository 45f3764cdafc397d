"""A shaped run's stored checks as the rows Compare shows, read from a real shaped run."""

from __future__ import annotations

import pytest

from core.data.demos import load_demo
from core.evaluate.shaping_view import (
    AUGMENTATION_HOW_TO,
    augmentation_rows,
    rare_note,
    rare_rows,
    rule_rows,
    rule_summary,
    scenario_rows,
)
from core.evaluate.stored import StoredScores
from core.runs.pipeline import ensure_metadata, synthesize

RULE = {"type": "Inequality", "low_column_name": "tip", "high_column_name": "total_bill"}


@pytest.fixture
def shaped(workspace) -> StoredScores:
    """Tips conditioned on lunch with an added rule; rare items are listed for every run."""
    tips = load_demo(workspace, "tips")
    workspace.set_metadata(tips.id, ensure_metadata(workspace, tips).with_rules([RULE]))
    run = synthesize(
        workspace, dataset_id=tips.id, key="gaussian_copula", rows=200, seed=1,
        conditions={"time": "Lunch"},
    ).run  # fmt: skip
    return StoredScores.of(run.scores)


def test_rules_scenarios_and_rare_items_read_as_rows(shaped: StoredScores) -> None:
    # Run
    rules = rule_rows(shaped.rules)
    [scenario] = scenario_rows(shaped.scenarios)
    rare = rare_rows(shaped.rare)

    # Assert: the added rule is kept by every row, as expected
    added = next(r for r in rules if r["Rule"] == "tip ≤ total_bill")
    assert added["Kind"] == "added (enforced)" and added["Expected"] == "100%"
    assert added["Extract rows keeping it"] == "100.0%" and added["Every extract row"] == "keeps it"
    assert rule_summary(shaped.rules).startswith("Every added rule holds in every extract row.")
    assert scenario["Scenario"] == "time=Lunch" and scenario["Synthetic rows"] == "200"
    assert 0.0 <= float(scenario["Fidelity"]) <= 1.0
    stored = shaped.scenarios[0]
    assert scenario["Reading"] == ("poor" if stored["poor"] else "follows the real scenario")
    assert (scenario["Try"] == "CTGAN") == (stored["suggested_synthesizer"] == "ctgan")
    # Rare items: as stored, missing from the extract first, none under the grouping threshold
    assert len(rare) == shaped.rare["listed"] > 0
    assert all(r.real_rows >= shaped.rare["min_count"] for r in rare)
    assert [r.in_extract for r in rare] == sorted(r.in_extract for r in rare)
    lunch_free = [r for r in rare if r.condition.get("time") == "Dinner"]
    assert all(not r.in_extract for r in lunch_free)  # every extract row is a lunch
    assert f"{shaped.rare['withheld']} more, each seen in fewer than" in rare_note(shaped.rare)


def test_augmentation_rows_carry_intervals_and_a_run_without_says_how() -> None:
    # Setup
    def measure(value: float, low: float, high: float) -> dict:
        return {"value": value, "low": low, "high": high}

    measures = {
        "real_only": ((0.8, 0.7, 0.9), (0.5, 0.3, 0.7)),
        "augmented": ((0.82, 0.7, 0.9), (0.7, 0.5, 0.9)),
        "difference": ((0.02, -0.03, 0.07), (0.2, 0.05, 0.35)),
    }
    stored = {
        group: {
            "intervals": {
                "balanced_accuracy": measure(*balanced),
                "minority_recall": measure(*recall),
            }
        }
        for group, (balanced, recall) in measures.items()
    }

    # Run
    rows = augmentation_rows(stored)

    # Assert
    assert rows[1] == {
        "Measure": "Minority recall",
        "Real rows only": "0.50 (0.30 to 0.70)",
        "Real + synthetic": "0.70 (0.50 to 0.90)",
        "Difference": "+0.20 (+0.05 to +0.35)",
    }
    assert augmentation_rows({})[0]["Difference"] == "n/a"
    assert "--augment" in AUGMENTATION_HOW_TO and "--target" in AUGMENTATION_HOW_TO
