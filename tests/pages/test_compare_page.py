"""Step 4, Compare: the guard, the three quality metrics, per-column and correlation charts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.evaluate.readings import HEADLINE_KEYS, SCORES
from core.runs.pipeline import synthesize
from core.synth.training_sample import fitted_sample_note
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace

PAGE = "pages/4_compare.py"
ROOT = Path(__file__).parents[2]
PERCENT = re.compile(r"^\d{1,3}\.\d%$")


def _columns(workspace: Workspace, dataset_id: int) -> list[str]:
    metadata = workspace.get_dataset(dataset_id).metadata
    return list(metadata.columns)


def test_metrics_show_the_run_scores_as_percentages(
    shown: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)

    # Assert
    metrics = {m.label: m.value for m in at.metric[:5]}
    assert list(metrics) == [SCORES[key].label for key in HEADLINE_KEYS]
    assert all(PERCENT.match(value) for value in metrics.values()), metrics
    assert metrics["Quality score"] == f"{tips_run.scores['quality_score']:.1%}"
    assert metrics["Holdout ceiling"] == f"{tips_run.scores['holdout_quality_score']:.1%}"
    assert at.caption[0].value.startswith(f"Run #{tips_run.id} on **tips**: Gaussian copula")


def test_a_named_run_is_called_by_its_name_in_the_sidebar_and_the_caption(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup: a name with Markdown in it, shown as written
    workspace.label_run(tips_run.id, name="Baseline *v2*", notes="")

    # Run
    at = shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)

    # Assert
    assert not at.exception
    assert at.caption[0].value.startswith(f"Run #{tips_run.id}, Baseline \\*v2\\* on **tips**")
    sidebar = [c.value for c in at.sidebar.caption]
    assert f"Run: **#{tips_run.id}** Baseline \\*v2\\*" in sidebar, sidebar


def test_columns_tab_draws_one_chart_per_selected_column(
    shown: Callable[..., AppTest],
    workspace: Workspace,
    tips: DatasetInfo,
    tips_run: RunInfo,
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)

    # Assert
    columns_tab = at.tabs[0]
    assert columns_tab.label == "Columns"
    selected = at.multiselect(key="compare.columns").value
    assert selected == _columns(workspace, tips.id)[:12]
    assert len(columns_tab.get("plotly_chart")) == len(selected) == tips.n_columns


def test_narrowing_the_selection_removes_charts(
    shown: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)

    # Run
    at.multiselect(key="compare.columns").set_value(["tip", "day"]).run()

    # Assert
    assert not at.exception
    charts = at.tabs[0].get("plotly_chart")
    assert [c.key for c in charts] == ["compare.col.tip", "compare.col.day"]


def test_correlations_and_scores_tabs(
    shown: Callable[..., AppTest],
    workspace: Workspace,
    tips: DatasetInfo,
    tips_run: RunInfo,
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)

    # Assert
    tabs = {tab.label: tab for tab in at.tabs}
    charts = tabs["Correlations"].get("plotly_chart")
    assert [chart.key for chart in charts] == ["compare.corr", "compare.corr_diff"]
    assert [c.key for c in tabs["Pairs"].get("plotly_chart")] == ["compare.pair"]
    assert [c.key for c in tabs["Projection"].get("plotly_chart")] == ["compare.projection"]
    assert len(tabs["Coverage"].metric) == 7
    per_column = tabs["Per-column"].dataframe[0].value
    assert list(per_column["Column"]) == _columns(workspace, tips.id)
    assert set(per_column["Metric"]) <= {"Column shape (KS)", "Category frequencies (TV)"}
    assert all(len(value) == 4 for value in per_column["Score"] if value)  # 0.87, not 0.8719…


def test_utility_tab_trains_on_both_and_reports_the_ratio(
    shown: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)
    # Run
    at.selectbox(key="compare.target").set_value("time").run()
    # Assert
    assert not at.exception
    utility = {m.label: m.value for m in at.tabs[5].metric}
    assert set(utility) == {
        "Trained on real (macro F1)",
        "Trained on synthetic (macro F1)",
        "Ratio",
    }
    assert 0.0 <= float(utility["Ratio"]) <= 1.5


def test_report_download_is_offered(
    shown: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo
) -> None:
    at = shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)
    assert not at.exception
    assert at.get("download_button")[0].proto.label == "Download the HTML report"


def test_a_run_fitted_on_a_training_sample_says_so(
    studio: Callable[..., AppTest],
    workspace: Workspace,
    tips: DatasetInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Setup: tips has 195 training rows; fit on 100 of them
    monkeypatch.setenv("SYNTH_STUDIO_TRAIN_MAX_ROWS", "100")
    run = synthesize(workspace, dataset_id=tips.id, key="gaussian_copula", rows=60, seed=2).run
    at = studio(dataset_id=tips.id, run_id=run.id).switch_page(PAGE)

    # Run
    at.run()

    # Assert
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert fitted_sample_note(run.scores["holdout"]) in captions
    assert any(c.startswith("Fitted on a sample of 100 of its 195 training rows") for c in captions)


def test_figures_read_only_the_first_rows_of_a_big_run(
    workspace: Workspace,
    workspace_path,
    tips: DatasetInfo,
    tips_run: RunInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Setup: figures draw at most 50 rows; watch how the run's rows are read
    from components.compare import plot_tables

    monkeypatch.setenv("SYNTH_STUDIO_PLOT_MAX_ROWS", "50")
    limits: list[int | None] = []
    read = Workspace.read_synthetic

    def spy(self: Workspace, run_id: int, limit: int | None = None):
        limits.append(limit)
        return read(self, run_id, limit)

    monkeypatch.setattr(Workspace, "read_synthetic", spy)

    # Run
    real, synthetic = plot_tables(str(workspace_path), tips.id, tips_run.id)

    # Assert: the run's first 50 rows, read with a limit, and 50 seeded training rows, with
    # smoker as tips.csv spells it
    assert limits == [50]
    stored = read(workspace, tips_run.id)
    assert set(synthetic["smoker"]) == {"Yes", "No"}
    yes = stored["smoker"].iloc[:50].map({True: "Yes", False: "No"})
    assert synthetic.equals(stored.iloc[:50].assign(smoker=yes))
    assert len(real) == 50 and set(real.columns) == set(stored.columns)


def test_headline_columns_protections_and_narrowed_ranges_are_stated(
    studio: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: a run with clipping on, so its ranges were narrowed by the studio
    from core.privacy.protections import ProtectionSettings
    from core.runs.pipeline import synthesize

    run = synthesize(
        workspace, dataset_id=tips.id, key="gaussian_copula", rows=200, seed=7,
        protections=ProtectionSettings(clipping=True),
    ).run  # fmt: skip
    at = studio(dataset_id=tips.id, run_id=run.id).switch_page(PAGE)

    # Run
    at.run()

    # Assert
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Scored on 7 of 7 columns") for c in captions), captions
    assert any("narrowed by the studio's clipping of total_bill, tip" in c for c in captions)
    notes = [m.value for m in at.markdown]
    assert any("Extreme numbers clipped: total_bill" in n for n in notes), notes
    assert any("Cost of these protections" in n for n in notes)


def test_direct_identifiers_and_keys_are_never_offered_or_drawn(
    studio: Callable[..., AppTest], workspace: Workspace
) -> None:
    # Setup: 200 customers with names, emails, phones, card numbers and a customer id
    import pandas as pd
    from google.protobuf.json_format import MessageToJson

    from tests.leak_scan import Needles, scan_text

    real = pd.read_csv(ROOT / "tests" / "data" / "customers.csv", dtype={"zip": str}).head(200)
    dataset = workspace.add_dataset(
        name="customers", source="customers.csv", fingerprint="customers-200", frame=real
    )
    run = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=200, seed=1)
    direct = ["customer_id", "first_name", "last_name", "full_name", "email", "phone"]
    at = studio(dataset_id=dataset.id, run_id=run.run.id).switch_page(PAGE)

    # Run
    at.run()

    # Assert
    assert not at.exception
    offered = at.multiselect(key="compare.columns").options
    assert not set(direct + ["street_address", "card_number", "ssn", "notes"]) & set(offered)
    assert "age" in offered and "gender" in offered
    assert at.selectbox(key="compare.pair_x").options == offered
    report = at.multiselect(key=f"compare.report.columns.{run.run.id}")
    assert report.options == offered and set(report.value) <= set(offered)
    charts = [MessageToJson(chart.proto) for chart in at.get("plotly_chart")]
    assert len(charts) >= 4
    needles = Needles(real.astype(str), direct)
    assert scan_text("\n".join(charts), needles, artifact="compare") == []


# --- The report's columns and utility, and the shaping tab -------------------------------------


@pytest.fixture
def shaped_run(workspace: Workspace, tips: DatasetInfo) -> RunInfo:
    """A rebalanced run on tips with an added rule and augmentation measured on 'time'."""
    from core.runs.pipeline import ensure_metadata

    rule = {"type": "Inequality", "low_column_name": "tip", "high_column_name": "total_bill"}
    workspace.set_metadata(tips.id, ensure_metadata(workspace, tips).with_rules([rule]))
    return synthesize(
        workspace, dataset_id=tips.id, key="gaussian_copula", rows=300, seed=1,
        rebalance="day", augment=True, target="time",
    ).run  # fmt: skip


def test_report_columns_default_to_the_most_informative_and_are_remembered(
    shown: Callable[..., AppTest],
    workspace_path,
    workspace: Workspace,
    tips: DatasetInfo,
    tips_run: RunInfo,
) -> None:
    # Setup
    from components import compare
    from components.report_options import COLUMNS_KEY

    at = shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)
    picker = at.multiselect(key=f"{COLUMNS_KEY}.{tips_run.id}")
    sdtypes = workspace.get_dataset(tips.id).metadata.sdtypes
    default = compare.default_report_columns(str(workspace_path), tips.id, tips_run.id, sdtypes)

    # Run
    before = list(picker.value)
    picker.set_value(["tip", "day"]).run()
    at.switch_page("pages/5_export.py").run()
    at.switch_page(PAGE).run()

    # Assert: numbers first by default; the pick survives a visit to another page
    assert not at.exception
    assert before == default and before[:2] == ["total_bill", "tip"]
    assert at.session_state["studio.state"].report_columns[tips_run.id] == ["tip", "day"]
    assert at.multiselect(key=f"{COLUMNS_KEY}.{tips_run.id}").value == ["tip", "day"]


def test_the_report_plots_the_chosen_columns_and_prints_the_utility_picked(
    shown: Callable[..., AppTest],
    workspace_path,
    workspace: Workspace,
    tips: DatasetInfo,
    tips_run: RunInfo,
) -> None:
    # Setup: pick two columns for the report and measure utility on 'time'
    import html

    from components import compare

    at = shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)
    at.multiselect(key=f"compare.report.columns.{tips_run.id}").set_value(["smoker", "tip"])
    at.selectbox(key="compare.target").set_value("time").run()
    assert not at.exception
    columns = at.session_state["studio.state"].report_columns[tips_run.id]
    utility = at.session_state["studio.state"].utility_results[tips_run.id]
    sdtypes = workspace.get_dataset(tips.id).metadata.sdtypes

    # Run: what the download button hands over
    page = html.unescape(
        compare.report_html(
            str(workspace_path), tips.id, tips_run.id, sdtypes, None, tuple(columns), utility
        )
    )

    # Assert
    assert columns == ["smoker", "tip"]
    assert "Column: smoker" in page and "Column: tip" in page
    assert "Column: total_bill" not in page and "Column: day" not in page
    assert "as chosen on the Compare page: smoker, tip" in page
    assert "Utility: trained on synthetic, tested on real" in page
    assert f"<td>{utility['real_score']:.3f}</td>" in page
    assert "<th>Column predicted</th><td>time</td>" in page


def test_the_shaping_tab_shows_rules_scenarios_shares_and_augmentation(
    shown: Callable[..., AppTest], tips: DatasetInfo, shaped_run: RunInfo
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id, run_id=shaped_run.id)

    # Assert
    tab = {t.label: t for t in at.tabs}["Shaping"]
    rules, scenarios, augmentation = (frame.value for frame in tab.dataframe)
    added = rules[rules["Rule"] == "tip ≤ total_bill"].iloc[0]
    assert added["Kind"] == "added (enforced)" and added["Extract rows keeping it"] == "100.0%"
    assert list(scenarios["Scenario"]) == ["day=Fri", "day=Sat", "day=Sun", "day=Thur"]
    assert scenarios["Fidelity"].astype(float).between(0, 1).all()
    shares = [c for c in tab.get("plotly_chart") if c.key == "compare.shaping.shares"]
    assert len(shares) == 1
    assert list(augmentation["Measure"]) == ["Balanced accuracy", "Minority recall"]
    assert augmentation["Difference"].str.contains(" to ").all()
    assert shaped_run.scores["augmentation"]["verdict"] in [i.value for i in tab.info]


def test_a_plain_run_says_how_to_measure_augmentation(
    shown: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)

    # Assert
    captions = [c.value for c in {t.label: t for t in at.tabs}["Shaping"].caption]
    assert any(c.startswith("Augmentation was not measured for this run.") for c in captions)
    assert "This run was not conditioned or rebalanced." in captions


def test_generate_more_of_a_rare_item_opens_synthesize_with_its_condition(
    shown: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup
    from core.evaluate.shaping_view import rare_rows

    at = shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)
    first = rare_rows(tips_run.scores["coverage"]["rare"])[0]

    # Run
    at.button(key="compare.rare.0").click().run()

    # Assert: Synthesize either still holds the prefill or has filled its conditions from it
    assert not at.exception
    assert at.title[0].value == "Synthesize"
    prefill = at.session_state["studio.state"].shaping_prefill
    if prefill is not None:
        assert prefill == {"conditions": first.condition}
    else:
        said = " ".join(i.value for i in at.info)
        assert said.startswith("Conditions filled in from Compare: "), said
        assert all(f"{c}={v}" in said for c, v in first.condition.items()), said
