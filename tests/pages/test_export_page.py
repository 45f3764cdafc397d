"""Step 5, Export: the guard, the release checks, the override and the downloads."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from core.export.writers import EXPORT_FORMATS
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace
from tests.pages.conftest import STATE_KEY

PAGE = "pages/5_export.py"
REASON = "Shared with the internal modelling team only, under contract."


def _gate(workspace: Workspace, run: RunInfo, *, passed: bool) -> RunInfo:
    """The run with its stored gate verdict forced, every other score kept as measured."""
    scores = copy.deepcopy(run.scores)
    checks = scores["privacy"]["gate"]["checks"]
    for check in checks:
        check["passed"] = passed or check["name"] != "dcr_share"
        if check["name"] == "dcr_share" and not passed:
            check["reason"] = "91% of synthetic rows are closer to a training row."
    scores["privacy"]["gate"] = {
        "passed": passed,
        "failing": [] if passed else ["dcr_share"],
        "checks": checks,
    }
    workspace.set_scores(run.id, scores)
    return workspace.get_run(run.id)


def _row_downloads(at: AppTest) -> list[str]:
    """The labels of the buttons that download the synthetic rows (not the report or bundle)."""
    return [d.label for d in at.download_button if d.key == "export.download"]


def _takeaways(at: AppTest) -> list[str]:
    """The labels of the report's and the bundle's download buttons."""
    return [d.label for d in at.download_button if d.key in ("export.report", "export.bundle")]


TAKEAWAYS = ["Download the HTML report", "Download reproducibility bundle (.zip)"]


@pytest.fixture
def passing(workspace: Workspace, tips_run: RunInfo) -> RunInfo:
    return _gate(workspace, tips_run, passed=True)


@pytest.fixture
def failing(workspace: Workspace, tips_run: RunInfo) -> RunInfo:
    return _gate(workspace, tips_run, passed=False)


def test_measured_checks_are_listed_with_what_they_do_not_prove(
    shown: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)

    # Assert
    checks = at.table[0].value.map(lambda cell: str(cell).replace("\\", ""))
    assert checks["Check"].tolist() == [
        "DCR share",
        "Exact copies of training rows",
        "Real personal values",
    ]
    assert checks["Why"].str.len().min() > 20
    assert all(re.fullmatch(r"\d+(\.\d)?%", v) for v in checks["Value"][:2]), checks["Value"]
    assert re.fullmatch(r"[\d,]+", checks["Value"].iloc[2])
    statement = " ".join(c.value for c in at.caption)
    assert "do not rule out re-identification" in statement
    assert "anonym" not in statement.lower()
    assert bool(_row_downloads(at)) == tips_run.scores["privacy"]["gate"]["passed"]
    assert _takeaways(at) == TAKEAWAYS


def test_passing_run_downloads_every_format(
    shown: Callable[..., AppTest], tips: DatasetInfo, passing: RunInfo
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id, run_id=passing.id)

    # Assert
    assert at.success[0].value == "Release checks passed."
    assert "No known leakage found by these tests." in " ".join(c.value for c in at.caption)
    assert at.caption[0].value == f"Run #{passing.id} on **tips**: 200 rows × 7."
    assert len(at.dataframe[0].value) == 20
    fmt = at.radio(key="export.format")
    assert fmt.options == [f.label for f in EXPORT_FORMATS.values()]
    assert fmt.options == ["CSV", "Parquet", "Excel"]
    assert _row_downloads(at) == ["Download CSV"]
    at.radio(key="export.format").set_value("xlsx").run()
    assert not at.exception
    assert _row_downloads(at) == ["Download Excel"]
    assert _takeaways(at) == TAKEAWAYS


def test_failing_run_locks_downloads_until_an_override_is_recorded(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo, failing: RunInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id, run_id=failing.id)
    assert at.error[0].value == "Release checks failed: dcr_share."
    assert not _row_downloads(at)
    assert _takeaways(at) == TAKEAWAYS  # neither holds a row: offered while the rows are locked
    assert "Possible leakage found" in " ".join(c.value for c in at.caption)

    # Run: no confirmation, then a too-short reason, then a proper one
    at.text_area(key="export.override.reason").input(REASON)
    at.button[0].click().run()
    assert "Tick the confirmation" in at.error[-1].value
    at.checkbox(key="export.override.confirm").check()
    at.text_area(key="export.override.reason").input("because")
    at.button[0].click().run()
    assert "at least 15 characters" in at.error[-1].value
    assert workspace.get_run(failing.id).override is None
    at.text_area(key="export.override.reason").input(REASON)
    at.button[0].click().run()

    # Assert
    assert not at.exception
    override = workspace.get_run(failing.id).override
    assert override["reason"] == REASON
    assert override["failing"] == ["dcr_share"]
    assert REASON in at.warning[0].value
    assert _row_downloads(at) == ["Download CSV"]


def test_the_report_plots_the_columns_picked_on_compare_or_says_it_plots_the_default(
    shown: Callable[..., AppTest], tips: DatasetInfo, passing: RunInfo
) -> None:
    # Setup: a first visit, then the session after smoker and tip were picked on Compare
    first = shown(PAGE, dataset_id=tips.id, run_id=passing.id)

    # Run
    first.session_state[STATE_KEY].report_columns[passing.id] = ["smoker", "tip"]
    first.run()

    # Assert: no picker here; the captions say what the report plots and how to change it
    assert not first.exception
    assert not first.multiselect
    captions = [c.value for c in first.caption]
    assert "It plots the columns picked on Compare: smoker, tip." in captions
    fresh = [c.value for c in shown(PAGE, dataset_id=tips.id, run_id=passing.id).caption]
    assert "It plots the most informative columns; pick others on Compare." in fresh
    utility = "Pick a column on Compare's Utility tab to add its utility result to the report."
    assert utility in fresh
