import threading

import pandas as pd
import pytest

from core.errors import EmptyTableError, NotFoundError, WorkspaceError
from core.workspace.records import SCHEMA_VERSION
from core.workspace.store import Workspace


def _add(ws: Workspace, df: pd.DataFrame, name: str = "t"):
    return ws.add_dataset(name=name, source=f"{name}.csv", fingerprint=name, frame=df)


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
    run_id = ws.start_run(
        dataset_id=dataset.id, synthesizer="gaussian_copula", params={}, seed=1, n_rows=5
    )
    ws.finish_run(run_id, synthetic=tips.head(5), fit_seconds=1.0, sample_seconds=0.5)
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
    workspace.set_metadata(dataset.id, {"sdv": {"x": 1}, "reasons": {"tip": "why"}})
    # Assert
    assert workspace.get_dataset(dataset.id).metadata["reasons"] == {"tip": "why"}


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
    run_id = ws.start_run(dataset_id=drop.id, synthesizer="ctgan", params={}, seed=0, n_rows=5)
    ws.finish_run(run_id, synthetic=tips.head(5), fit_seconds=1, sample_seconds=1, model_path=model)
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
    run_id = workspace.start_run(
        dataset_id=dataset.id, synthesizer="x", params={}, seed=0, n_rows=5
    )
    workspace.finish_run(run_id, synthetic=tips.head(5), fit_seconds=1, sample_seconds=1)
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
