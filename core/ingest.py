"""Read a user's file into the workspace through DuckDB.

The format registry is data: each entry names its extensions and the DuckDB table function (or,
for Excel, the pandas reader) that reads it. Nothing a user uploads is ever unpickled.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from core.config import Settings, get_settings
from core.errors import (
    EmptyTableError,
    FileTooLargeError,
    StudioError,
    UnreadableTableError,
    UnsupportedFormatError,
)
from core.formats import ReadOptions, infer_format
from core.retype import force_types, null_markers
from core.workspace import DatasetInfo, Workspace, quote_identifier


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


_SAMPLE_BYTES = 1 << 16
# DuckDB's max_line_size is 2 MB by default, and a buffer must hold at least one line.
_CSV_BUFFER_BYTES = 1 << 21
_DECIMAL_COMMA = re.compile(r"(^|[;\t|])-?[0-9]+,[0-9]+($|[;\t|\r\n])", re.MULTILINE)
# Delimiters we recognise, in order of preference when the evidence ties.
_DELIMITERS = (",", ";", "\t", "|")
# Rows of the file read as text to learn how it writes each column.
FORMAT_SAMPLE_ROWS = 20_000


@dataclass(frozen=True)
class CsvDialect:
    """How a delimited file is read: DuckDB options chosen from its first bytes (literals only,
    never text from the file), its delimiter and decimal separator."""

    options: tuple[str, ...]
    delimiter: str
    decimal: str


def _csv_dialect(sample: bytes, delim: str | None = None, *, forgiving: bool = False) -> CsvDialect:
    """read_csv options for what the sample shows: delimiter, encoding, decimal commas.

    The first line is always the header: analysts' files have one, and DuckDB's sniffer reads a
    header whose names parse as their columns' values (years over numbers) as a data row. The
    delimiter is chosen here from the header line too (see :func:`_pick_delimiter`), because the
    sniffer takes a ``;`` inside the text of a one-column file for one.

    The strict reader (the default) is DuckDB's parallel one and refuses a row with too few
    fields. ``forgiving`` pads such rows with missing values rather than refusing or, worse,
    skipping them; DuckDB pads correctly next to quoted newlines only in its single-threaded
    reader, so that one is used, for the files that need it.
    """
    # Only the double quote quotes (RFC 4180): the sniffer may take a leading ' for a quote and
    # strip it, e.g. from a formula-escaped export ('=1+2) uploaded again.
    options = ["header = true", "quote = '\"'", "escape = '\"'"]
    if forgiving:
        options += ["null_padding = true", "parallel = false"]
    else:
        # Threads take the file a buffer at a time, in order: the default 32 MB buffers left
        # one of two cores idle on most files (an 86 MB CSV: 0.55 s, in 2 MB buffers 0.42 s).
        options.append(f"buffer_size = {_CSV_BUFFER_BYTES}")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        options.append("encoding = 'utf-16'")
        encoding = "utf-16"
    elif not _is_utf8(sample):
        options.append("encoding = 'latin-1'")
        encoding = "latin-1"
    else:
        encoding = "utf-8-sig"
    text = _decompressed(sample).decode(encoding, errors="replace")
    delim = delim or _pick_delimiter(text, complete=len(sample) < _SAMPLE_BYTES)
    # A literal from _DELIMITERS or the format registry, never text from the file.
    options.append("delim = '\t'" if delim == "\t" else f"delim = '{delim}'")
    decimal = "."
    if delim != "," and _DECIMAL_COMMA.search(text):
        options.append("decimal_separator = ','")
        decimal = ","
    return CsvDialect(tuple(options), delim, decimal)


def _csv_sql(dialect: CsvDialect, *, raw: bool = False, text_columns: bool = False) -> str:
    """The SELECT reading a delimited file: ``?`` for the path, then (unless ``raw``) one for
    the missing-value markers and, with ``text_columns``, one for the columns read as text.

    ``raw`` reads every field as the file writes it, markers included, to learn its formats.
    """
    options = list(dialect.options)
    if raw:
        options.append("all_varchar = true")
    else:
        options.append("nullstr = ?")
        if text_columns:
            options.append("types = ?")
    return f"SELECT * FROM read_csv(?, {', '.join(options)})"


def _decompressed(sample: bytes) -> bytes:
    """The start of a gzipped sample (``.csv.gz``) inflated, any other sample unchanged."""
    if not sample.startswith(b"\x1f\x8b"):
        return sample
    try:
        return zlib.decompressobj(wbits=31).decompress(sample, _SAMPLE_BYTES)
    except zlib.error:
        return b""  # DuckDB reports the broken file in its own words


def _pick_delimiter(text: str, *, complete: bool) -> str:
    """The delimiter of a delimited text, judged from its header line.

    A delimiter must occur in the header outside quotes. When several do, the one that splits
    the most rows into as many fields as the header wins (a ``,`` inside ``;``-separated names
    and values splits them unevenly). A header with none is a one-column
    file: then the first delimiter that occurs in no row outside quotes, so each line is read
    whole (a ``;`` or ``,`` inside the text stays text).

    Args:
        text: the start of the file, decoded.
        complete: whether ``text`` is the whole file; if not, its last line may be cut short
            and is not used.
    """
    records = _delimiter_counts(text)
    if not complete:
        records = records[:-1]
    if not records:
        return ","
    header, rows = records[0], records[1:]
    candidates = [d for d in _DELIMITERS if header[d]]
    if not candidates:
        return next((d for d in _DELIMITERS if not any(row[d] for row in rows)), ",")
    # Ties go to the delimiter the header holds most often, then to the earlier one.
    return max(candidates, key=lambda d: (sum(row[d] == header[d] for row in rows), header[d]))


def _delimiter_counts(text: str) -> list[dict[str, int]]:
    """For each record, how often each candidate delimiter occurs outside double quotes.

    A record ends at a line break outside quotes (LF, CRLF or CR); a doubled quote inside a
    quoted field toggles twice, so it needs no special case.
    """
    records: list[dict[str, int]] = []
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    previous = ""
    for char in text:
        if char == '"':
            quoted = not quoted
        elif quoted:
            pass
        elif char in counts:
            counts[char] += 1
        elif char == "\r" or (char == "\n" and previous != "\r"):
            records.append(counts)
            counts = dict.fromkeys(_DELIMITERS, 0)
        previous = char
    if previous not in ("\r", "\n"):
        records.append(counts)  # the last line, without a line break after it
    return records


def _is_single_object(sample: bytes) -> bool:
    """True for a file that is one JSON object (JSON lines hold several, one per line)."""
    if len(sample) >= _SAMPLE_BYTES or not sample.lstrip().startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(sample), dict)
    except ValueError:
        return False


def _is_utf8(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start > len(sample) - 4  # a character cut by the sample's end is fine
    return True


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
        sample = handle.read(_SAMPLE_BYTES)
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
    params: list[object] = [str(path), list(options.missing) or [""]]
    if text:
        params.append(text)
    for forgiving in (False, True):
        dialect = _csv_dialect(sample, spec.delimiter, forgiving=forgiving)
        raw = (_csv_sql(dialect, raw=True), [str(path)])
        try:
            return store(
                relation_sql=_csv_sql(dialect, text_columns=bool(text)),
                relation_params=params,
                finish=_finisher(options, raw=raw, dialect=dialect),
            )
        except duckdb.Error:
            if forgiving:
                raise
    raise AssertionError("unreachable")


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
        force_types(cur, table, options.forced)
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
