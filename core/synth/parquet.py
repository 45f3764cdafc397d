"""Batches of synthetic rows as Arrow tables, and written into one Parquet file.

A stream fixes its column types from its first batch (:func:`arrow_schema`); every later batch
is cast to them (:func:`to_arrow`, :func:`cast_table`), with one line naming the column that
differs. :func:`write_parquet` writes batches one row group each, holding one at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from core.errors import StudioError

# What pandas infers for an object column holding numbers, alone or beside text: e.g. a number
# column marked categorical whose rare values were grouped as "(other)" before fitting.
_NUMBERS_AS_OBJECTS = frozenset(
    {"integer", "floating", "mixed-integer", "mixed-integer-float", "mixed", "decimal"}
)


def as_storable(batch: pd.DataFrame) -> pd.DataFrame:
    """``batch`` with each object column of numbers (and maybe text) as text.

    Arrow types an object column from its first values, so ``[1, "(other)"]`` fails to
    convert, and one batch may hold only the numbers while the next holds the text too. SDV
    returns object columns only where the training column was one, so text is their type in
    every batch. Missing values stay missing.
    """
    mixed = [
        column
        for column in batch.columns
        if batch[column].dtype == object
        and pd.api.types.infer_dtype(batch[column], skipna=True) in _NUMBERS_AS_OBJECTS
    ]
    if not mixed:
        return batch
    return batch.assign(**{c: batch[c].map(lambda v: v if pd.isna(v) else str(v)) for c in mixed})


def arrow_schema(batch: pd.DataFrame) -> pa.Schema:
    """The Parquet schema a stream fixes from its first batch.

    A column with no value in that batch has Arrow's null type, which no later value fits; it
    is widened to text, the type SDV gives every object column.
    """
    schema = pa.Schema.from_pandas(as_storable(batch), preserve_index=False)
    for i, item in enumerate(schema):
        if pa.types.is_null(item.type):
            schema = schema.set(i, item.with_type(pa.string()))
    return schema


def to_arrow(batch: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """``batch`` as an Arrow table of ``schema``, or one line naming the column that differs."""
    return cast_table(pa.Table.from_pandas(as_storable(batch), preserve_index=False), schema)


def cast_table(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` cast to ``schema``, or one line naming the column that differs."""
    try:
        return table.cast(schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as err:
        first = str(err).splitlines()[0][:200]
        raise StudioError(
            f"A batch of rows does not fit the extract's column types: {first}"
        ) from err


def write_parquet(
    batches: Iterable[pd.DataFrame],
    sink: Path | str | BinaryIO,
    *,
    schema: pa.Schema | None = None,
) -> None:
    """Write batches into one Parquet file (a path or a binary handle), one row group each.

    Each batch is cast to the first one's types (see :func:`arrow_schema`), or to ``schema``;
    only one batch is held at a time.
    """
    writer: pq.ParquetWriter | None = None
    try:
        for batch in batches:
            if writer is None:
                schema = schema or arrow_schema(batch)
                writer = pq.ParquetWriter(sink, schema)
            writer.write_table(to_arrow(batch, schema))
            del batch  # not held while the next one is drawn
    finally:
        if writer is not None:
            writer.close()
