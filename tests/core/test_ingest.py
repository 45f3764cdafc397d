import json

import pandas as pd
import pytest

from core.config import Settings
from core.demo import DEMOS, load_demo
from core.errors import (
    EmptyTableError,
    FileTooLargeError,
    UnreadableTableError,
    UnsupportedFormatError,
)
from core.ingest import accepted_extensions, detect_format, ingest_file


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
