"""Datasets in the workspace: storing a real table with its record, finding and describing it.

:class:`DatasetRecords` is the part of :class:`core.workspace.store.Workspace` that adds a
dataset (its table and its row written in one transaction, an empty table refused), lists and
finds datasets, and keeps their metadata. Table names are built from integer ids only
(:func:`core.workspace.records.real_table`), so no user string is ever put into SQL text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from core.errors import EmptyTableError, NotFoundError
from core.meta import StudioMetadata
from core.workspace.connection import WorkspaceConnection
from core.workspace.records import (
    DATASET_COLUMNS,
    DatasetInfo,
    dataset_from_row,
    quote_identifier,
    real_table,
)


def _flatten_nested(cur: duckdb.DuckDBPyConnection, table: str) -> None:
    # Synthesizers take flat columns: nested JSON values (structs, lists, maps) become JSON text.
    for name, dtype, *_ in cur.execute(f"DESCRIBE {table}").fetchall():
        if dtype.startswith(("STRUCT", "MAP", "UNION")) or dtype.endswith("]"):
            column = quote_identifier(name)
            cur.execute(
                f"ALTER TABLE {table} ALTER {column} TYPE VARCHAR USING CAST(to_json({column}) "
                "AS VARCHAR)"
            )


class DatasetRecords(WorkspaceConnection):
    """Adding, listing and finding datasets, and keeping their metadata."""

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
