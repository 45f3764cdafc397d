"""The analyst's walk through a run: the fit estimate follows the epochs as typed, progress
moves within seconds, the rows are previewed after the run, and the bake-off is the same plan
every time with its skips said in words, in a table that fits the page.

One server on a workspace holding the gapminder demo (1,704 rows, 142 countries: a neural fit's
setup takes seconds there) and the tips demo.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import NamedTuple

import pytest
from playwright.sync_api import Page, expect

from core.data.demos import load_demo
from core.workspace.store import Workspace
from tests import ui

UI_TIMEOUT_MS = 30_000
FIT_TIMEOUT_MS = 180_000
PROGRESS = '[data-testid="stProgress"]'


class Walk(NamedTuple):
    url: str
    ids: dict[str, int]  # demo -> dataset id


@pytest.fixture(scope="module")
def walk(serve_prepared) -> Iterator[Walk]:
    def prepare(workspace: Workspace) -> dict[str, int]:
        return {key: load_demo(workspace, key).id for key in ("gapminder", "tips")}

    with serve_prepared("run_walk", prepare) as (url, ids):
        yield Walk(url, ids)


def _estimate(page: Page) -> str:
    return ui.main(page).get_by_text(re.compile(r"estimated fit ~")).first.inner_text()


def _seconds(text: str) -> float:
    """Seconds of a duration as the studio writes it: '2 min 5 s', '15 h', '44 s'."""
    units = {"h": 3600, "min": 60, "s": 1}
    found = re.findall(r"([\d.,]+)\s*(h|min|s)\b", text.split("estimated fit ~")[1])
    return sum(float(n.replace(",", "")) * units[u] for n, u in found)


# --- 2 and 11. A live estimate, progress within seconds, the rows previewed ---------------------


def test_the_estimate_follows_the_epochs_progress_moves_and_the_rows_are_previewed(
    page: Page, walk: Walk, screenshot
) -> None:
    # Setup: CTGAN on gapminder, its default epochs
    main = ui.main(page)
    ui.open_page(page, f"{walk.url}/synthesize?dataset={walk.ids['gapminder']}")
    ui.choose(page, "Synthesizer", "CTGAN")
    epochs = main.get_by_role("spinbutton", name="Epochs")
    expect(epochs).to_have_value("300")
    ui.settle(page)
    default = _estimate(page)

    # Run: type 3 epochs and leave the field, without submitting anything
    epochs.fill("3")
    epochs.press("Tab")
    caption = main.get_by_text(re.compile(r"estimated fit ~")).first
    expect(caption).not_to_have_text(default, timeout=UI_TIMEOUT_MS)
    ui.settle(page)

    # Assert: the estimate already reads the 3 epochs
    typed = _estimate(page)
    assert typed != default
    assert _seconds(typed) < _seconds(default) / 5, (default, typed)

    # Run: generate, reading the progress text every half second
    rows = main.get_by_role("spinbutton", name="Rows to generate")
    rows.fill("200")
    rows.press("Tab")
    main.get_by_role("button", name=re.compile(r"^Generate from ")).click()
    clicked = time.perf_counter()
    texts: list[tuple[float, str]] = []
    finished = main.get_by_text(re.compile(r"^Run #\d+: 200 rows"))
    while not finished.count() and time.perf_counter() - clicked < FIT_TIMEOUT_MS / 1000:
        bar = main.locator(PROGRESS)
        if bar.count():
            texts.append((time.perf_counter() - clicked, bar.first.inner_text()))
        page.wait_for_timeout(500)
    expect(finished).to_be_visible(timeout=UI_TIMEOUT_MS)
    ui.settle(page)
    ui.no_errors(page)

    # Assert: within 5 s of the click the bar names a step of the fit, and it keeps changing
    early = [text for at, text in texts if at <= 5 and "Starting" not in text]
    assert early, texts[:5]
    assert len({text for _, text in texts}) >= 5, texts
    # ... and the first stored rows are shown right after the run
    expect(
        main.get_by_text(re.compile(r"^Run #\d+ \(CTGAN\): the first synthetic rows"))
    ).to_be_visible()
    expect(main.get_by_text(re.compile(r"^20 of its 200 rows, stored with"))).to_be_visible()
    expect(main.locator('[data-testid="stDataFrame"]').last).to_be_visible()
    screenshot("synthesize_preview")


# --- 3. The bake-off: one plan for the same settings, skips in words --------------------------


def _bakeoff_once(page: Page, walk: Walk) -> tuple[str, list[list[str]]]:
    main = ui.main(page)
    ui.open_page(page, f"{walk.url}/bakeoff?dataset={walk.ids['tips']}")
    chosen = main.get_by_role("combobox", name="Synthesizers", exact=False).first
    chosen.click()
    expect(page.get_by_role("listbox")).to_be_visible()  # the menu, before asking what it lists
    for label in ("Gaussian copula", "TVAE"):
        option = page.get_by_role("option", name=label, exact=True)
        if option.count():
            option.click()
    page.keyboard.press("Escape")
    budget = main.get_by_role("spinbutton", name="Time budget (seconds)")
    budget.fill("2")
    budget.press("Tab")
    rows = main.get_by_role("spinbutton", name="Rows per synthesizer")
    rows.fill("100")
    rows.press("Tab")
    main.get_by_role("button", name=re.compile(r"^Run the bake-off on ")).click()
    table = main.locator('[data-testid="stTable"]')
    expect(table).to_be_visible(timeout=FIT_TIMEOUT_MS)
    ui.settle(page)
    ui.no_errors(page)
    plan = main.locator('[data-testid="stMarkdown"]').filter(has_text="for a budget of")
    plan_text = plan.first.inner_text()
    body = table.locator("tbody tr").all()
    cells = [[cell.inner_text() for cell in row.locator("td").all()] for row in body]
    # The leaderboard fits the page: nothing to scroll sideways.
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    return plan_text, cells


def test_the_same_bakeoff_settings_give_the_same_plan_and_a_skip_says_why(
    page: Page, walk: Walk, screenshot
) -> None:
    # Run: the same settings twice
    first_plan, first = _bakeoff_once(page, walk)
    page.screenshot(path=str(ui.doc_screenshot("bakeoff_after.png")), full_page=True)
    second_plan, second = _bakeoff_once(page, walk)

    # Assert: the same plan both times, and the same outcome per synthesizer
    assert first_plan == second_plan
    assert "TVAE" in first_plan
    outcomes = [[row[1], row[2].split(".")[0]] for row in first]
    assert outcomes == [[row[1], row[2].split(".")[0]] for row in second]
    tvae = next(row for row in first if row[1] == "TVAE")
    if tvae[2].startswith("Skipped"):  # the reason is in the row, in words
        assert re.search(r"Budget used up: .+ budget", tvae[2]), tvae
    scores = [row[3] for row in first if row[3].strip()]
    assert scores and all(re.fullmatch(r"\d\.\d\d", score) for score in scores), scores
