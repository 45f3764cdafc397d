"""The DuckDB workspace: datasets, their real tables, runs and synthetic tables, in one file.

One root connection per process; every operation takes its own ``cursor()`` so threads (one per
Streamlit session) never share one. Table names are built from integer ids only, so no user
string is ever put into SQL text; user values travel as parameters.

:class:`Workspace` is the one class callers use. Its parts live beside it: opening the file,
cursors and migrations in :mod:`core.workspace.connection`, datasets in
:mod:`core.workspace.datasets`, run records in :mod:`core.workspace.run_records`, a run's life
(started, done or failed, and :class:`~core.workspace.run_life.ActiveRun`) in
:mod:`core.workspace.run_life`, reading tables in :mod:`core.workspace.tables`. Deleting
datasets and runs, and what that frees on disk, is here.
"""

from __future__ import annotations

from pathlib import Path

from core.workspace.datasets import DatasetRecords
from core.workspace.records import (
    INTERRUPTED,
    MIGRATIONS,
    SCHEMA_VERSION,
    DatasetInfo,
    RunInfo,
    quote_identifier,
    real_table,
    synth_table,
)
from core.workspace.run_life import ActiveRun, RunLife
from core.workspace.run_records import RunRecords
from core.workspace.tables import TableReads

__all__ = [
    "INTERRUPTED",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ActiveRun",
    "DatasetInfo",
    "RunInfo",
    "Workspace",
    "quote_identifier",
    "real_table",
    "synth_table",
]


class Workspace(DatasetRecords, RunRecords, RunLife, TableReads):
    """A studio workspace stored in one DuckDB file."""

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
