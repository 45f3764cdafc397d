"""The frame in app.py: default page, shared sidebar, and the workspace error boundary.

AppTest runs ``app.py`` itself only on a session's first run: because the pages live in a
directory named ``pages/``, Streamlit's legacy multipage mode runs a switched-to page file on its
own. So the frame is tested here on first runs of the default page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.state import StudioState
from core.config import WORKSPACE_ENV
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace


def test_default_page_is_data_inside_the_frame(
    studio: Callable[..., AppTest], workspace_path: Path
) -> None:
    # Setup
    at = studio()

    # Run
    at.run()

    # Assert
    assert not at.exception
    assert [t.value for t in at.title] == ["Data"]
    assert "**Synth Studio**" in at.sidebar.markdown[0].value
    assert [c.value for c in at.sidebar.caption] == [f"Workspace: `{workspace_path}`"]
    assert at.info[0].value == "Choose a table above to begin."


def test_sidebar_names_the_selected_dataset_and_run(
    studio: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup
    at = studio(dataset_id=tips.id, run_id=tips_run.id)

    # Run
    at.run()

    # Assert
    assert not at.exception
    captions = [c.value for c in at.sidebar.caption]
    assert "Dataset: **tips** (244 × 7)" in captions
    assert f"Run: **#{tips_run.id}**" in captions


def test_unopenable_workspace_shows_one_line_error_and_stops(
    studio: Callable[..., AppTest], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Setup: the workspace's parent "directory" is a regular file
    blocker = tmp_path / "not_a_directory"
    blocker.write_text("")
    monkeypatch.setenv(WORKSPACE_ENV, str(blocker / "workspace.duckdb"))
    at = studio()

    # Run
    at.run()

    # Assert
    assert not at.exception
    [error] = at.sidebar.error
    assert error.value.startswith("Cannot open workspace ")
    assert "\n" not in error.value
    assert not at.title  # st.stop() before the page ran


def test_ids_missing_from_the_workspace_are_dropped(
    studio: Callable[..., AppTest], workspace: Workspace
) -> None:
    # Setup: the session remembers a dataset and run another session deleted
    at = studio(dataset_id=41, run_id=42)

    # Run
    at.run()

    # Assert
    assert not at.exception
    assert at.session_state["studio.state"] == StudioState()
    assert [c.value for c in at.sidebar.caption] == [f"Workspace: `{workspace.path}`"]
    assert at.info[0].value == "Choose a table above to begin."


def test_a_new_session_reopens_the_ids_in_the_url(
    studio: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup: a reload starts a session that has only the URL
    at = studio()
    at.query_params["dataset"] = str(tips.id)
    at.query_params["run"] = str(tips_run.id)

    # Run
    at.run()

    # Assert
    assert not at.exception
    assert at.session_state["studio.state"] == StudioState(tips.id, tips_run.id)
    assert {m.label: m.value for m in at.metric}["Rows"] == "244"
    assert f"Run: **#{tips_run.id}**" in [c.value for c in at.sidebar.caption]


def test_selected_ids_are_written_to_the_url(
    studio: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup
    at = studio(dataset_id=tips.id, run_id=tips_run.id)

    # Run
    at.run()

    # Assert
    assert not at.exception
    assert at.query_params == {"dataset": str(tips.id), "run": str(tips_run.id)}
