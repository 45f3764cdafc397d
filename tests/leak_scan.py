"""A scanner for real personal values in the studio's artifacts (files, text, tables, zips).

``scan`` reports every place where a real value of a direct-identifier column shows up:

- in a table (CSV, Parquet, Excel, a DataFrame): a cell equal to a real value, trimmed and
  case-folded: of the same column, or of any column when the value is *distinctive* (holds a
  digit, an ``@`` or two words). A lone word such as a first name is also a common last name
  ("James"), so a fake last name may equal a real first name without pointing at anyone;
- in text (HTML, JSON, logs, scripts): a distinctive value verbatim as a whole token
  sequence (not inside a longer word); a lone word as a whole string (between quotes, tags
  or line ends: an axis label, a cell), since "Lake Jennifer" names a town, not Jennifer.
  Also after undoing HTML and JSON escapes, and each line of a multi-line value on its own.
  Library code a report inlines unchanged (plotly.js) is left out first: it is the same for
  every table, so it holds no value of one;
- in a zip: every member, by its extension.

A hit names the artifact, the column and the value's first two characters, never the value.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

_TOKEN = re.compile(r"[0-9A-Za-zÀ-ÿ]+")
_WORD = re.compile(r"[0-9A-Za-zÀ-ÿ]")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\([nrt\"/\\])")
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "/": "/", "\\": "\\"}
_STRING_EDGE = set("\"'<>\n\r\t") | {""}
MIN_CHARS = 3


def distinctive(text: str) -> bool:
    """Whether a value points at one person on its own: digits, an ``@`` or several words."""
    return any(c.isdigit() for c in text) or "@" in text or len(text.split()) > 1


@dataclass(frozen=True)
class Leak:
    """One real value found in one artifact (the value itself is not kept)."""

    artifact: str
    column: str
    hint: str

    def __str__(self) -> str:
        return f"{self.artifact}: a real {self.column} value ({self.hint}…)"


class Needles:
    """The real values to look for, indexed by their first word for a fast text scan."""

    def __init__(self, real: pd.DataFrame, columns: list[str]) -> None:
        self.cells: dict[str, str] = {}
        self.pairs: set[tuple[str, str]] = set()
        self.by_word: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
        for column in columns:
            for value in real[column].dropna().unique():
                text = _text(value)
                if len(text) < MIN_CHARS:
                    continue
                self.cells.setdefault(text.casefold(), column)
                self.pairs.add((str(column), text.casefold()))
                parts = [text] + [line.strip() for line in text.splitlines()[1:]]
                if "\n" in text:
                    parts.append(text.splitlines()[0].strip())
                for part in parts:
                    first = _TOKEN.search(part)
                    if len(part) >= MIN_CHARS and first:
                        self.by_word[first.group(0)].append((part, first.start(), column))

    def in_text(self, text: str, artifact: str) -> list[Leak]:
        found: dict[tuple[str, str], Leak] = {}
        for variant in {text, html.unescape(text), _json_unescaped(text)}:
            for token in _TOKEN.finditer(variant):
                for value, offset, column in self.by_word.get(token.group(0), ()):
                    start = token.start() - offset
                    end = start + len(value)
                    if start < 0 or variant[start:end] != value:
                        continue
                    before = variant[start - 1] if start else ""
                    after = variant[end] if end < len(variant) else ""
                    if _WORD.match(before) or _WORD.match(after):
                        continue  # part of a longer word or number
                    if not distinctive(value) and not _whole_string(variant, start, end):
                        continue  # a lone word inside longer text ("Lake Jennifer")
                    found[(column, value)] = Leak(artifact, column, value[:2])
        return list(found.values())

    def in_table(self, frame: pd.DataFrame, artifact: str) -> list[Leak]:
        found: dict[tuple[str, str], Leak] = {}
        for name in frame.columns:
            for value in frame[name].dropna().unique():
                text = _text(value).casefold()
                column = self.cells.get(text)
                same = (str(name), text) in self.pairs
                if column is not None and (same or distinctive(text)):
                    found[(column, text)] = Leak(f"{artifact}[{name}]", column, text[:2])
        return list(found.values())


def scan_file(path: Path, needles: Needles) -> list[Leak]:
    """Every real value in the file at ``path`` (by its extension; a directory: every file)."""
    if path.is_dir():
        return [leak for child in sorted(path.rglob("*")) for leak in scan_file(child, needles)]
    return scan_bytes(path.name, path.read_bytes(), needles)


def scan_bytes(name: str, data: bytes, needles: Needles) -> list[Leak]:
    """Every real value in a file's bytes, read as its extension says."""
    suffix = Path(name).suffix.lower()
    if suffix == ".zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [
                leak
                for member in archive.namelist()
                for leak in scan_bytes(f"{name}/{member}", archive.read(member), needles)
            ]
    if suffix == ".parquet":
        return needles.in_table(pd.read_parquet(io.BytesIO(data)), name)
    if suffix == ".xlsx":
        frame = pd.read_excel(io.BytesIO(data), dtype=str)
        return needles.in_table(frame, name)
    text = data.decode("utf-8", errors="replace")
    if suffix in (".csv", ".tsv"):
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        # A formula-safe CSV writes '=... as text; compare the cells without that guard.
        frame = frame.apply(lambda c: c.str.removeprefix("'"))
        return needles.in_table(frame, name)
    return needles.in_text(without_libraries(text), name)


def scan_text(text: str, needles: Needles, *, artifact: str) -> list[Leak]:
    """Every real value in a piece of text (a log, a figure's JSON, a report)."""
    return needles.in_text(without_libraries(text), artifact)


def without_libraries(text: str) -> str:
    """``text`` without the library code a report inlines unchanged (plotly.js)."""
    bundle = _plotly_js()
    return text.replace(bundle, "") if bundle in text else text


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _whole_string(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip(" ")[-1:]
    after = text[end:].lstrip(" ")[:1]
    return before in _STRING_EDGE and after in _STRING_EDGE


def _json_unescaped(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return chr(int(match.group(1), 16))
        return _SIMPLE[match.group(2)]

    return _JSON_ESCAPE.sub(one, text)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def as_json(value: object) -> str:
    """JSON text of a value (figures, reports), for :func:`scan_text`."""
    return json.dumps(value, default=str)
