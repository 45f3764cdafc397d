"""What each column is to a person's privacy: a direct identifier, a quasi-identifier, or neither.

- **Direct identifiers** name a person on their own: names, emails, phone numbers, street
  addresses, card numbers, national ids, free text quoting them, and the keys of a table about
  people (a customer id). They are never learned: every value is replaced by a realistic fake
  of the same kind and shape (:mod:`core.synth.fakes`), and no real value of them is shown anywhere
  (figures, reports, profiles, SQL, previews).
- **Quasi-identifiers** (city, state, country, postcode, birth date, age, gender, job,
  coordinates...) point at a person only in combination. They are learned like any column, so
  the extract keeps their distributions; the rare-category grouping applies to them as to
  every categorical column.
- Everything else is **not personal**.

A column's role lives in the studio metadata: a direct identifier is a column marked
``pii: True`` in SDV's metadata, or an id column (keys cannot carry SDV's flag) listed under
its roles; quasi-identifiers are listed there too, each with the reason shown to the user.
:attr:`core.meta.StudioMetadata.direct_columns` is the one definition every module reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from core.data.pii import detect_pii
from core.meta import DIRECT, NOT_PERSONAL, QUASI, ROLES, TABLE, StudioMetadata

__all__ = ["DIRECT", "NOT_PERSONAL", "QUASI", "ROLES", "TABLE"]

ROLE_HELP = {
    DIRECT: "replaced by fakes of the same kind and shape; never learned, never shown",
    QUASI: "learned like any column; rare values grouped",
    NOT_PERSONAL: "learned like any column",
}
# What a masked value of a direct identifier reads as in a preview.
MASK = "•••• (hidden)"

# Quasi-identifiers by column name: what the name says, in the words the reason uses.
_QUASI_NAMES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern))
    for label, pattern in (
        ("a place (city)", r"(^|_)(city|town|municipality|locality|village)(_|$)"),
        (
            "a place (state or region)",
            r"(^|_)(state|province|region|county|district|canton)"
            r"(_?(code|abbr|name))?(_|$)",
        ),
        ("a place (country)", r"(^|_)(country|nation)(_?(code|name))?(_|$)"),
        ("a place (neighbourhood)", r"(^|_)(neighbou?rhood|suburb|borough|ward)(_|$)"),
        ("a postcode", r"(^|_)(zip|zipcode|zip_code|postcode|post_code|postal_?code)(_|$)"),
        ("coordinates", r"(^|_)(lat|latitude|lon|lng|long|longitude|geo_?(lat|lon))(_|$)"),
        ("a birth date", r"(^|_)(birth|dob|birthday|born|date_of_birth|birth_?date)(_|$)"),
        ("a date of death", r"(^|_)(death|died|death_?date|date_of_death)(_|$)"),
        ("an age", r"(^|_)(age|age_?years|years_?old)(_|$)"),
        ("a gender", r"(^|_)(gender|sex)(_|$)"),
        ("a job", r"(^|_)(job|occupation|profession|job_?title|employer|position)(_|$)"),
        ("an ethnicity", r"(^|_)(race|ethnicity|ethnic_?group)(_|$)"),
        ("a nationality", r"(^|_)(nationality|citizenship)(_|$)"),
        ("a marital status", r"(^|_)(marital(_?status)?|married)(_|$)"),
        ("a religion", r"(^|_)(religion|faith)(_|$)"),
        ("a language", r"(^|_)(language|mother_?tongue)(_|$)"),
    )
)
# SDV sdtypes that name a place: quasi-identifiers, learned (SDV would invent fake places).
QUASI_SDTYPES = frozenset(
    {"city", "country", "country_code", "state", "state_abbr", "administrative_unit",
     "postcode", "latitude", "longitude", "zipcode"}
)  # fmt: skip
# A key or id column of a table about people identifies a person when its name says whose.
_PERSON_KEY = re.compile(
    r"(customer|client|user|member|patient|employee|person|people|account|subscriber|student|"
    r"citizen|passenger|guest|buyer|seller|contact|owner|holder|driver|voter|taxpayer|"
    r"applicant|candidate|donor|beneficiary|insured|policy|cardholder|login|username|staff)"
)


def normalise(column: str) -> str:
    """``"BirthDate"`` / ``"birth date"`` as ``"birth_date"``: how names are matched."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(column))
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def quasi_reason(column: str, sdtype: str | None = None) -> str | None:
    """Why ``column`` is a quasi-identifier (from its name or SDV's place sdtype), or None."""
    name = normalise(column)
    for label, pattern in _QUASI_NAMES:
        if pattern.search(name):
            return f"the name says {label}: a quasi-identifier, learned (rare values grouped)"
    if sdtype in QUASI_SDTYPES:
        place = sdtype.replace("_", " ")
        return f"the name suggests a {place}: a quasi-identifier, learned (rare values grouped)"
    return None


def names_a_person(column: str) -> bool:
    """Whether an id column's name says it identifies a person (``customer_id``, ``user``)."""
    return _PERSON_KEY.search(normalise(column)) is not None


def role_reason(metadata: StudioMetadata, column: str) -> str:
    """The one-line reason for a column's role (never quoting a value)."""
    entry = metadata.roles.get(column) or {}
    if entry.get("why"):
        return str(entry["why"])
    role = metadata.role(column)
    if role == DIRECT:
        return str(metadata.reasons.get(column, "personal data: replaced by fakes"))
    return "" if role == NOT_PERSONAL else "a quasi-identifier: learned, rare values grouped"


def mask_direct(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` with every present value of ``columns`` shown as :data:`MASK`.

    For previews of real rows: the column stays (so the table reads like the file) but none of
    its values does; missing values stay missing.
    """
    hidden = [c for c in columns if c in frame.columns]
    if not hidden:
        return frame
    return frame.assign(**{c: frame[c].astype(object).where(frame[c].isna(), MASK) for c in hidden})


def direct_in_sample(frame: pd.DataFrame) -> list[str]:
    """The columns of a sample of rows that look like direct identifiers.

    For a preview shown before the dataset's metadata is detected: the value checks of
    :func:`core.data.pii.detect_pii`, plus id-like columns whose name says whose id it is.
    """
    found = {f.column for f in detect_pii(frame)}
    for column in frame.columns:
        name = normalise(column)
        if names_a_person(column) and re.search(r"(^|_)(id|key|no|number|code)$", name):
            found.add(str(column))
    return [str(c) for c in frame.columns if str(c) in found]


def without_direct(frame: pd.DataFrame, metadata: StudioMetadata | None) -> pd.DataFrame:
    """``frame`` without the dataset's direct-identifier columns (for profiles and SQL)."""
    if metadata is None:
        return frame
    hidden = [c for c in metadata.direct_columns if c in frame.columns]
    return frame.drop(columns=hidden) if hidden else frame
