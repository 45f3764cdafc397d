"""Query parity: one read-only SQL query run on the real and on the synthetic table.

The query names the table ``data``, e.g. ``SELECT day, avg(tip) FROM data GROUP BY day``; it
runs once per side, each time on a fresh in-memory DuckDB connection that holds only that side's
table as ``data``. Only a single SELECT is accepted (checked by DuckDB's own parser), and before
the user's text runs each connection is locked down: no file system or network access (so
``read_csv('/etc/passwd')``, ``ATTACH``, httpfs are refused even inside a SELECT), no spilling
to disk, no extension installs or loads, no lookup of Python variables, and its configuration
locked so the query cannot undo any of it. Results are capped in rows and in time.

Direct identifiers (names, emails... see :mod:`core.data.personal`) are not in either table: a query
cannot show a real one, and one that names such a column gets a one-line message saying so.

Counts and sums grow with the table: 600 real rows against 500 synthetic ones would make every
``count(*)`` look 17% short. A result column that is a plain ``count``, ``count(*)`` or ``sum``
over ``data`` is compared per row of each table: its synthetic values are scaled by the real
table's rows over the synthetic table's (column ``"<name> synthetic scaled"``) before they are
subtracted, and the summary says so.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from core.errors import InvalidParameterError
from core.workspace.records import quote_identifier

TABLE = "data"
MAX_ROWS = 1000
TIMEOUT_SECONDS = 10.0
PRESENCE = "present in"
BOTH, REAL_ONLY, SYNTHETIC_ONLY = "both", "real only", "synthetic only"
ROW = "row #"  # the alignment key when a result has no non-numeric column
REAL_SUFFIX, SYNTHETIC_SUFFIX, DIFF_SUFFIX, REL_DIFF_SUFFIX = (
    " real",
    " synthetic",
    " diff",
    " rel diff",
)
SCALED_SUFFIX = " synthetic scaled"
# Aggregates that grow in proportion to the rows they read (DuckDB's parsed function names).
_SIZED_AGGREGATES = ("count", "count_star", "sum")

# Applied in this order before the user's query; the lock comes last so nothing can be undone.
_LOCKDOWN = [
    "SET temp_directory = ''",  # never spill to disk
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET python_enable_replacements = false",  # `FROM some_variable` must not see Python frames
    "SET enable_external_access = false",  # no files, URLs, ATTACH, INSTALL, LOAD, COPY
    "SET lock_configuration = true",
]
_LEADING_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*|/\*.*?\*/)*", re.DOTALL)
_HINTS = ("Did you mean", "Candidate bindings")


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
    statement = _parse(query)
    hidden = [str(c) for c in hidden]
    real = real.drop(columns=[c for c in hidden if c in real.columns])
    synthetic = synthetic.drop(columns=[c for c in hidden if c in synthetic.columns])
    deadline = time.monotonic() + timeout_seconds
    try:
        real_result = _run_one(statement, real, max_rows, deadline, timeout_seconds)
        synth_result = _run_one(statement, synthetic, max_rows, deadline, timeout_seconds)
    except InvalidParameterError as err:
        raise _hidden_error(err, hidden) from err
    truncated = len(real_result) > max_rows or len(synth_result) > max_rows
    real_result, synth_result = real_result.head(max_rows), synth_result.head(max_rows)
    scale = len(real) / len(synthetic) if len(synthetic) else 1.0
    scaled = _sized_columns(statement, list(real_result.columns)) if len(synthetic) else ()
    difference, comparison = _difference(real_result, synth_result, scaled=scaled, scale=scale)
    counts = f"Real: {_rows(len(real_result))}, synthetic: {_rows(len(synth_result))}"
    if truncated:
        counts += f" (each cut to the first {max_rows:,})"
    summary = f"{counts}; {comparison}"
    if difference is not None and scaled:
        summary += (
            f" Counts and sums ({_listed(list(scaled))}) are compared per row of each table: "
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
    numeric = [c for c in frame.columns if _is_number(frame[c])][:3]
    category = next(
        (
            c
            for c in frame.columns
            if not _is_number(frame[c]) and frame[c].nunique() <= max_categories
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


def _parse(query: str) -> str:
    """The text of the query's only statement, refused unless it is exactly one SELECT."""
    con = duckdb.connect()
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as err:
        raise InvalidParameterError(_one_line(err)) from err
    finally:
        con.close()
    if not statements:
        raise InvalidParameterError(f"Type a SELECT query that reads the table `{TABLE}`.")
    if len(statements) > 1:
        raise InvalidParameterError(
            f"Run one statement at a time: this text holds {len(statements)}."
        )
    statement = statements[0]
    if statement.type != duckdb.StatementType.SELECT:
        words = _LEADING_COMMENTS.sub("", statement.query).split()
        keyword = words[0].upper() if words else statement.type.name
        raise InvalidParameterError(
            f"Only a read-only SELECT can run here, not {keyword}; it reads the table `{TABLE}`."
        )
    return statement.query


def _run_one(
    statement: str, frame: pd.DataFrame, max_rows: int, deadline: float, timeout: float
) -> pd.DataFrame:
    """``statement`` on a private locked-down connection holding only ``frame`` as ``data``."""
    con = duckdb.connect()
    try:
        con.register("incoming", frame)
        con.execute(f"CREATE TABLE {TABLE} AS SELECT * FROM incoming")
        con.unregister("incoming")
        for setting in _LOCKDOWN:
            con.execute(setting)
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            con.interrupt()

        timer = threading.Timer(max(deadline - time.monotonic(), 0.0), stop)
        timer.daemon = True
        timer.start()
        try:
            # One row past the cap tells a cut result from one that fits exactly.
            return con.sql(statement).limit(max_rows + 1).df()
        except duckdb.Error as err:
            if timed_out.is_set():
                raise InvalidParameterError(
                    f"The query ran past {timeout:g} s and was stopped; filter, aggregate or "
                    "add a LIMIT."
                ) from err
            raise InvalidParameterError(_one_line(err)) from err
        finally:
            timer.cancel()
    finally:
        con.close()


def _sized_columns(statement: str, columns: list[str]) -> tuple[str, ...]:
    """The result columns that are a plain count or sum over ``data`` itself, in order.

    Read from DuckDB's own parse tree. Only a single SELECT straight from ``data`` qualifies
    (a count over a join, a subquery or a set operation need not grow with the table), and
    only an expression that is the aggregate itself (or a cast of it): a count divided by
    another is a share, and a distinct count does not grow in proportion.
    """
    con = duckdb.connect()
    try:
        row = con.execute("SELECT json_serialize_sql(?)", [statement]).fetchone()
    except duckdb.Error:
        return ()
    finally:
        con.close()
    tree = json.loads(row[0]) if row else {}
    if tree.get("error") or len(tree.get("statements", [])) != 1:
        return ()
    node = tree["statements"][0].get("node", {})
    source = node.get("from_table", {})
    if node.get("type") != "SELECT_NODE" or source.get("type") != "BASE_TABLE":
        return ()
    if str(source.get("table_name", "")).lower() != TABLE:
        return ()
    select = node.get("select_list", [])
    if len(select) != len(columns) or any(e.get("class") == "STAR" for e in select):
        return ()
    return tuple(c for c, e in zip(columns, select, strict=True) if _grows_with_rows(e))


def _grows_with_rows(expression: dict) -> bool:
    if expression.get("class") == "CAST":
        return _grows_with_rows(expression.get("child", {}))
    return (
        expression.get("class") == "FUNCTION"
        and expression.get("function_name") in _SIZED_AGGREGATES
        and not expression.get("distinct")
    )


def _difference(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    scaled: tuple[str, ...] = (),
    scale: float = 1.0,
) -> tuple[pd.DataFrame | None, str]:
    """Align the two results and subtract their numeric columns; None with a reason if not.

    Columns in ``scaled`` are compared on the synthetic values times ``scale``.
    """
    columns = list(real.columns)
    if columns != list(synthetic.columns):
        return None, "the results have different columns, so they are not compared."
    if len(set(columns)) != len(columns):
        return None, "the result repeats a column name; alias each column to compare."
    numeric = [c for c in columns if _is_number(real[c]) and _is_number(synthetic[c])]
    keys = [c for c in columns if c not in numeric]
    real, synthetic = real.copy(), synthetic.copy()
    if not keys:
        keys = [ROW]
        real[ROW] = range(1, len(real) + 1)
        synthetic[ROW] = range(1, len(synthetic) + 1)
    elif real[keys].duplicated().any() or synthetic[keys].duplicated().any():
        return None, (
            f"rows repeat on {_listed(keys)}, so they cannot be paired; GROUP BY them to compare."
        )
    for key in keys:  # a key typed differently on each side still pairs on equal values
        if real[key].dtype != synthetic[key].dtype:
            real[key], synthetic[key] = real[key].astype(object), synthetic[key].astype(object)
    real["_order_real"] = range(len(real))
    synthetic["_order_synthetic"] = range(len(synthetic))
    merged = real.merge(
        synthetic,
        on=keys,
        how="outer",
        suffixes=(REAL_SUFFIX, SYNTHETIC_SUFFIX),
        indicator=True,
    )
    # Keep the query's own order: real rows first, then the groups only synthetic has.
    merged = merged.sort_values(["_order_real", "_order_synthetic"], na_position="last")
    presence = merged["_merge"].map(
        {"both": BOTH, "left_only": REAL_ONLY, "right_only": SYNTHETIC_ONLY}
    )
    out = merged[keys].copy()
    out[PRESENCE] = presence.astype(str)
    largest: tuple[float, str] | None = None
    for column in numeric:
        before = merged[column + REAL_SUFFIX].astype(float)
        after = merged[column + SYNTHETIC_SUFFIX].astype(float)
        out[column + REAL_SUFFIX] = before
        out[column + SYNTHETIC_SUFFIX] = after
        if column in scaled:
            after = after * scale
            out[column + SCALED_SUFFIX] = after
        # A scaled value can miss its real twin by a rounding error: that is no difference.
        diff = (after - before).mask(np.isclose(after, before, rtol=1e-12, atol=0.0), 0.0)
        relative = (diff / before.abs().where(before != 0)).mask(diff == 0, 0.0)
        out[column + DIFF_SUFFIX] = diff
        out[column + REL_DIFF_SUFFIX] = relative
        if relative.abs().max() > (largest[0] if largest else 0):
            largest = (float(relative.abs().max()), column)
    out = out.reset_index(drop=True)
    counts = out[PRESENCE].value_counts()
    paired = "row position" if keys == [ROW] else _listed(keys)
    text = (
        f"paired on {paired}: {counts.get(BOTH, 0):,} in both, "
        f"{counts.get(REAL_ONLY, 0):,} only in real, "
        f"{counts.get(SYNTHETIC_ONLY, 0):,} only in synthetic"
    )
    if largest is not None:
        text += f"; largest relative difference {largest[0]:.1%} in {largest[1]}."
    elif numeric and counts.get(BOTH, 0):
        text += "; no numeric difference."
    else:
        text += "."
    return out, text


def _is_number(column: pd.Series) -> bool:
    return is_numeric_dtype(column) and not is_bool_dtype(column)


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def _listed(columns: list[str]) -> str:
    return ", ".join(str(c) for c in columns)


def _one_line(err: Exception) -> str:
    """DuckDB's message head, plus its hint line ("Did you mean ...") when it gives one."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    if not lines:
        return type(err).__name__
    hints = [line for line in lines[1:] if line.startswith(_HINTS)]
    return " ".join(lines[:1] + hints[:1])


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
