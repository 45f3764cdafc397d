"""CSV and Excel exports that a spreadsheet cannot run as formulas.

A text cell such as ``=HYPERLINK("http://x","y")`` or ``@SUM(A1)`` becomes a live formula
when a CSV is opened in a spreadsheet (CSV injection, OWASP). Text that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return, and is not a plain number, is written with a
leading single quote ``'``, which spreadsheets show as text. Numbers stay numbers, negative
ones included; column names are escaped the same way. The Excel writer also stores every
text cell with the string data type, so no value is ever written as a formula.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell

from core.data.formats import TableFormat, render_text

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
SHEET_TITLE = "data"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def escape_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if not isinstance(value, str) or not value.startswith(TRIGGERS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return ESCAPE + value


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell and column name passed through :func:`escape_cell`.

    Number, boolean and date columns are returned unchanged.
    """
    escaped = df.copy()
    escaped.columns = [escape_cell(str(c)) if isinstance(c, str) else c for c in df.columns]
    for position in range(df.shape[1]):
        series = df.iloc[:, position]
        if _is_texty(series):
            escaped.isetitem(position, series.astype(object).map(escape_cell))
    return escaped


def safe_csv_bytes(
    df: pd.DataFrame, *, header: bool = True, table: TableFormat | None = None
) -> bytes:
    """The table as UTF-8 CSV with CRLF line ends (RFC 4180), formula-like text escaped.

    Values are written the way ``table`` (the input file's formats) says: true / false
    spellings, date patterns, decimal places and separator, missing-value markers; without it,
    in the usual way for each type. The delimiter is the input's unless that was a tab (the
    extract is a .csv) or a comma beside decimal commas (then ``;``, as spreadsheets expect).
    With CRLF line ends every cell holding a carriage return or a newline is quoted; with a
    bare newline a lone carriage return would end the row early in most readers. Without
    ``header`` the rows continue a file already begun.
    """
    table = table or TableFormat(columns={})
    escaped = df.copy(deep=False)
    for position in range(df.shape[1]):
        series = df.iloc[:, position]
        if _is_texty(series):
            escaped.isetitem(position, series.astype(object).map(escape_cell))
    text = render_text(escaped, table)
    text.columns = [escape_cell(str(c)) if isinstance(c, str) else c for c in df.columns]
    delimiter = table.delimiter if table.delimiter in (",", ";", "|") else ","
    if table.decimal == "," and delimiter == ",":
        delimiter = ";"
    written = text.to_csv(index=False, header=header, sep=delimiter, lineterminator="\r\n")
    return written.encode("utf-8")


def safe_excel_bytes(df: pd.DataFrame) -> bytes:
    """The table as an .xlsx workbook, formula-like text escaped and every text cell a string.

    Characters Excel cannot store (control characters other than tab, newline and carriage
    return) are removed; time zones are dropped from dates, which Excel cannot hold. A
    carriage return reads back as a newline, as XML normalises line ends.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append([_cell(sheet, str(c)) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet: Any, value: Any) -> WriteOnlyCell:
    value = _excel_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store text starting with "=" as "f"
    return cell


def _excel_value(value: Any) -> Any:
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value
    text = value if isinstance(value, str) else str(value)
    # Strip first: removing a control character could otherwise uncover a leading "=".
    return escape_cell(ILLEGAL_CHARACTERS_RE.sub("", text))


def _is_texty(series: pd.Series) -> bool:
    return not (
        pd.api.types.is_numeric_dtype(series)
        or pd.api.types.is_bool_dtype(series)
        or pd.api.types.is_datetime64_any_dtype(series)
        or isinstance(series.dtype, pd.PeriodDtype)
    )
