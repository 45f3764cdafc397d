"""Reading tables out of the workspace: a dataset's real rows, a run's synthetic rows, types.

:class:`TableReads` is the part of :class:`core.workspace.store.Workspace` that reads tables
back as DataFrames SDV takes (dates in nanoseconds, :func:`core.frames.sdv_ready`), whole, the
first rows, or a run's rows a chunk at a time; and describes a dataset's table (Arrow schema,
DuckDB types, distinct counts) without pulling it into Python. It finds the dataset or run
through the workspace's ``get_dataset`` and ``get_run``, so a missing one reads as one line.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pyarrow as pa

from core.errors import NotFoundError
from core.frames import sdv_ready
from core.workspace.connection import WorkspaceConnection
from core.workspace.records import quote_identifier, real_table, synth_table


class TableReads(WorkspaceConnection):
    """Reading real and synthetic tables, and describing a dataset's table."""

    def read_real(self, dataset_id: int, limit: int | None = None) -> pd.DataFrame:
        return self._read(real_table(self.get_dataset(dataset_id).id), limit)

    def real_schema(self, dataset_id: int) -> pa.Schema:
        """The Arrow types of a dataset's table: what its synthetic rows are stored as."""
        table = real_table(self.get_dataset(dataset_id).id)
        with self.cursor() as cur:
            return cur.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema

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
