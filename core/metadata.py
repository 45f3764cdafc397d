"""Detect, explain, edit and validate SDV metadata for one table.

The studio stores metadata as ``{"sdv": <SDV metadata dict>, "reasons": {column: reason}}`` so
the edited SDV dict and the one-line reason for each detected type travel together.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sdv.metadata import Metadata

from core.errors import InvalidMetadataError

TABLE = "data"

# sdtypes offered in the editor; PII sdtypes are replaced by fake values when sampling.
BASIC_SDTYPES = ("numerical", "categorical", "boolean", "datetime", "ordinal", "id")
PII_SDTYPES = (
    "email",
    "phone_number",
    "name",
    "first_name",
    "last_name",
    "address",
    "ssn",
    "credit_card_number",
    "ipv4_address",
    "iban",
    "unknown",
)
SDTYPES = BASIC_SDTYPES + PII_SDTYPES

# Place sdtypes SDV infers from a column's name. With few distinct values such a column is a
# category an analyst wants learned (its share of rows), not replaced by fake places.
_PLACE_SDTYPES = ("city", "country", "country_code", "state", "state_abbr", "administrative_unit")

# A unique numeric column is only a key when its name says so; otherwise it is a measurement
# that happens to be unique (population, amounts with many decimals).
_CATEGORY_SHARE = 0.5
_ID_NAME = re.compile(r"(^|_|\b)(id|key|uuid|guid|code|number|no)$|id$", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnMeta:
    """One column of the editable metadata table."""

    name: str
    sdtype: str
    pii: bool
    primary_key: bool
    reason: str


def detect_metadata(df: pd.DataFrame) -> dict[str, Any]:
    """Detect SDV metadata for ``df`` and explain each column's type in one line.

    Returns:
        The studio metadata dict: ``{"sdv": ..., "reasons": {...}}``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metadata = Metadata.detect_from_dataframes({TABLE: df})
    reasons: dict[str, str] = {}
    table = metadata.tables[TABLE]
    for name, col in table.columns.items():
        sdtype = col["sdtype"]
        if (
            sdtype == "id"
            and pd.api.types.is_numeric_dtype(df[name])
            and not _ID_NAME.search(str(name))
        ):
            metadata.update_column(column_name=name, sdtype="numerical", table_name=TABLE)
            if table.primary_key == name:
                metadata.remove_primary_key(table_name=TABLE)
            reasons[name] = (
                "every value is unique, but the name does not look like a key, so it is "
                "treated as a number"
            )
            continue
        distinct = df[name].nunique(dropna=True)
        if sdtype in _PLACE_SDTYPES and distinct <= _CATEGORY_SHARE * len(df):
            _replace_column(metadata, name, {"sdtype": "categorical"})
            reasons[name] = (
                f"the name suggests {sdtype.replace('_', ' ')}, but its {distinct} values repeat:"
                " learned as categories (tick PII to replace them with fake ones)"
            )
            continue
        reasons[name] = _reason(df[name], sdtype, is_key=table.primary_key == name)
    return {"sdv": metadata.to_dict(), "reasons": reasons}


def _reason(series: pd.Series, sdtype: str, *, is_key: bool) -> str:
    n = len(series)
    distinct = series.nunique(dropna=True)
    nulls = int(series.isna().sum())
    null_note = f"; {nulls} missing" if nulls else ""
    if is_key:
        return f"every one of {n} values is unique: used as the primary key{null_note}"
    if sdtype == "numerical":
        return f"numbers ({series.dtype}) with {distinct} distinct values{null_note}"
    if sdtype in ("categorical", "ordinal"):
        kind = "ordered numbers" if sdtype == "ordinal" else "values"
        return f"{distinct} distinct {kind} in {n} rows{null_note}"
    if sdtype == "boolean":
        return f"two values only{null_note}"
    if sdtype == "datetime":
        return f"values read as dates and times{null_note}"
    if sdtype == "id":
        return f"{distinct} distinct values in {n} rows: looks like an identifier{null_note}"
    if sdtype == "unknown":
        return f"mostly unique text ({distinct} distinct): kept out of the model, faked"
    return f"name or values look like {sdtype.replace('_', ' ')}: personal data, faked"


def columns_of(studio_meta: dict[str, Any]) -> list[ColumnMeta]:
    """The rows of the editable metadata table."""
    table = studio_meta["sdv"]["tables"][TABLE]
    key = table.get("primary_key")
    return [
        ColumnMeta(
            name=name,
            sdtype=col["sdtype"],
            pii=bool(col.get("pii", col["sdtype"] in PII_SDTYPES)),
            primary_key=name == key,
            reason=studio_meta["reasons"].get(name, ""),
        )
        for name, col in table["columns"].items()
    ]


def apply_edits(
    studio_meta: dict[str, Any], edits: list[ColumnMeta], df: pd.DataFrame
) -> dict[str, Any]:
    """Apply edited column rows, then validate them with SDV against the data.

    Raises:
        InvalidMetadataError: one line naming the column and what to change.
    """
    metadata = to_sdv(studio_meta)
    current = {c.name: c for c in columns_of(studio_meta)}
    keys = [e.name for e in edits if e.primary_key]
    if len(keys) > 1:
        raise InvalidMetadataError(
            f"Only one primary key is allowed; {', '.join(keys)} are all ticked."
        )
    reasons = dict(studio_meta["reasons"])
    for edit in edits:
        if not edit.sdtype:
            raise InvalidMetadataError(f"Column '{edit.name}': choose a type.")
        before = current[edit.name]
        sdtype = (
            "id" if edit.primary_key and edit.sdtype not in PII_SDTYPES + ("id",) else (edit.sdtype)
        )
        if edit.pii and not before.pii and sdtype in BASIC_SDTYPES:
            raise InvalidMetadataError(
                f"Column '{edit.name}': to replace its values with fake ones, also choose a "
                "personal-data type (name, email, address, unknown…)."
            )
        if (sdtype, edit.pii) != (before.sdtype, before.pii):
            kwargs: dict[str, Any] = {"sdtype": sdtype}
            if sdtype not in BASIC_SDTYPES:  # SDV takes the PII flag only on personal types
                kwargs["pii"] = edit.pii
            _replace_column(metadata, edit.name, kwargs)
            reasons[edit.name] = "set by you"
    table = metadata.tables[TABLE]
    if table.primary_key and table.primary_key not in keys:
        metadata.remove_primary_key(table_name=TABLE)
    if keys and table.primary_key != keys[0]:
        _guard(lambda: metadata.set_primary_key(keys[0], table_name=TABLE))
    _guard(metadata.validate)
    _guard(lambda: metadata.validate_data({TABLE: df}))
    return {**studio_meta, "sdv": metadata.to_dict(), "reasons": reasons}  # keeps locales


def to_sdv(studio_meta: dict[str, Any]) -> Metadata:
    """An SDV ``Metadata`` object from the studio dict."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Metadata.load_from_dict(studio_meta["sdv"])


def _replace_column(metadata: Metadata, column: str, kwargs: dict[str, Any]) -> None:
    # Replace the column's entry whole: stale keys (range_values of a former category)
    # would otherwise make SDV reject the new type.
    table = metadata.tables[TABLE]
    table.columns[column] = {"sdtype": kwargs["sdtype"]}
    _guard(lambda: metadata.update_column(column_name=column, table_name=TABLE, **kwargs))


def sdtype_options(columns: list[ColumnMeta]) -> list[str]:
    """Types the editor offers: the studio's list plus any other type SDV detected here."""
    return list(SDTYPES) + sorted({c.sdtype for c in columns} - set(SDTYPES))


def _guard(action: Any) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            action()
    except Exception as err:  # SDV raises several error types; all mean "invalid metadata"
        raise InvalidMetadataError(_one_line(err)) from err


def _one_line(err: Exception) -> str:
    text = " ".join(str(err).split())
    text = text.replace("The provided data does not match the metadata: ", "")
    text = text.replace("Invalid values found for ", "")
    return text[:300] or type(err).__name__
