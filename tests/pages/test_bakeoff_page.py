"""Bake-off page: the guard, the form's defaults, a cheap bake-off, its leaderboard and links."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from components.bakeoff import DEFAULT_BUDGET_SECONDS, default_keys
from core.synth.registry import REGISTRY
from core.workspace.records import DatasetInfo
from core.workspace.store import Workspace

PAGE = "pages/9_bakeoff.py"


def _labels(keys: list[str]) -> list[str]:
    return [REGISTRY[key].label for key in keys]


def test_form_defaults_to_a_fast_and_a_neural_synthesizer(
    shown: Callable[..., AppTest], tips: DatasetInfo
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id)

    # Assert
    chosen = at.multiselect(key="bakeoff.synthesizers")
    assert chosen.options == _labels(list(REGISTRY))
    assert chosen.value == default_keys()
    assert [REGISTRY[k].has_epochs for k in chosen.value] == [False, True]
    assert at.number_input(key="bakeoff.budget").value == DEFAULT_BUDGET_SECONDS
    assert at.selectbox(key="bakeoff.target").value is None
    assert at.form_submit_button[0].label == "Run the bake-off on tips"
    assert not at.dataframe  # nothing run yet


def test_a_bakeoff_shows_the_leaderboard_and_opens_a_run(
    shown: Callable[..., AppTest],
    workspace: Workspace,
    tips: DatasetInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Setup: a one-second budget: the plan gives it to the copula, so TVAE is skipped, on any
    # machine and every time (the plan reads the table's shape, never a clock)
    at = shown(PAGE, dataset_id=tips.id)
    at.multiselect(key="bakeoff.synthesizers").set_value(["gaussian_copula", "tvae"])
    at.number_input(key="bakeoff.budget").set_value(1)
    at.number_input(key="bakeoff.rows").set_value(100)

    # Run
    at.form_submit_button[0].click().run()

    # Assert: one recorded run, ranked; TVAE skipped, saying why in its row, in words
    assert not at.exception
    assert not at.error
    [run] = workspace.list_runs(tips.id)
    assert (run.status, run.synthesizer, run.n_rows) == ("done", "gaussian_copula", 100)
    board = at.table[0].value.map(lambda cell: str(cell).replace("\\", ""))
    assert board["Synthesizer"].tolist() == ["Gaussian copula", "TVAE"]
    assert board["Outcome"].tolist()[0].startswith("Done")
    assert board["Outcome"].tolist()[1].startswith("Skipped. Budget used up: its setup")
    assert board["Run"].tolist() == [f"#{run.id}", ""]
    assert all(len(score) <= 4 for score in board["Score"] if score)  # 0.87, not 0.8712…
    assert any("TVAE: Budget used up" in m.value for m in at.markdown)
    [message] = at.success or at.warning
    assert "TVAE (skipped)" in message.value
    if at.success:  # recommended: the winner becomes the selected run
        assert message.value.startswith("Gaussian copula: ")
        assert at.session_state["studio.state"].run_id == run.id
    button = at.button(key=f"bakeoff.open.{run.id}")
    assert button.label == f"Open #{run.id} (Gaussian copula)"

    # Run: the leaderboard survives the rerun and the button opens Compare
    button.click().run()

    # Assert
    assert not at.exception
    assert at.session_state["studio.state"].run_id == run.id
    assert at.title[0].value == "Compare"


def test_no_synthesizer_chosen_is_one_line_error(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id)
    at.multiselect(key="bakeoff.synthesizers").set_value([])

    # Run
    at.form_submit_button[0].click().run()

    # Assert
    assert not at.exception
    assert at.error[0].value == "Choose at least one synthesizer for the bake-off."
    assert workspace.list_runs() == []
    assert not at.dataframe
