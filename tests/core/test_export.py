import io

import pandas as pd
import pytest

from core.errors import UnsupportedFormatError
from core.export import EXPORT_FORMATS, export_bytes, format_for_path, write_table


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
