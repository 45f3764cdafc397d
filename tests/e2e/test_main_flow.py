"""The main flow as a user clicks it: upload -> metadata -> synthesize -> compare -> export."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from playwright.sync_api import Locator, Page, expect

from tests import ui
from tests.conftest import write_shop_table

N_REAL = 300
N_SYNTHETIC = 500
UI_TIMEOUT_MS = 30_000
FIT_TIMEOUT_MS = 120_000
# Columns of the metadata editor grid (see components/metadata_editor.py).
TYPE_COL, ROLE_COL = 1, 3


def _write_upload(path: Path) -> pd.DataFrame:
    return write_shop_table(path, N_REAL, seed=7)


def _cell(editor: Locator, row: int, col: int) -> Locator:
    # Glide's canvas grid mirrors its cells in an accessible table, one id per cell.
    return editor.locator(f'[data-testid="glide-cell-{col}-{row}"]')


def _grid_column(editor: Locator, col: int) -> Locator:
    return editor.locator(f'td[data-testid^="glide-cell-{col}-"]')


def _select_cell(page: Page, editor: Locator, row: int, col: int) -> None:
    """Select a cell the way a keyboard user does: click the first cell, then arrow keys."""
    canvas = editor.locator('[data-testid="data-grid-canvas"]')
    box = canvas.bounding_box()
    assert box is not None
    header_and_half_row = 35 + 17
    page.mouse.click(box["x"] + 10, box["y"] + header_and_half_row)
    expect(_cell(editor, 0, 0)).to_have_attribute("aria-selected", "true")
    for _ in range(row):
        page.keyboard.press("ArrowDown")
    for _ in range(col):
        page.keyboard.press("ArrowRight")
    expect(_cell(editor, row, col)).to_have_attribute("aria-selected", "true")


def _choose(page: Page, editor: Locator, row: int, col: int, value: str) -> None:
    """Open a selectbox cell's dropdown, type to filter, pick ``value``."""
    _select_cell(page, editor, row, col)
    page.keyboard.press("Enter")
    dropdown = page.locator('[id^="gdg-overlay-"] .glide-select')
    expect(dropdown).to_be_visible()
    page.keyboard.type(value)
    option = page.get_by_role("option", name=value, exact=True)
    expect(option).to_be_visible()
    option.click()
    expect(dropdown).to_have_count(0)
    expect(_cell(editor, row, col)).to_have_text(value)


def _upload(page: Page, app_url: str, path: Path, screenshot) -> None:
    """Data page: upload ``path`` through the file input and load it."""
    main = ui.main(page)
    page.goto(app_url)
    expect(main.get_by_text("Where is your table?")).to_be_visible(timeout=UI_TIMEOUT_MS)
    ui.no_errors(page)
    screenshot("data_start")
    main.get_by_text("Upload a file", exact=True).click()
    file_input = main.locator('[data-testid="stFileUploader"] input[type="file"]')
    expect(file_input).to_be_attached(timeout=UI_TIMEOUT_MS)
    file_input.set_input_files(path)
    expect(main.get_by_text(path.name)).to_be_visible(timeout=UI_TIMEOUT_MS)
    main.get_by_role("button", name="Load file").click()
    rows_metric = main.locator('[data-testid="stMetric"]', has_text="Rows")
    expect(rows_metric.locator('[data-testid="stMetricValue"]')).to_have_text(
        str(N_REAL), timeout=UI_TIMEOUT_MS
    )
    ui.settle(page)
    ui.no_errors(page)
    screenshot("data_loaded")


def test_upload_to_export(page: Page, app_url: str, tmp_path: Path, screenshot) -> None:
    # Setup
    upload = tmp_path / "customers.csv"
    real = _write_upload(upload)
    main = ui.main(page)

    # Run + Assert: Data
    _upload(page, app_url, upload, screenshot)

    # Run + Assert: Metadata
    ui.go_to(page, "Metadata")
    editor = main.locator('[data-testid="stDataFrame"]')
    expect(editor).to_be_visible(timeout=UI_TIMEOUT_MS)
    names = _grid_column(editor, 0)
    expect(names).to_have_text(list(real.columns))
    age_row = names.all_text_contents().index("age")
    city_row = names.all_text_contents().index("city")
    # Four repeating city names are learned as categories: a quasi-identifier, not faked.
    expect(_cell(editor, city_row, TYPE_COL)).to_have_text("categorical")
    expect(_cell(editor, city_row, ROLE_COL)).to_have_text("quasi-identifier")
    _choose(page, editor, age_row, TYPE_COL, "categorical")
    screenshot("metadata_edited")
    main.get_by_role("button", name="Save metadata").click()
    expect(main.get_by_text("Metadata saved.")).to_be_visible(timeout=UI_TIMEOUT_MS)
    ui.settle(page)
    ui.no_errors(page)
    screenshot("metadata_saved")

    # Run + Assert: Synthesize
    ui.go_to(page, "Synthesize")
    expect(main.get_by_role("combobox", name="Synthesizer")).to_have_value("Gaussian copula")
    rows_input = main.get_by_label("Rows to generate")
    rows_input.fill(str(N_SYNTHETIC))
    rows_input.press("Tab")
    expect(rows_input).to_have_value(str(N_SYNTHETIC))
    main.get_by_role("button", name=re.compile(r"^Generate from ")).click()
    expect(main.get_by_text(re.compile(rf"^Run #\d+: {N_SYNTHETIC} rows"))).to_be_visible(
        timeout=FIT_TIMEOUT_MS
    )
    ui.settle(page)
    ui.no_errors(page)
    screenshot("synthesize_done")

    # Run + Assert: Compare
    ui.go_to(page, "Compare")
    quality = main.locator('[data-testid="stMetric"]', has_text="Quality score")
    expect(quality).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(quality.locator('[data-testid="stMetricValue"]')).to_have_text(re.compile(r"\d+\.\d%"))
    expect(main.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first).to_be_visible(
        timeout=UI_TIMEOUT_MS
    )
    ui.no_errors(page)
    screenshot("compare")

    # Run + Assert: Export, behind the release checks
    ui.go_to(page, "Export")
    expect(main.get_by_role("heading", name="Release checks")).to_be_visible()
    expect(main.get_by_text(re.compile("do not rule out re-identification"))).to_be_visible()
    if main.get_by_text("Release checks failed", exact=False).count():
        main.get_by_label("Reason").fill("Internal test extract, reviewed by the data owner.")
        main.get_by_text("I have reviewed the failing checks").click()
        main.get_by_role("button", name="Record override and unlock downloads").click()
        expect(main.get_by_text(re.compile("^Released despite failing checks"))).to_be_visible(
            timeout=UI_TIMEOUT_MS
        )
    else:
        expect(main.get_by_text("Release checks passed.")).to_be_visible()
    screenshot("export_checks")
    main.locator('[data-testid="stRadio"]').get_by_text("CSV", exact=True).click()
    expect(main.get_by_role("radio", name="CSV")).to_be_checked()
    ui.settle(page)
    button = main.get_by_role("button", name="Download CSV")
    expect(button).to_be_visible(timeout=UI_TIMEOUT_MS)
    ui.no_errors(page)
    screenshot("export")
    with page.expect_download(timeout=UI_TIMEOUT_MS) as download_info:
        button.click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    synthetic = pd.read_csv(saved)
    assert len(synthetic) == N_SYNTHETIC
    assert list(synthetic.columns) == list(real.columns)
    # The metadata edits reached the model: categorical columns only reuse real values
    # (a faked "city" would invent new names, a numerical "age" new numbers); ages seen
    # fewer than five times are grouped as "(other)" so they are not reproduced verbatim.
    assert set(synthetic["city"]) <= set(real["city"])
    assert set(synthetic["age"].astype(str)) <= set(real["age"].astype(str)) | {"(other)"}
    assert saved.suffix == ".csv"


def test_save_detected_metadata_unchanged(
    page: Page, app_url: str, tmp_path: Path, screenshot
) -> None:
    # Setup
    upload = tmp_path / "customers.csv"
    _write_upload(upload)
    _upload(page, app_url, upload, screenshot)

    # Run
    ui.go_to(page, "Metadata")
    main = ui.main(page)
    expect(main.locator('[data-testid="stDataFrame"]')).to_be_visible(timeout=UI_TIMEOUT_MS)
    main.get_by_role("button", name="Save metadata").click()
    saved_or_error = main.get_by_text("Metadata saved.").or_(
        main.locator('[data-testid="stAlertContentError"]')
    )
    expect(saved_or_error).to_be_visible(timeout=UI_TIMEOUT_MS)
    screenshot("metadata_saved_unchanged")

    # Assert (no waiting: the save has already answered one way or the other)
    assert main.get_by_text("Metadata saved.").is_visible()
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def test_stop_ends_a_run_and_the_studio_goes_on(
    page: Page, app_url: str, tmp_path: Path, screenshot
) -> None:
    # Setup: a CTGAN run of far more epochs than the test waits for
    upload = tmp_path / "stoppable.csv"
    _write_upload(upload)
    main = ui.main(page)
    _upload(page, app_url, upload, screenshot)
    ui.go_to(page, "Synthesize")
    main.get_by_role("combobox", name="Synthesizer").click()
    page.get_by_role("option", name="CTGAN", exact=True).click()
    epochs = main.get_by_role("spinbutton", name="Epochs", exact=True)
    epochs.fill("5000")
    epochs.press("Tab")
    expect(epochs).to_have_value("5000")
    main.get_by_role("button", name=re.compile(r"^Generate from ")).click()
    fitting = main.get_by_text(re.compile(r"Fitting: [1-9][\d,]* of 5,000 epochs"))
    expect(fitting).to_be_visible(timeout=FIT_TIMEOUT_MS)

    # Run
    main.get_by_role("button", name=re.compile(r"Stop$")).click()

    # Assert: told once, nothing kept, and the page works on: a copula run finishes next
    stopped = re.compile(r"^Stopped: the CTGAN run on \S+ was marked failed; nothing of it")
    expect(main.get_by_text(stopped)).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(fitting).to_have_count(0)
    ui.no_errors(page)
    screenshot("stopped")
    ui.settle(page)
    # The form is taller than the window: bring the choice into view before opening it, so
    # the scroll does not close its list again.
    chooser = main.get_by_role("combobox", name="Synthesizer")
    chooser.scroll_into_view_if_needed()
    expect(chooser).to_be_in_viewport()
    chooser.click()
    page.get_by_role("option", name="Gaussian copula", exact=True).click()
    main.get_by_role("button", name=re.compile(r"^Generate from ")).click()
    expect(main.get_by_text(re.compile(r"^Run #\d+: \d[\d,]* rows in "))).to_be_visible(
        timeout=FIT_TIMEOUT_MS
    )
    ui.no_errors(page)
