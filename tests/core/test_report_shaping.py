"""The stakeholder report's section on shaped data: scenarios, shares, rules, augmentation."""

from __future__ import annotations

import html

from vega_datasets import data as vega

from core.export.report_figures import build_report
from core.runs.pipeline import ensure_metadata, synthesize

TEMPS = {"type": "Inequality", "low_column_name": "temp_min", "high_column_name": "temp_max"}


def _report(scores):
    return build_report(
        title="Seattle",
        dataset_summary={"rows": 1461},
        synthesizer="Gaussian copula",
        params={},
        evaluation_scores=scores,
        figures={},
    )


def test_a_shaped_runs_report_shows_its_scenarios_shares_rules_and_augmentation(workspace):
    # Setup
    seattle = vega.seattle_weather()
    dataset = workspace.add_dataset(name="s", source="s.csv", fingerprint="s", frame=seattle)
    workspace.set_metadata(dataset.id, ensure_metadata(workspace, dataset).with_rules([TEMPS]))
    shaped = synthesize(
        workspace,
        dataset_id=dataset.id,
        key="gaussian_copula",
        rows=900,
        seed=2,
        rebalance="weather",
        target="weather",
        augment=True,
    ).run

    # Run
    page = html.unescape(_report(shaped.scores))

    # Assert
    assert "Rules, scenarios and shares" in page
    for label in ("weather=snow", "weather=sun", "temp_min ≤ temp_max"):
        assert label in page
    assert "Shares of weather, counted over all 900 rows" in page
    after = shaped.scores["rebalance"]["after"]["snow"]
    assert f"<td class=num>{after:.1%}</td>" in page
    assert shaped.scores["augmentation"]["verdict"] in page
    assert "Rare categories and pairs of categories" in page


def test_a_plain_runs_report_checks_found_rules_and_shows_no_scenario(workspace, tips):
    # Setup
    dataset = workspace.add_dataset(name="t", source="t.csv", fingerprint="t", frame=tips)
    plain = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=100, seed=1)
    scores = {k: v for k, v in plain.run.scores.items() if k != "coverage"}

    # Run
    page = _report(scores)

    # Assert: every extract is checked against the rules every real row keeps.
    assert "Rules, scenarios and shares" in page and "tip ≤ total_bill" in page
    assert "Scenario" not in page and "Shares of" not in page and "Augmentation" not in page
