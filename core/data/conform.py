"""Synthetic rows with the real table's types, so an extract has the input's types.

Synthesizers hand back floats for whole numbers, timestamps for dates and text where a
category was grouped. :func:`conform` brings each column to the type DuckDB gave the real
column; :func:`to_frame` reads such rows back as the workspace reads tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from core.data.formats import TableFormat, all_bool, is_missing, render_typed
from core.frames import sdv_ready


def conform(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame`` as an Arrow table of the real table's ``schema``, column by column.

    Synthesizers hand back floats for whole numbers, timestamps for dates and text where a
    category was grouped; each column is brought to its real type so the extract has the
    input's types. A column whose values cannot take that type (a number column holding the
    text "(other)") keeps the type of its values instead of failing the run.
    """
    arrays, fields = [], []
    for item in schema:
        if item.name not in frame.columns:
            continue
        series = frame[item.name]
        array = _as_arrow(series, item.type)
        arrays.append(array)
        fields.append(pa.field(item.name, array.type))
    extra = [c for c in frame.columns if c not in schema.names]
    for name in extra:
        array = _as_arrow(frame[name], None)
        arrays.append(array)
        fields.append(pa.field(name, array.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as the workspace reads tables: nullable integers and booleans where
    values are missing, dates as nanosecond timestamps (see :func:`core.frames.sdv_ready`)."""
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        kind = column.type
        if pa.types.is_integer(kind) and column.null_count:
            columns[name] = column.to_pandas(types_mapper={kind: pd.Int64Dtype()}.get)
        elif pa.types.is_boolean(kind) and column.null_count:
            columns[name] = column.to_pandas(types_mapper={kind: pd.BooleanDtype()}.get)
        elif pa.types.is_date(kind):
            columns[name] = pd.to_datetime(column.to_pandas(date_as_object=False))
        else:
            columns[name] = column.to_pandas()
    return sdv_ready(pd.DataFrame(columns))


def _as_arrow(series: pd.Series, target: pa.DataType | None) -> pa.Array:
    values = series
    if target is not None:
        try:
            return _cast(values, target)
        except (pa.ArrowException, ValueError, TypeError, OverflowError):
            pass
    if values.dtype == object:
        values = values.map(lambda v: v if is_missing(v) else str(v))
    array = pa.array(values, from_pandas=True)
    return array.cast(pa.string()) if pa.types.is_null(array.type) else array


def _cast(series: pd.Series, target: pa.DataType) -> pa.Array:
    if pa.types.is_integer(target):
        numbers = pd.to_numeric(series, errors="raise").astype("float64").round()
        return pa.array(numbers.astype("Int64"), from_pandas=True).cast(target)
    if pa.types.is_floating(target) or pa.types.is_decimal(target):
        numbers = pd.to_numeric(series, errors="raise").astype("float64")
        if pa.types.is_decimal(target):
            numbers = numbers.round(target.scale)
        return pa.array(numbers, from_pandas=True).cast(target)
    if pa.types.is_boolean(target):
        if not (pd.api.types.is_bool_dtype(series.dtype) or all_bool(series.dropna())):
            raise ValueError("not booleans")
        return pa.array(series.astype("boolean"), from_pandas=True)
    if pa.types.is_date(target):
        dates = pd.to_datetime(series, errors="raise")
        if getattr(dates.dtype, "tz", None) is not None:
            dates = dates.dt.tz_localize(None)
        return pa.array(dates.dt.floor("D"), from_pandas=True).cast(target)
    if pa.types.is_timestamp(target):
        dates = pd.to_datetime(series, errors="raise")
        zoned = getattr(dates.dtype, "tz", None) is not None
        if target.tz and not zoned:
            dates = dates.dt.tz_localize("UTC")
        elif zoned and not target.tz:
            dates = dates.dt.tz_localize(None)
        return pa.array(dates, from_pandas=True).cast(target)
    if pa.types.is_string(target) or pa.types.is_large_string(target):
        text = series.map(lambda v: v if is_missing(v) else _as_text(v))
        return pa.array(text, type=pa.string(), from_pandas=True).cast(target)
    return pa.array(series, from_pandas=True).cast(target)


def _as_text(value: Any) -> str:
    # A whole float handed back for a text column of numbers ("12") is written without ".0".
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True, eq=False)
class ExtractShape:
    """A batch postprocess that gives sampled rows the input's types and formats.

    For extracts written straight from a model to Parquet (sharded, on Dask): each batch gets
    the real table's types (:func:`conform`) and is rendered like the input
    (:func:`render_typed`), after ``inner`` (e.g. the redraw of fake personal values). It
    pickles, so Dask workers apply it too.
    """

    schema: pa.Schema
    table: TableFormat
    inner: Callable[[pd.DataFrame, int], pd.DataFrame] | None = None

    def starting_at(self, row: int) -> ExtractShape:
        """This shape for rows drawn from ``row`` on (see ``RedrawRealPii.starting_at``)."""
        inner = self.inner
        if hasattr(inner, "starting_at"):
            inner = inner.starting_at(row)
        return replace(self, inner=inner)

    def __call__(self, batch: pd.DataFrame, seed: int) -> pd.DataFrame:
        if self.inner is not None:
            batch = self.inner(batch, seed)
        return render_typed(to_frame(conform(batch, self.schema)), self.table)
