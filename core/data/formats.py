"""How an uploaded file writes each column, so every extract is written the same way.

At ingest the studio records, per column: its kind (text, integer, decimal, boolean, date,
datetime), the spellings of true and false (``yes``/``no``), the date or time pattern and zone
(``2012/01/31``, ``31.01.2012 14:05``, ``...Z``), the decimal places (``10.00`` stays two
places), and the marker of a missing value (``NA``); for the file, its delimiter and decimal
separator. The extract's rows are stored with the real table's types (:func:`conform`), and
:func:`render_text` / :func:`render_typed` write them back in the recorded way, so an analyst
opening the extract beside the input sees the same spellings, formats and dates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from core.data.datetimes import (
    ISO_DATE,
    ISO_DATETIME,
    format_datetimes,
    infer_datetime_format,
    zone_info,
)
from core.errors import InvalidParameterError

Kind = Literal["text", "integer", "decimal", "boolean", "date", "datetime", "other"]

# Read as missing unless the user says otherwise: pandas' markers plus a lone dash.
DEFAULT_MISSING: tuple[str, ...] = (
    "",
    "NA",
    "N/A",
    "n/a",
    "NULL",
    "null",
    "NaN",
    "nan",
    "None",
    "-",
    "#N/A",
)
# Types a user may force on a column before the data lands, as DuckDB types.
TYPE_CHOICES: dict[str, str | None] = {
    "auto": None,
    "text": "VARCHAR",
    "integer": "BIGINT",
    "decimal": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
}
_MAX_PLACES = 10
# Rounding to this many decimals or more can move a double by its last digit: not done.
_EXACT_PLACES = 15
_INTEGER = re.compile(r"^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?)$")


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file: its missing-value markers and the types forced on columns."""

    missing: tuple[str, ...] = DEFAULT_MISSING
    types: Mapping[str, str] = field(default_factory=dict)  # column -> a TYPE_CHOICES key

    def __post_init__(self) -> None:
        unknown = {t for t in self.types.values() if t not in TYPE_CHOICES}
        if unknown:
            raise InvalidParameterError(
                f"Unknown column type {', '.join(sorted(unknown))}; use one of: "
                f"{', '.join(TYPE_CHOICES)}."
            )

    @property
    def forced(self) -> dict[str, str]:
        """Columns given a type other than ``auto``, as DuckDB types."""
        return {c: TYPE_CHOICES[t] for c, t in self.types.items() if TYPE_CHOICES[t]}


def parse_markers(text: str) -> tuple[str, ...]:
    """Markers typed as ``NA, N/A, -``; an empty field (``,,``) is the empty string."""
    parts = [part.strip() for part in text.split(",")]
    return tuple(dict.fromkeys(parts if text.strip() else []))


@dataclass(frozen=True)
class ColumnFormat:
    """How one column is written in the input file."""

    kind: Kind = "text"
    true_text: str = "True"
    false_text: str = "False"
    datetime_format: str | None = None
    zone: str | None = None  # "UTC" or a fixed offset such as "+02:00" for zoned times
    places: int | None = None  # most decimals written; None: as many as the value needs
    fixed_places: bool = False  # every value written with exactly ``places`` decimals
    min_places: int = 0  # fewest decimals written (pandas writes 14.0 for fourteen)
    missing: str = ""

    @property
    def spelled_booleans(self) -> bool:
        """Whether true and false are written other than as True / False (e.g. yes / no)."""
        return (self.true_text.lower(), self.false_text.lower()) != ("true", "false")


@dataclass(frozen=True)
class TableFormat:
    """How the input file writes its columns (in file order), and its separators."""

    columns: dict[str, ColumnFormat]
    delimiter: str = ","
    decimal: str = "."

    def column(self, name: str, series: pd.Series | None = None) -> ColumnFormat:
        """The recorded format of ``name``, or one guessed from ``series``'s type."""
        if name in self.columns:
            return self.columns[name]
        return ColumnFormat(kind=kind_of_dtype(series)) if series is not None else ColumnFormat()

    def to_dict(self) -> dict[str, Any]:
        return {
            "delimiter": self.delimiter,
            "decimal": self.decimal,
            "columns": {name: asdict(fmt) for name, fmt in self.columns.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> TableFormat:
        """The format stored with a dataset; an empty one (types guessed) for older datasets."""
        if not data:
            return cls(columns={})
        columns = {name: ColumnFormat(**fmt) for name, fmt in data.get("columns", {}).items()}
        return cls(columns=columns, delimiter=data["delimiter"], decimal=data["decimal"])


def kind_of(duckdb_type: str) -> Kind:
    """The kind of a DuckDB column type."""
    upper = duckdb_type.upper()
    if upper == "BOOLEAN":
        return "boolean"
    if _INTEGER.match(upper):
        return "integer"
    if upper in ("FLOAT", "DOUBLE", "REAL") or upper.startswith("DECIMAL"):
        return "decimal"
    if upper == "DATE":
        return "date"
    if upper.startswith("TIMESTAMP"):
        return "datetime"
    if upper == "VARCHAR":
        return "text"
    return "other"


def infer_format(
    *,
    types: Mapping[str, str],
    typed: pd.DataFrame,
    raw: pd.DataFrame | None = None,
    missing: tuple[str, ...] = (),
    delimiter: str = ",",
    decimal: str = ".",
) -> TableFormat:
    """Record how a file writes each column.

    Args:
        types: DuckDB type of each column, in file order.
        typed: The first rows of the stored table.
        raw: The same rows as the file's text (None for typed formats: Parquet, JSON, Excel).
        missing: The markers read as missing.
        delimiter: The file's delimiter.
        decimal: Its decimal separator.
    """
    markers = _missing_markers(typed, raw, missing)
    table_marker = _most_common(m for found in markers.values() for m in found) or ""
    columns = {}
    for name, duck_type in types.items():
        kind = kind_of(duck_type)
        values = typed[name] if name in typed else pd.Series(dtype=object)
        text = raw[name] if raw is not None and name in raw else None
        marker = _most_common(markers.get(name, []))
        columns[name] = _column_format(
            kind, values, text, missing=table_marker if marker is None else marker
        )
    return TableFormat(columns=columns, delimiter=delimiter, decimal=decimal)


def _column_format(
    kind: Kind, values: pd.Series, text: pd.Series | None, *, missing: str
) -> ColumnFormat:
    if kind == "boolean":
        true_text, false_text = "True", "False"
        if text is not None:
            flags = values.astype("boolean")
            true_text = _most_common(text[flags.fillna(False).astype(bool)]) or true_text
            false_text = _most_common(text[(~flags).fillna(False).astype(bool)]) or false_text
        return ColumnFormat(kind, true_text=true_text, false_text=false_text, missing=missing)
    if kind in ("date", "datetime"):
        return _date_format(kind, values, text, missing=missing)
    if kind == "decimal":
        places, least = _places(values, text)
        return ColumnFormat(
            kind,
            places=places,
            fixed_places=places is not None and places == least and places > 0,
            min_places=least,
            missing=missing,
        )
    return ColumnFormat(kind, missing=missing)


def _date_format(
    kind: Kind, values: pd.Series, text: pd.Series | None, *, missing: str
) -> ColumnFormat:
    dates = pd.to_datetime(values, errors="coerce")
    zoned = getattr(dates.dtype, "tz", None) is not None
    found = None
    if text is not None:
        found = infer_datetime_format(text, dates, with_time=kind == "datetime")
    if found is None:
        fmt = ISO_DATE if kind == "date" else ISO_DATETIME
        if kind == "datetime" and (dates.dt.microsecond.fillna(0) != 0).any():
            fmt += ".%f"
        if zoned:
            fmt += "%:z"
        found = (fmt, "UTC" if zoned else None)
    fmt, zone = found
    return ColumnFormat(kind, datetime_format=fmt, zone=zone, missing=missing)


def _places(values: pd.Series, text: pd.Series | None) -> tuple[int | None, int]:
    """Most and fewest decimals a number column is written with (``10.00``: 2 and 2)."""
    if text is not None:
        written = text.dropna().astype(str).str.strip()
        written = written[written.str.fullmatch(r"[+-]?\d*[.,]\d+|[+-]?\d+")]
        if len(written):
            counts = written.str.extract(r"[.,](\d+)$", expand=False).str.len().fillna(0)
            return int(counts.max()), int(counts.min())
    numbers = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    numbers = numbers[np.isfinite(numbers)]
    for places in range(_MAX_PLACES + 1):
        if np.allclose(np.round(numbers, places), numbers, rtol=0, atol=1e-12):
            return places, 0
    return None, 0


def _missing_markers(
    typed: pd.DataFrame, raw: pd.DataFrame | None, missing: tuple[str, ...]
) -> dict[str, list[str]]:
    """For each column, the markers its missing values were written with."""
    if raw is None:
        return {}
    found = {}
    for name in typed.columns:
        if name not in raw:
            continue
        rows = min(len(typed), len(raw))
        blank = typed[name].isna().to_numpy()[:rows]
        text = raw[name].to_numpy(dtype=object)[:rows][blank]
        written = ["" if is_missing(v) else str(v) for v in text]
        found[name] = [w for w in written if w in missing or w.strip() == ""]
    return found


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _most_common(values: Any) -> str | None:
    series = pd.Series(list(values), dtype=object)
    if series.empty:
        return None
    return str(series.value_counts().index[0])


def kind_of_dtype(series: pd.Series | None) -> Kind:
    """The kind of a pandas column (text when there is none)."""
    if series is None:
        return "text"
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "decimal"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    return "text"


# --- writing -------------------------------------------------------------------------------


def render_text(frame: pd.DataFrame, table: TableFormat) -> pd.DataFrame:
    """Every value as the input file wrote it (text), missing values as its marker.

    Text columns are passed through: escape them (formula safety) before calling this.
    """
    out = {}
    for name in frame.columns:
        fmt = table.column(name, frame[name])
        series = frame[name]
        present = series.notna()
        written = _text_of(series[present], fmt, table.decimal)
        column = pd.Series(fmt.missing, index=frame.index, dtype=object)
        column[present] = written.to_numpy(dtype=object)
        out[name] = column
    return pd.DataFrame(out, index=frame.index)


def _text_of(values: pd.Series, fmt: ColumnFormat, decimal: str) -> pd.Series:
    if values.empty:
        return values.astype(object)
    if fmt.kind == "boolean" and (pd.api.types.is_bool_dtype(values.dtype) or all_bool(values)):
        return values.map(lambda v: fmt.true_text if bool(v) else fmt.false_text)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return format_datetimes(values, fmt.datetime_format or _usual_format(values), fmt.zone)
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.astype("int64").astype(str)  # exactly, beyond 2**53 too
    if fmt.kind == "integer" and pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("float64").round().astype("int64").astype(str)
    if fmt.kind == "decimal" and pd.api.types.is_numeric_dtype(values.dtype):
        text = _decimals(values.astype("float64"), fmt)
        return text.str.replace(".", decimal, regex=False) if decimal != "." else text
    return values.astype(str)


def _usual_format(values: pd.Series) -> str:
    """ISO dates, with a time only where some value has one (as pandas writes them)."""
    if (values.dt.normalize() == values).all():
        return ISO_DATE
    return ISO_DATETIME + (".%f" if (values.dt.microsecond != 0).any() else "")


def _decimals(values: pd.Series, fmt: ColumnFormat) -> pd.Series:
    if fmt.places is not None and fmt.fixed_places:
        return pd.Series(np.char.mod(f"%.{fmt.places}f", values.to_numpy()), index=values.index)
    if fmt.places is not None and fmt.places < _EXACT_PLACES:
        values = values.round(fmt.places)
    # The shortest text that reads back as the same number (12.80 -> "12.8"), with at least
    # the fewest decimals the input wrote (14 -> "14.0" where it wrote 14.0).
    least = fmt.min_places
    return values.map(
        lambda v: np.format_float_positional(v, min_digits=least, trim="-" if not least else "k")
    )


def all_bool(values: pd.Series) -> bool:
    return values.dtype == object and values.map(lambda v: isinstance(v, bool | np.bool_)).all()


def render_typed(frame: pd.DataFrame, table: TableFormat) -> pd.DataFrame:
    """Values as typed cells (Parquet, Excel) that read like the input.

    Dates without a time become dates, zoned times are shown in the input's zone, decimals
    are rounded to the input's places, and booleans spelled other than true / false (``yes``,
    ``Y``) stay those words.
    """
    out = frame.copy(deep=False)
    for name in frame.columns:
        fmt = table.column(name, frame[name])
        series = frame[name]
        if fmt.kind == "boolean" and fmt.spelled_booleans:
            out[name] = render_text(frame[[name]], table)[name].where(series.notna(), None)
        elif fmt.kind == "date" and pd.api.types.is_datetime64_any_dtype(series.dtype):
            out[name] = series.dt.date.where(series.notna(), None)
        elif fmt.kind == "datetime" and fmt.zone and getattr(series.dtype, "tz", None):
            out[name] = series.dt.tz_convert(zone_info(fmt.zone))
        elif fmt.kind == "decimal" and fmt.places is not None:
            out[name] = pd.to_numeric(series, errors="coerce").round(fmt.places)
    return out
