"""The workspace file's connection: opening it, one cursor per operation, migrations.

:class:`WorkspaceConnection` opens the DuckDB file (one root connection per process, a clear
message when another process holds it), brings its schema up to date
(:data:`core.workspace.records.MIGRATIONS`) and marks runs a killed process left ``running``
as failed. Every operation takes its own :meth:`~WorkspaceConnection.cursor` so threads (one
per Streamlit session) never share one; :meth:`~WorkspaceConnection.transaction` commits or
rolls back as one. :class:`core.workspace.store.Workspace` builds on it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from core.errors import WorkspaceError
from core.workspace.records import INTERRUPTED, MIGRATIONS, SCHEMA_VERSION


class WorkspaceConnection:
    """The open workspace file, its cursors and transactions."""

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
