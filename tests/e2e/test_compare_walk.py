"""Compare in the browser: the report plots the columns picked there, and a rare item's
"Generate more of these" opens Synthesize with its condition filled in.

One server on a workspace holding the tips demo with a shaped run: rebalanced by day, an
added rule (tip ≤ total_bill) and augmentation measured on time.
"""

from __future__ import annotations

import contextlib
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from core.data.demos import load_demo
from core.runs.pipeline import ensure_metadata, synthesize
from core.workspace.store import Workspace
from tests import ui

ROOT = Path(__file__).parents[2]
UI_TIMEOUT_MS = 30_000
RULE = {"type": "Inequality", "low_column_name": "tip", "high_column_name": "total_bill"}


Shaped = ui.Studio


@pytest.fixture(scope="module")
def shaped(serve_prepared) -> Iterator[Shaped]:
    """A fresh server over tips and one shaped run of it."""

    def prepare(workspace: Workspace) -> tuple[int, int]:
        tips = load_demo(workspace, "tips")
        workspace.set_metadata(tips.id, ensure_metadata(workspace, tips).with_rules([RULE]))
        run = synthesize(
            workspace, dataset_id=tips.id, key="gaussian_copula", rows=300, seed=1,
            rebalance="day", augment=True, target="time",
        ).run  # fmt: skip
        return tips.id, run.id

    with serve_prepared("compare", prepare) as (url, (dataset_id, run_id)):
        yield Shaped(url, dataset_id, run_id)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page 1280 pixels wide, the width of the documentation's screenshots."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def _open_compare(page: Page, shaped: Shaped) -> None:
    page.goto(f"{shaped.url}/compare?dataset={shaped.dataset_id}&run={shaped.run_id}")
    expect(ui.main(page).get_by_role("heading", name="Compare", level=1)).to_be_visible(
        timeout=UI_TIMEOUT_MS
    )
    ui.settle(page)


def _pick(page: Page, picker: Locator, columns: list[str]) -> None:
    """Empty a multiselect, then choose ``columns`` by typing each one and clicking it once the
    menu shows it (Enter pressed before a loaded browser filters the menu picks nothing)."""
    picker.get_by_role("button", name="Clear all").click()
    _after_rerun(page)
    for column in columns:
        picker.get_by_role("combobox").fill(column)
        option = page.get_by_role("option", name=column, exact=True)
        expect(option).to_be_visible()
        option.click()
        expect(picker.get_by_text(column, exact=True)).to_be_visible()
    # The choice reaches the server when the menu closes and the box loses focus.
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="Report").click()
    _after_rerun(page)


def _after_rerun(page: Page) -> None:
    """Wait for the rerun a change starts (its status shows after a moment) to end."""
    status = page.locator('[data-testid="stStatusWidget"]')
    with contextlib.suppress(AssertionError):  # the rerun may end before its status shows
        expect(status).to_have_count(1, timeout=2_000)
    ui.settle(page)


def test_the_report_plots_the_columns_picked_on_compare(
    page: Page, shaped: Shaped, tmp_path: Path, screenshot
) -> None:
    # Setup
    main = ui.main(page)
    _open_compare(page, shaped)
    picker = main.locator(f".st-key-compare-report-columns-{shaped.run_id}")
    expect(picker).to_contain_text("total_bill")  # numbers first by default

    # Run: pick smoker and tip, measure utility on time, then download the report
    _pick(page, picker, ["smoker", "tip"])
    main.get_by_role("tab", name="Utility").click()
    ui.choose(page, "Column to predict", "time")
    expect(main.get_by_text("The report includes the utility result for 'time'")).to_be_visible(
        timeout=UI_TIMEOUT_MS
    )
    ui.settle(page)
    expect(picker).not_to_contain_text("total_bill")
    expect(picker).to_contain_text("smoker")
    ui.no_errors(page)
    picker.scroll_into_view_if_needed()
    page.screenshot(path=str(ui.doc_screenshot("compare_after.png")))
    with page.expect_download(timeout=UI_TIMEOUT_MS) as download:
        main.get_by_role("button", name="Download the HTML report").click()
    saved = tmp_path / "report.html"
    download.value.save_as(saved)
    report = saved.read_text(encoding="utf-8")

    # Assert: the picked columns' figures, no other column's, and the note saying so
    assert re.findall(r"<h3>Column: (.*?)</h3>", report) == ["smoker", "tip"]
    assert "as chosen on the Compare page: smoker, tip." in report
    assert "Rules, scenarios and shares" in report and "Augmentation." in report
    assert "<h2>Utility: trained on synthetic, tested on real</h2>" in report
    assert "<th>Column predicted</th><td>time</td>" in report

    # The report as a reader sees it
    page.goto(saved.as_uri())
    expect(page.get_by_role("heading", name="Plots")).to_be_attached()
    page.locator("#utility").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('utility').scrollIntoView()")
    page.screenshot(path=str(ui.doc_screenshot("report_after.png")))
    screenshot("compare_report")


def test_generate_more_of_a_rare_item_opens_synthesize_with_its_condition(
    page: Page, shaped: Shaped, screenshot
) -> None:
    # Setup
    main = ui.main(page)
    _open_compare(page, shaped)
    main.get_by_role("tab", name="Shaping").click()
    ui.settle(page)
    expect(main.get_by_text("Every added rule holds in every extract row.")).to_be_visible()
    first = main.locator(".st-key-compare-rare-0")
    item = main.locator(".st-key-compare-rare").locator("code").first.inner_text()

    # Run
    first.get_by_role("button", name="Generate more of these").click()

    # Assert: Synthesize, with the item's condition filled in
    expect(main.get_by_role("heading", name="Synthesize", level=1)).to_be_visible(
        timeout=UI_TIMEOUT_MS
    )
    ui.settle(page)
    ui.no_errors(page)
    filled = main.get_by_text(re.compile(r"^Conditions filled in from Compare: "))
    for condition in item.split(" and "):
        expect(filled).to_contain_text(condition)
    screenshot("compare_generate_more")


def test_the_shaping_tab_shows_rules_scenarios_shares_and_augmentation(
    page: Page, shaped: Shaped
) -> None:
    # Setup
    main = ui.main(page)
    _open_compare(page, shaped)

    # Run
    main.get_by_role("tab", name="Shaping").click()
    ui.settle(page)

    # Assert
    ui.no_errors(page)
    shares = main.locator('.st-key-compare-shaping-shares [data-testid="stPlotlyChart"]')
    expect(shares.locator(".js-plotly-plot")).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(shares).to_contain_text("Shares of day")
    expect(main.get_by_text(re.compile(r"^Minority class 'Lunch' recall"))).to_be_visible()
    main.get_by_text("Augmentation", exact=True).scroll_into_view_if_needed()
    page.screenshot(path=str(ui.doc_screenshot("compare_shaping_after.png")))


def test_export_offers_the_report_of_the_columns_picked_on_compare_and_the_bundle(
    page: Page, shaped: Shaped, tmp_path: Path
) -> None:
    # Setup: smoker and size picked on Compare
    main = ui.main(page)
    _open_compare(page, shaped)
    picker = main.locator(f".st-key-compare-report-columns-{shaped.run_id}")
    _pick(page, picker, ["smoker", "size"])

    # Run: on to Export in the same session, and both take-aways downloaded there
    main.get_by_role("link", name="Next: export").click()
    expect(main.get_by_role("heading", name="Export", level=1)).to_be_visible(timeout=UI_TIMEOUT_MS)
    ui.settle(page)
    expect(
        main.get_by_text("It plots the columns picked on Compare: smoker, size.")
    ).to_be_visible()
    files = {}
    for name, label in (
        ("report", "Download the HTML report"),
        ("bundle", "Download reproducibility bundle (.zip)"),
    ):
        with page.expect_download(timeout=UI_TIMEOUT_MS) as download:
            main.get_by_role("button", name=label).click()
        files[name] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[name])

    # Assert: the report plots the picked columns, smoker in the input's words; the bundle
    # is the run's
    ui.no_errors(page)
    report = files["report"].read_text(encoding="utf-8")
    assert re.findall(r"<h3>Column: (.*?)</h3>", report) == ["smoker", "size"]
    assert files["report"].name == f"tips_run{shaped.run_id}_report.html"
    smoker = report[report.index("<h3>Column: smoker</h3>") : report.index("<h3>Column: size</h3>")]
    assert '"Yes"' in smoker and '"No"' in smoker and '"True"' not in smoker
    with zipfile.ZipFile(files["bundle"]) as bundle:
        run = json.loads(bundle.read("run.json"))
    assert run["run_id"] == shaped.run_id
