"""Query parity: one read-only SQL query run on the real and on the synthetic table.

The query names the table ``data``, e.g. ``SELECT day, avg(tip) FROM data GROUP BY day``; it
runs once per side, each time on its own locked-down connection that holds only that side's
table as ``data`` (:mod:`core.data.sql_guard`: one SELECT only, no files, network or
extensions, capped in rows and in time). The two answers are compared by
:mod:`core.data.sql_compare`, counts and sums per row of each table.

Direct identifiers (names, emails... see :mod:`core.data.personal`) are not in either table: a query
cannot show a real one, and one that names such a column gets a one-line message saying so.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pandas as pd

from core.data.sql_compare import compare_results, is_number_column, listed, sized_columns
from core.data.sql_guard import TABLE, parse_select, run_locked
from core.errors import InvalidParameterError
from core.workspace.records import quote_identifier

MAX_ROWS = 1000
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class ParityResult:
    """The same query's answer on both tables and how they differ.

    Attributes:
        real: The query's result on the real table (at most ``max_rows`` rows).
        synthetic: The query's result on the synthetic table (at most ``max_rows`` rows).
        truncated: True when either result had more than ``max_rows`` rows and was cut.
        difference: One row per key (or per row position) with, for every numeric column,
            the real and synthetic values, synthetic − real (``" diff"``) and that difference
            relative to ``|real|`` (``" rel diff"``, a fraction); the ``"present in"`` column
            flags keys found in only one result. A column in ``scaled`` also has the synthetic
            values scaled to the real table's rows (``" synthetic scaled"``), and its
            differences are taken from those. None when the results cannot be aligned
            (different columns, or keys that repeat); ``summary`` then says why.
        summary: One line describing the comparison.
        scaled: The result columns that are counts or sums of ``data``, compared per row of
            each table.
        scale: Real rows over synthetic rows: what a scaled column's synthetic values are
            multiplied by.
    """

    real: pd.DataFrame
    synthetic: pd.DataFrame
    truncated: bool
    difference: pd.DataFrame | None
    summary: str
    scaled: tuple[str, ...] = ()
    scale: float = 1.0


def run_parity(
    *,
    query: str,
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    max_rows: int = MAX_ROWS,
    timeout_seconds: float = TIMEOUT_SECONDS,
    hidden: Iterable[str] = (),
) -> ParityResult:
    """Run one read-only SELECT on the real and on the synthetic table and compare the answers.

    Args:
        query: A single SELECT (or WITH ... SELECT, FROM ..., VALUES) that reads the table
            ``data``, e.g. ``SELECT day, avg(tip) AS tip FROM data GROUP BY day``.
        real: The real table.
        synthetic: The synthetic table.
        max_rows: Most rows kept from each result; more than that sets ``truncated``.
        timeout_seconds: Time budget for both runs together; the query is stopped after it.
        hidden: Columns left out of both tables: the direct identifiers, whose real values
            no query may show (their synthetic values are fakes, so there is nothing to
            compare either).

    Returns:
        Both results, whether they were cut, their difference and a one-line summary.

    Raises:
        InvalidParameterError: The query is not one SELECT, fails in DuckDB, reaches outside
            its table, names a hidden column, or runs past the time budget; the message is
            one line.
    """
    if max_rows < 1:
        raise InvalidParameterError(f"max_rows must be at least 1, not {max_rows}.")
    if timeout_seconds <= 0:
        raise InvalidParameterError(f"timeout_seconds must be positive, not {timeout_seconds}.")
    statement = parse_select(query)
    hidden = [str(c) for c in hidden]
    real = real.drop(columns=[c for c in hidden if c in real.columns])
    synthetic = synthetic.drop(columns=[c for c in hidden if c in synthetic.columns])
    deadline = time.monotonic() + timeout_seconds
    try:
        real_result = run_locked(statement, real, max_rows, deadline, timeout_seconds)
        synth_result = run_locked(statement, synthetic, max_rows, deadline, timeout_seconds)
    except InvalidParameterError as err:
        raise _hidden_error(err, hidden) from err
    truncated = len(real_result) > max_rows or len(synth_result) > max_rows
    real_result, synth_result = real_result.head(max_rows), synth_result.head(max_rows)
    scale = len(real) / len(synthetic) if len(synthetic) else 1.0
    scaled = sized_columns(statement, list(real_result.columns)) if len(synthetic) else ()
    difference, comparison = compare_results(real_result, synth_result, scaled=scaled, scale=scale)
    counts = f"Real: {_rows(len(real_result))}, synthetic: {_rows(len(synth_result))}"
    if truncated:
        counts += f" (each cut to the first {max_rows:,})"
    summary = f"{counts}; {comparison}"
    if difference is not None and scaled:
        summary += (
            f" Counts and sums ({listed(list(scaled))}) are compared per row of each table: "
            f"synthetic values scaled by {len(real):,}/{len(synthetic):,} real/synthetic rows."
        )
    return ParityResult(
        real=real_result,
        synthetic=synth_result,
        truncated=truncated,
        difference=difference,
        summary=summary,
        scaled=scaled if difference is not None else (),
        scale=scale,
    )


def example_query(frame: pd.DataFrame, max_categories: int = 50) -> str:
    """A useful first query for a table: shares and averages by its first categorical column.

    Shares rather than counts, because the synthetic table rarely has as many rows as the real.

    Args:
        frame: The table the query will run on (only its columns and types are used).
        max_categories: A text column with more distinct values than this is not grouped on.

    Returns:
        SQL text reading ``data``.
    """
    numeric = [c for c in frame.columns if is_number_column(frame[c])][:3]
    category = next(
        (
            c
            for c in frame.columns
            if not is_number_column(frame[c]) and frame[c].nunique() <= max_categories
        ),
        None,
    )
    items = [f"avg({_name(c)}) AS {_name(f'avg_{c}')}" for c in numeric]
    if category is None:
        return _select(items or ["count(*) AS n"])
    key = _name(category)
    items = [key, "count(*) / sum(count(*)) OVER () AS share", *items]
    return _select(items) + f"\nGROUP BY {key}\nORDER BY {key}"


def _hidden_error(err: InvalidParameterError, hidden: list[str]) -> InvalidParameterError:
    """A query that failed on a hidden column gets a message saying why it is hidden."""
    missing = re.search(r'Referenced column "([^"]+)" not found', str(err))
    named = missing.group(1).casefold() if missing else None
    for column in hidden:
        if named == column.casefold():
            return InvalidParameterError(
                f"Column '{column}' is a direct identifier (personal data): SQL never shows "
                "it, on either side; query the other columns."
            )
    return err


def _select(items: list[str]) -> str:
    return "SELECT " + ",\n       ".join(items) + f"\nFROM {TABLE}"


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def _name(column: object) -> str:
    """A column name as SQL: bare when that is safe, quoted otherwise."""
    text = str(column)
    if re.fullmatch(r"[a-z_][a-z0-9_]*", text) and text not in _keywords():
        return text
    return quote_identifier(text)


@functools.cache
def _keywords() -> frozenset[str]:
    # DuckDB's own keyword list (fixed for the process), so a column named "group" gets quoted.
    con = duckdb.connect()
    try:
        rows = con.execute("SELECT keyword_name FROM duckdb_keywords()").fetchall()
    finally:
        con.close()
    return frozenset(row[0].lower() for row in rows)
