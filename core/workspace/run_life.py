"""A run's life in the workspace: started ``running``, then done with its rows or failed.

:class:`RunLife` is the part of :class:`core.workspace.store.Workspace` that starts a run
(:meth:`~RunLife.start_run`), gives a block its whole life (:meth:`~RunLife.running`) and fails
it (:meth:`~RunLife.fail_run`). :class:`ActiveRun` is the run the block holds: its rows go into
the run's table in one transaction, committed with the ``done`` status or rolled back, so a
run is never left in between.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from core.errors import EmptyTableError, StudioError, one_line
from core.workspace.connection import WorkspaceConnection
from core.workspace.records import RUN_COLUMNS, synth_table


class RunLife(WorkspaceConnection):
    """Starting, running and failing runs (the workspace's ``get_dataset`` checks the dataset)."""

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


class ActiveRun:
    """A run being made, as :meth:`Workspace.running` hands it to its block.

    Its rows go into the run's table inside one transaction, opened by the first
    :meth:`store` and ended with the block: committed with the ``done`` status that
    :meth:`finish` writes, or rolled back.
    """

    def __init__(self, workspace: WorkspaceConnection, run_id: int) -> None:
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
