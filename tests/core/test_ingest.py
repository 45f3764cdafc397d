import gzip
import json

import pandas as pd
import pytest

from core.config import Settings
from core.data.demos import DEMOS, load_demo
from core.data.ingest import accepted_extensions, detect_format, ingest_file
from core.errors import (
    EmptyTableError,
    FileTooLargeError,
    UnreadableTableError,
    UnsupportedFormatError,
)


@pytest.fixture
def mixed(mixed_csv):
    return pd.read_csv(mixed_csv)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "parquet", "json", "jsonl", "xlsx"])
def test_every_format_loads_the_same_table(workspace, tmp_path, mixed, fmt):
    # Setup
    path = tmp_path / f"table.{fmt}"
    writers = {
        "csv": lambda: mixed.to_csv(path, index=False),
        "tsv": lambda: mixed.to_csv(path, index=False, sep="\t"),
        "parquet": lambda: mixed.to_parquet(path, index=False),
        "json": lambda: path.write_text(mixed.to_json(orient="records")),
        "jsonl": lambda: mixed.to_json(path, orient="records", lines=True),
        "xlsx": lambda: mixed.to_excel(path, index=False),
    }
    writers[fmt]()
    # Run
    dataset = ingest_file(workspace, path)
    # Assert
    loaded = workspace.read_real(dataset.id)
    assert (dataset.n_rows, dataset.n_columns) == (300, 4)
    assert list(loaded.columns) == list(mixed.columns)
    assert loaded["amount"].isna().sum() == mixed["amount"].isna().sum()
    assert pd.api.types.is_numeric_dtype(loaded["age"])
    assert sorted(loaded["city"].unique()) == sorted(mixed["city"].unique())


def test_csv_dates_are_read_as_dates(workspace, mixed_csv):
    dataset = ingest_file(workspace, mixed_csv)
    types = dict(workspace.column_types(dataset.id).values.tolist())
    assert types["joined"] in ("DATE", "TIMESTAMP")


def test_semicolon_csv_is_sniffed(workspace, tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("a;b;c\n1;x;2.5\n2;y;3.5\n")
    dataset = ingest_file(workspace, path)
    assert (dataset.n_rows, dataset.n_columns) == (2, 3)


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("empty.csv", b"", EmptyTableError, "empty"),
        ("header.csv", b"a,b,c\n", EmptyTableError, "no data rows"),
        ("table.docx", b"a,b\n1,2\n", UnsupportedFormatError, "not a supported file type"),
        ("fake.parquet", b"a,b\n1,2\n", UnreadableTableError, "named as Parquet"),
        ("broken.json", b'{"a": [1, 2', UnreadableTableError, "Could not read"),
        ("list.json", b'"just a string"', UnreadableTableError, "not a table"),
    ],
)
def test_bad_files_give_one_line_and_leave_workspace_unchanged(
    workspace, tmp_path, name, content, error, message
):
    # Setup
    path = tmp_path / name
    path.write_bytes(content)
    # Run
    with pytest.raises(error) as caught:
        ingest_file(workspace, path)
    # Assert
    text = str(caught.value)
    assert message in text
    assert "\n" not in text
    assert workspace.list_datasets() == []


def test_truncated_parquet_is_refused(workspace, tmp_path, mixed):
    # Setup
    good = tmp_path / "good.parquet"
    mixed.to_parquet(good)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(good.read_bytes()[:200])
    # Run / Assert
    with pytest.raises(UnreadableTableError):
        ingest_file(workspace, cut)
    assert workspace.list_datasets() == []


def test_file_above_cap_is_refused_before_reading(workspace, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("a\n" + "1\n" * 600_000)
    with pytest.raises(FileTooLargeError, match="limit is 1 MB"):
        ingest_file(workspace, path, settings=Settings(max_upload_mb=1))


def test_missing_file_is_reported(workspace, tmp_path):
    with pytest.raises(UnreadableTableError, match="File not found"):
        ingest_file(workspace, tmp_path / "nope.csv")


def test_parquet_named_csv_is_read_by_its_content(workspace, tmp_path, mixed):
    path = tmp_path / "lies.csv"
    mixed.to_parquet(path)
    assert ingest_file(workspace, path).n_rows == 300


def test_detect_format_and_extensions():
    assert detect_format("X.JSONL").key == "json"
    assert detect_format("a.tsv").key == "tsv"
    assert {"csv", "tsv", "xlsx", "parquet", "json", "jsonl"} <= set(accepted_extensions())


def test_demo_datasets_load_once(workspace):
    # Run
    first = [load_demo(workspace, key) for key in DEMOS]
    again = [load_demo(workspace, key) for key in DEMOS]
    # Assert
    assert len(DEMOS) >= 3
    assert [d.id for d in first] == [d.id for d in again]
    assert all(d.n_rows > 100 and d.n_columns >= 3 for d in first)
    json.dumps([d.name for d in first])


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        # Years as column names: the first line is the header even though it parses as numbers.
        (
            "years.csv",
            b"country;2019;2020\nA;1,5;2,5\nB;3,5;4,5\n",
            {"country": ["A", "B"], "2019": [1.5, 3.5], "2020": [2.5, 4.5]},
        ),
        # One column: a ';' or '|' inside the text is not a delimiter the header lacks.
        ("notes.csv", b"note\r\nx;0\r\ny|1\r\n", {"note": ["x;0", "y|1"]}),
        # One column of decimal commas: no ',' in the header, so ',' is the decimal mark.
        ("amounts.csv", b"x\n1,5\n2,25\n-3,0\n", {"x": [1.5, 2.25, -3.0]}),
        # ';' separated, a ',' in a name and in some values: the rows side with ';'.
        (
            "people.csv",
            b"id;name, first;v\n1;Ann, B;2\n2;Bo;3\n",
            {"id": [1, 2], "name, first": ["Ann, B", "Bo"], "v": [2, 3]},
        ),
        # A quoted header cell holding ';' does not make ';' the delimiter.
        ("quoted.txt", b'"a;b",c\n"1;2",3\n', {"a;b": ["1;2"], "c": [3]}),
        ("pipes.txt", b"a|b\n1|x,y\n2|z;w\n", {"a": [1, 2], "b": ["x,y", "z;w"]}),
        # Only the double quote quotes: a formula-escaped export ('=1+2') reads back as it was.
        ("escaped.csv", b"f,n\n'=',1\n'+',2\n", {"f": ["'='", "'+'"], "n": [1, 2]}),
    ],
)
def test_header_and_delimiter_come_from_the_first_line(
    workspace, tmp_path, name, content, expected
):
    # Setup
    path = tmp_path / name
    path.write_bytes(content)
    # Run
    loaded = workspace.read_real(ingest_file(workspace, path).id)
    # Assert
    assert loaded.to_dict("list") == expected


def test_gzipped_csv_delimiter_is_chosen_from_its_content(workspace, tmp_path):
    # Setup
    path = tmp_path / "table.csv.gz"
    path.write_bytes(gzip.compress(b"a;b\n1;x,y\n3;z\n"))
    # Run
    loaded = workspace.read_real(ingest_file(workspace, path).id)
    # Assert
    assert loaded.to_dict("list") == {"a": [1, 3], "b": ["x,y", "z"]}


def test_numeric_header_only_file_is_refused_as_empty(workspace, tmp_path):
    # Setup: with the header always read as one, a line of years is a header and no rows
    path = tmp_path / "years.csv"
    path.write_bytes(b"2019,2020\n")
    # Run / Assert
    with pytest.raises(EmptyTableError, match="no data rows"):
        ingest_file(workspace, path)


def test_a_csv_of_many_buffers_keeps_its_rows_in_file_order(workspace, tmp_path):
    # Setup: about 6 MB, so both threads read several buffers, with quoted line breaks and
    # delimiters falling wherever they fall
    rows = 100_000
    frame = pd.DataFrame(
        {
            "row": range(rows),
            "note": [
                f"line {i}\nwith, a comma" if i % 7 == 0 else "x" * (1 + i % 90)
                for i in range(rows)
            ],
            "amount": [i * 0.5 for i in range(rows)],
        }
    )
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    assert path.stat().st_size > 5_000_000

    # Run
    dataset = ingest_file(workspace, path)

    # Assert
    stored = workspace.read_real(dataset.id)
    pd.testing.assert_frame_equal(stored, frame, check_dtype=False)
