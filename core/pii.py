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

import importlib
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import pandas as pd
from faker.providers.address.en_US import Provider as _UsAddress
from faker.providers.person.en_US import Provider as _UsPerson

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
]
By = Literal["name", "values", "both"]

# First names of these Faker locales make "Firstname Lastname" recognisable by its values.
_NAME_LOCALES = ("en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "it_IT", "pt_BR", "nl_NL")
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
}


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


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn checksum of card numbers."""
    if not re.fullmatch(r"[0-9]+", digits):
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def iban_valid(text: str) -> bool:
    """Whether ``text`` (spaces allowed) is an IBAN whose mod-97 check gives 1."""
    compact = text.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


# --- whole-value checks --------------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_SSN = re.compile(r"(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}")
_NINO = re.compile(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]")
_CARD = re.compile(r"\d(?:[ -]?\d){11,18}")
_PHONE_EXTENSION = re.compile(r"\s*(?:x|ext\.?|extension)\s*\d{1,6}$", re.IGNORECASE)
_PHONE = re.compile(r"[+(\d][\d\s().-]*\d")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_DATE_LIKE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
_THOUSANDS = re.compile(
    r"\d{1,3}(,\d{3})+(\.\d+)?|\d{1,3}(\.\d{3})+(,\d+)?|\d{1,3}( \d{3})+([.,]\d+)?"
)
_NAME_AFFIXES = {
    word.lower().rstrip(".")
    for word in (*_UsPerson.prefixes_female, *_UsPerson.prefixes_male, *_UsPerson.suffixes_male)
} | {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "jr", "sr"}
_NAME_PARTICLES = {"de", "la", "le", "du", "da", "di", "van", "von", "der", "den", "bin", "al"}
_STREET_WORDS = sorted(
    set(_UsAddress.street_suffixes)
    | {"St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Ct", "Pl", "Hwy", "Pkwy", "Sq", "Ter", "Cir"},
    key=len,
    reverse=True,
)
_US_STREET = re.compile(
    r"^\d{1,6}[A-Za-z]?,?\s+(?:[A-Z][\w.'-]*\s+){1,4}(?:"
    + "|".join(re.escape(w) for w in _STREET_WORDS)
    + r")\b\.?"
)
_EU_STREET = re.compile(
    r"^\d{1,5}\w?,?\s+(?:rue|avenue|boulevard|bd|chemin|allée|impasse|place|quai|via|viale|"
    r"piazza|calle|avenida|plaza|rua)\s+\w+"
    r"|\b[\w-]+(?:straße|strasse|str\.|platz|weg|gasse|allee|ring|damm)\s+\d{1,4}\w?\b",
    re.IGNORECASE,
)
# A multi-part address ending in a US state and ZIP code or a UK postcode.
_POSTAL = re.compile(
    r"[\n,].*(\b[A-Z]{2} \d{5}(-\d{4})?|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\s*$", re.DOTALL
)


def _is_email(text: str) -> bool:
    return _EMAIL.fullmatch(text) is not None


def _is_iban(text: str) -> bool:
    return iban_valid(text)


def _is_card(text: str) -> bool:
    if not _CARD.fullmatch(text):
        return False
    return luhn_valid(re.sub(r"\D", "", text))


def _is_national_id(text: str) -> bool:
    return _SSN.fullmatch(text) is not None or _NINO.fullmatch(text.upper()) is not None


def _ip_version(text: str) -> int | None:
    if not (text.count(".") == 3 or ":" in text):
        return None
    try:
        return ipaddress.ip_address(text).version
    except ValueError:
        return None


def _is_ip(text: str) -> bool:
    return _ip_version(text) is not None


def _is_phone(text: str, *, hinted: bool = False) -> bool:
    core = _PHONE_EXTENSION.sub("", text)
    if not _PHONE.fullmatch(core) or _DATE_LIKE.fullmatch(core) or _THOUSANDS.fullmatch(core):
        return False
    digits = sum(char.isdigit() for char in core)
    if not 7 <= digits <= 15:
        return False
    if _PLAIN_NUMBER.fullmatch(core):
        # A bare number is an amount or a count unless it is written like a dialled number.
        return hinted or ("." not in core and core[0] in "+0" and digits >= 9)
    return True


def _is_person_name(text: str, *, hinted: bool = False) -> bool:
    if "," in text:  # "Lastname, Firstname"
        last, _, first = text.partition(",")
        text = f"{first.strip()} {last.strip()}"
    tokens = [t for t in text.split() if t.lower().rstrip(".") not in _NAME_AFFIXES]
    if not 1 <= len(tokens) <= 4:
        return False
    for token in tokens:
        if token.lower() in _NAME_PARTICLES:
            continue
        letters = token.replace("'", "").replace("’", "").replace("-", "").replace(".", "")
        if not (letters.isalpha() and token[0].isupper()):
            return False
    if hinted:
        return True
    return len(tokens) >= 2 and tokens[0].split("-")[0].lower() in _first_names()


def _is_address(text: str) -> bool:
    return any(p.search(text) is not None for p in (_US_STREET, _EU_STREET, _POSTAL))


# Checked in this order; a value counts for the first kind it matches.
_VALUE_CHECKS: dict[str, Callable[..., bool]] = {
    "email": _is_email,
    "iban": _is_iban,
    "credit_card": _is_card,
    "national_id": _is_national_id,
    "ip_address": _is_ip,
    "phone": _is_phone,
    "address": _is_address,
    "person_name": _is_person_name,
}
_HINT_AWARE = {"phone", "person_name"}

# --- identifiers inside free text ----------------------------------------------------------

_EMBEDDED: dict[str, tuple[re.Pattern[str], Callable[[str], bool]]] = {
    "emails": (re.compile(_EMAIL.pattern), lambda _: True),
    "national ids": (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), _is_national_id),
    "card numbers": (re.compile(r"\b[3-6]\d(?:[ -]?\d){11,17}\b"), _is_card),
    "IBANs": (re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b"), _is_iban),
    "IP addresses": (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"), _is_ip),
    "phone numbers": (
        re.compile(
            r"(?:\+\d{1,3}[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?!\d)|\+\d[\d\s().-]{7,16}\d"
        ),
        lambda _: True,
    ),
}

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
    # "first_name" vouches for single words like "Lyon"; a bare "name" column must show names.
    lenient = None if hint == "person_name" and _name_sdtype(column) == "name" else hint
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
    if hint is not None and is_text and values.nunique() >= NAME_ONLY_DISTINCT_SHARE * len(values):
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
        versions = [_ip_version(v) for v in values]
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
            for label, (pattern, check) in _EMBEDDED.items()
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
        for kind, check in _VALUE_CHECKS.items():
            if numeric and kind not in ("credit_card", "phone"):
                continue
            if numeric and kind == "phone" and hint != "phone":
                continue
            matched = check(text, hinted=hint == kind) if kind in _HINT_AWARE else check(text)
            if matched:
                counts[kind] = counts.get(kind, 0) + 1
                break
    return {kind: count / len(values) for kind, count in counts.items()}


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    names: set[str] = set()
    for locale in _NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        names.update(name.lower() for name in provider.first_names)
    return frozenset(names)
