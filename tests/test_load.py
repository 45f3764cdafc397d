"""Load: 20 browser sessions at once in one server process, on one shared workspace.

Each session is its own ``AppTest`` of ``app.py`` driven from its own thread, as a server runs
each browser session's script in its own thread. Every session uploads a different CSV through
the Data page and generates from it on the Synthesize page; all uploads overlap, then all fits
overlap. The values of session ``i`` live in ranges no other session uses, so any row that
leaked from another session's table (a shared cursor, a cached frame, a swapped id) shows up as
a value outside its own ranges.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import MagicMock

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit import config
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.runtime import Runtime
from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
from streamlit.runtime.dataframe_source_manager import DataframeSourceManager
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from components.workspace import open_workspace
from core.config import WORKSPACE_ENV
from core.workspace.store import Workspace

ROOT = Path(__file__).resolve().parents[1]
SESSIONS = 20
REAL_ROWS = 40
SYNTHETIC_ROWS = 50
LABELS = "abc"
STATE_KEY = "studio.state"
DATA_PAGE = "pages/1_data.py"
SYNTHESIZE_PAGE = "pages/3_synthesize.py"
# Not a speed limit: only a guard against a hung session. 20 overlapping scripts share two
# busy cores, so one rerun may wait a long time for the GIL.
RUN_TIMEOUT_S = 300


def _session_table(i: int) -> pd.DataFrame:
    """Session ``i``'s data: labels ``sNN-x``, amounts in [1000 i, 1000 i + 20), scores in
    [10 i, 10 i + 1); no two sessions share a label or overlap in a range."""
    rng = np.random.default_rng(i)
    return pd.DataFrame(
        {
            "label": [f"s{i:02d}-{c}" for c in rng.choice(list(LABELS), REAL_ROWS)],
            "amount": rng.integers(0, 20, REAL_ROWS) + 1000 * i,
            "score": np.round(rng.uniform(0.0, 1.0, REAL_ROWS) + 10 * i, 3),
        }
    )


def _csv_bytes(df: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    df.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


@dataclass
class Session:
    number: int
    real: pd.DataFrame
    at: AppTest

    @property
    def file_name(self) -> str:
        return f"session_{self.number:02d}.csv"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """A fresh workspace, opened through the app's own process-wide cache (one handle per file,
    as the server holds it), and empty Streamlit caches around the test."""
    path = tmp_path / "workspace.duckdb"
    monkeypatch.setenv(WORKSPACE_ENV, str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    ws = open_workspace(str(path))
    yield ws
    st.cache_resource.clear()
    st.cache_data.clear()
    ws.close()


@pytest.fixture
def shared_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    """One Runtime for all sessions, as ``streamlit run`` has.

    AppTest is built for one session at a time: around each run it assigns a fresh mock Runtime
    to the process-global ``Runtime._instance``, resets it to None afterwards, and patches the
    global ``config.get_option``. Overlapping runs in threads then see another session's Runtime
    or none ("Runtime hasn't been created!") and can leave the patch behind. Those are artefacts
    of the test harness, not of the studio, so the test pins one shared Runtime (a server's
    situation) and the ``global.appTest`` option for its duration; everything else (session
    state, widgets, the workspace, caches, the pages) runs concurrently for real.
    """
    runtime = MagicMock(spec=Runtime)
    runtime.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    runtime.dataframe_source_mgr = DataframeSourceManager()
    runtime.cache_storage_manager = MemoryCacheStorageManager()
    components = BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    runtime.bidi_component_registry = components
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: runtime))
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))
    real_get_option = config.get_option
    monkeypatch.setattr(
        config,
        "get_option",
        lambda name: True if name == "global.appTest" else real_get_option(name),
    )


def _upload(session: Session) -> None:
    """Data page: choose 'Upload a file', give it this session's CSV, click 'Load file'."""
    at = session.at
    at.switch_page(DATA_PAGE).run()
    at.radio(key="data.source").set_value("Upload a file").run()
    at.file_uploader(key="data.upload").set_value(
        (session.file_name, _csv_bytes(session.real), "text/csv")
    ).run()
    at.button(key="data.load").click().run()


def _generate(session: Session) -> None:
    """Synthesize page: the default synthesizer (Gaussian copula), a few rows, Generate."""
    at = session.at
    at.switch_page(SYNTHESIZE_PAGE).run()
    at.number_input(key="synthesize.rows").set_value(SYNTHETIC_ROWS)
    at.form_submit_button[0].click().run()


def _all_at_once(step, sessions: list[Session]) -> None:
    """Run ``step`` for every session in its own thread, released together by a barrier."""
    start = threading.Barrier(len(sessions))

    def run(session: Session) -> None:
        start.wait(timeout=RUN_TIMEOUT_S)
        step(session)

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        for future in [pool.submit(run, s) for s in sessions]:
            future.result()  # re-raises a harness failure (timeout) from its thread


def _assert_clean(session: Session) -> None:
    at = session.at
    assert not at.exception, f"session {session.number}: {at.exception}"
    assert not at.error, f"session {session.number}: {[e.value for e in at.error]}"


def test_twenty_sessions_upload_and_generate_without_crossing(
    workspace: Workspace, shared_runtime: None
) -> None:
    # Setup
    sessions = [
        Session(
            i,
            _session_table(i),
            AppTest.from_file(str(ROOT / "app.py"), default_timeout=RUN_TIMEOUT_S),
        )
        for i in range(1, SESSIONS + 1)
    ]

    # Run: every session uploads its own file at once, then every session generates at once
    _all_at_once(_upload, sessions)
    for session in sessions:
        _assert_clean(session)
    _all_at_once(_generate, sessions)

    # Assert: each session is clean and its state names its own dataset and run
    for session in sessions:
        _assert_clean(session)
        state = session.at.session_state[STATE_KEY]
        dataset = workspace.get_dataset(state.dataset_id)
        assert (dataset.name, dataset.source) == (session.file_name[:-4], session.file_name)
        assert dataset.n_rows == REAL_ROWS
        assert state.run_id is not None, f"session {session.number} has no run"
        run = workspace.get_run(state.run_id)
        assert (run.dataset_id, run.status, run.n_rows) == (dataset.id, "done", SYNTHETIC_ROWS)
        [success] = session.at.success
        assert success.value.startswith(f"Run #{run.id}: {SYNTHETIC_ROWS} rows in ")
        stored = workspace.read_real(dataset.id)
        pd.testing.assert_frame_equal(stored, session.real, check_dtype=False)

    # Assert: no synthetic value comes from another session's data
    for session in sessions:
        state = session.at.session_state[STATE_KEY]
        synthetic = workspace.read_synthetic(state.run_id)
        real = session.real
        assert len(synthetic) == SYNTHETIC_ROWS
        assert list(synthetic.columns) == list(real.columns)
        assert set(synthetic["label"]) <= set(real["label"]), session.number
        for column in ("amount", "score"):
            low, high = real[column].min(), real[column].max()
            assert synthetic[column].between(low, high).all(), (session.number, column)

    # Assert: the shared workspace holds exactly the 20 datasets and 20 finished runs
    datasets = workspace.list_datasets()
    runs = workspace.list_runs()
    assert sorted(d.name for d in datasets) == sorted(s.file_name[:-4] for s in sessions)
    assert len(runs) == SESSIONS
    assert {r.status for r in runs} == {"done"}
    assert sorted(r.dataset_id for r in runs) == sorted(d.id for d in datasets)
    by_session = {s.at.session_state[STATE_KEY].run_id for s in sessions}
    assert by_session == {r.id for r in runs}
