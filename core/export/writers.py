"""Export formats as a registry: each knows its extension, MIME type and writer.

Every writer takes the input file's :class:`core.data.formats.TableFormat`, so an extract reads like
the file it came from (spellings, dates, decimals, missing markers). CSV and Excel go through
:mod:`core.export.safe_cells`, so text a spreadsheet would run as a formula comes out inert.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.data.formats import TableFormat, render_typed
from core.errors import UnsupportedFormatError
from core.export.safe_cells import safe_csv_bytes, safe_excel_bytes
from core.synth.parquet import write_parquet

Write = Callable[[pd.DataFrame, io.BufferedIOBase, TableFormat], None]


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str
    extension: str
    mime: str
    write: Write


def _csv(df: pd.DataFrame, out: io.BufferedIOBase, table: TableFormat) -> None:
    out.write(safe_csv_bytes(df, table=table))


def _excel(df: pd.DataFrame, out: io.BufferedIOBase, table: TableFormat) -> None:
    out.write(safe_excel_bytes(render_typed(df, table)))


def _parquet(df: pd.DataFrame, out: io.BufferedIOBase, table: TableFormat) -> None:
    render_typed(df, table).to_parquet(out, index=False)


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in [
        ExportFormat("csv", "CSV", ".csv", "text/csv", _csv),
        ExportFormat("parquet", "Parquet", ".parquet", "application/vnd.apache.parquet", _parquet),
        ExportFormat(
            "xlsx",
            "Excel",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _excel,
        ),
    ]
}


def format_for_path(path: Path | str) -> ExportFormat:
    """The export format named by a file's extension."""
    suffix = Path(path).suffix.lower()
    for fmt in EXPORT_FORMATS.values():
        if fmt.extension == suffix:
            return fmt
    known = ", ".join(f.extension for f in EXPORT_FORMATS.values())
    raise UnsupportedFormatError(f"Cannot write '{Path(path).name}': use one of {known}.")


def export_bytes(
    df: pd.DataFrame | Iterable[pd.DataFrame], key: str, table: TableFormat | None = None
) -> bytes:
    """The table (or its batches, one held at a time) in format ``key``, for a download.

    ``table`` is how the input file writes its columns (:attr:`DatasetInfo.formats`); without
    it, each column is written in the usual way for its type.
    """
    buffer = io.BytesIO()
    batches = [df] if isinstance(df, pd.DataFrame) else df
    _write_batches(batches, EXPORT_FORMATS[key], buffer, table or TableFormat(columns={}))
    return buffer.getvalue()


def write_table(df: pd.DataFrame, path: Path | str, table: TableFormat | None = None) -> Path:
    """Write the table to ``path`` in the format its extension names, atomically."""
    return write_batches([df], path, table)


def write_batches(
    batches: Iterable[pd.DataFrame], path: Path | str, table: TableFormat | None = None
) -> Path:
    """Write a table that arrives in batches (of one schema) to ``path``, atomically.

    CSV and Parquet are written batch by batch, so only one batch is held; an Excel workbook
    is one zipped file, built from all of them at once (Excel holds about a million rows).
    The file appears only when complete: it is written as ``PATH.partial`` and renamed.
    """
    path = Path(path)
    fmt = format_for_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as handle:
            _write_batches(batches, fmt, handle, table or TableFormat(columns={}))
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def _write_batches(
    batches: Iterable[pd.DataFrame],
    fmt: ExportFormat,
    handle: io.BufferedIOBase,
    table: TableFormat,
) -> None:
    if fmt.key == "csv":
        for number, batch in enumerate(batches):
            handle.write(safe_csv_bytes(batch, header=number == 0, table=table))
    elif fmt.key == "parquet":
        write_parquet((render_typed(batch, table) for batch in batches), handle)
    else:
        fmt.write(pd.concat(list(batches), ignore_index=True), handle, table)
