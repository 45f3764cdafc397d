"""Browser-test fixtures: a real `streamlit run app.py` server and Debian's Chromium.

Playwright's own browser download does not work offline, so the tests drive the system
Chromium. Every test in this folder is marked ``e2e``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).parents[2]
ARTIFACTS = Path(__file__).parent / "artifacts"
SERVER_START_TIMEOUT_S = 60
# Streamlit reruns the page on every click; a busy CI box needs more than Playwright's 5 s.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    # Keep each phase's report on the item so the screenshot fixture can see a failure.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def serve_studio(workdir: Path) -> Iterator[str]:
    """Base URL of a fresh ``streamlit run app.py`` on a free port, on ``workdir``'s workspace.

    Only the health endpoint is asked before the URL is handed over, so the caller's first page
    request is the server's first session.
    """
    port = _free_port()
    log_path = workdir / "streamlit.log"
    env = {
        **os.environ,
        "SYNTH_STUDIO_WORKSPACE": str(workdir / "workspace.duckdb"),
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        # .streamlit/config.toml binds to "localhost"; pin IPv4 so the health URL matches.
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT_S
            while not _healthy(f"{base_url}/_stcore/health"):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"Streamlit did not become healthy on port {port} "
                        f"(exit code {process.poll()}):\n{log_path.read_text()[-3000:]}"
                    )
                time.sleep(0.25)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a fresh studio on a free port with its own empty workspace."""
    with serve_studio(tmp_path_factory.mktemp("studio")) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def studio_server() -> Callable[[Path], AbstractContextManager[str]]:
    """:func:`serve_studio`, for tests that prepare a workspace before the server starts."""
    return serve_studio


@pytest.fixture
def page(browser, tmp_path: Path) -> Iterator[object]:
    """A fresh page (new context, downloads allowed) sized like a laptop screen."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def _artifact_numbers() -> Iterator[Iterator[int]]:
    """One numbering for the whole run; old screenshots are removed first."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    yield iter(range(1, 1000))


@pytest.fixture
def screenshot(page, request: pytest.FixtureRequest, _artifact_numbers) -> Iterator[object]:
    """``screenshot("step")`` saves ``artifacts/NN_step.png``; a failing test adds one more."""

    def take(step: str) -> Path:
        path = ARTIFACTS / f"{next(_artifact_numbers):02d}_{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    yield take
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        take(f"{request.node.name}_failed")
