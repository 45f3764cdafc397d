"""Give a freshly stored table the column types a user chose, inside the ingest transaction.

Column names are quoted identifiers and values travel as parameters: no text from the file or
the user is put into SQL. A value that does not fit the chosen type refuses the whole change
with one line, so no value is silently turned into a missing one.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from core.errors import InvalidParameterError
from core.workspace.records import quote_identifier

# Written ways of dates and times tried when text becomes a date (after ISO, which CAST reads).
DATE_FORMATS = (
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d-%m-%Y",
    "%Y%m%d",
    "%d %b %Y",
    "%b %d, %Y",
)
TIME_FORMATS = ("%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%Y/%m/%d %H:%M:%S")
_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")
_LABELS = {
    "VARCHAR": "text",
    "BIGINT": "whole numbers",
    "DOUBLE": "numbers",
    "BOOLEAN": "true / false values",
    "DATE": "dates",
    "TIMESTAMP": "dates and times",
}


def force_types(cur: duckdb.DuckDBPyConnection, table: str, forced: Mapping[str, str]) -> None:
    """Change each named column of ``table`` to its DuckDB type in ``forced``.

    Raises:
        InvalidParameterError: a column is not in the table, or some of its values do not fit
            the type (how many, and the first row that does not).
    """
    if not forced:
        return
    current = {row[0]: row[1] for row in cur.execute(f"DESCRIBE {table}").fetchall()}
    for column, target in forced.items():
        if column not in current:
            raise InvalidParameterError(
                f"There is no column '{column}' to read as {_LABELS.get(target, target)}."
            )
        if current[column] == target:
            continue
        name = quote_identifier(column)
        expression = _converted(name, current[column], target)
        misfits, first = cur.execute(
            f"SELECT count(*) FILTER (WHERE {name} IS NOT NULL AND ({expression}) IS NULL), "
            f"min(rowid) FILTER (WHERE {name} IS NOT NULL AND ({expression}) IS NULL) "
            f"FROM {table}"
        ).fetchall()[0]
        if misfits:
            raise InvalidParameterError(
                f"Column '{column}' cannot be read as {_LABELS.get(target, target)}: "
                f"{misfits:,} value(s) do not fit, the first in data row {first + 1:,}."
            )
        cur.execute(f"ALTER TABLE {table} ALTER {name} SET DATA TYPE {target} USING {expression}")


def _converted(name: str, source: str, target: str) -> str:
    """SQL giving the column's value in ``target``, or NULL where it does not fit."""
    text = f"trim(CAST({name} AS VARCHAR))"
    if target == "VARCHAR":
        return f"CAST({name} AS VARCHAR)"
    if target == "BIGINT":
        if source in ("DOUBLE", "FLOAT") or source.startswith("DECIMAL"):
            return f"CASE WHEN {name} = round({name}) THEN TRY_CAST({name} AS BIGINT) END"
        return f"TRY_CAST({text} AS BIGINT)"
    if target == "DOUBLE":
        return f"TRY_CAST({text} AS DOUBLE)"
    if target == "BOOLEAN":
        truths = ", ".join(f"'{v}'" for v in _TRUE)
        falsities = ", ".join(f"'{v}'" for v in _FALSE)
        return (
            f"CASE WHEN lower({text}) IN ({truths}) THEN true "
            f"WHEN lower({text}) IN ({falsities}) THEN false END"
        )
    if target in ("DATE", "TIMESTAMP"):
        formats = ", ".join(f"'{f}'" for f in (*TIME_FORMATS, *DATE_FORMATS))
        return (
            f"COALESCE(TRY_CAST({text} AS {target}), "
            f"CAST(try_strptime({text}, [{formats}]) AS {target}))"
        )
    return f"TRY_CAST({name} AS {target})"


def null_markers(cur: duckdb.DuckDBPyConnection, table: str, markers: tuple[str, ...]) -> None:
    """Set the text cells of ``table`` that hold a missing-value marker to missing."""
    if not markers:
        return
    placeholders = ", ".join("?" for _ in markers)
    for column, duck_type, *_ in cur.execute(f"DESCRIBE {table}").fetchall():
        if duck_type == "VARCHAR":
            name = quote_identifier(column)
            cur.execute(
                f"UPDATE {table} SET {name} = NULL WHERE {name} IN ({placeholders})",
                list(markers),
            )
