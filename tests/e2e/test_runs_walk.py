"""The Runs page in a browser: a run named on the page keeps its name after a reload, and the
runs table and the comparison fit the page on a 1280-pixel screen.

One server on a workspace holding iris with a plain run, a run with a utility target, a
rebalanced run (a long shaping cell) and a failed run.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from core.data.demos import load_demo
from core.runs.pipeline import synthesize
from core.workspace.store import Workspace
from tests import ui

ROOT = Path(__file__).parents[2]
UI_TIMEOUT_MS = 30_000
NAME = "Iris rebalanced by species"
LONG_NAME = "copula_seed_1_rows_1500_rare_grouping_on_clipping_on_first_baseline_of_iris"
NOTES = "Equal shares of each species.\nCompare with the plain run."


class Runs(NamedTuple):
    url: str
    dataset_id: int
    plain: int
    aimed: int
    rebalanced: int


@pytest.fixture(scope="module")
def runs(serve_prepared) -> Iterator[Runs]:
    def prepare(workspace: Workspace) -> tuple[int, int, int, int]:
        dataset = load_demo(workspace, "iris")
        kwargs = {"dataset_id": dataset.id, "key": "gaussian_copula", "rows": 1500}
        plain = synthesize(workspace, **kwargs, seed=1).run
        # A name without spaces, as file names go: it must wrap too, not widen the table.
        workspace.label_run(plain.id, name=LONG_NAME, notes="")
        aimed = synthesize(workspace, **kwargs, seed=2, target="species").run
        rebalanced = synthesize(workspace, **kwargs, seed=3, rebalance="species").run
        failed = workspace.start_run(
            dataset_id=dataset.id, synthesizer="ctgan", params={"epochs": 2}, seed=4, n_rows=10
        )
        workspace.fail_run(failed, "interrupted before it finished")
        return dataset.id, plain.id, aimed.id, rebalanced.id

    with serve_prepared("runs_walk", prepare) as (url, ids):
        yield Runs(url, *ids)


@pytest.fixture
def laptop(browser: Browser) -> Iterator[Page]:
    """A page 1280 pixels wide, a common laptop screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _overflow(table: Locator) -> dict[str, float]:
    """How far the table or anything inside it is wider than its box, and than the page."""
    return table.evaluate(
        """(el) => {
            const boxes = [el, ...el.querySelectorAll('*')];
            const main = document.querySelector('[data-testid="stMain"]');
            return {
                scroll: Math.max(...boxes.map((b) => b.scrollWidth - b.clientWidth)),
                scrollWidth: el.scrollWidth,
                clientWidth: el.clientWidth,
                right: el.getBoundingClientRect().right,
                pageRight: main.getBoundingClientRect().right,
                pageScroll: document.documentElement.scrollWidth
                    - document.documentElement.clientWidth,
            };
        }"""
    )


def _fits(sizes: dict[str, float]) -> bool:
    return (
        sizes["scrollWidth"] <= sizes["clientWidth"]
        and sizes["scroll"] <= 1
        and sizes["right"] <= sizes["pageRight"]
        and sizes["pageScroll"] <= 0
    )


def _assert_fits(table: Locator) -> None:
    # The layout settles after the first paint (the sidebar and the fonts take their width a
    # moment later on a busy machine): measure until it fits, for a few seconds at most.
    deadline = time.monotonic() + 10
    sizes = _overflow(table)
    while not _fits(sizes) and time.monotonic() < deadline:
        table.page.wait_for_timeout(250)
        sizes = _overflow(table)
    assert sizes["scrollWidth"] <= sizes["clientWidth"], sizes
    assert sizes["scroll"] <= 1, sizes  # nothing inside scrolls sideways either
    assert sizes["right"] <= sizes["pageRight"], sizes
    assert sizes["pageScroll"] <= 0, sizes


def test_a_run_named_on_the_page_keeps_its_name_and_the_tables_fit(
    laptop: Page, runs: Runs
) -> None:
    # Setup
    page, main = laptop, ui.main(laptop)
    ui.open_page(page, f"{runs.url}/runs?dataset={runs.dataset_id}&run={runs.rebalanced}")
    history = main.locator('[data-testid="stTable"]').first
    expect(history).to_contain_text("Holdout ceiling")
    _assert_fits(history)

    # Run
    main.get_by_label("Name", exact=True).fill(NAME)
    main.get_by_label("Notes", exact=True).fill(NOTES)
    main.get_by_role("button", name="Save name and notes").click()
    expect(main.get_by_text(f"Saved: run #{runs.rebalanced} is now named")).to_be_visible()
    ui.settle(page)
    page.reload()
    expect(main.get_by_role("heading", name="Runs", level=1)).to_be_visible()
    ui.settle(page)

    # Assert: the name in the history, the facts and the form, after a reload
    history = main.locator('[data-testid="stTable"]').first
    expect(history).to_contain_text(NAME)
    expect(history).to_contain_text("Gaussian copula")
    expect(history).to_contain_text("species rebalanced to")
    expect(history).not_to_contain_text("gaussian_copula")
    expect(main.get_by_label("Name", exact=True)).to_have_value(NAME)
    expect(main.get_by_label("Notes", exact=True)).to_have_value(NOTES)
    expect(main.locator('[data-testid="stTable"]').nth(1)).to_contain_text(
        "Equal shares of each species. / Compare with the plain run."
    )
    _assert_fits(history)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    # Two runs side by side: formatted values, within the page
    pair = main.get_by_role("combobox", name="Two runs")
    for option in (f"#{runs.rebalanced} {NAME}", f"#{runs.aimed}"):
        pair.click()
        page.keyboard.type(option)
        page.get_by_role("option", name=option, exact=True).click()
        ui.settle(page)
    page.keyboard.press("Escape")
    ui.settle(page)
    comparison = main.locator('[data-testid="stTable"]').nth(2)
    expect(comparison).to_contain_text("Holdout ceiling")
    expect(comparison).to_contain_text("Utility ratio")
    text = comparison.inner_text()
    assert NAME in text and "Gaussian copula" in text and "1,500" in text
    assert not re.search(r"\d\.\d{4,}", text)  # no raw floats
    _assert_fits(comparison)
    # The page as a person sees it (the studio scrolls inside its main block, so a tall window
    # rather than a full-page shot): the history and the chosen run, then the comparison.
    page.set_viewport_size({"width": 1280, "height": 1500})
    main.get_by_role("heading", name="Runs", level=1).scroll_into_view_if_needed()
    page.screenshot(path=str(ui.doc_screenshot("runs_after.png")))
    comparison.scroll_into_view_if_needed()
    page.screenshot(path=str(ui.doc_screenshot("runs_compare_after.png")))
