"""Step 3, Synthesize: the fit estimate follows the epochs before submit; a run shows its rows."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from core.config import get_settings
from core.workspace.records import DatasetInfo
from core.workspace.store import Workspace

PAGE = "pages/3_synthesize.py"
EPOCHS = "synthesize.param.ctgan.epochs"


def _estimate(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Fits on "))


def test_the_estimate_follows_the_epochs_as_they_change(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: CTGAN at its default 300 epochs
    at = shown(PAGE, dataset_id=tips.id)
    at.selectbox(key="synthesize.synthesizer").set_value("ctgan").run()
    default = _estimate(at)

    # Run: 3 epochs typed, the form not submitted
    at.number_input(key=EPOCHS).set_value(3).run()
    three = _estimate(at)

    # Assert: the estimate changed at once; nothing ran; the form still takes the rest
    assert not at.exception
    assert three != default and "estimated fit ~" in three
    assert workspace.list_runs() == []
    assert "synthesize.param.ctgan.batch_size" in [n.key for n in at.number_input]


def test_the_epochs_typed_outside_the_form_reach_the_run(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id)
    at.selectbox(key="synthesize.synthesizer").set_value("tvae").run()
    at.number_input(key="synthesize.param.tvae.epochs").set_value(2).run()
    at.number_input(key="synthesize.rows").set_value(50)

    # Run
    at.form_submit_button[0].click().run()

    # Assert
    assert not at.exception
    [run] = workspace.list_runs(tips.id)
    assert run.params["epochs"] == 2 and run.status == "done"


def test_a_finished_run_shows_its_first_rows(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id)
    at.number_input(key="synthesize.rows").set_value(150)

    # Run
    at.form_submit_button[0].click().run()

    # Assert: the stored rows, with the real table's columns, right below the result
    assert not at.exception
    [run] = workspace.list_runs(tips.id)
    preview = at.dataframe[-1].value
    stored = workspace.read_synthetic(run.id, limit=get_settings().preview_rows)
    assert preview.equals(stored)
    assert list(preview.columns) == list(workspace.read_real(tips.id, limit=1).columns)
    assert any(h.value.startswith(f"Run #{run.id} (Gaussian copula)") for h in at.subheader)
