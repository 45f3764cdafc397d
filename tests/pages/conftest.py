"""Fixtures for the AppTest page modules: a fresh workspace per test, state injected, not clicked.

The app caches its Workspace with ``st.cache_resource`` keyed by path, and DuckDB wants one handle
per file per process, so tests build their data through that same cached object
(``components.workspace.open_workspace``) and clear the caches around every test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.state import StudioState
from components.workspace import open_workspace
from core.config import WORKSPACE_ENV
from core.data.demos import load_demo
from core.runs.pipeline import synthesize
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace

ROOT = Path(__file__).parents[2]
# The first run imports SDV and fits a model; later runs take well under a second.
TIMEOUT = 60
STATE_KEY = "studio.state"


@pytest.fixture(autouse=True)
def workspace_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own workspace file and empty caches; none touches ~/.synth_studio."""
    path = tmp_path / "workspace.duckdb"
    monkeypatch.setenv(WORKSPACE_ENV, str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def workspace(workspace_path: Path) -> Iterator[Workspace]:
    """The very Workspace object the app's ``get_workspace()`` returns during the test."""
    ws = open_workspace(str(workspace_path))
    yield ws
    st.cache_resource.clear()
    ws.close()


@pytest.fixture
def tips(workspace: Workspace) -> DatasetInfo:
    """Plotly's tips table (244 rows, 7 columns) loaded as a demo."""
    return load_demo(workspace, "tips")


@pytest.fixture
def tips_run(workspace: Workspace, tips: DatasetInfo) -> RunInfo:
    """A finished, scored run on tips with the cheapest settings."""
    return synthesize(workspace, dataset_id=tips.id, key="gaussian_copula", rows=200, seed=7).run


@pytest.fixture
def studio() -> Callable[..., AppTest]:
    """An AppTest of ``app.py``, not run yet, with the session's ids injected when given."""

    def make(*, dataset_id: int | None = None, run_id: int | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        if dataset_id is not None or run_id is not None:
            at.session_state[STATE_KEY] = StudioState(dataset_id=dataset_id, run_id=run_id)
        return at

    return make


@pytest.fixture
def shown(studio: Callable[..., AppTest]) -> Callable[..., AppTest]:
    """A page run once with the given ids injected, checked to have raised nothing."""

    def show(page: str, *, dataset_id: int | None = None, run_id: int | None = None) -> AppTest:
        at = studio(dataset_id=dataset_id, run_id=run_id).switch_page(page)
        at.run()
        assert not at.exception
        return at

    return show
