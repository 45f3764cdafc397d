"""Step 3, Synthesize, shaped: conditions, a rebalance, refusals in one line, Compare's prefill,
augmentation, and what a shaped run shows after it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.data.demos import load_demo
from core.data.ingest import ingest_file
from core.synth.registry import REGISTRY
from core.synth.scenarios import DrawLimits
from core.workspace.records import DatasetInfo
from core.workspace.store import Workspace

PAGE = "pages/3_synthesize.py"
KEY = "synthesize.shape"


def _submit(at: AppTest, rows: int = 200) -> None:
    """Submit the form for ``rows`` rows (a form's inputs are kept on submit only)."""
    at.number_input(key="synthesize.rows").set_value(rows)
    at.form_submit_button[0].click().run()


def test_the_section_offers_the_columns_a_scenario_can_fix(
    shown: Callable[..., AppTest], tips: DatasetInfo
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id)
    at.multiselect(key=f"{KEY}.columns").set_value(["size"]).run()

    # Assert: categories and the few-valued party size; not the bills or the tips
    assert not at.exception
    assert [e.label for e in at.expander] == ["Shape the rows"]
    assert at.multiselect(key=f"{KEY}.columns").options == ["sex", "smoker", "day", "time", "size"]
    assert at.selectbox(key=f"{KEY}.value.size").options == ["1", "2", "3", "4", "5", "6"]
    assert any("MST (differentially private) cannot condition" in c.value for c in at.caption)


def test_a_condition_makes_every_stored_row_that_scenario(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id)
    at.multiselect(key=f"{KEY}.columns").set_value(["day"]).run()
    at.selectbox(key=f"{KEY}.value.day").set_value("Sun").run()

    # Run
    _submit(at)

    # Assert
    assert not at.exception
    assert not at.error
    [run] = workspace.list_runs(tips.id)
    assert run.status == "done" and run.shaping["conditions"] == {"day": "Sun"}
    stored = workspace.read_synthetic(run.id)
    assert len(stored) == 200 and set(stored["day"]) == {"Sun"}
    [scenario] = at.dataframe[0].value.to_dict("records")
    assert scenario["Scenario"] == "day=Sun" and scenario["Synthetic rows"] == "200"
    assert 0.0 <= float(scenario["Fidelity"]) <= 1.0
    assert 0.0 <= float(scenario["Baseline"]) <= 1.0
    assert any(h.value.startswith(f"Run #{run.id}: how its rows were shaped") for h in at.subheader)


def test_typed_shares_are_reached_within_one_point_over_the_stored_rows(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: Friday, the rarest day (19 of 244 real rows), asked for 40% of the rows
    asked = {"Fri": 40.0, "Sat": 20.0, "Sun": 25.0, "Thur": 15.0}
    at = shown(PAGE, dataset_id=tips.id)
    at.selectbox(key=f"{KEY}.rebalance").set_value("day").run()
    at.radio(key=f"{KEY}.mode").set_value("Typed per category").run()
    for day, percent in asked.items():
        at.number_input(key=f"{KEY}.share.day.{day}").set_value(percent)
    at.run()
    before = len(at.get("plotly_chart"))

    # Run
    _submit(at, rows=500)

    # Assert: counted over every stored row, and the chart of reached shares drawn
    assert not at.exception
    assert not at.error
    [run] = workspace.list_runs(tips.id)
    shares = workspace.read_synthetic(run.id)["day"].value_counts(normalize=True)
    for day, percent in asked.items():
        assert abs(100 * shares[day] - percent) <= 1.0, (day, shares[day])
    assert before == 1  # the shares asked, drawn before the run
    assert len(at.get("plotly_chart")) == 2  # and the shares reached, after it
    assert any(c.value.startswith("Shares of day reached over all 500 rows") for c in at.caption)


def test_equal_shares_are_the_default(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id)
    at.selectbox(key=f"{KEY}.rebalance").set_value("time").run()

    # Run
    _submit(at, rows=400)

    # Assert
    assert not at.exception
    [run] = workspace.list_runs(tips.id)
    shares = workspace.read_synthetic(run.id)["time"].value_counts(normalize=True)
    assert abs(shares["Lunch"] - 0.5) <= 0.01 and abs(shares["Dinner"] - 0.5) <= 0.01


def test_shares_not_adding_up_to_100_are_refused_in_one_line(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: the real shares to one decimal add up to 100; 10 more points on Friday do not
    at = shown(PAGE, dataset_id=tips.id)
    at.selectbox(key=f"{KEY}.rebalance").set_value("day").run()
    at.radio(key=f"{KEY}.mode").set_value("Typed per category").run()
    assert not at.warning
    friday = at.number_input(key=f"{KEY}.share.day.Fri")
    friday.set_value(friday.value + 10).run()
    said = [w.value for w in at.warning]

    # Run
    _submit(at)

    # Assert: said as typed, refused on submit, nothing recorded
    assert not at.exception
    assert said == ["The shares add up to 110%, not 100%: remove 10 points."]
    assert [e.value for e in at.error] == said
    assert not at.success
    assert workspace.list_runs() == []


def test_a_synthesizer_that_cannot_condition_is_refused_in_one_line(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: a condition picked, then the differentially private MST chosen
    at = shown(PAGE, dataset_id=tips.id)
    at.multiselect(key=f"{KEY}.columns").set_value(["sex"]).run()
    at.selectbox(key="synthesize.synthesizer").set_value("dp_mst").run()

    # Run
    _submit(at)

    # Assert
    assert not at.exception
    line = (
        "MST (differentially private) cannot generate scenarios (conditions or rebalancing); "
        "use Gaussian copula, CTGAN, TVAE, CopulaGAN."
    )
    assert [w.value for w in at.warning] == [line]
    assert at.multiselect(key=f"{KEY}.columns").disabled
    assert at.selectbox(key=f"{KEY}.rebalance").disabled
    assert [e.value for e in at.error] == [line]
    assert workspace.list_runs() == []


def test_conditions_are_prefilled_from_compare_once(
    studio: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: what Compare's "Generate more of these" leaves, with a column tips lacks; a run
    # stored before labels followed the file's spellings named smoker's Yes "True"
    at = studio(dataset_id=tips.id).switch_page(PAGE)
    at.session_state["studio.state"].shaping_prefill = {
        "conditions": {"smoker": "True", "plan": "gold"}
    }

    # Run
    at.run()
    said = [i.value for i in at.info]
    at.run()

    # Assert: filled in and said once; the value stays for the run
    assert not at.exception
    assert said == [
        "Conditions filled in from Compare: smoker=Yes. Left out (not a value this table can "
        "be shaped by): plan=gold."
    ]
    assert not at.info
    assert at.session_state["studio.state"].shaping_prefill is None
    assert at.multiselect(key=f"{KEY}.columns").value == ["smoker"]
    assert at.selectbox(key=f"{KEY}.value.smoker").value == "Yes"  # as tips.csv spells it
    _submit(at, rows=100)
    [run] = workspace.list_runs(tips.id)
    assert set(workspace.read_synthetic(run.id)["smoker"]) == {True}


def test_a_condition_on_a_grouped_rare_value_ends_in_one_line(
    shown: Callable[..., AppTest], workspace: Workspace, tmp_path: Path
) -> None:
    # Setup: tips with a plan column, 'gold' for 3 rows: under the rare-category threshold
    real = load_demo(workspace, "tips")
    table = workspace.read_real(real.id)
    table["plan"] = ["gold" if i < 3 else "basic" for i in range(len(table))]
    table.to_csv(tmp_path / "plans.csv", index=False)
    plans = ingest_file(workspace, tmp_path / "plans.csv", name="plans")
    at = shown(PAGE, dataset_id=plans.id)
    at.multiselect(key=f"{KEY}.columns").set_value(["plan"]).run()
    at.selectbox(key=f"{KEY}.value.plan").set_value("gold").run()

    # Run
    _submit(at)

    # Assert
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("'plan' = 'gold' is rare, so it was grouped before fitting")
    assert "\n" not in error.value
    assert not at.success
    assert [r.status for r in workspace.list_runs(plans.id)] == ["failed"]
    assert at.get("progress")[0].proto.text == "Stopped."


def test_augmentation_reports_its_verdict(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: more Friday rows, the rare day, with day as the model's target
    at = shown(PAGE, dataset_id=tips.id)
    at.multiselect(key=f"{KEY}.columns").set_value(["day"]).run()
    at.selectbox(key=f"{KEY}.value.day").set_value("Fri").run()
    at.checkbox(key=f"{KEY}.augment").check().run()
    at.selectbox(key=f"{KEY}.target").set_value("day").run()

    # Run
    _submit(at, rows=300)

    # Assert
    assert not at.exception
    [run] = workspace.list_runs(tips.id)
    augmentation = run.scores["augmentation"]
    assert augmentation["target"] == "day" and augmentation["synthetic_rows_added"] == 300
    assert any(i.value == f"Augmentation: {augmentation['verdict']}" for i in at.info)


def test_progress_names_the_drawing_of_matching_rows() -> None:
    # Setup
    def script() -> None:
        from components.progress import StreamlitProgress

        StreamlitProgress(shaped=True)("sample", 120, 300)
        StreamlitProgress()("sample", 120, 300)

    at = AppTest.from_function(script)

    # Run
    at.run()

    # Assert: the rows kept so far of a shaped run; plain sampling reads as before
    assert not at.exception
    shaped, plain = (p.proto for p in at.get("progress"))
    assert shaped.text.startswith("Drawing rows that meet the conditions: 120 of 300 rows · ")
    assert plain.text.startswith("Sampling: 120 of 300 rows · ")
    assert shaped.value == plain.value == 83  # 40% through sampling's 75-95% of the bar


def test_a_synthesizer_that_draws_and_keeps_matching_rows_conditions_too(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: TVAE conditions by rejection (draws rows, keeps those on a Friday)
    assert REGISTRY["tvae"].conditioning == "rejection"
    at = shown(PAGE, dataset_id=tips.id)
    at.selectbox(key="synthesize.synthesizer").set_value("tvae").run()
    at.number_input(key="synthesize.param.tvae.epochs").set_value(2).run()
    at.multiselect(key=f"{KEY}.columns").set_value(["day"]).run()
    at.selectbox(key=f"{KEY}.value.day").set_value("Fri").run()

    # Run
    _submit(at, rows=100)

    # Assert: at the default seed the second draw has enough Fridays (2 of 100 in the first)
    assert not at.exception
    assert not at.error
    [run] = workspace.list_runs(tips.id)
    assert run.status == "done" and run.synthesizer == "tvae"
    assert set(workspace.read_synthetic(run.id)["day"]) == {"Fri"}
    assert at.get("progress")[0].proto.text == "Done: 100 rows."


def test_a_scenario_the_model_rarely_makes_ends_in_one_line_with_what_was_reached(
    shown: Callable[..., AppTest],
    workspace: Workspace,
    tips: DatasetInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Setup: give up when under 99% of the drawn rows match (TVAE's first draw: 2 Fridays of 100)
    strict = DrawLimits(min_match_share=0.99, probe_rows=10)
    monkeypatch.setattr("core.runs.shaping.DrawLimits", lambda: strict)
    at = shown(PAGE, dataset_id=tips.id)
    at.selectbox(key="synthesize.synthesizer").set_value("tvae").run()
    at.number_input(key="synthesize.param.tvae.epochs").set_value(2).run()
    at.multiselect(key=f"{KEY}.columns").set_value(["day"]).run()
    at.selectbox(key=f"{KEY}.value.day").set_value("Fri").run()

    # Run
    _submit(at, rows=100)

    # Assert
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("Scenario day=Fri: reached 2 of 100 rows after drawing 100")
    assert "the model rarely makes it" in error.value and "\n" not in error.value
    assert not at.success
    assert [r.status for r in workspace.list_runs(tips.id)] == ["failed"]
    assert at.get("progress")[0].proto.text == "Stopped."
