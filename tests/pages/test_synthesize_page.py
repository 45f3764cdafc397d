"""Step 3, Synthesize: the guard, the registry-built form and its bounds, a run and a refusal."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from core.config import get_settings
from core.synth.estimate import TableShape, plan_fit
from core.synth.registry import REGISTRY
from core.workspace.records import DatasetInfo
from core.workspace.store import Workspace

PAGE = "pages/3_synthesize.py"


def test_synthesizer_choice_lists_the_registry(
    shown: Callable[..., AppTest], tips: DatasetInfo
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id)

    # Assert
    choice = at.selectbox(key="synthesize.synthesizer")
    assert choice.options == [spec.label for spec in REGISTRY.values()]
    assert choice.value == "gaussian_copula"
    assert at.caption[0].value.startswith(REGISTRY["gaussian_copula"].description)
    assert "Epochs" not in [n.label for n in at.number_input]
    assert at.form_submit_button[0].label == "Generate from tips"


@pytest.mark.parametrize("key", list(REGISTRY))
def test_form_follows_the_registry_entry(
    shown: Callable[..., AppTest], tips: DatasetInfo, key: str
) -> None:
    # Setup
    spec = REGISTRY[key]
    settings = get_settings()
    at = shown(PAGE, dataset_id=tips.id)

    # Run
    at.selectbox(key="synthesize.synthesizer").set_value(key).run()

    # Assert
    assert not at.exception
    assert ("Epochs" in [n.label for n in at.number_input]) == spec.has_epochs
    for param in spec.params:
        widget_key = f"synthesize.param.{key}.{param.name}"
        if param.kind == "choice":
            widget = at.selectbox(key=widget_key)
            assert widget.options == list(param.choices)
        else:
            widget = at.number_input(key=widget_key)
            assert (widget.min, widget.max) == (param.low, param.high)
        assert widget.label == param.label
        assert widget.value == param.default
    rows = at.number_input(key="synthesize.rows")
    assert (rows.min, rows.max, rows.value) == (1, settings.max_rows, settings.default_rows)
    seed = at.number_input(key="synthesize.seed")
    assert (seed.min, seed.max, seed.value) == (0, 2**31 - 1, settings.seed)


def test_generate_records_a_finished_run(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id)
    at.number_input(key="synthesize.rows").set_value(200)

    # Run
    at.form_submit_button[0].click().run()

    # Assert
    assert not at.exception
    assert not at.error
    [run] = workspace.list_runs(tips.id)
    assert (run.status, run.synthesizer, run.n_rows) == ("done", "gaussian_copula", 200)
    [success] = at.success
    assert success.value.startswith(f"Run #{run.id}: 200 rows in ")
    assert "quality" in success.value
    assert at.session_state["studio.state"].run_id == run.id
    assert at.session_state["studio.state"].generating is None  # ended, not interrupted
    assert "synthesize.stop" not in [b.key for b in at.button]  # offered only while it ran
    assert at.get("progress")[0].proto.text == "Done: 200 rows."
    assert [link.proto.label for link in at.page_link] == ["Next: compare real and synthetic"]


def test_out_of_range_rows_never_reach_the_pipeline(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: a browser cannot send 0; if a client does, Streamlit keeps a value in bounds
    at = shown(PAGE, dataset_id=tips.id)
    at.number_input(key="synthesize.rows").set_value(0)

    # Run
    at.form_submit_button[0].click().run()

    # Assert
    assert not at.exception
    [run] = workspace.list_runs(tips.id)
    assert 1 <= run.n_rows <= get_settings().max_rows


def test_invalid_parameter_shows_one_line_error_and_records_nothing(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: the input's step suggests multiples of 10 but a user can type 15
    at = shown(PAGE, dataset_id=tips.id)
    at.selectbox(key="synthesize.synthesizer").set_value("ctgan").run()
    at.number_input(key="synthesize.param.ctgan.batch_size").set_value(15)

    # Run
    at.form_submit_button[0].click().run()

    # Assert
    assert not at.exception
    assert [e.value for e in at.error] == ["Batch size must be a multiple of 10; got 15."]
    assert not at.success
    assert workspace.list_runs() == []
    assert at.session_state["studio.state"].run_id is None
    assert at.session_state["studio.state"].generating is None
    assert "synthesize.stop" not in [b.key for b in at.button]


def test_a_run_interrupted_by_a_click_is_reported_once(
    shown: Callable[..., AppTest], studio: Callable[..., AppTest], tips: DatasetInfo
) -> None:
    # Setup: what a run left when Stop (or any click) reran the page under it
    at = studio(dataset_id=tips.id).switch_page(PAGE)
    at.session_state["studio.state"].generating = "CTGAN run on tips"

    # Run
    at.run()
    shown = [w.value for w in at.warning]
    at.run()

    # Assert
    assert not at.exception
    assert shown == ["Stopped: the CTGAN run on tips was marked failed; nothing of it was kept."]
    assert not at.warning  # said once
    assert "synthesize.stop" not in [b.key for b in at.button]  # no Stop without a run


def test_training_sample_and_fit_estimate_are_shown_before_the_run(
    studio: Callable[..., AppTest],
    workspace: Workspace,
    tips: DatasetInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Setup: cap the fit below tips' 195 training rows
    monkeypatch.setenv("SYNTH_STUDIO_TRAIN_MAX_ROWS", "100")
    at = studio(dataset_id=tips.id).switch_page(PAGE)

    # Run
    at.run()
    copula = [c.value for c in at.caption]
    at.selectbox(key="synthesize.synthesizer").set_value("ctgan").run()
    ctgan = [c.value for c in at.caption]

    # Assert
    assert not at.exception
    # tips before its metadata is detected: 3 number columns learned, 4 text ones as categories
    distinct = workspace.distinct_counts(tips.id)
    categories = tuple(distinct[c] for c in ("sex", "smoker", "day", "time"))
    shape = {"shape": TableShape(rows=tips.n_rows, continuous=3, categories=categories)}
    expected = plan_fit(REGISTRY["gaussian_copula"], epochs=None, **shape)
    assert expected.text in copula
    assert expected.text.startswith(
        "Fits on a stratified sample of 100 of 195 training rows; estimated fit ~"
    )
    epochs = next(p.default for p in REGISTRY["ctgan"].params if p.name == "epochs")
    assert plan_fit(REGISTRY["ctgan"], epochs=epochs, **shape).text in ctgan
    assert workspace.list_runs() == []  # shown before anything starts


def test_protection_switches_reach_the_run_and_its_price_is_shown(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: defaults are grouping on (under 5 rows) and clipping off; ask for clipping
    at = shown(PAGE, dataset_id=tips.id)
    assert at.toggle(key="synthesize.protect.rare").value is True
    assert at.toggle(key="synthesize.protect.clip").value is False
    assert at.number_input(key="synthesize.protect.rare_min_count").value == 5
    at.number_input(key="synthesize.rows").set_value(200)
    at.toggle(key="synthesize.protect.clip").set_value(True)
    at.number_input(key="synthesize.protect.rare_min_count").set_value(7)

    # Run
    at.form_submit_button[0].click().run()

    # Assert
    assert not at.exception
    [run] = workspace.list_runs(tips.id)
    protections = run.scores["protections"]
    assert protections["settings"]["clipping"] is True
    assert protections["settings"]["rare_min_count"] == 7
    assert set(protections["clipped"]) == {"total_bill", "tip"}
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Scored on 7 of 7 columns") for c in captions), captions
    assert any(c.startswith("Extreme numbers clipped: total_bill to [") for c in captions)
    cost = protections["cost"]["cost"]
    assert any(c.startswith(f"Cost of these protections: {cost:.3f}") for c in captions)
