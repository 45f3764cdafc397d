"""Detect, explain, edit and validate the metadata of one table.

The result is a :class:`core.meta.StudioMetadata`: SDV's metadata, the one-line reason for each
detected type, and what each personal column is to privacy (see :mod:`core.data.personal`).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sdv.metadata import Metadata

from core.data.personal import names_a_person, quasi_reason, role_reason
from core.data.pii import classify_direct, detect_pii
from core.errors import InvalidMetadataError
from core.meta import DIRECT, NOT_PERSONAL, QUASI, ROLES, TABLE, StudioMetadata, count_ids

# sdtypes offered in the editor; PII sdtypes are replaced by fake values when sampling.
BASIC_SDTYPES = ("numerical", "categorical", "boolean", "datetime", "ordinal", "id")
# What a synthesizer learns; every other sdtype (ids, personal data) is generated, never learned.
LEARNED_SDTYPES = ("numerical", "categorical", "boolean", "datetime", "ordinal")
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

# A unique numeric column is only a key when its name says so; otherwise it is a measurement
# that happens to be unique (population, amounts with many decimals).
_ID_NAME = re.compile(r"(^|_|\b)(id|key|uuid|guid|code|number|no)$|id$", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnMeta:
    """One column of the editable metadata table.

    ``role`` is one of :data:`core.data.personal.ROLES`; ``role_reason`` says why.
    """

    name: str
    sdtype: str
    role: str
    primary_key: bool
    reason: str
    role_reason: str = ""

    @property
    def pii(self) -> bool:
        """Whether the column is a direct identifier (faked, never learned, never shown)."""
        return self.role == DIRECT


def detect_metadata(df: pd.DataFrame) -> StudioMetadata:
    """Detect SDV metadata for ``df``, explain each column's type and personal-data role.

    SDV flags columns by name alone (``city``, ``latitude``, ``emails_sent``...) as personal
    types it would replace with Faker values. Here a place, a coordinate or any column the
    value checks of :func:`core.data.pii.detect_pii` do not confirm is learned instead; places,
    dates of birth, ages, genders, jobs... are marked quasi-identifiers. Columns the checks do
    confirm keep SDV's type until :func:`core.privacy.protect.fake_pii_metadata` marks them. An id
    column is a direct identifier when its name says whose it is (``customer_id``) or when it
    is the key of a table holding direct identifiers.

    Returns:
        The table's metadata with a reason for each column's type and the personal roles.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metadata = Metadata.detect_from_dataframes({TABLE: df})
    findings = {f.column for f in detect_pii(df)}
    reasons: dict[str, str] = {}
    roles: dict[str, dict[str, str]] = {}
    table = metadata.tables[TABLE]
    detected = {name: col["sdtype"] for name, col in table.columns.items()}
    relearn = [
        name for name, sdtype in detected.items()
        if sdtype not in BASIC_SDTYPES and name not in findings
    ]  # fmt: skip
    learned = _learned_entries(df, relearn)
    for name, sdtype in detected.items():
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
        if name in learned:
            table.columns[name] = learned[name]
            if table.primary_key == name:
                metadata.remove_primary_key(table_name=TABLE)
            reasons[name] = _reason(df[name], learned[name]["sdtype"], is_key=False)
            if quasi_reason(str(name), sdtype) is None:
                reasons[name] = (
                    f"the name suggests {sdtype.replace('_', ' ')}, but the values are not: "
                    + reasons[name]
                )
        else:
            reasons[name] = _reason(df[name], sdtype, is_key=table.primary_key == name)
        if name in findings:
            continue
        if table.columns[name]["sdtype"] == "id":
            if names_a_person(str(name)):
                why = "the name says whose id it is: identifies a person"
            elif table.primary_key == name and findings:
                why = "the key of a table holding personal data: identifies a person"
            else:
                continue
            roles[name] = {"role": DIRECT, "why": f"{why}; replaced by fake codes", "kind": "code"}
        elif (why := quasi_reason(str(name), sdtype)) is not None:
            roles[name] = {"role": QUASI, "why": why}
    count_ids(metadata)
    return StudioMetadata.from_sdv(metadata, reasons=reasons, roles=roles)


def _learned_entries(df: pd.DataFrame, columns: list[str]) -> dict[str, dict[str, Any]]:
    """SDV's metadata for ``columns`` detected from their values alone (names hidden)."""
    if not columns:
        return {}
    neutral = df[columns].set_axis([f"c{i}" for i in range(len(columns))], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        detected = Metadata.detect_from_dataframes({TABLE: neutral}, infer_keys=None)
    entries = detected.to_dict()["tables"][TABLE]["columns"]
    return {name: entries[f"c{i}"] for i, name in enumerate(columns)}


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


def columns_of(studio_meta: StudioMetadata) -> list[ColumnMeta]:
    """The rows of the editable metadata table."""
    key = studio_meta.primary_key
    return [
        ColumnMeta(
            name=name,
            sdtype=col["sdtype"],
            role=studio_meta.role(name),
            primary_key=name == key,
            reason=studio_meta.reasons.get(name, ""),
            role_reason=role_reason(studio_meta, name),
        )
        for name, col in studio_meta.columns.items()
    ]


def apply_edits(
    studio_meta: StudioMetadata, edits: list[ColumnMeta], df: pd.DataFrame
) -> StudioMetadata:
    """Apply edited column rows, then validate them with SDV against the data.

    A column moved to :data:`~core.data.personal.DIRECT` gets the personal type its values show
    (an email type for emails, free text or codes otherwise) unless the edit picks one; an id
    column keeps its type. A column moved out of it is learned again with the type its values
    show, unless the edit picks a learned type. Choosing a personal type makes a column a
    direct identifier.

    Raises:
        InvalidMetadataError: one line naming the column and what to change.
    """
    metadata = studio_meta.to_sdv()
    current = {c.name: c for c in columns_of(studio_meta)}
    keys = [e.name for e in edits if e.primary_key]
    if len(keys) > 1:
        raise InvalidMetadataError(
            f"Only one primary key is allowed; {', '.join(keys)} are all ticked."
        )
    reasons = dict(studio_meta.reasons)
    roles = {name: dict(entry) for name, entry in studio_meta.roles.items()}
    for edit in edits:
        if not edit.sdtype:
            raise InvalidMetadataError(f"Column '{edit.name}': choose a type.")
        if edit.role not in ROLES:
            raise InvalidMetadataError(
                f"Column '{edit.name}': choose one of {', '.join(ROLES)}, not '{edit.role}'."
            )
        before = current[edit.name]
        sdtype, role = edit.sdtype, edit.role
        if edit.primary_key and sdtype in LEARNED_SDTYPES:
            sdtype = "id"  # a key is generated, never learned
        if sdtype != before.sdtype and sdtype in PII_SDTYPES:
            role = DIRECT  # a personal type is picked: the column is faked
        elif (
            sdtype != before.sdtype and sdtype in LEARNED_SDTYPES and role == before.role == DIRECT
        ):
            # A learned type is picked for a direct identifier: it is learned from now on.
            role = QUASI if quasi_reason(edit.name) else NOT_PERSONAL
        if role == DIRECT and sdtype in LEARNED_SDTYPES:
            found = classify_direct(df[edit.name], edit.name)
            sdtype = found.sdtype
            roles[edit.name] = {"role": DIRECT, "why": "set by you", "kind": found.kind}
        elif role != DIRECT and sdtype in PII_SDTYPES:
            # A key is generated, never learned: out of the personal types it is an id.
            learned = _learned_entries(df, [edit.name])[edit.name]["sdtype"]
            sdtype = "id" if edit.primary_key else learned
        if role != before.role:
            roles[edit.name] = {**roles.get(edit.name, {}), "role": role, "why": "set by you"}
        if (sdtype, role) != (before.sdtype, before.role):
            kwargs: dict[str, Any] = {"sdtype": sdtype}
            if sdtype not in BASIC_SDTYPES:  # SDV takes the PII flag only on personal types
                kwargs["pii"] = role == DIRECT
            if sdtype != before.sdtype or sdtype not in BASIC_SDTYPES:
                _replace_column(metadata, edit.name, kwargs)
            if sdtype != before.sdtype:
                reasons[edit.name] = "set by you"
    table = metadata.tables[TABLE]
    if table.primary_key and table.primary_key not in keys:
        metadata.remove_primary_key(table_name=TABLE)
    if keys and table.primary_key != keys[0]:
        _guard(lambda: metadata.set_primary_key(keys[0], table_name=TABLE))
    count_ids(metadata)
    _guard(metadata.validate)
    _guard(lambda: metadata.validate_data({TABLE: df}))
    # Keeps locales; roles name no value, only what each column is.
    return studio_meta.replace(sdv=metadata.to_dict(), reasons=reasons, roles=roles)


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
