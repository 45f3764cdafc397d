"""Find direct identifiers in a table: by a column's name, by its values, or both.

A column is flagged by its values when at least ``min_share`` of a sample of its non-null
values match one kind: emails, phone numbers, person names ("Firstname Lastname", first names
from Faker's list), street addresses, card numbers that pass the Luhn check, IBANs that pass
the mod-97 check, national ids (US SSN ``###-##-####``, UK National Insurance numbers), IPv4
and IPv6 addresses. A column whose name says what it holds (``email``, ``phone``,
``last_name``...) is flagged by its name when its values are mostly distinct text, so a hashed
or oddly formatted identifier is not missed. Text columns in which a few values carry one of
those identifiers inside longer text are flagged as free text with personal data.

Checks are strict on purpose: numbers, amounts, dates and categories (``"Lyon"``) are not
personal data, and a number column is only read as card numbers (or phone numbers when its
name says so). Reasons never quote a value, so they can be shown and stored safely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from core.data.pii_values import (
    EMBEDDED,
    HINT_AWARE,
    VALUE_CHECKS,
    iban_valid,
    ip_version,
    luhn_valid,
)

Kind = Literal[
    "email",
    "phone",
    "person_name",
    "address",
    "credit_card",
    "iban",
    "national_id",
    "ip_address",
    "free_text",
    "code",
]
By = Literal["name", "values", "both", "you"]

__all__ = ["PiiFinding", "classify_direct", "detect_pii", "iban_valid", "luhn_valid"]

# Free text leaks even when few of its values hold an identifier: one email is one leak.
TEXT_MIN_SHARE = 0.05
# A column flagged by its name alone must hold text that is mostly distinct (identifiers are).
NAME_ONLY_DISTINCT_SHARE = 0.5

_LABELS: dict[str, str] = {
    "email": "emails",
    "phone": "phone numbers",
    "person_name": "person names",
    "address": "street addresses",
    "credit_card": "valid card numbers (Luhn check)",
    "iban": "valid IBANs (mod-97 check)",
    "national_id": "national id numbers (SSN-like)",
    "ip_address": "IP addresses",
}
_SDTYPES: dict[str, str] = {
    "email": "email",
    "phone": "phone_number",
    "person_name": "name",
    "address": "address",
    "credit_card": "credit_card_number",
    "iban": "iban",
    "national_id": "ssn",
    "ip_address": "ipv4_address",
    "free_text": "unknown",
    "code": "unknown",
}
# Text this long on average, with spaces, is free text; shorter text is a code or a key.
FREE_TEXT_CHARS = 25


@dataclass(frozen=True)
class PiiFinding:
    """One column that holds direct identifiers.

    ``sdtype`` is the SDV sdtype that makes SDV replace the column with fake values; ``share``
    in [0, 1] is the share of sampled non-null values that match ``kind``; ``by`` says whether
    the column's name, its values, or both gave it away.
    """

    column: str
    kind: Kind
    sdtype: str
    share: float
    by: By
    reason: str


def detect_pii(
    df: pd.DataFrame, *, sample_rows: int = 1000, min_share: float = 0.5
) -> list[PiiFinding]:
    """Find the columns of ``df`` that hold direct identifiers.

    Args:
        df: The table.
        sample_rows: Values checked per column: a seeded sample of its non-null values.
        min_share: Share of sampled values that must match one kind to flag a column by its
            values. Free text is flagged from ``TEXT_MIN_SHARE`` of values up.

    Returns:
        One finding per flagged column, in column order.
    """
    findings = []
    for column in df.columns:
        finding = _check_column(
            df[column], str(column), sample_rows=sample_rows, min_share=min_share
        )
        if finding is not None:
            findings.append(finding)
    return findings


def classify_direct(series: pd.Series, column: str) -> PiiFinding:
    """How to fake a column a person marked as a direct identifier.

    The kind :func:`detect_pii` would find, or else free text (long text with spaces) or a code
    (anything shorter: faked in the same character shape).
    """
    found = _check_column(series, column, sample_rows=1000, min_share=0.5)
    if found is not None:
        return PiiFinding(found.column, found.kind, found.sdtype, found.share, "you", found.reason)
    text = series.dropna().astype(str)
    long_text = (
        not text.empty
        and text.str.len().mean() >= FREE_TEXT_CHARS
        and text.str.contains(" ").mean() >= 0.5
    )
    kind = "free_text" if long_text else "code"
    reason = "marked by you as free text" if long_text else "marked by you as codes"
    return PiiFinding(column, kind, "unknown", 0.0, "you", reason)


# --- column names --------------------------------------------------------------------------

_NAME_HINTS: dict[str, re.Pattern[str]] = {
    "ip_address": re.compile(r"(^|_)(ip|ipv4|ipv6|ip_?addr(ess)?)(_|$)"),
    "email": re.compile(r"(^|_)e_?mails?(_?address)?(_|$)"),
    "phone": re.compile(
        r"(^|_)(tele)?phone(_?n(o|um(ber)?))?(_|$)|(^|_)(tel|mobile|cell|fax|msisdn)(_|$)"
    ),
    "credit_card": re.compile(
        r"(^|_)(credit_?card|cc_?(n(o|um(ber)?))?|ccn|card_?n(o|um(ber)?)|pan)(_|$)"
    ),
    "iban": re.compile(r"(^|_)iban(_|$)"),
    "national_id": re.compile(
        r"(^|_)(ssn|sin|nino|social_?security(_?n(o|um(ber)?))?|national_?id|tax_?id|tin|"
        r"passport(_?n(o|um(ber)?))?)(_|$)"
    ),
    "address": re.compile(r"(^|_)(street(_?address)?|(home_|postal_|mailing_)?addr(ess)?)(_|$)"),
    "person_name": re.compile(
        r"(^|_)((first|last|full|given|family|middle|maiden|customer|client|patient|person|"
        r"contact|employee|holder|owner)_?name|name|surname|forename)(_|$)"
    ),
}
_NOT_PERSON = re.compile(
    r"(^|_)(product|company|business|org|organi[sz]ation|file|host|user|domain|brand|item|"
    r"category|country|city|state|street|team|project|species|table|column|sheet|app|model|"
    r"store|shop|school|hospital|bank|event|place|region|device|server|display|screen)(_|$)"
)


def _normalise_name(column: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", column)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def _name_hint(column: str) -> str | None:
    name = _normalise_name(column)
    for kind, pattern in _NAME_HINTS.items():
        if pattern.search(name):
            if kind == "person_name" and _NOT_PERSON.search(name):
                return None
            return kind
    return None


_EXPLICIT_PERSON = re.compile(
    r"(^|_)((first|last|full|given|family|middle|maiden|customer|client|patient|person|"
    r"contact|employee|holder|owner)_?name|surname|forename)(_|$)"
)


def _explicit_person(column: str) -> bool:
    """Whether the name says a person's name ("last_name"), not just a name ("name")."""
    return _EXPLICIT_PERSON.search(_normalise_name(column)) is not None


def _name_sdtype(column: str) -> str:
    name = _normalise_name(column)
    if re.search(r"(^|_)(first|given|fore)_?name(_|$)|forename", name):
        return "first_name"
    if re.search(r"(^|_)(last|family|sur)_?name(_|$)|surname", name):
        return "last_name"
    return "name"


# --- one column ----------------------------------------------------------------------------


def _check_column(
    series: pd.Series, column: str, *, sample_rows: int, min_share: float
) -> PiiFinding | None:
    hint = _name_hint(column)
    values = _sample_text(series, sample_rows=sample_rows)
    if values is None or values.empty:
        return None
    # "first_name" vouches for single words like "Lyon"; a bare "name" column (airports, films,
    # products) must show person names in its values.
    vague = hint == "person_name" and not _explicit_person(column)
    lenient = None if vague else hint
    shares = _kind_shares(values, hint=lenient)
    kind, share = max(shares.items(), key=lambda item: item[1], default=("", 0.0))
    if hint is not None and shares.get(hint, 0.0) >= min_share:
        kind, share = hint, shares[hint]
    if share >= min_share:
        by: By = "both" if kind == hint else "values"
        reason = f"{share:.0%} of values are {_LABELS[kind]}"
        if by == "both":
            reason += ", and the column name says so too"
        return _finding(column, kind, share, by, reason, values)
    is_text = not pd.api.types.is_numeric_dtype(series)
    mostly_distinct = values.nunique() >= NAME_ONLY_DISTINCT_SHARE * len(values)
    if hint is not None and not vague and is_text and mostly_distinct:
        share = shares.get(hint, 0.0)
        reason = (
            f"the column name suggests {_LABELS[hint].split(' (')[0]}, and its values are "
            f"mostly distinct text ({share:.0%} match the usual formats)"
        )
        return _finding(column, hint, share, "name", reason, values)
    if is_text:
        return _free_text_finding(column, values)
    return None


def _finding(
    column: str, kind: str, share: float, by: By, reason: str, values: pd.Series
) -> PiiFinding:
    sdtype = _SDTYPES[kind]
    if kind == "person_name":
        sdtype = _name_sdtype(column)
    elif kind == "ip_address":
        versions = [ip_version(v) for v in values]
        if versions.count(6) > versions.count(4):
            sdtype = "ipv6_address"
    return PiiFinding(
        column=column, kind=kind, sdtype=sdtype, share=float(share), by=by, reason=reason
    )


def _free_text_finding(column: str, values: pd.Series) -> PiiFinding | None:
    found: dict[str, int] = {}
    hits = 0
    for text in values:
        kinds = [
            label
            for label, (pattern, check) in EMBEDDED.items()
            if any(check(m.group(0)) for m in pattern.finditer(text))
        ]
        hits += bool(kinds)
        for label in kinds:
            found[label] = found.get(label, 0) + 1
    share = hits / len(values)
    if share < TEXT_MIN_SHARE:
        return None
    named = ", ".join(sorted(found, key=lambda label: -found[label]))
    reason = f"{share:.0%} of values are text with {named} inside"
    return PiiFinding(
        column=column, kind="free_text", sdtype="unknown", share=share, by="values", reason=reason
    )


def _sample_text(series: pd.Series, *, sample_rows: int) -> pd.Series | None:
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
        return None
    present = series.dropna()
    if len(present) > sample_rows:
        present = present.sample(n=sample_rows, random_state=0)
    if pd.api.types.is_numeric_dtype(series):
        # Only whole numbers can be card numbers, or phone numbers under a phone-like name.
        if not pd.api.types.is_integer_dtype(series):
            return None
        return present.astype("int64").astype(str)
    texts = present.astype(str).str.strip()
    return texts[texts != ""]


def _kind_shares(values: pd.Series, *, hint: str | None) -> dict[str, float]:
    counts: dict[str, int] = {}
    numeric = values.str.fullmatch(r"\d+").all()
    for text in values:
        for kind, check in VALUE_CHECKS.items():
            if numeric and kind not in ("credit_card", "phone"):
                continue
            if numeric and kind == "phone" and hint != "phone":
                continue
            matched = check(text, hinted=hint == kind) if kind in HINT_AWARE else check(text)
            if matched:
                counts[kind] = counts.get(kind, 0) + 1
                break
    return {kind: count / len(values) for kind, count in counts.items()}
