"""Export formats as a registry: each knows its extension, MIME type and writer.

CSV and Excel go through :mod:`core.safe_export`, so text a spreadsheet would run as a
formula comes out inert.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.errors import UnsupportedFormatError
from core.safe_export import safe_csv_bytes, safe_excel_bytes


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str
    extension: str
    mime: str
    write: Callable[[pd.DataFrame, io.BufferedIOBase], None]


def _csv(df: pd.DataFrame, out: io.BufferedIOBase) -> None:
    out.write(safe_csv_bytes(df))


def _excel(df: pd.DataFrame, out: io.BufferedIOBase) -> None:
    out.write(safe_excel_bytes(df))


def _parquet(df: pd.DataFrame, out: io.BufferedIOBase) -> None:
    df.to_parquet(out, index=False)


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


def export_bytes(df: pd.DataFrame, key: str) -> bytes:
    """The table encoded in format ``key``, ready for a download button."""
    buffer = io.BytesIO()
    EXPORT_FORMATS[key].write(df, buffer)
    return buffer.getvalue()


def write_table(df: pd.DataFrame, path: Path | str) -> Path:
    """Write the table to ``path`` in the format its extension names, atomically."""
    path = Path(path)
    fmt = format_for_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as handle:
        fmt.write(df, handle)
    partial.replace(path)
    return path
