"""Step 6, Runs: the history, and the reproducibility bundle of a finished run."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.bundle import bundle_bytes
from core.export.bundle import BUNDLE_FILES
from core.runs.pipeline import synthesize
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace

PAGE = "pages/6_runs.py"
BUNDLE_LABEL = "Download reproducibility bundle (.zip)"


def test_no_runs_shows_the_way_to_synthesize(
    shown: Callable[..., AppTest], tips: DatasetInfo
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id)

    # Assert
    assert at.title[0].value == "Runs"
    assert at.info[0].value.startswith("No runs yet")
    assert not at.download_button


def test_finished_run_offers_its_bundle(
    shown: Callable[..., AppTest],
    workspace_path: Path,
    tips: DatasetInfo,
    tips_run: RunInfo,
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)

    # Assert
    assert at.selectbox(key="runs.open").value == tips_run.id
    (button,) = at.download_button
    assert button.label == BUNDLE_LABEL
    assert "plain SDV" in button.help
    # The bytes behind the button: the cached bundle of that run, a zip without a model file.
    with zipfile.ZipFile(io.BytesIO(bundle_bytes(str(workspace_path), tips_run.id))) as archive:
        assert archive.namelist() == list(BUNDLE_FILES)


def test_only_finished_runs_are_offered_and_the_bundle_follows_the_choice(
    shown: Callable[..., AppTest],
    workspace: Workspace,
    tips: DatasetInfo,
    tips_run: RunInfo,
) -> None:
    # Setup: a failed run after the finished one, and a second finished run
    failed = workspace.start_run(
        dataset_id=tips.id, synthesizer="gaussian_copula", params={}, seed=1, n_rows=10
    )
    workspace.fail_run(failed, "interrupted before it finished")
    second = synthesize(workspace, dataset_id=tips.id, key="gaussian_copula", rows=50, seed=8).run
    at = shown(PAGE, dataset_id=tips.id)
    assert at.selectbox(key="runs.open").options == [f"#{second.id}", f"#{tips_run.id}"]
    newest = at.download_button[0].proto.url  # a media URL named by the bytes' hash

    # Run
    at.selectbox(key="runs.open").set_value(tips_run.id).run()

    # Assert
    assert not at.exception
    assert [b.label for b in at.download_button] == [BUNDLE_LABEL]
    assert at.download_button[0].proto.url not in ("", newest)


def test_run_that_cannot_be_bundled_says_why_in_one_line(
    studio: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup: scores without the holdout split, as runs stored before it was recorded
    scores = {k: v for k, v in tips_run.scores.items() if k != "holdout"}
    workspace.set_scores(tips_run.id, scores)
    at = studio(dataset_id=tips.id).switch_page(PAGE)

    # Run
    at.run()

    # Assert
    assert not at.exception
    assert not at.download_button
    (error,) = at.error
    assert error.value.startswith(f"Run #{tips_run.id} has no recorded holdout split")
    assert "\n" not in error.value


def test_runs_table_says_how_many_columns_the_quality_covers(
    studio: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup: an older run, stored before the scored columns were listed
    older = synthesize(workspace, dataset_id=tips.id, key="gaussian_copula", rows=50, seed=1).run
    scores = {
        k: v for k, v in older.scores.items() if k not in ("scored_columns", "unscored_columns")
    }
    workspace.set_scores(older.id, scores)
    at = studio(dataset_id=tips.id, run_id=tips_run.id).switch_page(PAGE)

    # Run
    at.run()

    # Assert
    assert not at.exception
    table = at.dataframe[0].value.set_index("run")
    assert table.loc[tips_run.id, "scored_on"] == "7 of 7"
    assert table.loc[older.id, "scored_on"] is None
    assert list(table.columns).index("scored_on") == list(table.columns).index("quality_score") + 1
