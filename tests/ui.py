"""What every browser walk does, in one place: find the page's main area, wait for Streamlit's
rerun to end, open a page or a step, check no error shows, and start a studio on a workspace
prepared before it (DuckDB lets one process write a file at a time, so the workspace is closed
before the server opens it)."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import NamedTuple, TypeVar

from playwright.sync_api import Locator, Page, expect

from core.workspace.store import Workspace

DOC_SCREENSHOTS = Path(__file__).parents[1] / "docs" / "screenshots"
ARTIFACTS = Path(__file__).parent / "e2e" / "artifacts"
UI_TIMEOUT_MS = 30_000
FIT_TIMEOUT_MS = 120_000
# A first visit imports SDV and torch in the server: on a loaded CI box that takes a while.
FIRST_VISIT_MS = 180_000
Prepared = TypeVar("Prepared")


class Studio(NamedTuple):
    """A served studio with the dataset and run a walk opens."""

    url: str
    dataset_id: int
    run_id: int


def doc_screenshot(name: str) -> Path:
    """Where a walk saves a picture the documentation shows: ``docs/screenshots`` when
    ``SYNTH_STUDIO_DOC_SCREENSHOTS=1`` (``make screenshots``), else beside the test artifacts, so
    running the tests leaves the checkout as it was."""
    folder = DOC_SCREENSHOTS if os.environ.get("SYNTH_STUDIO_DOC_SCREENSHOTS") == "1" else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def main(page: Page) -> Locator:
    return page.locator('[data-testid="stMain"]')


# The app's script state while a rerun is asked for or running (``data-test-script-state``).
BUSY = re.compile(r"^(running|rerunRequested)$")


def settle(page: Page, timeout: int = FIT_TIMEOUT_MS) -> None:
    """Wait until Streamlit has finished the current rerun: the app's script state is not
    running or asked for, and no running status widget shows."""
    app = page.locator('[data-testid="stApp"]')
    expect(app).not_to_have_attribute("data-test-script-state", BUSY, timeout=timeout)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=timeout)


def no_errors(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.locator('[data-testid="stAlertContentError"]')).to_have_count(0)


def open_page(page: Page, url: str, *, title: str | None = None) -> None:
    """Go to ``url`` and wait for its heading (``title``, when given) and the end of the rerun."""
    page.goto(url)
    heading = main(page).get_by_role("heading", name=title, level=1)
    expect(heading).to_be_visible(timeout=FIRST_VISIT_MS)
    settle(page)


def go_to(page: Page, title: str) -> None:
    """Follow the sidebar's link to the step ``title``."""
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=title, exact=True).click()
    expect(main(page).get_by_role("heading", name=title, level=1)).to_be_visible(
        timeout=UI_TIMEOUT_MS
    )
    settle(page)


def choose(page: Page, label: str, option: str, *, many: bool = False) -> None:
    """Pick ``option`` in the select box (or, ``many``, the multiselect) named ``label``.

    A rerun that ends while the menu is open draws the box again and closes the menu: the box
    is clicked again (three tries at most) until the option shows.
    """
    box = main(page).get_by_role("combobox", name=label, exact=True)
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):
        settle(page)
        if not choice.is_visible():
            box.click()
        with contextlib.suppress(AssertionError):
            expect(choice).to_be_visible(timeout=5_000)
            break
    choice.click()
    if many:  # a multiselect stays open for another choice (Escape would clear a selectbox)
        page.keyboard.press("Escape")
    settle(page)


def generate(page: Page, rows: int) -> None:
    """On Synthesize: ask for ``rows`` rows, generate, and wait for the run to be stored."""
    field = main(page).get_by_role("spinbutton", name="Rows to generate")
    field.fill(str(rows))
    field.press("Tab")
    main(page).get_by_role("button", name=re.compile(r"^Generate from ")).click()
    expect(main(page).get_by_text(re.compile(rf"^Run #\d+: {rows} rows"))).to_be_visible(
        timeout=FIRST_VISIT_MS
    )
    settle(page)
    no_errors(page)


@contextmanager
def served_after(
    studio_server: Callable[[Path], AbstractContextManager[str]],
    workdir: Path,
    prepare: Callable[[Workspace], Prepared],
) -> Iterator[tuple[str, Prepared]]:
    """A fresh studio on ``workdir``'s workspace once ``prepare`` has filled it: (URL, what
    ``prepare`` returned)."""
    workspace = Workspace(workdir / "workspace.duckdb")
    try:
        prepared = prepare(workspace)
    finally:
        workspace.close()  # one DuckDB writer per file: the server opens it next
    with studio_server(workdir) as url:
        yield url, prepared
