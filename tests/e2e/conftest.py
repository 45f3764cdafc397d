"""Browser-test fixtures: a real `streamlit run app.py` server and Debian's Chromium.

Playwright's own browser download does not work offline, so the tests drive the system
Chromium. Every test in this folder is marked ``e2e``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.workspace.store import Workspace
from tests import ui
from tests.server import start_studio, stop_studio

ROOT = Path(__file__).parents[2]
ARTIFACTS = Path(__file__).parent / "artifacts"
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


@contextmanager
def serve_studio(workdir: Path) -> Iterator[str]:
    """Base URL of a fresh ``streamlit run app.py`` on a free port, on ``workdir``'s workspace.

    Only the health endpoint is asked before the URL is handed over, so the caller's first page
    request is the server's first session.
    """
    process, url = start_studio(workdir / "workspace.duckdb", workdir / "streamlit.log")
    try:
        yield url
    finally:
        stop_studio(process)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a fresh studio on a free port with its own empty workspace."""
    with serve_studio(tmp_path_factory.mktemp("studio")) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def studio_server() -> Callable[[Path], AbstractContextManager[str]]:
    """:func:`serve_studio`, for tests that prepare a workspace before the server starts."""
    return serve_studio


@pytest.fixture(scope="session")
def serve_prepared(
    tmp_path_factory: pytest.TempPathFactory,
    studio_server: Callable[[Path], AbstractContextManager[str]],
) -> Callable[..., AbstractContextManager[tuple[str, object]]]:
    """``serve_prepared(name, prepare)``: :func:`tests.ui.served_after` in a fresh folder."""

    def serve(name: str, prepare: Callable[[Workspace], object]):
        return ui.served_after(studio_server, tmp_path_factory.mktemp(name), prepare)

    return serve


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
