import threading
import warnings

import pandas as pd
import pytest

from core.errors import EmptyTableError, NotFoundError, StudioError, WorkspaceError
from core.meta import StudioMetadata
from core.workspace.records import SCHEMA_VERSION
from core.workspace.store import Workspace


def _add(ws: Workspace, df: pd.DataFrame, name: str = "t"):
    return ws.add_dataset(name=name, source=f"{name}.csv", fingerprint=name, frame=df)


def _finished_run(ws: Workspace, dataset_id: int, rows: pd.DataFrame, **finish) -> int:
    """A run that stores ``rows`` and finishes, through the run life cycle."""
    with ws.running(
        dataset_id=dataset_id, synthesizer="gaussian_copula", params={}, seed=1, n_rows=len(rows)
    ) as run:
        run.store([rows])
        run.finish(**{"fit_seconds": 1.0, "sample_seconds": 0.5, **finish})
    return run.id


def test_new_workspace_is_migrated_to_current_schema(workspace):
    # Run
    version = workspace.schema_version()
    # Assert
    assert version == SCHEMA_VERSION
    assert workspace.list_datasets() == []


def test_dataset_and_run_survive_reopening(tmp_path, tips):
    # Setup
    path = tmp_path / "ws.duckdb"
    ws = Workspace(path)
    dataset = _add(ws, tips, "tips")
    run_id = _finished_run(ws, dataset.id, tips.head(5))
    ws.close()
    # Run
    reopened = Workspace(path)
    # Assert
    assert [d.name for d in reopened.list_datasets()] == ["tips"]
    assert reopened.get_dataset(dataset.id).n_rows == len(tips)
    run = reopened.get_run(run_id)
    assert (run.status, run.n_rows, run.fit_seconds) == ("done", 5, 1.0)
    pd.testing.assert_frame_equal(reopened.read_synthetic(run_id), tips.head(5))
    assert reopened.schema_version() == SCHEMA_VERSION
    reopened.close()


def test_empty_table_is_refused_and_nothing_is_written(workspace):
    # Setup
    empty = pd.DataFrame({"a": pd.Series([], dtype="float64")})
    # Run / Assert
    with pytest.raises(EmptyTableError):
        _add(workspace, empty)
    assert workspace.list_datasets() == []


def test_failed_run_is_marked_and_has_no_table(workspace, tips):
    # Setup
    dataset = _add(workspace, tips)
    run_id = workspace.start_run(
        dataset_id=dataset.id, synthesizer="ctgan", params={}, seed=0, n_rows=10
    )
    # Run
    workspace.fail_run(run_id, "boom")
    # Assert
    run = workspace.get_run(run_id)
    assert (run.status, run.error) == ("failed", "boom")
    with pytest.raises(NotFoundError):
        workspace.read_synthetic(run_id)


def test_unknown_ids_raise_not_found(workspace):
    with pytest.raises(NotFoundError):
        workspace.get_dataset(99)
    with pytest.raises(NotFoundError):
        workspace.get_run(99)


def test_metadata_round_trips(workspace, tips):
    # Setup
    dataset = _add(workspace, tips)
    # Run
    workspace.set_metadata(dataset.id, StudioMetadata(sdv={"x": 1}, reasons={"tip": "why"}))
    # Assert
    assert workspace.get_dataset(dataset.id).metadata.reasons == {"tip": "why"}


def test_threads_write_to_one_workspace_without_errors(workspace, tips):
    # Setup
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            dataset = _add(workspace, tips.sample(50, random_state=i), f"t{i}")
            assert len(workspace.read_real(dataset.id)) == 50
        except BaseException as err:  # collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    # Run
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Assert
    assert errors == []
    assert len(workspace.list_datasets()) == 8


def test_file_that_is_not_a_workspace_gets_a_clear_message(tmp_path):
    # Setup
    bad = tmp_path / "not_a_db.duckdb"
    bad.write_text("hello")
    # Run / Assert
    with pytest.raises(WorkspaceError, match="Cannot open workspace"):
        Workspace(bad)


def test_v1_workspace_is_migrated_and_keeps_its_data(tmp_path, tips):
    # Setup: build a schema-1 file exactly as the first release wrote it
    import duckdb

    from core.workspace.records import MIGRATIONS

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for statement in MIGRATIONS[1]:
        con.execute(statement)
    con.execute("INSERT INTO schema_version VALUES (1)")
    con.execute("INSERT INTO datasets VALUES (1, 'old', 'old.csv', 'f', 3, 1, NULL, now())")
    con.execute("CREATE TABLE real_1 AS SELECT 1 AS a UNION ALL SELECT 2 UNION ALL SELECT 3")
    con.execute(
        "INSERT INTO runs VALUES (1, 1, 'gaussian_copula', '{}', 0, 3, 'done', 1, 1, NULL,"
        " NULL, now())"
    )
    con.close()
    # Run
    ws = Workspace(path)
    # Assert
    assert ws.schema_version() == SCHEMA_VERSION
    assert ws.get_dataset(1).name == "old"
    run = ws.get_run(1)
    assert (run.status, run.versions, run.model_path) == ("done", None, None)
    ws.close()


def test_newer_schema_is_refused(tmp_path):
    import duckdb

    path = tmp_path / "future.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    con.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION + 1])
    con.close()
    with pytest.raises(WorkspaceError, match="newer Synth Studio"):
        Workspace(path)


def test_run_left_running_by_a_dead_process_is_marked_failed_on_open(tmp_path, tips):
    # Setup
    path = tmp_path / "ws.duckdb"
    ws = Workspace(path)
    dataset = _add(ws, tips)
    run_id = ws.start_run(dataset_id=dataset.id, synthesizer="ctgan", params={}, seed=0, n_rows=1)
    ws.close()
    # Run
    reopened = Workspace(path)
    # Assert
    run = reopened.get_run(run_id)
    assert run.status == "failed"
    assert "interrupted" in run.error
    reopened.close()


def test_second_process_gets_a_clear_message(tmp_path):
    # Setup
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = tmp_path / "ws.duckdb"
    ws = Workspace(path)
    code = (
        "from core.workspace.store import Workspace\n"
        "from core.errors import WorkspaceError\n"
        f"try:\n    Workspace({str(path)!r})\n"
        "except WorkspaceError as err:\n    print(err)\n"
    )
    # Run
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    # Assert
    assert "open in another Synth Studio process" in done.stdout
    ws.close()


def test_deleting_a_dataset_removes_its_runs_tables_and_models(tmp_path, tips):
    # Setup
    ws = Workspace(tmp_path / "ws.duckdb")
    keep = _add(ws, tips, "keep")
    drop = _add(ws, tips, "drop")
    model = tmp_path / "model.pkl"
    model.write_bytes(b"x" * 1000)
    run_id = _finished_run(ws, drop.id, tips.head(5), model_path=model)
    # Run
    freed = ws.delete_dataset(drop.id)
    # Assert
    assert freed >= 1000
    assert not model.exists()
    assert [d.id for d in ws.list_datasets()] == [keep.id]
    assert ws.list_runs() == []
    with ws.cursor() as cur:
        tables = {r[0] for r in cur.execute("SHOW TABLES").fetchall()}
    assert f"real_{drop.id}" not in tables and f"synth_{run_id}" not in tables
    assert f"real_{keep.id}" in tables
    ws.close()


def test_deleting_a_run_keeps_its_dataset(workspace, tips):
    dataset = _add(workspace, tips)
    run_id = _finished_run(workspace, dataset.id, tips.head(5))
    workspace.delete_run(run_id)
    assert workspace.list_runs() == []
    assert workspace.get_dataset(dataset.id).n_rows == len(tips)


def test_release_override_is_recorded_with_its_reason(workspace, tips):
    # Setup
    dataset = _add(workspace, tips)
    run_id = workspace.start_run(
        dataset_id=dataset.id, synthesizer="x", params={}, seed=0, n_rows=5
    )
    # Run
    with pytest.raises(WorkspaceError, match="Give a reason"):
        workspace.record_override(run_id, reason="  ", failing=["dcr_share"])
    run = workspace.record_override(run_id, reason="internal test data", failing=["dcr_share"])
    # Assert
    assert run.override["reason"] == "internal test data"
    assert run.override["failing"] == ["dcr_share"]


class _Interrupted(BaseException):
    """What a page rerun (Stop) or Ctrl-C raises inside a run."""


def _tables(ws: Workspace) -> set[str]:
    with ws.cursor() as cur:
        rows = cur.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    return {name for (name,) in rows}


def test_a_run_keeps_its_rows_and_scores_only_once_its_block_ends(workspace, tips):
    # Setup
    dataset = _add(workspace, tips)

    # Run
    with workspace.running(
        dataset_id=dataset.id, synthesizer="ctgan", params={"epochs": 2}, seed=4, n_rows=30
    ) as run:
        assert workspace.get_run(run.id).status == "running"  # recorded at once
        assert run.store([tips.head(10)]) == 10
        assert run.store(iter([tips.iloc[10:20], tips.iloc[20:30]])) == 30
        run.finish(fit_seconds=2.0, sample_seconds=0.1, scores={"quality_score": 0.8})
        assert workspace.get_run(run.id).status == "running"  # committed with the block

    # Assert
    record = workspace.get_run(run.id)
    assert (record.status, record.n_rows, record.seed, record.params) == (
        "done",
        30,
        4,
        {"epochs": 2},
    )
    assert record.scores == {"quality_score": 0.8} and record.error is None
    pd.testing.assert_frame_equal(workspace.read_synthetic(run.id), tips.head(30))


@pytest.mark.parametrize(
    ("error", "raised", "recorded"),
    [
        (EmptyTableError("No rows at all."), EmptyTableError, "No rows at all."),
        (ValueError("bad\nvalue"), StudioError, "bad"),
        (_Interrupted(), _Interrupted, "interrupted before it finished"),
    ],
)
def test_a_run_that_raises_is_failed_once_in_one_line_and_keeps_nothing(
    workspace, tips, error, raised, recorded
):
    # Setup: rows stored and a model saved before the error
    dataset = _add(workspace, tips)

    # Run
    with (
        pytest.raises(raised) as caught,
        workspace.running(
            dataset_id=dataset.id, synthesizer="tvae", params={}, seed=1, n_rows=10
        ) as run,
    ):
        run.store([tips.head(10)])
        run.model_path.parent.mkdir(parents=True, exist_ok=True)
        run.model_path.write_bytes(b"model")
        raise error

    # Assert
    record = workspace.get_run(run.id)
    assert record.status == "failed" and recorded in record.error
    assert "\n" not in record.error and "\n" not in str(caught.value)
    assert f"synth_{run.id}" not in _tables(workspace)
    assert not run.model_path.exists()
    with pytest.raises(NotFoundError):
        workspace.read_synthetic(run.id)


def test_a_run_that_ends_unfinished_or_empty_is_failed(workspace, tips):
    # Setup
    dataset = _add(workspace, tips)
    start = {"dataset_id": dataset.id, "synthesizer": "x", "params": {}, "seed": 0, "n_rows": 5}

    # Run
    with (
        pytest.raises(StudioError, match="ended before it was finished"),
        workspace.running(**start) as unfinished,
    ):
        unfinished.store([tips.head(5)])
    with (
        pytest.raises(EmptyTableError, match="produced no rows"),
        workspace.running(**start) as empty,
    ):
        empty.finish(fit_seconds=1, sample_seconds=1)

    # Assert
    assert [r.status for r in workspace.list_runs()] == ["failed", "failed"]
    assert workspace.get_run(unfinished.id).error.startswith(f"Run {unfinished.id} ended")
    assert not {f"synth_{unfinished.id}", f"synth_{empty.id}"} & _tables(workspace)


def test_a_workspace_of_schema_5_opens_and_keeps_its_runs_without_names(tmp_path):
    import duckdb

    from core.workspace.records import MIGRATIONS

    # Setup: a schema-5 file, as the release before run names wrote it, with two runs.
    path = tmp_path / "v5.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for version in range(1, 6):
        for statement in MIGRATIONS[version]:
            con.execute(statement)
        con.execute("INSERT INTO schema_version VALUES (?)", [version])
    con.execute("INSERT INTO datasets VALUES (1, 'old', 'o.csv', 'f', 3, 1, NULL, now(), NULL)")
    con.execute("CREATE TABLE real_1 AS SELECT 1 AS a UNION ALL SELECT 2 UNION ALL SELECT 3")
    for run_id, status in ((1, "done"), (2, "failed")):
        con.execute(
            "INSERT INTO runs VALUES (?, 1, 'gaussian_copula', '{\"epochs\": 3}', 4, 3, ?, 1.5,"
            " 0.5, '{\"quality_score\": 0.9}', NULL, now(), NULL, NULL, NULL, NULL)",
            [run_id, status],
        )
    con.close()

    # Run
    ws = Workspace(path)
    reopened_runs = ws.list_runs()
    renamed = ws.label_run(1, name="Before the fix", notes="")
    ws.close()
    again = Workspace(path)

    # Assert
    assert again.schema_version() == SCHEMA_VERSION == 6
    assert [(r.id, r.status, r.name, r.notes) for r in reopened_runs] == [
        (1, "done", "", ""),
        (2, "failed", "", ""),
    ]
    assert reopened_runs[0].params == {"epochs": 3}
    assert reopened_runs[0].scores == {"quality_score": 0.9}
    assert (reopened_runs[1].label, renamed.label) == ("Run #2", "Before the fix")
    assert again.get_run(1).name == "Before the fix"
    assert again.get_run(2).fit_seconds == 1.5
    again.close()


def test_a_run_gets_a_trimmed_name_and_notes_that_survive_reopening(tmp_path, tips):
    # Setup
    path = tmp_path / "ws.duckdb"
    ws = Workspace(path)
    dataset = _add(ws, tips)
    run_id = _finished_run(ws, dataset.id, tips.head(5))

    # Run
    labelled = ws.label_run(
        run_id, name="  Copula, rare grouping off  ", notes="Line one.\r\nLine two.\n\n"
    )
    ws.close()
    reopened = Workspace(path)
    run = reopened.get_run(run_id)
    cleared = reopened.label_run(run_id, name="   ", notes="")

    # Assert
    assert labelled.name == run.name == "Copula, rare grouping off"
    assert run.notes == "Line one.\nLine two."
    assert (run.status, run.n_rows, run.fit_seconds) == ("done", 5, 1.0)
    assert (cleared.name, cleared.notes, cleared.label) == ("", "", f"Run #{run_id}")
    reopened.close()


@pytest.mark.parametrize(
    ("name", "notes", "message"),
    [
        ("two\nlines", "", "one line"),
        ("tab\there", "", "control characters"),
        ("x" * 81, "", "at most 80 characters; this one has 81"),
        ("fine", "y" * 2001, "at most 2,000 characters"),
        ("fine", "bell\x07", "control characters"),
    ],
)
def test_a_bad_name_or_notes_is_refused_in_one_line_and_nothing_changes(
    workspace, tips, name, notes, message
):
    # Setup
    dataset = _add(workspace, tips)
    run_id = _finished_run(workspace, dataset.id, tips.head(5))
    workspace.label_run(run_id, name="Kept", notes="Kept notes")

    # Run
    with pytest.raises(StudioError) as caught:
        workspace.label_run(run_id, name=name, notes=notes)

    # Assert
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    run = workspace.get_run(run_id)
    assert (run.name, run.notes, run.status) == ("Kept", "Kept notes", "done")
    pd.testing.assert_frame_equal(workspace.read_synthetic(run_id), tips.head(5))


def test_naming_a_missing_run_says_so(workspace):
    with pytest.raises(NotFoundError, match="Run 99 is not in this workspace"):
        workspace.label_run(99, name="x", notes="")


def test_a_run_named_while_it_is_being_made_still_ends_well_and_keeps_its_name(workspace, tips):
    # Setup: a run whose rows are stored but not yet committed
    dataset = _add(workspace, tips)
    with workspace.running(
        dataset_id=dataset.id, synthesizer="gaussian_copula", params={}, seed=1, n_rows=5
    ) as run:
        run.store([tips.head(5)])

        # Run: named from another session before and after the run's own update
        workspace.label_run(run.id, name="Named early", notes="")
        run.finish(fit_seconds=1.0, sample_seconds=0.5)
        workspace.label_run(run.id, name="Named late", notes="while it was committing")

    # Assert
    stored = workspace.get_run(run.id)
    assert (stored.status, stored.n_rows, stored.fit_seconds) == ("done", 5, 1.0)
    assert (stored.name, stored.notes) == ("Named late", "while it was committing")
    pd.testing.assert_frame_equal(workspace.read_synthetic(run.id), tips.head(5))


def test_reading_a_tables_types_warns_nothing(workspace, tips):
    # Setup: a warning here reached the CLI's stderr on every run
    dataset = workspace.add_dataset(name="tips", source="tips.csv", fingerprint="x", frame=tips)

    # Run
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        schema = workspace.real_schema(dataset.id)

    # Assert
    assert schema.names == list(tips.columns)
