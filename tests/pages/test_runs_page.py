"""Step 6, Runs: the history, and the reproducibility bundle of a finished run."""

from __future__ import annotations

import io
import json
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
    assert at.selectbox(key="runs.open").options == [
        f"#{second.id}",
        f"#{failed}",
        f"#{tips_run.id}",
    ]
    newest = at.download_button[0].proto.url  # a media URL named by the bytes' hash

    # Run
    at.selectbox(key="runs.open").set_value(tips_run.id).run()
    bundles = [(b.label, b.proto.url) for b in at.download_button]
    at.selectbox(key="runs.open").set_value(failed).run()

    # Assert
    assert not at.exception
    assert at.multiselect(key="runs.pair").options == [f"#{second.id}", f"#{tips_run.id}"]
    ((label, url),) = bundles
    assert label == BUNDLE_LABEL and url not in ("", newest)
    # A failed run shows its error and can be named, but offers no bundle and no comparison.
    assert not at.download_button
    assert "runs.open_button" not in [b.key for b in at.button]
    assert "interrupted before it finished" in _cells(at.table[1])
    assert at.text_input(key=f"runs.name.{failed}").value == ""


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


def _cells(table) -> list[str]:
    """Every cell of a static table as shown (Markdown escapes undone)."""
    frame = table.value
    return [str(v).replace("\\", "") for v in frame.to_numpy().ravel()]


def test_runs_table_is_formatted_and_the_facts_say_what_the_quality_covers(
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
    facts = " | ".join(_cells(at.table[1]))
    history = at.table[0].value
    first_row = _cells(at.table[0])[: len(history.columns)]
    at.selectbox(key="runs.open").set_value(older.id).run()

    # Assert
    assert not at.exception
    assert not at.dataframe  # wrapping tables only: nothing wider than the page
    assert list(history.columns) == [
        "Run", "Name", "Dataset", "Synthesizer", "Rows", "Quality", "Holdout ceiling",
        "Privacy gate", "Utility", "Time", "Shaping",
    ]  # fmt: skip
    newest = dict(zip(history.columns, first_row, strict=True))
    assert newest["Run"] == f"#{older.id}"
    assert (newest["Dataset"], newest["Synthesizer"], newest["Rows"], newest["Shaping"]) == (
        "tips", "Gaussian copula", "50", "none"
    )  # fmt: skip
    assert 0.4 <= float(newest["Quality"]) <= 1 and len(newest["Quality"]) == 4
    assert 0.4 <= float(newest["Holdout ceiling"]) <= 1
    assert newest["Privacy gate"].startswith(("passed", "failed", "not measured"))
    assert "Scored on | 7 of 7 columns" in facts
    assert "Scored on | n/a" in " | ".join(_cells(at.table[1]))


def test_a_run_is_named_and_noted_and_keeps_them_in_a_new_session(
    studio: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup
    at = studio(dataset_id=tips.id, run_id=tips_run.id).switch_page(PAGE)
    at.run()

    # Run
    at.text_input(key=f"runs.name.{tips_run.id}").input("  Tips, first try  ")
    at.text_area(key=f"runs.notes.{tips_run.id}").input("Default settings.\nCompare with CTGAN.")
    at.button(key=f"runs.save.{tips_run.id}").click().run()
    fresh = studio(dataset_id=tips.id, run_id=tips_run.id).switch_page(PAGE)
    fresh.run()

    # Assert
    assert not at.exception and not fresh.exception
    assert at.success[0].value == f"Saved: run #{tips_run.id} is now named “Tips, first try”."
    assert workspace.get_run(tips_run.id).notes == "Default settings.\nCompare with CTGAN."
    assert fresh.selectbox(key="runs.open").options == [f"#{tips_run.id} Tips, first try"]
    assert fresh.text_input(key=f"runs.name.{tips_run.id}").value == "Tips, first try"
    assert "Tips, first try" in _cells(fresh.table[0])
    assert "Default settings. / Compare with CTGAN." in _cells(fresh.table[1])
    # The bundle offered now carries the name and notes.
    data = bundle_bytes(str(workspace.path), tips_run.id)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        run_json = json.loads(archive.read("run.json"))
    assert (run_json["name"], run_json["notes"]) == (
        "Tips, first try",
        "Default settings.\nCompare with CTGAN.",
    )


def test_a_name_too_long_is_refused_in_one_line_and_the_old_one_kept(
    studio: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup
    workspace.label_run(tips_run.id, name="Kept", notes="")
    at = studio(dataset_id=tips.id, run_id=tips_run.id).switch_page(PAGE)
    at.run()

    # Run
    at.text_input(key=f"runs.name.{tips_run.id}").set_value("x" * 81)
    at.button(key=f"runs.save.{tips_run.id}").click().run()

    # Assert
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("A run's name is at most 80 characters")
    assert "\n" not in error.value
    assert workspace.get_run(tips_run.id).name == "Kept"
