"""An extract reads like its input: ingest a file, write its table back, get the same text.

Each case is a small file written the way real exports write it (R, Excel, pandas, databases);
the round trip goes through the same code an extract does (the workspace read, the recorded
formats, the CSV writer), with no synthesis in between.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from core.data.conform import conform
from core.data.formats import ReadOptions, TableFormat, parse_markers, render_text
from core.data.ingest import ingest_file
from core.errors import InvalidParameterError
from core.export.writers import export_bytes

CASES: dict[str, str] = {
    "yes_no": "id,smoker,insured\n1,yes,no\n2,no,no\n3,yes,yes\n4,no,NA\n",
    "title_case_yes": "smoker,n\nYes,1\nNo,2\nYes,3\n",
    "upper_bool": "flag,n\nTRUE,1\nFALSE,2\nTRUE,3\n",
    "y_n": "flag,n\nY,1\nN,2\nY,3\n",
    "iso_dates": "day,x\n2012-01-05,1\n2012-02-15,2\n2013-12-31,3\n",
    "slash_dates": "date,temp\n2012/01/01,12.8\n2012/01/02,10.6\n2012/03/15,11.7\n",
    "us_dates": "when,x\n01/31/2012,1\n02/15/2012,2\n12/01/2013,3\n",
    "dotted_dates": "datum,x\n31.01.2012,1\n15.02.2012,2\n01.12.2013,3\n",
    "timestamps": "at,x\n2012-01-05 10:00:00,1\n2012-01-05 11:30:15,2\n2013-12-31 23:59:59,3\n",
    "iso_utc": "at,x\n2012-01-05T10:00:00Z,1\n2012-01-05T11:30:00Z,2\n2012-06-05T12:45:00Z,3\n",
    "offset": "at,x\n2012-01-05T10:00:00+02:00,1\n2012-01-05T11:30:00+02:00,2\n",
    "milliseconds": "at,x\n2012-01-05 10:00:00.125,1\n2012-01-05 11:30:00.500,2\n",
    "ints_with_na": "age,n\n31,1\nNA,2\n54,3\n",
    "fixed_decimals": "price,qty\n10.00,1\n3.50,2\n4.25,3\n",
    "pandas_floats": "bill,tip\n16.99,1.01\n14.0,2.0\n21.01,3.5\n",
    "leading_zeros": "zip,code\n02134,007\n10001,123\n90210,045\n",
    "decimal_comma": "name;amount\nA;1,50\nB;22,25\nC;3,00\n",
    "markers": "a,b,c\n1,x,N/A\nN/A,y,2.5\n3,N/A,1.5\n",
    "dashes": "a,b\n1,-\n-,y\n3,z\n",
    "quoted_text": 'note,n\n"Hello, world",1\n"two\nlines",2\n"say ""hi""",3\n',
    "unicode": "ville,n\nZürich,1\nMontréal,2\n東京,3\n",
    "column_order": "z,a,m\n1,2,3\n4,5,6\n",
    "negative": "delta,n\n-1.5,1\n2.25,2\n-0.75,3\n",
    "times_of_day": "opens,n\n7:30,1\n18:05,2\n09:00,3\n",
    "seconds": "start,n\n07:30:00,1\n18:05:59,2\n",
}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _cells(data: bytes | str, sep: str = ",") -> pd.DataFrame:
    source = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
    return pd.read_csv(source, dtype=str, keep_default_na=False, sep=sep)


@pytest.mark.parametrize("case", list(CASES))
def test_a_file_written_back_from_the_workspace_reads_the_same(workspace, tmp_path, case):
    # Setup
    text = CASES[case]
    path = _write(tmp_path, case, text)
    sep = ";" if case == "decimal_comma" else ","

    # Run
    dataset = ingest_file(workspace, path)
    table = TableFormat.from_dict(dataset.formats)
    written = export_bytes(workspace.read_real(dataset.id), "csv", table)

    # Assert: the same header in the same order, and the same text in every cell
    pd.testing.assert_frame_equal(_cells(written, sep), _cells(text, sep))


def test_booleans_keep_their_spellings_and_are_learned_as_booleans(workspace, tmp_path):
    # Setup
    path = _write(tmp_path, "yes_no", CASES["yes_no"])

    # Run
    dataset = ingest_file(workspace, path)
    real = workspace.read_real(dataset.id)
    smoker = TableFormat.from_dict(dataset.formats).columns["smoker"]

    # Assert
    assert pd.api.types.is_bool_dtype(real["smoker"])
    assert (smoker.kind, smoker.true_text, smoker.false_text) == ("boolean", "yes", "no")
    assert real["insured"].isna().sum() == 1  # NA read as missing


def test_dates_reach_pandas_in_nanoseconds(workspace, tmp_path):
    # Setup: DuckDB hands pandas microseconds, which SDV 2.0 reads as 1970
    path = _write(tmp_path, "slash_dates", CASES["slash_dates"])

    # Run
    real = workspace.read_real(ingest_file(workspace, path).id)

    # Assert
    assert real["date"].dtype == "datetime64[ns]"
    assert real["date"].min() == pd.Timestamp("2012-01-01")


@pytest.mark.parametrize("marker", ["NA", "N/A", "null", "-", ""])
def test_common_missing_markers_are_missing_and_numbers_stay_numbers(workspace, tmp_path, marker):
    # Setup: six measurements, one missing, the way R, Excel and databases write it
    rows = ["3.5", "4.0", marker, "5.25", "6.0", "7.5"]
    path = _write(tmp_path, "m", "length\n" + "\n".join(rows) + "\n")

    # Run
    real = workspace.read_real(ingest_file(workspace, path).id)

    # Assert
    assert pd.api.types.is_float_dtype(real["length"])
    assert real["length"].isna().sum() == 1


def test_markers_of_the_users_choice_replace_the_defaults(workspace, tmp_path):
    # Setup: "NA" is a country code here, and "?" marks a missing value
    path = _write(tmp_path, "c", "country,score\nNA,1\nFR,?\nDE,3\n")
    options = ReadOptions(missing=parse_markers("?, "))

    # Run
    real = workspace.read_real(ingest_file(workspace, path, options=options).id)

    # Assert
    assert real["country"].tolist() == ["NA", "FR", "DE"]
    assert real["score"].isna().tolist() == [False, True, False]
    assert pd.api.types.is_numeric_dtype(real["score"])


def test_a_forced_text_column_keeps_its_digits(workspace, tmp_path):
    # Setup: postal codes without leading zeros would be read as numbers
    path = _write(tmp_path, "zip", "zip,n\n10001,1\n90210,2\n60601,3\n")
    options = ReadOptions(types={"zip": "text"})

    # Run
    dataset = ingest_file(workspace, path, options=options)

    # Assert
    assert workspace.read_real(dataset.id)["zip"].tolist() == ["10001", "90210", "60601"]
    assert TableFormat.from_dict(dataset.formats).columns["zip"].kind == "text"


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("code,n\n1,1\n2,2\n3,3\n", "decimal", "float64"),
        ("d,n\n05.01.2012,1\n06.02.2012,2\n", "date", "datetime64[ns]"),
        ("flag,n\nja,1\nnein,2\n", "text", "object"),
        ("flag,n\n1,1\n0,2\n", "boolean", "bool"),
    ],
)
def test_a_forced_type_is_applied_before_the_data_lands(workspace, tmp_path, text, kind, expected):
    # Setup
    path = _write(tmp_path, "f", text)
    column = text.split(",")[0]

    # Run
    dataset = ingest_file(workspace, path, options=ReadOptions(types={column: kind}))

    # Assert
    assert str(workspace.read_real(dataset.id)[column].dtype) == expected


def test_a_forced_type_the_values_do_not_fit_is_refused_and_nothing_is_stored(workspace, tmp_path):
    # Setup
    path = _write(tmp_path, "bad", "age,n\n31,1\nforty,2\n54,3\n")

    # Run / Assert
    with pytest.raises(InvalidParameterError, match="'age' cannot be read as whole numbers"):
        ingest_file(workspace, path, options=ReadOptions(types={"age": "integer"}))
    assert workspace.list_datasets() == []


def test_an_unknown_forced_type_or_column_is_one_line(workspace, tmp_path):
    # Setup
    path = _write(tmp_path, "x", "a,b\n1,2\n")

    # Run / Assert
    with pytest.raises(InvalidParameterError, match="Unknown column type"):
        ReadOptions(types={"a": "money"})
    with pytest.raises(InvalidParameterError, match="no column 'zz'"):
        ingest_file(workspace, path, options=ReadOptions(types={"zz": "integer"}))


def test_synthetic_rows_are_stored_with_the_real_types():
    # Setup: what a synthesizer hands back: floats for integers, times on dates, mixed text
    schema = pa.schema(
        [
            ("n", pa.int64()),
            ("day", pa.date32()),
            ("at", pa.timestamp("us", tz="UTC")),
            ("flag", pa.bool_()),
            ("code", pa.string()),
        ]
    )
    batch = pd.DataFrame(
        {
            "n": [1.0, 2.0, None],
            "day": pd.to_datetime(["2012-01-05 07:13", "2013-02-01 23:59", None]),
            "at": pd.to_datetime(["2012-01-05 10:00", "2012-01-06 11:00", None]),
            "flag": [True, False, None],
            "code": [7.0, "007", None],
        }
    )

    # Run
    table = conform(batch, schema)

    # Assert
    assert table.schema == schema
    assert table.column("n").to_pylist() == [1, 2, None]
    assert [str(d) for d in table.column("day").to_pylist()[:2]] == ["2012-01-05", "2013-02-01"]
    assert table.column("code").to_pylist() == ["7", "007", None]


def test_a_column_that_cannot_take_its_real_type_keeps_its_values():
    # Setup: a number column whose rare values were grouped as text
    schema = pa.schema([("size", pa.int64())])
    batch = pd.DataFrame({"size": [1, 2, "(other)"]}, dtype=object)

    # Run
    table = conform(batch, schema)

    # Assert
    assert table.column("size").to_pylist() == ["1", "2", "(other)"]


def test_values_are_rendered_with_the_input_formats():
    # Setup
    table = TableFormat.from_dict(
        {
            "delimiter": ",",
            "decimal": ".",
            "columns": {
                "flag": {"kind": "boolean", "true_text": "Y", "false_text": "N", "missing": "NA"},
                "d": {"kind": "date", "datetime_format": "%-d.%-m.%Y", "missing": "NA"},
                "price": {"kind": "decimal", "places": 2, "fixed_places": True, "min_places": 2},
            },
        }
    )
    frame = pd.DataFrame(
        {
            "flag": pd.array([True, None, False], dtype="boolean"),
            "d": pd.to_datetime(["2012-01-05", "2012-11-30", None]),
            "price": [10.0, 3.5, 4.256],
        }
    )

    # Run
    text = render_text(frame, table)

    # Assert
    assert text["flag"].tolist() == ["Y", "NA", "N"]
    assert text["d"].tolist() == ["5.1.2012", "30.11.2012", "NA"]
    assert text["price"].tolist() == ["10.00", "3.50", "4.26"]


def test_datasets_from_before_formats_were_recorded_are_written_as_usual():
    # Setup
    frame = pd.DataFrame({"x": [1.5, 2.0], "d": pd.to_datetime(["2012-01-05", "2012-01-06"])})

    # Run
    text = render_text(frame, TableFormat.from_dict(None))

    # Assert
    assert text["x"].tolist() == ["1.5", "2"]
    assert text["d"].tolist() == ["2012-01-05", "2012-01-06"]
