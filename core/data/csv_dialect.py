"""The dialect of a delimited text file (CSV, TSV), judged from its first bytes.

Every option returned is a literal chosen here, never text from the file, so the SQL built from
it is safe to run on any upload.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

SAMPLE_BYTES = 1 << 16
# DuckDB's max_line_size is 2 MB by default, and a buffer must hold at least one line.
_CSV_BUFFER_BYTES = 1 << 21
_DECIMAL_COMMA = re.compile(r"(^|[;\t|])-?[0-9]+,[0-9]+($|[;\t|\r\n])", re.MULTILINE)
# Delimiters we recognise, in order of preference when the evidence ties.
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class CsvDialect:
    """How a delimited file is read: DuckDB options chosen from its first bytes (literals only,
    never text from the file), its delimiter and decimal separator."""

    options: tuple[str, ...]
    delimiter: str
    decimal: str


def csv_dialect(sample: bytes, delim: str | None = None, *, forgiving: bool = False) -> CsvDialect:
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
    delim = delim or _pick_delimiter(text, complete=len(sample) < SAMPLE_BYTES)
    # A literal from _DELIMITERS or the format registry, never text from the file.
    options.append("delim = '\t'" if delim == "\t" else f"delim = '{delim}'")
    decimal = "."
    if delim != "," and _DECIMAL_COMMA.search(text):
        options.append("decimal_separator = ','")
        decimal = ","
    return CsvDialect(tuple(options), delim, decimal)


def csv_sql(dialect: CsvDialect, *, raw: bool = False, text_columns: bool = False) -> str:
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
        return zlib.decompressobj(wbits=31).decompress(sample, SAMPLE_BYTES)
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


def _is_utf8(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start > len(sample) - 4  # a character cut by the sample's end is fine
    return True
