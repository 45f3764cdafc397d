"""Run records in the workspace: reading, listing, naming runs and recording their scores.

:class:`RunRecords` is the part of :class:`core.workspace.store.Workspace` that reads a run's
row (:meth:`~RunRecords.get_run`, :meth:`~RunRecords.list_runs`) and changes what a finished
run records: its scores, its name and notes, a release against a failed privacy gate. How a
run is made lives in :mod:`core.workspace.run_life`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.errors import NotFoundError, WorkspaceError
from core.workspace.connection import WorkspaceConnection
from core.workspace.records import (
    RUN_COLUMNS,
    RunInfo,
    clean_run_name,
    clean_run_notes,
    run_from_row,
)


class RunRecords(WorkspaceConnection):
    """Reading runs and changing what they record."""

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
