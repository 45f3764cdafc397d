"""Comparing one query's answer on the real and on the synthetic table, row by row.

:func:`compare_results` pairs the two results on their non-numeric columns (or on row position
when there are none), flags keys found on one side only (column ``"present in"``) and, for every
numeric column, gives both values, synthetic − real (``" diff"``) and that difference relative
to ``|real|`` (``" rel diff"``).

Counts and sums grow with the table: 600 real rows against 500 synthetic ones would make every
``count(*)`` look 17% short. :func:`sized_columns` finds the result columns that are a plain
``count``, ``count(*)`` or ``sum`` over ``data``; their synthetic values are scaled by the real
table's rows over the synthetic table's (column ``"<name> synthetic scaled"``) before they are
subtracted.
"""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from core.data.sql_guard import TABLE

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


def compare_results(
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
    numeric = [c for c in columns if is_number_column(real[c]) and is_number_column(synthetic[c])]
    keys = [c for c in columns if c not in numeric]
    real, synthetic = real.copy(), synthetic.copy()
    if not keys:
        keys = [ROW]
        real[ROW] = range(1, len(real) + 1)
        synthetic[ROW] = range(1, len(synthetic) + 1)
    elif real[keys].duplicated().any() or synthetic[keys].duplicated().any():
        return None, (
            f"rows repeat on {listed(keys)}, so they cannot be paired; GROUP BY them to compare."
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
    paired = "row position" if keys == [ROW] else listed(keys)
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


def sized_columns(statement: str, columns: list[str]) -> tuple[str, ...]:
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


def is_number_column(column: pd.Series) -> bool:
    """Whether a column is compared as numbers: numeric and not boolean."""
    return is_numeric_dtype(column) and not is_bool_dtype(column)


def listed(columns: list[str]) -> str:
    """Column names joined for a sentence."""
    return ", ".join(str(c) for c in columns)
