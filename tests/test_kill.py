"""Crash safety: a generation killed mid-fit (SIGKILL, no cleanup) loses nothing committed.

Each test builds a workspace with a dataset and a finished run, closes it, lets another process
start a slow CTGAN fit on it, kills that process with SIGKILL once the fit is under way, then
reopens the workspace. What was committed must be intact, and the killed run, left 'running'
because its process never got to say otherwise, must now read 'failed' with the
``INTERRUPTED`` message (``Workspace`` marks such runs when it opens the file).

DuckDB lets only one process open the file, so the tests cannot poll the database while the
child holds it. They wait instead for the child's own report that epochs are being fitted:
the CLI's progress line (it prints one only to a terminal, so its stderr is a pseudo-terminal)
and the Synthesize page's progress bar in the browser. Both appear after the run row is
committed (``start_run`` comes before the fit), so at the kill the run is recorded 'running'.
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from core.data.ingest import ingest_file
from core.errors import NotFoundError, WorkspaceError
from core.runs.pipeline import synthesize
from core.workspace.records import INTERRUPTED
from core.workspace.store import Workspace
from tests.conftest import write_shop_table
from tests.server import start_studio

ROOT = Path(__file__).resolve().parents[1]
# Guards against a hung child, not speed limits: importing torch and SDV in a fresh process
# on a busy two-core machine can take a while before the first epoch.
FIT_START_TIMEOUT_S = 240
UI_TIMEOUT_MS = 60_000
REAL_ROWS = 200

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Committed:
    """What the workspace held before the child process started, to compare after the kill."""

    dataset_id: int
    real: pd.DataFrame
    run_id: int
    synthetic: pd.DataFrame


def _write_table(path: Path) -> pd.DataFrame:
    return write_shop_table(path, REAL_ROWS, seed=3)


def _commit_dataset_and_run(workspace_path: Path, table: Path) -> Committed:
    """A dataset and a finished run, written with the core functions, then the file closed."""
    workspace = Workspace(workspace_path)
    try:
        dataset = ingest_file(workspace, table, name="before")
        run = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=100, seed=1)
        return Committed(
            dataset_id=dataset.id,
            real=workspace.read_real(dataset.id),
            run_id=run.run.id,
            synthetic=workspace.read_synthetic(run.run.id),
        )
    finally:
        workspace.close()  # the child process can lock the file only once this one lets go


def _kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the child and everything in the session it leads (started with a new session)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _assert_committed_intact_and_killed_run_failed(
    workspace: Workspace, before: Committed, *, synthesizer: str, epochs: int
) -> None:
    # The earlier dataset and run, byte for byte as they were
    pd.testing.assert_frame_equal(workspace.read_real(before.dataset_id), before.real)
    earlier = workspace.get_run(before.run_id)
    assert (earlier.status, earlier.error) == ("done", None)
    pd.testing.assert_frame_equal(workspace.read_synthetic(before.run_id), before.synthetic)
    # The killed run: recorded, then marked failed as interrupted when the file was reopened
    [killed] = [r for r in workspace.list_runs() if r.id != before.run_id]
    assert killed.id > before.run_id
    assert (killed.synthesizer, killed.params["epochs"]) == (synthesizer, epochs)
    assert killed.status == "failed", f"killed run left as {killed.status!r}"
    assert killed.error == INTERRUPTED
    assert killed.fit_seconds is None and killed.model_path is None
    with pytest.raises(NotFoundError):
        workspace.read_synthetic(killed.id)


# --- (a) the CLI -------------------------------------------------------------------------------

CLI_EPOCHS = 2000
# The CLI's progress line once at least one epoch is done, e.g. "\rfit: 3/2000   ".
CLI_FITTING = re.compile(rb"fit: [1-9]\d*/" + str(CLI_EPOCHS).encode())


def _wait_for_output(fd: int, pattern: re.Pattern[bytes], process: subprocess.Popen) -> bytes:
    """Read the child's terminal until ``pattern`` shows up; fail if it exits or hangs first."""
    seen = b""
    deadline = time.monotonic() + FIT_START_TIMEOUT_S
    while not pattern.search(seen):
        if time.monotonic() > deadline:
            pytest.fail(f"no fitting progress within {FIT_START_TIMEOUT_S} s: {seen[-500:]!r}")
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:  # EIO: the child closed its end (it exited)
                ready = []
        if not ready and process.poll() is not None:
            pytest.fail(f"the CLI exited ({process.returncode}) before fitting: {seen[-2000:]!r}")
    return seen


def test_cli_killed_mid_fit_keeps_committed_data_and_fails_the_run(tmp_path: Path) -> None:
    # Setup
    workspace_path = tmp_path / "workspace.duckdb"
    table = tmp_path / "people.csv"
    real = _write_table(table)
    before = _commit_dataset_and_run(workspace_path, table)
    command = [
        sys.executable,
        "-m",
        "core.cli",
        "synthesize",
        str(table),
        "--synthesizer",
        "ctgan",
        "--epochs",
        str(CLI_EPOCHS),
        "--rows",
        "10",
        "--output",
        str(tmp_path / "out.csv"),
        "--workspace",
        str(workspace_path),
    ]
    terminal, child_end = pty.openpty()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=child_end,
        start_new_session=True,
    )
    os.close(child_end)

    # Run
    try:
        _wait_for_output(terminal, CLI_FITTING, process)
        with pytest.raises(WorkspaceError, match="open in another Synth Studio process"):
            Workspace(workspace_path)  # the child holds the file: it is mid-run, not finished
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        _kill_group(process)
        os.close(terminal)

    # Assert
    assert process.returncode == -signal.SIGKILL
    assert not (tmp_path / "out.csv").exists()
    workspace = Workspace(workspace_path)
    try:
        # The CLI's own dataset was committed before its run started: it survives too
        datasets = workspace.list_datasets()
        assert [d.id for d in datasets] == [before.dataset_id, before.dataset_id + 1]
        pd.testing.assert_frame_equal(workspace.read_real(datasets[1].id), real, check_dtype=False)
        _assert_committed_intact_and_killed_run_failed(
            workspace, before, synthesizer="ctgan", epochs=CLI_EPOCHS
        )
        assert workspace.list_runs()[-1].dataset_id == datasets[1].id
    finally:
        workspace.close()


# --- (b) the server, driven from a browser ----------------------------------------------------

SERVER_EPOCHS = 5000  # the form's maximum; far more than are reached before the kill
# The Synthesize page's progress bar once at least one epoch is done.
UI_FITTING = re.compile(rf"Fitting: [1-9][\d,]* of {SERVER_EPOCHS:,} epochs")


def _start_server(workspace_path: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free port, in its own session so the test can kill it all."""
    return start_studio(workspace_path, log_path, own_session=True)


def test_server_killed_mid_fit_keeps_committed_data_and_fails_the_run(
    tmp_path: Path, browser
) -> None:
    from playwright.sync_api import expect

    # Setup
    workspace_path = tmp_path / "workspace.duckdb"
    table = tmp_path / "people.csv"
    _write_table(table)
    before = _commit_dataset_and_run(workspace_path, table)
    server, url = _start_server(workspace_path, tmp_path / "streamlit.log")

    # Run: open the dataset (the URL carries the selection), choose CTGAN, Generate, kill
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            page.set_default_timeout(UI_TIMEOUT_MS)
            main = page.locator('[data-testid="stMain"]')
            page.goto(f"{url}/?dataset={before.dataset_id}")
            expect(main.get_by_role("heading", name="before")).to_be_visible(timeout=UI_TIMEOUT_MS)
            page.locator('[data-testid="stSidebarNavLink"]', has_text="Synthesize").click()
            heading = main.get_by_role("heading", name="Synthesize", level=1)
            expect(heading).to_be_visible(timeout=UI_TIMEOUT_MS)
            main.get_by_role("combobox", name="Synthesizer").click()
            page.get_by_role("option", name="CTGAN", exact=True).click()
            epochs = main.get_by_role("spinbutton", name="Epochs", exact=True)
            expect(epochs).to_be_visible(timeout=UI_TIMEOUT_MS)
            epochs.fill(str(SERVER_EPOCHS))
            epochs.press("Tab")
            expect(epochs).to_have_value(str(SERVER_EPOCHS), timeout=UI_TIMEOUT_MS)
            main.get_by_role("button", name="Generate from before").click()
            expect(main.get_by_text(UI_FITTING)).to_be_visible(timeout=FIT_START_TIMEOUT_S * 1000)
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        finally:
            context.close()
    finally:
        _kill_group(server)

    # Assert
    assert server.returncode == -signal.SIGKILL
    workspace = Workspace(workspace_path)
    try:
        assert [d.id for d in workspace.list_datasets()] == [before.dataset_id]
        _assert_committed_intact_and_killed_run_failed(
            workspace, before, synthesizer="ctgan", epochs=SERVER_EPOCHS
        )
    finally:
        workspace.close()
