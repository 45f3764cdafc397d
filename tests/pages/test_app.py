"""The frame in app.py: default page, shared sidebar, the workspace error boundary, and the
pages in ``pages/`` running inside it.

AppTest resets Streamlit's classic-multipage flag on every run, so with a ``pages/`` folder
beside ``app.py`` each run after ``switch_page`` starts the page file alone, as a fresh server
does for a deep link; ``components.routing.inside_router`` must put it back inside the frame.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.state import StudioState
from core.config import WORKSPACE_ENV
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace
from tests.conftest import ROOT


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


def test_sidebar_names_the_selected_dataset_and_run_and_the_url_keeps_them(
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
    assert at.query_params == {"dataset": str(tips.id), "run": str(tips_run.id)}


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


def test_a_page_started_alone_runs_inside_the_frame(
    studio: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup: a session that only has the URL, as a reload of /compare?dataset=..&run=.. does
    at = studio().switch_page("pages/4_compare.py")
    at.query_params["dataset"] = str(tips.id)
    at.query_params["run"] = str(tips_run.id)

    # Run
    at.run()

    # Assert: the frame's sidebar around the Compare page, the ids read from and kept in the URL
    assert not at.exception
    assert [t.value for t in at.title] == ["Compare"]
    assert "**Synth Studio**" in at.sidebar.markdown[0].value
    captions = [c.value for c in at.sidebar.caption]
    assert "Dataset: **tips** (244 × 7)" in captions
    assert f"Run: **#{tips_run.id}**" in captions
    assert at.query_params == {"dataset": str(tips.id), "run": str(tips_run.id)}
    assert at.query_params == {"dataset": str(tips.id), "run": str(tips_run.id)}
    assert at.caption[0].value.startswith(f"Run #{tips_run.id} on **tips**")


def _registered_pages() -> set[str]:
    """The page paths app.py passes to ``st.Page``."""
    calls = [n for n in ast.walk(ast.parse((ROOT / "app.py").read_text())) if _is_call(n, "Page")]
    return {call.args[0].value for call in calls}


def _is_call(node: ast.AST, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute | ast.Name)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) == name
    )


def test_app_registers_every_file_in_pages() -> None:
    # Run
    registered = _registered_pages()

    # Assert: nothing in pages/ that Streamlit's classic mode would list but the router would not
    assert registered == {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}


def test_every_page_starts_inside_the_router() -> None:
    for path in sorted((ROOT / "pages").glob("*.py")):
        # Run
        body = ast.parse(path.read_text()).body
        code = [n for n in body[1:] if not isinstance(n, ast.Import | ast.ImportFrom)]

        # Assert: docstring first, naming its step, then imports, then the hand-over (bare, or
        # in open_step, which calls it before anything else)
        docstring = ast.get_docstring(ast.Module(body=body[:1], type_ignores=[]))
        assert docstring and docstring.startswith(f"Step {path.name[0]}, "), path.name
        first = code[0]
        bare = isinstance(first, ast.Expr) and _is_call(first.value, "inside_router")
        opened = isinstance(first, ast.Assign) and _is_call(first.value, "open_step")
        assert bare or opened, path.name
    step = ast.parse((ROOT / "components" / "step.py").read_text())
    opening = next(n for n in step.body if isinstance(n, ast.FunctionDef) and n.name == "open_step")
    first = opening.body[1]  # after its docstring
    assert isinstance(first, ast.Expr) and _is_call(first.value, "inside_router")


def test_every_link_names_a_registered_page() -> None:
    # Setup
    registered = _registered_pages()
    sources = [*(ROOT / "pages").glob("*.py"), *(ROOT / "components").glob("*.py")]
    linked: set[str] = set()

    # Run: the literal paths handed to st.page_link, st.switch_page and the guard's Step
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text())):
            if any(_is_call(node, name) for name in ("page_link", "switch_page", "Step")):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    linked.add(first.value)

    # Assert
    assert linked, "no links found: the scan is broken"
    assert linked <= registered, linked - registered
