"""Properties of the CSV reader (``core.data.ingest``) and the CSV export (``core.export.writers``).

Hypothesis builds tables with awkward text (commas, quotes, semicolons, pipes, tabs, newlines,
backslashes, any unicode), integers over the whole int64 range, floats, and missing values, and
checks that nothing is lost on the way in or out.

Three traps are also pinned by an explicit example each, as they once broke:

- A lone carriage return in text. pandas' ``to_csv`` with its default ``\n`` line end does not
  quote it, so the file is not valid CSV (RFC 4180 quotes CR) and readers split the row there.
  The export writes CRLF line ends, which quote it; the tables written for the reader here use
  CRLF too, as RFC 4180 files do.
- One-column tables. With no comma in the header, DuckDB's sniffer took a ``;`` or ``|`` inside
  the text for the delimiter; ``core.data.ingest`` now chooses the delimiter from the header line.
- Column names that parse as their column's type (``1952`` over numbers, ``nan`` over floats).
  DuckDB's sniffer decided such a file had no header; ``core.data.ingest`` now always reads the
  first
  line as the header.

What the checks normalise, and why:

- Every text column holds one value starting with ``§``. DuckDB infers column types from the
  values (a column of digits becomes a number, ``true`` a boolean, ``2020-01-01`` a date), as it
  should for a studio that models numbers as numbers; the marker keeps the column text so that
  the text itself can be compared exactly.
- A missing value and an empty string are the same empty field in a CSV file, so both are
  compared as missing.
- The export writes text a spreadsheet would run as a formula (``=1+2``, ``@x``, ``-x``) with a
  leading ``'`` (:mod:`core.export.safe_cells`, tested there); the export is compared with that.
- pandas' default C parser ends a field at a NUL character (pandas-dev/pandas#19886), a reader
  limit no CSV writer can avoid; an export holding one is read with pandas' Python parser.
  DuckDB reads every export as well, NUL included.
"""

from __future__ import annotations

import io
import math
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.data.formats import ReadOptions
from core.data.ingest import ingest_file
from core.export.safe_cells import escape_frame
from core.export.writers import export_bytes
from core.workspace.store import Workspace

MAX_ROWS = 8
# Every example opens a fresh DuckDB file; this count keeps each property near 10 s when the
# machine is busy.
EXAMPLES = 60
PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TEXT_MARKER = "§"

# Characters that trouble CSV writers and sniffers, drawn often; then any other character
# except surrogates (not encodable as UTF-8).
_AWKWARD = list(",;\"'\n\r\t| \\#=@0123456789.-+eE\x00")
_CHAR = st.one_of(st.sampled_from(_AWKWARD), st.characters(exclude_categories=["Cs"]))
TEXT = st.text(_CHAR, max_size=10)
# Identifiers, and names that parse as values (years, "nan", "true") to test the header.
NAMES = st.from_regex(r"c_[a-z0-9_]{0,6}", fullmatch=True) | st.sampled_from(
    ["1952", "2019", "0", "-1.5", "nan", "true", "NULL", "2020-01-01"]
)
INT64 = st.integers(-(2**63), 2**63 - 1)
FLOATS = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def text_column(draw: st.DrawFn, n: int) -> pd.Series:
    values = draw(st.lists(st.none() | TEXT, min_size=n, max_size=n))
    values[draw(st.integers(0, n - 1))] = TEXT_MARKER + draw(TEXT)
    return pd.Series(values, dtype=object)


@st.composite
def tables(draw: st.DrawFn, *, min_columns: int = 1) -> pd.DataFrame:
    """A table of 1-8 rows and 1-5 columns of text, nullable int64 and float64."""
    n = draw(st.integers(1, MAX_ROWS))
    names = draw(st.lists(NAMES, min_size=min_columns, max_size=5, unique=True))
    columns: dict[str, pd.Series] = {}
    for name in names:
        kind = draw(st.sampled_from(["text", "int", "float"]))
        if kind == "text":
            columns[name] = draw(text_column(n))
        elif kind == "int":
            values = draw(st.lists(st.none() | INT64, min_size=n, max_size=n))
            columns[name] = pd.Series(values, dtype="Int64")
        else:
            values = draw(st.lists(st.none() | FLOATS, min_size=n, max_size=n))
            columns[name] = pd.Series(values, dtype="float64")
    return pd.DataFrame(columns)


def _missing(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or value == ""
        or (isinstance(value, float) and math.isnan(value))
    )


def _assert_same_values(expected: pd.Series, got: pd.Series) -> None:
    for row, (want, have) in enumerate(zip(expected.tolist(), got.tolist(), strict=True)):
        where = f"column {expected.name!r}, row {row}"
        if _missing(want):
            assert _missing(have), f"{where}: {have!r} where the file has no value"
        elif isinstance(want, float):
            assert have is not None and math.isclose(want, have, rel_tol=1e-12), where
        else:  # text exactly; int64 exactly (BIGINT holds the whole range)
            assert have == want, f"{where}: {have!r} != {want!r}"


def _ingest_csv(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Write ``df`` as pandas does (CRLF line ends), ingest it into a fresh workspace, read it
    back.

    No text is taken for a missing-value marker here (``NULL``, ``NA`` and ``-`` are by
    default, see tests/core/test_formats.py): the reader itself must keep every text exactly.
    """
    with tempfile.TemporaryDirectory(prefix="props-") as tmp:
        path = Path(tmp) / "table.csv"
        df.to_csv(path, index=False, lineterminator="\r\n")
        workspace = Workspace(Path(tmp) / "workspace.duckdb")
        try:
            dataset = ingest_file(workspace, path, options=ReadOptions(missing=()))
            types = dict(workspace.column_types(dataset.id).values.tolist())
            return workspace.read_real(dataset.id), types
        finally:
            workspace.close()


# --- the CSV reader -----------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(df=tables())
def test_csv_ingest_round_trips(df: pd.DataFrame) -> None:
    # Run
    loaded, types = _ingest_csv(df)

    # Assert
    assert list(loaded.columns) == list(df.columns)
    assert len(loaded) == len(df)
    for name in df.columns:
        if df[name].dtype == object:
            assert types[name] == "VARCHAR"
        _assert_same_values(df[name], loaded[name])


def test_csv_ingest_keeps_awkward_text_exactly() -> None:
    # Setup: one value per trap, each in a quoted or an unquoted field
    df = pd.DataFrame(
        {
            "c_text": [
                "§",
                'say "hi"',
                "a,b",
                "a;b;c",
                "line\nbreak",
                "windows\r\nbreak",
                "  padded  ",
                "NULL",
                "back\\slash",
                "tab\there",
                "x|y",
            ],
            "c_n": range(11),
        }
    )

    # Run
    loaded, _ = _ingest_csv(df)

    # Assert
    pd.testing.assert_frame_equal(loaded, df, check_dtype=False)


def test_numeric_column_names_stay_the_header() -> None:
    # Setup: a wide table, one column per year, as spreadsheets export them
    df = pd.DataFrame({"country": ["A", "B"], "1952": [1.5, 2.5], "1957": [3.5, 4.5]})

    # Run
    loaded, _ = _ingest_csv(df)

    # Assert
    assert list(loaded.columns) == ["country", "1952", "1957"]
    assert len(loaded) == 2


def test_one_text_column_with_a_semicolon_keeps_its_header() -> None:
    # Setup
    df = pd.DataFrame({"note": ["x;0"]})

    # Run
    loaded, _ = _ingest_csv(df)

    # Assert
    assert list(loaded.columns) == ["note"]
    assert loaded["note"].tolist() == ["x;0"]


# --- the CSV export -----------------------------------------------------------------------------


@st.composite
def text_tables(draw: st.DrawFn) -> pd.DataFrame:
    """1-8 rows of 1-4 arbitrary text columns (no missing values) and one int64 column."""
    n = draw(st.integers(1, MAX_ROWS))
    names = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    columns = {
        name: pd.Series(draw(st.lists(TEXT, min_size=n, max_size=n)), dtype=object)
        for name in names
    }
    columns["n"] = pd.Series(draw(st.lists(INT64, min_size=n, max_size=n)), dtype="int64")
    return pd.DataFrame(columns)


def _read_export(data: bytes, text_columns: list[str]) -> pd.DataFrame:
    """The export read by pandas, after checking DuckDB reads the same table."""
    # Read text as text, with no value turned into NaN ("NA", "null", "" stay strings).
    engine = "python" if b"\x00" in data else "c"  # see the module docstring
    by_pandas = pd.read_csv(
        io.BytesIO(data),
        dtype=dict.fromkeys(text_columns, str),
        keep_default_na=False,
        engine=engine,
    )
    with tempfile.TemporaryDirectory(prefix="props-") as tmp:
        path = Path(tmp) / "export.csv"
        path.write_bytes(data)
        # all_varchar: compare text as text; DuckDB reads an empty field as NULL.
        with duckdb.connect() as con:
            by_duckdb = con.execute(
                "SELECT * FROM read_csv(?, header = true, all_varchar = true,"
                " quote = '\"', escape = '\"')",
                [str(path)],
            ).df()
    pd.testing.assert_frame_equal(
        by_duckdb.fillna(""), by_pandas.astype(str), check_dtype=False, obj="DuckDB vs pandas"
    )
    return by_pandas


@PROPERTY_SETTINGS
@given(df=text_tables())
def test_csv_export_round_trips_text(df: pd.DataFrame) -> None:
    # Run
    data = export_bytes(df, "csv")

    # Assert
    text_columns = [c for c in df.columns if c != "n"]
    pd.testing.assert_frame_equal(_read_export(data, text_columns), escape_frame(df))


def test_export_text_with_a_lone_carriage_return() -> None:
    # Setup
    df = pd.DataFrame({"c_text": ["a\rb", "c"], "n": [1, 2]})

    # Run
    data = export_bytes(df, "csv")

    # Assert
    pd.testing.assert_frame_equal(_read_export(data, ["c_text"]), df)
