"""The DuckDB workspace: datasets, their real tables, runs and synthetic tables, in one file.

One root connection per process; every operation takes its own ``cursor()`` so threads (one per
Streamlit session) never share one. Table names are built from integer ids only, so no user
string is ever put into SQL text; user values travel as parameters.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from core.errors import EmptyTableError, NotFoundError, StudioError, WorkspaceError, one_line
from core.frames import sdv_ready
from core.meta import StudioMetadata
from core.workspace.records import (
    DATASET_COLUMNS,
    INTERRUPTED,
    MIGRATIONS,
    RUN_COLUMNS,
    SCHEMA_VERSION,
    DatasetInfo,
    RunInfo,
    clean_run_name,
    clean_run_notes,
    dataset_from_row,
    quote_identifier,
    real_table,
    run_from_row,
    synth_table,
)

__all__ = [
    "INTERRUPTED",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "DatasetInfo",
    "RunInfo",
    "Workspace",
    "quote_identifier",
    "real_table",
    "synth_table",
]


def _flatten_nested(cur: duckdb.DuckDBPyConnection, table: str) -> None:
    # Synthesizers take flat columns: nested JSON values (structs, lists, maps) become JSON text.
    for name, dtype, *_ in cur.execute(f"DESCRIBE {table}").fetchall():
        if dtype.startswith(("STRUCT", "MAP", "UNION")) or dtype.endswith("]"):
            column = quote_identifier(name)
            cur.execute(
                f"ALTER TABLE {table} ALTER {column} TYPE VARCHAR USING CAST(to_json({column}) "
                "AS VARCHAR)"
            )


class Workspace:
    """A studio workspace stored in one DuckDB file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._con = duckdb.connect(str(self.path))
            # Zoned times come back in UTC on every machine, not in the local zone.
            self._con.execute("SET TimeZone = 'UTC'")
        except (duckdb.Error, OSError) as err:
            first = str(err).splitlines()[0]
            if "Conflicting lock" in first:
                raise WorkspaceError(
                    f"Workspace {self.path} is open in another Synth Studio process; close it "
                    "or set SYNTH_STUDIO_WORKSPACE (or --workspace) to another file."
                ) from err
            raise WorkspaceError(f"Cannot open workspace {self.path}: {first}") from err
        self._lock = threading.Lock()
        self._migrate()
        self._recover_interrupted_runs()

    @property
    def models_dir(self) -> Path:
        """Fitted models are files beside the workspace, referenced by their run."""
        return self.path.with_name(self.path.stem + ".models")

    def _recover_interrupted_runs(self) -> None:
        # DuckDB lets one process open the file, so at open time no run can still be going.
        with self.cursor() as cur:
            cur.execute(
                "UPDATE runs SET status = 'failed', error = ? WHERE status = 'running'",
                [INTERRUPTED],
            )

    def close(self) -> None:
        self._con.close()

    def _new_cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:  # creating cursors from the root connection is not thread-safe
            return self._con.cursor()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A private cursor for one operation; safe to use from any thread."""
        cur = self._new_cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside a transaction: committed on success, rolled back on any error."""
        with self.cursor() as cur:
            cur.begin()
            try:
                yield cur
            except BaseException:
                cur.rollback()
                raise
            cur.commit()

    def schema_version(self) -> int:
        with self.cursor() as cur:
            return cur.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] or 0

    def _migrate(self) -> None:
        with self.transaction() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = cur.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] or 0
            if current > SCHEMA_VERSION:
                raise WorkspaceError(
                    f"Workspace {self.path} was written by a newer Synth Studio "
                    f"(schema {current}); upgrade the studio to open it."
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version]:
                    cur.execute(statement)
                cur.execute("INSERT INTO schema_version VALUES (?)", [version])

    # Datasets -------------------------------------------------------------------------------

    def add_dataset(
        self,
        *,
        name: str,
        source: str,
        fingerprint: str | Callable[[], str],
        relation_sql: str | None = None,
        relation_params: list[Any] | None = None,
        frame: pd.DataFrame | None = None,
        metadata: StudioMetadata | None = None,
        finish: Callable[[duckdb.DuckDBPyConnection, str], dict[str, Any] | None] | None = None,
    ) -> DatasetInfo:
        """Store a table and its dataset row in one transaction.

        Pass either ``frame`` (a DataFrame) or ``relation_sql``, a fixed SELECT from
        :mod:`core.data.ingest` whose user values (the file path) travel in ``relation_params``.
        An empty table is refused and nothing is written. ``fingerprint`` may be a function
        (the hash of a file still being read), called just before the dataset row is written.
        ``finish(cursor, table)``, run inside the transaction once the table is stored, may
        change the table (a type the user chose) and returns the file's formats to keep
        (:class:`core.data.formats.TableFormat` as a dict); if it raises, nothing is written.
        """
        with self.transaction() as cur:
            ((dataset_id,),) = cur.execute("SELECT nextval('dataset_ids')").fetchall()
            table = real_table(dataset_id)
            if frame is not None:
                cur.register("incoming", frame)
                cur.execute(f"CREATE TABLE {table} AS SELECT * FROM incoming")
                cur.unregister("incoming")
            else:
                cur.execute(f"CREATE TABLE {table} AS {relation_sql}", relation_params or [])
            _flatten_nested(cur, table)
            n_rows = cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            n_cols = len(cur.execute(f"SELECT * FROM {table} LIMIT 0").description)
            if n_rows == 0 or n_cols == 0:
                raise EmptyTableError(
                    f"'{source}' has no data rows; choose a file with a header and rows."
                )
            formats = finish(cur, table) if finish is not None else None
            cur.execute(
                f"INSERT INTO datasets ({DATASET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    dataset_id,
                    name,
                    source,
                    fingerprint() if callable(fingerprint) else fingerprint,
                    n_rows,
                    n_cols,
                    json.dumps(metadata.to_dict()) if metadata else None,
                    datetime.now(),
                    json.dumps(formats) if formats else None,
                ],
            )
        return self.get_dataset(dataset_id)

    def list_datasets(self) -> list[DatasetInfo]:
        with self.cursor() as cur:
            rows = cur.execute(f"SELECT {DATASET_COLUMNS} FROM datasets ORDER BY id").fetchall()
        return [dataset_from_row(r) for r in rows]

    def get_dataset(self, dataset_id: int) -> DatasetInfo:
        with self.cursor() as cur:
            row = cur.execute(
                f"SELECT {DATASET_COLUMNS} FROM datasets WHERE id = ?", [dataset_id]
            ).fetchall()
        if not row:
            raise NotFoundError(f"Dataset {dataset_id} is not in this workspace.")
        return dataset_from_row(row[0])

    def find_dataset(self, fingerprint: str) -> DatasetInfo | None:
        """The newest dataset with this fingerprint, so re-uploading a file does not copy it."""
        with self.cursor() as cur:
            row = cur.execute(
                f"SELECT {DATASET_COLUMNS} FROM datasets WHERE fingerprint = ? "
                "ORDER BY id DESC LIMIT 1",
                [fingerprint],
            ).fetchall()
        return dataset_from_row(row[0]) if row else None

    def set_metadata(self, dataset_id: int, metadata: StudioMetadata) -> None:
        self.get_dataset(dataset_id)
        with self.cursor() as cur:
            cur.execute(
                "UPDATE datasets SET metadata_json = ? WHERE id = ?",
                [json.dumps(metadata.to_dict()), dataset_id],
            )

    def read_real(self, dataset_id: int, limit: int | None = None) -> pd.DataFrame:
        return self._read(real_table(self.get_dataset(dataset_id).id), limit)

    def real_schema(self, dataset_id: int) -> pa.Schema:
        """The Arrow types of a dataset's table: what its synthetic rows are stored as."""
        table = real_table(self.get_dataset(dataset_id).id)
        with self.cursor() as cur:
            return cur.execute(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema

    def column_types(self, dataset_id: int) -> pd.DataFrame:
        """Column name and DuckDB type of a dataset's table."""
        table = real_table(self.get_dataset(dataset_id).id)
        with self.cursor() as cur:
            described = cur.execute(f"DESCRIBE {table}").fetchall()
        return pd.DataFrame([(r[0], r[1]) for r in described], columns=["column", "type"])

    def distinct_counts(self, dataset_id: int) -> dict[str, int]:
        """About how many distinct values each column of a dataset's table holds.

        DuckDB's HyperLogLog estimate (within a few percent), read in one pass without pulling
        the table into Python: what a fit estimate needs, on any table size.
        """
        table = real_table(self.get_dataset(dataset_id).id)
        columns = self.column_types(dataset_id)["column"].tolist()
        counts = ", ".join(f"approx_count_distinct({quote_identifier(c)})" for c in columns)
        with self.cursor() as cur:
            row = cur.execute(f"SELECT {counts} FROM {table}").fetchall()[0]
        return {column: int(value or 0) for column, value in zip(columns, row, strict=True)}

    # Runs -----------------------------------------------------------------------------------

    def start_run(
        self,
        *,
        dataset_id: int,
        synthesizer: str,
        params: dict[str, Any],
        seed: int,
        n_rows: int,
        versions: dict[str, str] | None = None,
        shaping: dict[str, Any] | None = None,
    ) -> int:
        """Record a run as ``running`` and commit it; :meth:`running` starts runs that end well.

        Alone, it records a run that only :meth:`fail_run` ends (or the next open, as
        interrupted).
        """
        self.get_dataset(dataset_id)
        with self.transaction() as cur:
            ((run_id,),) = cur.execute("SELECT nextval('run_ids')").fetchall()
            cur.execute(
                f"INSERT INTO runs ({RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, 'running',"
                " NULL, NULL, NULL, NULL, ?, ?, NULL, NULL, ?, NULL, NULL)",
                [
                    run_id,
                    dataset_id,
                    synthesizer,
                    json.dumps(params),
                    seed,
                    n_rows,
                    datetime.now(),
                    json.dumps(versions) if versions else None,
                    json.dumps(shaping) if shaping else None,
                ],
            )
        return run_id

    def set_scores(self, run_id: int, scores: dict[str, Any]) -> None:
        with self.cursor() as cur:
            cur.execute(
                "UPDATE runs SET scores_json = ? WHERE id = ?", [json.dumps(scores), run_id]
            )

    def record_override(self, run_id: int, *, reason: str, failing: list[str]) -> RunInfo:
        """Record that a run's extract is released although the privacy gate failed."""
        self.get_run(run_id)
        if not reason.strip():
            raise WorkspaceError("Give a reason to release an extract that failed the checks.")
        record = {
            "reason": reason.strip(),
            "failing": failing,
            "at": datetime.now().isoformat(timespec="seconds"),
        }
        with self.cursor() as cur:
            cur.execute(
                "UPDATE runs SET override_json = ? WHERE id = ?", [json.dumps(record), run_id]
            )
        return self.get_run(run_id)

    def label_run(self, run_id: int, *, name: str, notes: str) -> RunInfo:
        """Give a run a name and notes (either may be empty), checked before anything is written.

        The name is one line of at most ``NAME_MAX_CHARS`` characters, trimmed; an empty one
        shows as "Run #12". Nothing else of the run changes.

        Raises:
            NotFoundError: no such run.
            InvalidParameterError: the name or notes do not fit (one line; nothing is written).
        """
        self.get_run(run_id)
        cleaned_name, cleaned_notes = clean_run_name(name), clean_run_notes(notes)
        with self.cursor() as cur:
            cur.execute(
                "UPDATE runs SET name = ?, notes = ? WHERE id = ?",
                [cleaned_name or None, cleaned_notes or None, run_id],
            )
        return self.get_run(run_id)

    @contextmanager
    def running(
        self,
        *,
        dataset_id: int,
        synthesizer: str,
        params: dict[str, Any],
        seed: int,
        n_rows: int,
        versions: dict[str, str] | None = None,
        shaping: dict[str, Any] | None = None,
    ) -> Iterator[ActiveRun]:
        """A run's whole life: started here, then done or failed, never left in between.

        The run is recorded ``running`` (committed at once, so a process killed mid-fit leaves
        a trace that the next open marks failed). The block stores its rows
        (:meth:`ActiveRun.store`) and finishes it (:meth:`ActiveRun.finish`); the rows, the
        scores and the ``done`` status are committed together when the block ends. If the block
        raises, or ends without finishing the run, nothing of it is kept (no table, no model
        file) and the run is marked failed once, with one line: a :class:`StudioError` keeps
        its message, any other error becomes a StudioError naming it, and an interruption (a
        page rerun or Stop, Ctrl-C) is recorded as such and propagates unchanged. ``shaping``
        records how the rows are shaped (conditions, a rebalance, rules).
        """
        run = ActiveRun(
            self,
            self.start_run(
                dataset_id=dataset_id,
                synthesizer=synthesizer,
                params=params,
                seed=seed,
                n_rows=n_rows,
                versions=versions,
                shaping=shaping,
            ),
        )
        try:
            yield run
            if not run.finished:
                raise StudioError(f"Run {run.id} ended before it was finished; nothing was kept.")
            run._end(commit=True)
        except StudioError as err:
            self._discard(run, str(err))
            raise
        except Exception as err:
            message = one_line(err)
            self._discard(run, message)
            raise StudioError(f"The run failed: {message}") from err
        except BaseException:  # the page was left, rerun or stopped mid-run, or Ctrl-C
            self._discard(run, "interrupted before it finished")
            raise

    def _discard(self, run: ActiveRun, error: str) -> None:
        # Rolled back before the failure is written: the open transaction holds the run's row.
        run._end(commit=False)
        run.model_path.unlink(missing_ok=True)
        self.fail_run(run.id, error)

    def fail_run(self, run_id: int, error: str) -> None:
        with self.cursor() as cur:
            cur.execute(
                "UPDATE runs SET status = 'failed', error = ? WHERE id = ?", [error, run_id]
            )

    def get_run(self, run_id: int) -> RunInfo:
        with self.cursor() as cur:
            row = cur.execute(f"SELECT {RUN_COLUMNS} FROM runs WHERE id = ?", [run_id]).fetchall()
        if not row:
            raise NotFoundError(f"Run {run_id} is not in this workspace.")
        return run_from_row(row[0])

    def list_runs(self, dataset_id: int | None = None) -> list[RunInfo]:
        sql = f"SELECT {RUN_COLUMNS} FROM runs"
        params: list[Any] = []
        if dataset_id is not None:
            sql += " WHERE dataset_id = ?"
            params.append(dataset_id)
        with self.cursor() as cur:
            rows = cur.execute(sql + " ORDER BY id", params).fetchall()
        return [run_from_row(r) for r in rows]

    def delete_run(self, run_id: int) -> int:
        """Delete a run, its synthetic table and its model file; returns bytes freed on disk."""
        run = self.get_run(run_id)
        with self.transaction() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {synth_table(run_id)}")
            cur.execute("DELETE FROM runs WHERE id = ?", [run_id])
        return self._remove_model(run) + self._checkpoint()

    def delete_dataset(self, dataset_id: int) -> int:
        """Delete a dataset with all its runs; returns bytes freed on disk."""
        self.get_dataset(dataset_id)
        runs = self.list_runs(dataset_id)
        with self.transaction() as cur:
            for run in runs:
                cur.execute(f"DROP TABLE IF EXISTS {synth_table(run.id)}")
            cur.execute("DELETE FROM runs WHERE dataset_id = ?", [dataset_id])
            cur.execute(f"DROP TABLE IF EXISTS {real_table(dataset_id)}")
            cur.execute("DELETE FROM datasets WHERE id = ?", [dataset_id])
        return sum(self._remove_model(run) for run in runs) + self._checkpoint()

    def size_bytes(self) -> int:
        """Disk used by the workspace file, its write-ahead log and its models."""
        files = [self.path, self.path.with_name(self.path.name + ".wal")]
        if self.models_dir.is_dir():
            files += list(self.models_dir.iterdir())
        return sum(f.stat().st_size for f in files if f.is_file())

    def _remove_model(self, run: RunInfo) -> int:
        if not run.model_path:
            return 0
        model = Path(run.model_path)
        size = model.stat().st_size if model.is_file() else 0
        model.unlink(missing_ok=True)
        return size

    def _checkpoint(self) -> int:
        # DuckDB reuses freed blocks but only returns them to the OS on checkpoint; report what
        # the file shrank by (often 0 until enough blocks are free at its end).
        before = self.path.stat().st_size if self.path.exists() else 0
        with self.cursor() as cur:
            cur.execute("CHECKPOINT")
        after = self.path.stat().st_size if self.path.exists() else 0
        return max(before - after, 0)

    def read_synthetic(self, run_id: int, limit: int | None = None) -> pd.DataFrame:
        run = self.get_run(run_id)
        if run.status != "done":
            raise NotFoundError(f"Run {run_id} has no synthetic table (status: {run.status}).")
        return self._read(synth_table(run_id), limit)

    def synthetic_chunks(self, run_id: int, *, rows: int) -> Iterator[pd.DataFrame]:
        """A run's rows in order, about ``rows`` at a time, so a caller holds one chunk only.

        Chunks are whole DuckDB vectors (2,048 rows), with the dtypes :meth:`read_synthetic`
        gives.
        """
        self.read_synthetic(run_id, limit=0)  # refuses a run without a table, in one line
        with self.cursor() as cur:
            cur.execute(f"SELECT * FROM {synth_table(run_id)}")
            while len(chunk := cur.fetch_df_chunk(max(1, rows // 2048))):
                yield sdv_ready(chunk)

    def _read(self, table: str, limit: int | None) -> pd.DataFrame:
        # Dates come back in nanoseconds: SDV reads DuckDB's microseconds as 1970 otherwise.
        sql = f"SELECT * FROM {table}"
        with self.cursor() as cur:
            if limit is not None:
                return sdv_ready(cur.execute(sql + " LIMIT ?", [int(limit)]).df())
            return sdv_ready(cur.execute(sql).df())


class ActiveRun:
    """A run being made, as :meth:`Workspace.running` hands it to its block.

    Its rows go into the run's table inside one transaction, opened by the first
    :meth:`store` and ended with the block: committed with the ``done`` status that
    :meth:`finish` writes, or rolled back.
    """

    def __init__(self, workspace: Workspace, run_id: int) -> None:
        self.id = run_id
        self._workspace = workspace
        self._cursor: duckdb.DuckDBPyConnection | None = None
        self._created = False
        self.n_rows = 0
        self.finished = False

    @property
    def model_path(self) -> Path:
        """Where the run's fitted model goes; removed if the run fails."""
        return self._workspace.models_dir / f"run_{self.id}.pkl"

    def store(self, batches: Iterable[Any]) -> int:
        """Append ``batches`` (DataFrames or Arrow tables of one schema) to the run's table.

        One batch is held at a time. An error raised while they are drawn propagates; the run
        then keeps nothing. Returns the rows stored so far.
        """
        if self.finished:
            raise StudioError(f"Run {self.id} is finished; no rows can be added.")
        if self._cursor is None:
            self._cursor = self._workspace._new_cursor()
            self._cursor.begin()
        table = synth_table(self.id)
        for batch in batches:
            self._cursor.register("incoming", batch)
            verb = f"INSERT INTO {table}" if self._created else f"CREATE TABLE {table} AS"
            self._cursor.execute(f"{verb} SELECT * FROM incoming")
            self._cursor.unregister("incoming")
            self._created = True
            self.n_rows += len(batch)
        return self.n_rows

    def finish(
        self,
        *,
        fit_seconds: float,
        sample_seconds: float,
        scores: dict[str, Any] | None = None,
        model_path: Path | None = None,
    ) -> None:
        """Mark the run done with its timings, scores and model; kept when the block ends.

        Raises:
            EmptyTableError: no row was stored.
        """
        if self._cursor is None or self.n_rows == 0:
            raise EmptyTableError(f"Run {self.id} produced no rows; nothing was stored.")
        self._cursor.execute(
            "UPDATE runs SET status = 'done', fit_seconds = ?, sample_seconds = ?,"
            " scores_json = ?, n_rows = ?, model_path = ? WHERE id = ?",
            [
                fit_seconds,
                sample_seconds,
                json.dumps(scores) if scores else None,
                self.n_rows,
                str(model_path) if model_path else None,
                self.id,
            ],
        )
        self.finished = True

    def _end(self, *, commit: bool) -> None:
        """Commit or roll back the rows' transaction, if one is open."""
        cur, self._cursor = self._cursor, None
        if cur is None:
            return
        try:
            if commit:
                cur.commit()
            else:
                # DuckDB may have ended it already (a failed statement): nothing is kept either way.
                with suppress(duckdb.Error):
                    cur.rollback()
        finally:
            cur.close()
