"""Read a user's file into the workspace through DuckDB.

The format registry is data: each entry names its extensions and the DuckDB table function (or,
for Excel, the pandas reader) that reads it. Nothing a user uploads is ever unpickled.
"""

from __future__ import annotations

import functools
import hashlib
import json
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from core.config import Settings, get_settings
from core.data.csv_dialect import SAMPLE_BYTES, CsvDialect, csv_dialect, csv_sql
from core.data.formats import ReadOptions, infer_format, kind_of, kind_of_dtype
from core.data.retype import force_types, null_markers
from core.errors import (
    EmptyTableError,
    FileTooLargeError,
    StudioError,
    UnreadableTableError,
    UnsupportedFormatError,
    one_line,
)
from core.workspace.records import DatasetInfo, quote_identifier
from core.workspace.store import Workspace


@dataclass(frozen=True)
class FormatSpec:
    """A readable file format."""

    key: str
    label: str
    extensions: tuple[str, ...]
    # Builds DuckDB SQL with one ``?`` for the path; every option in it is a literal chosen here
    # from the file's first bytes, never text from the file. None for the other readers.
    sql: Callable[[bytes], str] | None = None
    frame_reader: Callable[[Path, Settings, ReadOptions], pd.DataFrame] | None = None
    # Delimited text (CSV, TSV): read with DuckDB's CSV reader, dialect from the first bytes;
    # ``delimiter`` is fixed for TSV and found from the header line otherwise.
    delimited: bool = False
    delimiter: str | None = None


FORMAT_SAMPLE_ROWS = 20_000  # rows of the file read as text to learn its formats


def _is_single_object(sample: bytes) -> bool:
    """True for a file that is one JSON object (JSON lines hold several, one per line)."""
    if len(sample) >= SAMPLE_BYTES or not sample.lstrip().startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(sample), dict)
    except ValueError:
        return False


def _read_excel(path: Path, settings: Settings, options: ReadOptions) -> pd.DataFrame:
    _check_zip(path, settings)
    markers = list(options.missing)
    return pd.read_excel(path, engine="openpyxl", na_values=markers, keep_default_na=False)


def _check_zip(path: Path, settings: Settings) -> None:
    """Refuse an .xlsx whose parts would expand past the cap, before anything is expanded."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as err:
        raise UnreadableTableError(f"'{path.name}' is not a valid Excel file.") from err
    expanded = sum(info.file_size for info in infos)
    packed = max(sum(info.compress_size for info in infos), 1)
    if expanded > settings.max_expanded_mb * 1e6 or expanded / packed > settings.max_zip_ratio:
        raise FileTooLargeError(
            f"'{path.name}' would expand to {expanded / 1e6:,.0f} MB "
            f"({expanded / packed:,.0f}x its size); save it as CSV or Parquet instead."
        )


FORMATS: dict[str, FormatSpec] = {
    "csv": FormatSpec("csv", "CSV", (".csv", ".csv.gz", ".txt"), delimited=True),
    "tsv": FormatSpec("tsv", "TSV", (".tsv", ".tab"), delimited=True, delimiter="\t"),
    "parquet": FormatSpec(
        "parquet", "Parquet", (".parquet", ".pq"), lambda _: "SELECT * FROM read_parquet(?)"
    ),
    "json": FormatSpec(
        "json",
        "JSON / JSON lines",
        (".json", ".jsonl", ".ndjson"),
        lambda _: "SELECT * FROM read_json(?, records = true)",
    ),
    "excel": FormatSpec("excel", "Excel", (".xlsx",), frame_reader=_read_excel),
}

# First bytes of binary formats, used to catch a file whose extension lies.
_MAGIC = {b"PAR1": "parquet", b"PK\x03\x04": "excel"}


def accepted_extensions() -> list[str]:
    """Extensions for the upload widget, without dots."""
    return sorted({ext.lstrip(".") for spec in FORMATS.values() for ext in spec.extensions})


def detect_format(filename: str, head: bytes = b"") -> FormatSpec:
    """The format for a file, from its name, checked against its first bytes."""
    lower = filename.lower()
    by_name = next(
        (spec for spec in FORMATS.values() if any(lower.endswith(e) for e in spec.extensions)),
        None,
    )
    by_magic = next((FORMATS[k] for magic, k in _MAGIC.items() if head.startswith(magic)), None)
    if by_magic is not None:
        return by_magic
    if by_name is None:
        known = ", ".join(spec.label for spec in FORMATS.values())
        raise UnsupportedFormatError(
            f"'{filename}' is not a supported file type; use one of: {known}."
        )
    if by_name.key in ("parquet", "excel"):
        raise UnreadableTableError(
            f"'{filename}' is named as {by_name.label} but its content is not; "
            "check the file or re-export it."
        )
    return by_name


def fingerprint_file(path: Path) -> str:
    """SHA-256 of the file's bytes: the dataset identity used for caching."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ingest_file(
    workspace: Workspace,
    path: Path,
    *,
    name: str | None = None,
    display_name: str | None = None,
    settings: Settings | None = None,
    options: ReadOptions | None = None,
) -> DatasetInfo:
    """Load a table file into the workspace as a new dataset, and how it writes each column.

    Args:
        workspace: the workspace to store the dataset in.
        path: the file on disk.
        name: the dataset's name (defaults to the file's stem).
        display_name: the file name shown to the user (defaults to ``path.name``).
        settings: limits to apply (defaults to :func:`get_settings`).
        options: missing-value markers and types forced on columns (defaults: the usual
            markers ``NA``, ``N/A``, ``null``, ``-``, empty..., every type detected).

    Raises:
        StudioError: a one-line reason when the file cannot become a dataset; the workspace is
            left unchanged.
    """
    settings = settings or get_settings()
    options = options or ReadOptions()
    path = Path(path)
    shown = display_name or path.name
    if not path.is_file():
        raise UnreadableTableError(f"File not found: {shown}")
    size_mb = path.stat().st_size / 1e6
    if size_mb > settings.max_upload_mb:
        raise FileTooLargeError(
            f"'{shown}' is {size_mb:.0f} MB; the limit is {settings.max_upload_mb} MB."
        )
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    head = sample[:8]
    spec = detect_format(shown, head)
    if not head:
        raise EmptyTableError(f"'{shown}' is empty; choose a file with a header and rows.")
    if spec.key == "json" and _is_single_object(sample):
        raise UnreadableTableError(
            f"'{shown}' is one JSON object, not a table: use an array of objects, or JSON lines "
            "with one object per line."
        )
    dataset_name = name or shown.split(".")[0] or "dataset"
    # The file is hashed while DuckDB reads it (two reads of the same cached bytes, on two
    # cores); the hash is awaited only when the dataset row is written.
    with ThreadPoolExecutor(max_workers=1) as pool:
        fingerprint = pool.submit(fingerprint_file, path).result
        store = functools.partial(
            workspace.add_dataset, name=dataset_name, source=shown, fingerprint=fingerprint
        )
        try:
            if spec.frame_reader is not None:
                frame = spec.frame_reader(path, settings, options)
                return store(frame=frame, finish=_finisher(options))
            if spec.delimited:
                return _add_delimited(store, spec, sample, path, options)
            assert spec.sql is not None
            return store(
                relation_sql=spec.sql(sample),
                relation_params=[str(path)],
                # JSON writes missing values as null, but some exporters write "NA" instead.
                finish=_finisher(options, text_markers=spec.key == "json"),
            )
        except StudioError:
            raise
        except (duckdb.Error, ValueError, OSError, KeyError) as err:
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            reason = reason.replace(str(path), shown)  # uploads sit under a temporary name
            if "non-record JSON" in reason:
                raise UnreadableTableError(
                    f"'{shown}' is JSON but not a table: use an array of objects, or JSON lines "
                    "with one object per line."
                ) from err
            raise UnreadableTableError(
                f"Could not read '{shown}' as {spec.label}: {reason}"
            ) from err
        except Exception as err:  # openpyxl and zipfile raise their own types on broken files
            raise UnreadableTableError(
                f"Could not read '{shown}' as {spec.label}: {type(err).__name__}"
            ) from err


def _add_delimited(
    store: Callable[..., DatasetInfo],
    spec: FormatSpec,
    sample: bytes,
    path: Path,
    options: ReadOptions,
) -> DatasetInfo:
    """Store a CSV or TSV with DuckDB's parallel reader, or its forgiving one if that refuses.

    A refused read rolls its transaction back, so the fallback starts from an unchanged
    workspace; when both refuse, the error is the fallback's (it says more about the file).
    Columns forced to text are read as text, so their digits stay as written (``007``);
    other forced types are applied once the table is stored.
    """
    text = {c: "VARCHAR" for c, t in options.forced.items() if t == "VARCHAR"}
    markers = list(options.missing) or [""]
    for forgiving in (False, True):
        dialect = csv_dialect(sample, spec.delimiter, forgiving=forgiving)
        text |= _time_columns(dialect, path, markers)
        params: list[object] = [str(path), markers] + ([text] if text else [])
        raw = (csv_sql(dialect, raw=True), [str(path)])
        try:
            return store(
                relation_sql=csv_sql(dialect, text_columns=bool(text)),
                relation_params=params,
                finish=_finisher(options, raw=raw, dialect=dialect),
            )
        except duckdb.Error:
            if forgiving:
                raise
    raise AssertionError("unreachable")


_TIME_TYPES = ("TIME", "TIME WITH TIME ZONE", "INTERVAL")


def _time_columns(dialect: CsvDialect, path: Path, markers: list[str]) -> dict[str, str]:
    """Columns the sniffer would read as times of day, to be read as text instead.

    A time of day is kept as written (``7:30``, ``07:30:00``): synthesizers learn it as a
    category, and no date part or time zone is invented for it.
    """
    with duckdb.connect() as con:
        try:
            described = con.execute(f"DESCRIBE {csv_sql(dialect)}", [str(path), markers])
        except duckdb.Error:
            return {}  # the read itself will say what is wrong
        return {str(row[0]): "VARCHAR" for row in described.fetchall() if row[1] in _TIME_TYPES}


def _keep_header(cur: duckdb.DuckDBPyConnection, table: str, header: list[str]) -> None:
    """Name the columns as the file's header does.

    DuckDB applies the missing-value markers to the header too, so a column headed ``NA`` or
    ``nan`` would otherwise be renamed ``column0``.
    """
    names = [row[0] for row in cur.execute(f"DESCRIBE {table}").fetchall()]
    if len(names) != len(header):
        return
    for old, new in zip(names, header, strict=True):
        if old != new:
            cur.execute(
                f"ALTER TABLE {table} RENAME {quote_identifier(old)} TO {quote_identifier(new)}"
            )


def _finisher(
    options: ReadOptions,
    *,
    raw: tuple[str, list[object]] | None = None,
    dialect: CsvDialect | None = None,
    text_markers: bool = False,
) -> Callable[[duckdb.DuckDBPyConnection, str], dict[str, object]]:
    """The step run inside the ingest transaction: forced types, then the file's formats."""

    def finish(cur: duckdb.DuckDBPyConnection, table: str) -> dict[str, object]:
        text = None
        if raw is not None:
            sql, params = raw
            text = cur.execute(f"{sql} LIMIT {FORMAT_SAMPLE_ROWS}", params).df()
            _keep_header(cur, table, list(text.columns))
        if text_markers:  # JSON text: a marker such as "NA" means missing
            null_markers(cur, table, options.missing)
        described = cur.execute(f"DESCRIBE {table}").fetchall()
        times = {str(row[0]): "VARCHAR" for row in described if row[1] in _TIME_TYPES}
        force_types(cur, table, times | options.forced)
        types = {row[0]: row[1] for row in cur.execute(f"DESCRIBE {table}").fetchall()}
        typed = cur.execute(f"SELECT * FROM {table} LIMIT {FORMAT_SAMPLE_ROWS}").df()
        if text is not None and list(text.columns) != list(typed.columns):
            text = None
        fmt = infer_format(
            types=types,
            typed=typed,
            raw=text,
            missing=options.missing,
            delimiter=dialect.delimiter if dialect else ",",
            decimal=dialect.decimal if dialect else ".",
        )
        return fmt.to_dict()

    return finish


@dataclass(frozen=True)
class ColumnPreview:
    """A column of a file not loaded yet, with the type it would be read as."""

    name: str
    detected: str  # a core.data.formats kind: text, integer, decimal, boolean, date, datetime


def preview_columns(
    path: Path, *, display_name: str | None = None, options: ReadOptions | None = None
) -> list[ColumnPreview]:
    """The columns of a file and the type each would be read as, without loading it.

    Reads the file's first rows only (the same sniffing a load does), so the upload form can
    offer a type for each column before the data lands.

    Raises:
        StudioError: the file cannot be read (one line).
    """
    options = options or ReadOptions()
    path = Path(path)
    shown = display_name or path.name
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    spec = detect_format(shown, sample[:8])
    if not sample:
        raise EmptyTableError(f"'{shown}' is empty; choose a file with a header and rows.")
    try:
        if spec.frame_reader is not None:
            frame = pd.read_excel(path, engine="openpyxl", nrows=200)
            return [ColumnPreview(str(c), kind_of_dtype(frame[c])) for c in frame.columns]
        with duckdb.connect() as con:
            if spec.delimited:
                sql = csv_sql(csv_dialect(sample, spec.delimiter))
                params: list[object] = [str(path), list(options.missing) or [""]]
            else:
                assert spec.sql is not None
                sql, params = spec.sql(sample), [str(path)]
            described = con.execute(f"DESCRIBE {sql}", params).fetchall()
    except StudioError:
        raise
    except Exception as err:  # DuckDB and openpyxl raise many types on broken files
        reason = one_line(err).replace(str(path), shown)
        raise UnreadableTableError(f"Could not read '{shown}' as {spec.label}: {reason}") from err
    return [ColumnPreview(str(row[0]), kind_of(str(row[1]))) for row in described]
