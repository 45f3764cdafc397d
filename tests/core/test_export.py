import io

import pandas as pd
import pytest

from core.errors import UnsupportedFormatError
from core.export.writers import (
    EXPORT_FORMATS,
    export_bytes,
    format_for_path,
    write_batches,
    write_table,
)


@pytest.mark.parametrize("key", list(EXPORT_FORMATS))
def test_every_format_round_trips(tips, tmp_path, key):
    # Setup
    fmt = EXPORT_FORMATS[key]
    readers = {"csv": pd.read_csv, "parquet": pd.read_parquet, "xlsx": pd.read_excel}
    # Run
    data = export_bytes(tips, key)
    path = write_table(tips, tmp_path / f"out{fmt.extension}")
    # Assert
    from_bytes = readers[key](io.BytesIO(data))
    from_file = readers[key](path)
    pd.testing.assert_frame_equal(from_bytes, from_file)
    assert from_bytes.shape == tips.shape
    assert not list(tmp_path.glob("*.partial"))


def test_unknown_extension_is_refused():
    with pytest.raises(UnsupportedFormatError, match=".csv"):
        format_for_path("out.xls")


@pytest.mark.parametrize("key", ["csv", "xlsx"])
def test_spreadsheet_formats_write_formulas_as_inert_text(key):
    # Setup
    df = pd.DataFrame(
        {"note": ['=HYPERLINK("http://x","y")', "@SUM(A1)", "plain"], "n": [-1, 2, 3]}
    )
    readers = {"csv": pd.read_csv, "xlsx": pd.read_excel}
    # Run
    back = readers[key](io.BytesIO(export_bytes(df, key)))
    # Assert
    assert back["note"].tolist() == ['\'=HYPERLINK("http://x","y")', "'@SUM(A1)", "plain"]
    assert back["n"].tolist() == [-1, 2, 3]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_a_table_written_in_batches_is_the_table_written_whole(tips, tmp_path, suffix):
    # Setup: uneven batches, and a column that is empty in the first one
    table = tips.assign(note=[None] * 50 + ["=cmd|' /C calc'!A0"] + ["fine"] * (len(tips) - 51))
    batches = [table.iloc[:50], table.iloc[50:51], table.iloc[51:]]

    # Run
    whole = write_table(table, tmp_path / f"whole{suffix}")
    parts = write_batches(iter(batches), tmp_path / f"parts{suffix}")

    # Assert: CSV byte for byte; every format reads back as the same table
    if suffix == ".csv":
        assert parts.read_bytes() == whole.read_bytes()
    read = {".csv": pd.read_csv, ".parquet": pd.read_parquet, ".xlsx": pd.read_excel}[suffix]
    pd.testing.assert_frame_equal(read(parts), read(whole))
    assert not list(tmp_path.glob("*.partial"))


def test_a_failing_batch_leaves_no_file(tips, tmp_path):
    # Setup
    def batches():
        yield tips.iloc[:100]
        raise RuntimeError("the source went away")

    # Run / Assert
    with pytest.raises(RuntimeError, match="went away"):
        write_batches(batches(), tmp_path / "out.parquet")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("key", ["csv", "parquet"])
def test_download_bytes_from_batches_read_back_as_the_whole_table(tips, key):
    # Setup
    batches = [tips.iloc[:100], tips.iloc[100:]]
    read = {"csv": pd.read_csv, "parquet": pd.read_parquet}[key]

    # Run
    parts, whole = export_bytes(iter(batches), key), export_bytes(tips, key)

    # Assert
    pd.testing.assert_frame_equal(read(io.BytesIO(parts)), read(io.BytesIO(whole)))
    if key == "csv":
        assert parts == whole
