"""Deep links, reloads and the sidebar, on a server whose first request is a deep link.

The pages live in ``pages/`` beside ``app.py``: until a session has run ``st.navigation``,
Streamlit takes that folder for its classic multipage app and starts a linked page file alone
(see components/routing.py). So the first test opens ``/compare?dataset=..&run=..`` as the very
first request of a fresh server, the case that hand-over exists for, and then goes on from there
(reload, sidebar, another session's deep link) on the same server.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from core.data.demos import load_demo
from core.runs.pipeline import synthesize
from core.workspace.store import Workspace
from tests import ui

UI_TIMEOUT_MS = 30_000
# The router's menu, in order; Streamlit's classic menu would list "app" and the file names.
STEPS = [
    *("Data", "Metadata", "Synthesize", "Compare", "Export"),
    *("Runs", "Profile", "SQL", "Bake-off"),
]


Seeded = ui.Studio


@pytest.fixture(scope="module")
def seeded(serve_prepared) -> Iterator[Seeded]:
    """A fresh server on a workspace that already holds tips and one finished run."""

    def prepare(workspace: Workspace) -> tuple[int, int]:
        dataset = load_demo(workspace, "tips")
        run = synthesize(
            workspace, dataset_id=dataset.id, key="gaussian_copula", rows=200, seed=7
        ).run
        return dataset.id, run.id

    with serve_prepared("seeded", prepare) as (url, (dataset_id, run_id)):
        yield Seeded(url, dataset_id, run_id)


def _sidebar(page: Page) -> Locator:
    return page.locator('[data-testid="stSidebar"]')


def _expect_step(page: Page, title: str) -> None:
    """The step's page inside the frame: its heading, the router's menu and no error."""
    expect(ui.main(page).get_by_role("heading", name=title, level=1)).to_be_visible(
        timeout=UI_TIMEOUT_MS
    )
    # Each link's text is its icon's name then its title ("table_viewData").
    menu = [re.compile(rf"{re.escape(step)}$") for step in STEPS]
    expect(page.locator('[data-testid="stSidebarNavLink"]')).to_have_text(menu)
    expect(_sidebar(page).get_by_text("Synth Studio", exact=False)).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=UI_TIMEOUT_MS)


def _expect_selection(page: Page, seeded: Seeded) -> None:
    """The sidebar names the selection and the URL carries it."""
    expect(_sidebar(page).get_by_text("Dataset: tips (244 × 7)")).to_be_visible()
    expect(_sidebar(page).get_by_text(f"Run: #{seeded.run_id}")).to_be_visible()
    query = re.escape(f"?dataset={seeded.dataset_id}&run={seeded.run_id}")
    expect(page).to_have_url(re.compile(rf"{query}$"))


def test_deep_link_first_request_reload_and_sidebar(page: Page, seeded: Seeded, screenshot) -> None:
    # Setup
    link = f"{seeded.url}/compare?dataset={seeded.dataset_id}&run={seeded.run_id}"
    run_caption = re.compile(rf"^Run #{seeded.run_id} on tips: ")

    # Run: the fresh server's first request is the deep link
    page.goto(link)

    # Assert: Compare, inside the frame, on the linked run
    _expect_step(page, "Compare")
    _expect_selection(page, seeded)
    expect(page).to_have_url(re.compile(r"/compare\?"))
    expect(ui.main(page).get_by_text(run_caption)).to_be_visible()
    quality = ui.main(page).locator('[data-testid="stMetric"]', has_text="Quality score")
    expect(quality.locator('[data-testid="stMetricValue"]')).to_have_text(re.compile(r"\d+\.\d%"))
    screenshot("deep_link_compare")

    # Run + Assert: a reload is a new session that has only the URL
    page.reload()
    _expect_step(page, "Compare")
    _expect_selection(page, seeded)
    expect(ui.main(page).get_by_text(run_caption)).to_be_visible()

    # Run + Assert: the sidebar menu switches steps and the URL keeps the selection
    _sidebar(page).get_by_role("link", name="Export", exact=True).click()
    _expect_step(page, "Export")
    expect(page).to_have_url(re.compile(r"/export\?"))
    _expect_selection(page, seeded)
    expect(ui.main(page).get_by_text(run_caption)).to_be_visible()
    _sidebar(page).get_by_role("link", name="Data", exact=True).click()
    _expect_step(page, "Data")
    _expect_selection(page, seeded)
    rows = ui.main(page).locator('[data-testid="stMetric"]', has_text="Rows")
    expect(rows.locator('[data-testid="stMetricValue"]')).to_have_text("244")
    screenshot("sidebar_to_data")


def test_deep_link_without_a_selection_meets_the_guard(
    page: Page, seeded: Seeded, screenshot
) -> None:
    # Run: another session links to a step that needs a dataset, without naming one
    page.goto(f"{seeded.url}/metadata")

    # Assert: the guard's line and link, inside the frame
    _expect_step(page, "Metadata")
    main = ui.main(page)
    expect(main.get_by_text("Choose a dataset on the Data page first.")).to_be_visible()
    screenshot("guard_metadata")

    # Run + Assert: its link opens the Data step
    main.get_by_role("link", name=re.compile("Go to Data")).click()
    _expect_step(page, "Data")
    expect(main.get_by_text("Choose a table above to begin.")).to_be_visible()
