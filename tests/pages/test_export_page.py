"""Step 5, Export: the guard, the preview, the format choice and the download button."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from core.export import EXPORT_FORMATS
from core.workspace import DatasetInfo, RunInfo

PAGE = "app_pages/5_export.py"


def test_guard_without_run(studio: Callable[..., AppTest], tips: DatasetInfo) -> None:
    # Setup
    at = studio(dataset_id=tips.id).switch_page(PAGE)

    # Run
    at.run()

    # Assert
    assert not at.exception
    assert at.title[0].value == "Export"
    assert at.info[0].value == "Generate synthetic data on the Synthesize page first."
    assert not at.download_button


def test_preview_and_csv_download(
    studio: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup
    at = studio(dataset_id=tips.id, run_id=tips_run.id).switch_page(PAGE)

    # Run
    at.run()

    # Assert
    assert not at.exception
    assert at.caption[0].value == f"Run #{tips_run.id} on **tips**: 200 rows × 7."
    assert len(at.dataframe[0].value) == 20
    fmt = at.radio(key="export.format")
    assert fmt.options == [f.label for f in EXPORT_FORMATS.values()] == ["CSV", "Parquet"]
    assert fmt.value == "csv"
    [download] = at.download_button
    assert download.label == "Download CSV"


def test_choosing_parquet_relabels_the_download(
    studio: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup
    at = studio(dataset_id=tips.id, run_id=tips_run.id).switch_page(PAGE)
    at.run()

    # Run
    at.radio(key="export.format").set_value("parquet").run()

    # Assert
    assert not at.exception
    assert [d.label for d in at.download_button] == ["Download Parquet"]
