"""The analyst's walk on public tables: bounded Pairs, a clean Profile, and nothing fetched from
outside the studio.

One server on a workspace that already holds two uploaded public tables with a run each
(vega_datasets' airports: names and cities nearly unique; the customers table: free text,
postcodes, dates) and the tips demo.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import Browser, Page, expect

from core.data.demos import load_demo
from core.data.ingest import ingest_file
from core.runs.pipeline import ensure_metadata, synthesize
from core.workspace.store import Workspace
from tests import ui

ROOT = Path(__file__).parents[2]
UI_TIMEOUT_MS = 30_000
PROFILE_TIMEOUT_MS = 180_000
# Largest message the server may send while Compare draws its figures. Airports' default pair
# (names against cities) was one of 96 MB; a bounded figure is tens of kB.
MAX_MESSAGE_BYTES = 1_000_000


class Walk(NamedTuple):
    url: str
    ids: dict[str, tuple[int, int | None]]  # table -> (dataset id, run id)


@pytest.fixture(scope="module")
def walk(
    tmp_path_factory: pytest.TempPathFactory,
    studio_server: Callable[[Path], AbstractContextManager[str]],
) -> Iterator[Walk]:
    """A fresh server over airports and customers (uploaded, a run each) and the tips demo."""
    from vega_datasets import data

    workdir = tmp_path_factory.mktemp("walk")
    airports = workdir / "airports.csv"
    data.airports().to_csv(airports, index=False)

    def prepare(workspace: Workspace) -> dict[str, tuple[int, int | None]]:
        ids: dict[str, tuple[int, int | None]] = {}
        customers = ROOT / "tests" / "data" / "customers.csv"
        for name, path in (("airports", airports), ("customers", customers)):
            dataset = ingest_file(workspace, path, name=name)
            ensure_metadata(workspace, dataset)
            run = synthesize(
                workspace, dataset_id=dataset.id, key="gaussian_copula", rows=500, seed=1
            ).run
            ids[name] = (dataset.id, run.id)
        ids["tips"] = (load_demo(workspace, "tips").id, None)
        return ids

    with ui.served_after(studio_server, workdir, prepare) as (url, ids):
        yield Walk(url, ids)


# --- 1. Pairs on a wide text table -----------------------------------------------------------


def test_pairs_on_a_wide_text_table_open_on_an_informative_bounded_figure(
    page: Page, walk: Walk, screenshot
) -> None:
    # Setup: every message the server sends, by size
    sizes: list[int] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda payload: sizes.append(len(payload))),
    )
    dataset_id, run_id = walk.ids["airports"]
    main = ui.main(page)
    ui.open_page(page, f"{walk.url}/compare?dataset={dataset_id}&run={run_id}")

    # Run
    main.get_by_role("tab", name="Pairs").click()

    # Assert: a figure drawn at once, on a pair that is neither names nor cities
    pair_chart = main.locator('.st-key-compare-pair [data-testid="stPlotlyChart"]')
    expect(pair_chart.locator(".js-plotly-plot")).to_be_visible(timeout=UI_TIMEOUT_MS)
    ui.settle(page)
    ui.no_errors(page)
    x = main.get_by_role("combobox", name="X", exact=True).input_value()
    y = main.get_by_role("combobox", name="Y", exact=True).input_value()
    assert x and y and x != y
    assert not {x, y} & {"name", "city", "iata"}, (x, y)
    expect(pair_chart).to_contain_text(f"{y} against {x}")
    page.screenshot(path=str(ui.doc_screenshot("compare_pairs_after.png")), full_page=True)
    assert max(sizes) < MAX_MESSAGE_BYTES, f"largest message {max(sizes):,} bytes"

    # Run + Assert: the worst pair there is, names against cities, is bounded too
    ui.choose(page, "X", "name")
    ui.choose(page, "Y", "city")
    name_city = pair_chart.filter(has_text="city against name")
    expect(name_city).to_have_count(1)
    expect(name_city.locator(".js-plotly-plot")).to_be_visible()
    ui.no_errors(page)
    screenshot("compare_pairs_name_city")
    assert max(sizes) < MAX_MESSAGE_BYTES, f"largest message {max(sizes):,} bytes"


# --- 4. Profile -------------------------------------------------------------------------------


def test_a_built_comparison_profile_replaces_the_prompt_and_fits_its_frame(
    page: Page, walk: Walk, screenshot
) -> None:
    # Setup
    dataset_id, run_id = walk.ids["customers"]
    main = ui.main(page)
    ui.open_page(page, f"{walk.url}/profile?dataset={dataset_id}&run={run_id}")
    main.get_by_text("Real vs synthetic", exact=True).click()
    ui.settle(page)
    prompt = main.get_by_text("No profile of this yet", exact=False)
    expect(prompt).to_be_visible()

    # Run
    main.get_by_role("button", name="Build profile").click()

    # Assert: the report, and neither the prompt nor its button above it
    frame = main.locator("iframe")
    expect(frame).to_be_visible(timeout=PROFILE_TIMEOUT_MS)
    ui.settle(page, PROFILE_TIMEOUT_MS)
    ui.no_errors(page)
    expect(prompt).to_have_count(0)
    expect(main.get_by_role("button", name="Build profile")).to_have_count(0)
    expect(main.get_by_text(re.compile(r"rows profiled, minimal mode, built in"))).to_be_visible()
    report = frame.element_handle().content_frame()
    assert report is not None
    report.wait_for_selector("text=Dataset statistics")
    # Every table the report shows fits its block: none is cut off or scrolls sideways.
    cut = report.evaluate(
        """() => [...document.querySelectorAll('.table-responsive, table')]
            .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.innerText.slice(0, 40))"""
    )
    assert cut == []
    assert report.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    page.screenshot(path=str(ui.doc_screenshot("profile_after.png")), full_page=True)


# --- 5. Nothing is fetched from outside the studio ---------------------------------------------


def test_a_whole_session_requests_only_the_studio_itself(
    browser: Browser, walk: Walk, tmp_path: Path, screenshot
) -> None:
    # Setup: record every request of the session; one for another origin is refused, not sent
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(30_000)
    origin = walk.url
    seen: list[str] = []
    sockets: list[str] = []
    context.on("request", lambda request: seen.append(request.url))
    context.route(lambda url: not url.startswith(origin), lambda route: route.abort())
    page = context.new_page()
    page.on("websocket", lambda ws: sockets.append(ws.url))
    main = ui.main(page)
    dataset_id, _ = walk.ids["tips"]

    try:
        # Run: every page, a run, Compare's tabs and report, an export, a profile, a query
        ui.open_page(page, f"{origin}/?dataset={dataset_id}")
        ui.go_to(page, "Metadata")
        ui.go_to(page, "Synthesize")
        ui.generate(page, 300)
        ui.go_to(page, "Compare")
        for tab in ("Columns", "Correlations", "Pairs", "Projection", "Coverage", "Per-column"):
            main.get_by_role("tab", name=tab).click()
            ui.settle(page)
        with page.expect_download(timeout=UI_TIMEOUT_MS) as report:
            main.get_by_role("button", name="Download the HTML report").click()
        report.value.save_as(tmp_path / "report.html")
        ui.go_to(page, "Export")
        if main.get_by_text("Release checks failed", exact=False).count():
            main.get_by_label("Reason").fill("Internal test extract, reviewed by the owner.")
            main.get_by_text("I have reviewed the failing checks").click()
            main.get_by_role("button", name="Record override and unlock downloads").click()
            ui.settle(page)
        with page.expect_download(timeout=UI_TIMEOUT_MS) as extract:
            main.locator(".st-key-export-download button").click()
        saved = tmp_path / extract.value.suggested_filename
        extract.value.save_as(saved)
        ui.go_to(page, "Runs")
        ui.go_to(page, "Profile")
        main.get_by_role("button", name="Build profile").click()
        expect(main.locator("iframe")).to_be_visible(timeout=PROFILE_TIMEOUT_MS)
        ui.settle(page, PROFILE_TIMEOUT_MS)
        ui.go_to(page, "SQL")
        main.get_by_role("button", name="Run on both").click()
        expect(main.get_by_text(re.compile(r"^Real: \d+ rows?, synthetic: "))).to_be_visible(
            timeout=UI_TIMEOUT_MS
        )
        ui.go_to(page, "Bake-off")
        ui.go_to(page, "Data")
        ui.no_errors(page)
        screenshot("local_session_end")
    finally:
        context.close()

    # Assert: the walk happened (a report, an extract of the run's rows) ...
    assert "<html" in (tmp_path / "report.html").read_text(encoding="utf-8")[:200].lower()
    assert saved.suffix == ".csv" and len(saved.read_text().splitlines()) == 300 + 1
    # ... with hundreds of requests, every one to the studio's own origin
    outside = [url for url in seen if not url.startswith((origin, "data:", "blob:"))]
    assert len(seen) > 100, len(seen)
    assert outside == [], f"{len(outside)} of {len(seen)} requests left: {sorted(set(outside))}"
    host = origin.removeprefix("http://")
    assert sockets and all(url.startswith(f"ws://{host}/") for url in sockets)
