"""The stakeholder report's section on shaped data: scenarios, shares, rules, augmentation."""

from __future__ import annotations

import html
import re

from vega_datasets import data as vega

from core.export.report import SECTIONS
from core.export.report_figures import build_report, report_figures
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
    assert "<h3>Shares of weather</h3>" in page  # and drawn as bars among the plots
    after = shaped.scores["rebalance"]["after"]["snow"]
    assert f"<td class=num>{after:.1%}</td>" in page
    assert shaped.scores["augmentation"]["verdict"] in page
    assert "Every added rule holds in every extract row." in page
    difference = shaped.scores["augmentation"]["difference"]["intervals"]["minority_recall"]
    assert f"{difference['value']:+.3f} ({difference['low']:+.3f} to " in page
    assert "<th>Real rows only</th><th>Real + synthetic</th><th>Difference</th>" in page
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


def test_the_report_plots_only_the_chosen_columns_and_prints_a_utility_result(tips, tips_sdtypes):
    # Setup: the real rows shuffled column by column as a stand-in extract
    synthetic = tips.apply(lambda c: c.sample(frac=1, random_state=3).to_numpy())
    figures = report_figures(tips, synthetic, tips_sdtypes, columns=["smoker", "tip"])
    utility = {
        "task": "classification",
        "metric": "macro F1",
        "real_score": 0.9,
        "synthetic_score": 0.81,
        "ratio": 0.9,
        "model": "HistGradientBoostingClassifier",
        "holdout_rows": 49,
        "target": "time",
    }

    # Run
    with_utility = build_report(
        title="t", dataset_summary={}, synthesizer="g", params={}, evaluation_scores={},
        figures=figures, utility=utility,
    )  # fmt: skip
    without = build_report(
        title="t", dataset_summary={}, synthesizer="g", params={}, evaluation_scores={},
        figures=report_figures(tips, synthetic, tips_sdtypes),
    )  # fmt: skip

    # Assert: the chosen columns' figures, in the order chosen, and no other column's
    titles = re.findall(r"<h3>Column: (.*?)</h3>", with_utility)
    assert titles == ["smoker", "tip"]
    assert "as chosen on the Compare page: smoker, tip." in with_utility
    assert "Not plotted, as not chosen: total_bill, sex, day, time, size." in with_utility
    assert f"<h2>{SECTIONS['utility']}</h2>" in with_utility
    assert "<th>Column predicted</th><td>time</td>" in with_utility
    assert "<td>0.810</td>" in with_utility
    # The default: the most informative columns (numbers first), and no utility section
    assert re.findall(r"<h3>Column: (.*?)</h3>", without)[:2] == ["total_bill", "tip"]
    assert SECTIONS["utility"] not in without
    assert "<h3>Shares of" not in without  # not a rebalanced run
