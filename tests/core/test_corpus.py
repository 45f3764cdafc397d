"""Every awkward file either loads correctly or gives one line saying what to do."""

import resource
import zipfile
from pathlib import Path

import pytest

from core.data.ingest import ingest_file
from core.errors import (
    EmptyTableError,
    FileTooLargeError,
    UnreadableTableError,
)

CORPUS = Path(__file__).parents[1] / "data" / "corpus"

# file -> (rows, columns, a column that must be there) for files that must load
LOADS = {
    "one_column.csv": (30, 1, "x"),
    "semicolon.csv": (60, 3, "city"),
    "tab.tsv": (60, 3, "city"),
    "decimal_comma.csv": (60, 3, "amount"),
    "quoted_newlines.csv": (3, 2, "note"),
    "ragged.csv": (4, 3, "c"),
    "utf8_bom.csv": (2, 2, "name"),
    "latin1.csv": (2, 2, "name"),
    "utf16.csv": (2, 2, "name"),
    "mixed_types.csv": (4, 2, "v"),
    "date_formats.csv": (3, 3, "iso"),
    "null_and_constant.csv": (20, 3, "empty"),
    "duplicate_blank_names.csv": (2, 4, "a_1"),
    "odd_names.csv": (2, 5, 'say "hi"'),
    "wide.csv": (10, 520, "c519"),
    "high_cardinality.csv": (3000, 1, "text"),
    "parquet_named.csv": (60, 3, "amount"),
    "good.xlsx": (60, 3, "city"),
}
# file -> (error class, words the one-line message must contain)
REFUSED = {
    "empty.csv": (EmptyTableError, "is empty"),
    "header_only.csv": (EmptyTableError, "no data rows"),
    "not_a_table.json": (UnreadableTableError, "not a table"),
    "scalar.json": (UnreadableTableError, "not a table"),
    "truncated.parquet": (UnreadableTableError, "as Parquet"),
    "csv_named.parquet": (UnreadableTableError, "named as Parquet"),
    "broken.xlsx": (UnreadableTableError, "as Excel"),
}


def test_corpus_is_fully_covered():
    assert {p.name for p in CORPUS.iterdir()} == set(LOADS) | set(REFUSED)


@pytest.mark.parametrize("name", sorted(LOADS))
def test_awkward_file_loads(workspace, name):
    # Setup
    rows, columns, column = LOADS[name]
    # Run
    dataset = ingest_file(workspace, CORPUS / name)
    # Assert
    frame = workspace.read_real(dataset.id)
    assert frame.shape == (rows, columns)
    assert column in frame.columns


def test_decimal_commas_and_encodings_are_read_as_values(workspace):
    amounts = workspace.read_real(ingest_file(workspace, CORPUS / "decimal_comma.csv").id)
    latin = workspace.read_real(ingest_file(workspace, CORPUS / "latin1.csv").id)
    utf16 = workspace.read_real(ingest_file(workspace, CORPUS / "utf16.csv").id)
    assert amounts["amount"].dtype.kind == "f"
    assert 60 < amounts["amount"].mean() < 140
    assert latin["name"].tolist() == ["José", "Müller"] == utf16["name"].tolist()


def test_ragged_rows_are_padded_not_dropped(workspace):
    frame = workspace.read_real(ingest_file(workspace, CORPUS / "ragged.csv").id)
    assert frame["a"].tolist() == [1, 4, 6, 9]
    assert frame["c"].isna().tolist() == [False, True, False, True]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_bad_file_is_refused_in_one_line_without_damage(workspace, name):
    # Setup
    error, words = REFUSED[name]
    before = workspace.list_datasets()
    # Run
    with pytest.raises(error) as caught:
        ingest_file(workspace, CORPUS / name)
    # Assert
    message = str(caught.value)
    assert words in message
    assert "\n" not in message
    assert str(CORPUS) not in message
    assert workspace.list_datasets() == before


def test_xlsx_zip_bomb_is_refused_before_expanding(workspace, tmp_path):
    # Setup: 512 MB of zeros packs into well under 1 MB
    bomb = tmp_path / "bomb.xlsx"
    block = b"0" * (1 << 20)
    with (
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry,
    ):
        for _ in range(512):
            entry.write(block)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Run
    with pytest.raises(FileTooLargeError, match="would expand to"):
        ingest_file(workspace, bomb)
    # Assert: memory stayed bounded (ru_maxrss is in KB on Linux)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mb < 200
    assert workspace.list_datasets() == []


@pytest.mark.parametrize("name", sorted(LOADS))
def test_every_loadable_file_synthesizes_or_says_why(workspace, name):
    # Setup
    from core.errors import StudioError
    from core.runs.pipeline import synthesize

    dataset = ingest_file(workspace, CORPUS / name)
    # Run
    try:
        result = synthesize(
            workspace, dataset_id=dataset.id, key="gaussian_copula", rows=40, seed=1
        )
    except StudioError as err:
        # Assert (refused): one line, and the run is recorded as failed
        assert "\n" not in str(err)
        assert workspace.list_runs()[-1].status == "failed"
        return
    # Assert (generated)
    assert workspace.read_synthetic(result.run.id).shape == (40, dataset.n_columns)
    assert workspace.get_run(result.run.id).status == "done"
