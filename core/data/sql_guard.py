"""The guard around a user's SQL: only one SELECT runs, on a connection that can reach nothing.

:func:`parse_select` accepts exactly one SELECT (checked by DuckDB's own parser) and refuses
anything else with a one-line message naming the statement. :func:`run_locked` runs it on a
fresh in-memory DuckDB connection that holds only one table, named ``data``, and is locked down
before the user's text runs: no file system or network access (so ``read_csv('/etc/passwd')``,
``ATTACH``, httpfs are refused even inside a SELECT), no spilling to disk, no extension
installs or loads, no lookup of Python variables, and its configuration locked so the query
cannot undo any of it. The result is capped in rows and the run in time.
"""

from __future__ import annotations

import re
import threading
import time

import duckdb
import pandas as pd

from core.errors import InvalidParameterError

TABLE = "data"

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


def parse_select(query: str) -> str:
    """The text of the query's only statement, refused unless it is exactly one SELECT."""
    con = duckdb.connect()
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as err:
        raise InvalidParameterError(one_line(err)) from err
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


def run_locked(
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
            raise InvalidParameterError(one_line(err)) from err
        finally:
            timer.cancel()
    finally:
        con.close()


def one_line(err: Exception) -> str:
    """DuckDB's message head, plus its hint line ("Did you mean ...") when it gives one."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    if not lines:
        return type(err).__name__
    hints = [line for line in lines[1:] if line.startswith(_HINTS)]
    return " ".join(lines[:1] + hints[:1])
