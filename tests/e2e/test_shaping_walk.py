"""Shaping rows in the browser: a scenario, a rebalance and a rule-bound extract, each made on
the Synthesize page and checked on the rows the workspace stored.

Each test starts its own server on a fresh workspace holding the iris demo (150 flowers, three
species whose petals differ widely), drives the page, stops the server and opens the workspace
(DuckDB lets one process write a file at a time) to read the stored rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pandas as pd
from playwright.sync_api import Page, expect

from core.data.demos import load_demo
from core.data.rule_rows import compile_rule
from core.data.rule_suggestions import suggest_rules
from core.runs.pipeline import ensure_metadata
from core.workspace.records import RunInfo
from core.workspace.store import Workspace
from tests import ui

ROOT = Path(__file__).parents[2]
UI_TIMEOUT_MS = 30_000
Served = Callable[[Path], AbstractContextManager[str]]


def _iris(workdir: Path, *, rule: bool = False) -> tuple[int, dict | None]:
    """A workspace with the iris demo (and, asked, a rule found in it); the server opens it."""
    workspace = Workspace(workdir / "workspace.duckdb")
    try:
        dataset = load_demo(workspace, "iris")
        metadata = ensure_metadata(workspace, dataset)
        found = None
        if rule:
            real = workspace.read_real(dataset.id)
            found = next(
                s.rule
                for s in suggest_rules(real, metadata)
                if s.holds
                and s.rule["type"] == "Inequality"
                and s.rule["low_column_name"] == "petal_length"
            )
            workspace.set_metadata(dataset.id, metadata.with_rules([found]))
        return dataset.id, found
    finally:
        workspace.close()  # one DuckDB writer per file: the server opens it next


@contextmanager
def _synthesize_page(page: Page, served: Served, workdir: Path, dataset_id: int) -> Iterator[None]:
    """The Synthesize page of ``dataset_id`` on a fresh server, its shaping section open."""
    with served(workdir) as url:
        page.goto(f"{url}/synthesize?dataset={dataset_id}")
        main = ui.main(page)
        expect(main.get_by_role("heading", name="Synthesize", level=1)).to_be_visible(
            timeout=UI_TIMEOUT_MS
        )
        ui.settle(page)
        main.get_by_text("Shape the rows", exact=True).click()
        ui.settle(page)
        expect(main.get_by_text("Rebalance a category column", exact=True)).to_be_visible()
        yield


def _whole_page(page: Page, path: Path) -> None:
    """Save the whole page, 1280 wide: Streamlit scrolls inside its main block, not the page,
    so the viewport is made as tall as that block first."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1280, "height": int(height) + 40})
    page.wait_for_timeout(2000)  # the charts and tables (drawn on a canvas) redraw at the new size
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1280, "height": 900})


def _stored(workdir: Path) -> tuple[RunInfo, pd.DataFrame, pd.DataFrame]:
    """The one run of the workspace, its stored rows and the real rows."""
    workspace = Workspace(workdir / "workspace.duckdb")
    try:
        [run] = workspace.list_runs()
        return run, workspace.read_synthetic(run.id), workspace.read_real(run.dataset_id)
    finally:
        workspace.close()


def test_a_scenario_extract_has_the_value_and_follows_its_real_rows(
    page: Page, studio_server: Served, tmp_path: Path, screenshot
) -> None:
    # Setup
    dataset_id, _ = _iris(tmp_path)

    # Run: every flower a setosa
    with _synthesize_page(page, studio_server, tmp_path, dataset_id):
        ui.choose(page, "Conditions: every row has these values", "species", many=True)
        ui.choose(page, "species", "setosa")
        ui.generate(page, 200)
        scenarios = ui.main(page).get_by_text("how its rows were shaped")
        expect(scenarios).to_be_visible()
        screenshot("shaping_scenario")

    # Assert: every stored row has the value, and petals shrink towards the real setosa's
    run, rows, real = _stored(tmp_path)
    assert run.shaping["conditions"] == {"species": "setosa"}
    assert len(rows) == 200 and set(rows["species"]) == {"setosa"}
    setosa = real.loc[real["species"] == "setosa", "petal_length"].mean()  # 1.46
    overall = real["petal_length"].mean()  # 3.76
    shaped = rows["petal_length"].mean()
    assert abs(shaped - setosa) < abs(overall - setosa) / 2, (shaped, setosa, overall)
    [scenario] = run.scores["scenarios"]
    assert scenario["label"] == "species=setosa" and 0.0 <= scenario["fidelity"] <= 1.0


def test_a_rebalanced_extract_reaches_the_typed_shares(
    page: Page, studio_server: Served, tmp_path: Path, screenshot
) -> None:
    # Setup: iris holds a third of each species; ask for half, 30% and 20%
    dataset_id, _ = _iris(tmp_path)
    asked = {"setosa": 50, "versicolor": 30, "virginica": 20}

    # Run
    page.set_viewport_size({"width": 1280, "height": 900})
    with _synthesize_page(page, studio_server, tmp_path, dataset_id):
        main = ui.main(page)
        ui.choose(page, "Rebalance a category column", "species")
        main.get_by_text("Typed per category", exact=True).click()
        ui.settle(page)
        for species, percent in asked.items():
            field = main.get_by_label(f"{species} (%)")
            field.fill(str(percent))
            field.press("Tab")
            ui.settle(page)
        expect(main.get_by_text(re.compile(r"^The shares add up to"))).to_have_count(0)
        ui.generate(page, 300)
        expect(
            main.get_by_text(re.compile(r"^Shares of species reached over all 300"))
        ).to_be_visible()
        charts = main.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
        expect(charts).to_have_count(2)  # asked before the run, reached after it
        _whole_page(page, ui.doc_screenshot("synthesize_shaping.png"))
        screenshot("shaping_rebalance")

    # Assert: counted over every stored row, each share within one point of the asked one
    run, rows, _ = _stored(tmp_path)
    shares = rows["species"].value_counts(normalize=True)
    for species, percent in asked.items():
        assert abs(100 * shares[species] - percent) <= 1.0, (species, shares[species])
    assert run.scores["rebalance"]["max_gap_points"] <= 1.0


def test_a_rule_bound_extract_keeps_the_rule_in_every_row(
    page: Page, studio_server: Served, tmp_path: Path, screenshot
) -> None:
    # Setup: a rule found in iris, petals no longer than sepals, added through core; a copula
    # fitted without it breaks it in 53 of 300 rows at the default seed

    dataset_id, rule = _iris(tmp_path, rule=True)
    assert rule is not None

    # Run
    with _synthesize_page(page, studio_server, tmp_path, dataset_id):
        main = ui.main(page)
        expect(
            main.get_by_text(re.compile(r"^Every row keeps the dataset's 1 rule"))
        ).to_be_visible()
        ui.generate(page, 300)
        expect(
            main.get_by_text(re.compile(r"^Rule petal_length .* kept by 100\.0% of 300 rows"))
        ).to_be_visible()
        screenshot("shaping_rule")

    # Assert: every stored row keeps it, by the studio's check and by plain comparison
    run, rows, real = _stored(tmp_path)
    assert len(rows) == 300
    assert compile_rule(rule, real).holds(rows).all()
    low, high = rule["low_column_name"], rule["high_column_name"]
    assert (rows[low] <= rows[high]).all() and (real[low] <= real[high]).all()
    [check] = [r for r in run.scores["rules"]["rules"] if r["added"]]
    assert check["synthetic_keep_share"] == 1.0
