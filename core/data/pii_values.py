"""What one value looks like: the checks that tell an email, a phone number, a person's name,
a street address, a card number, an IBAN, a national id or an IP address from other text.

:mod:`core.data.pii` applies them to a sample of each column; they are strict on purpose (see
there).
"""

from __future__ import annotations

import importlib
import ipaddress
import re
from collections.abc import Callable
from functools import lru_cache

from faker.providers.address.en_US import Provider as _UsAddress
from faker.providers.person.en_US import Provider as _UsPerson

# First names of these Faker locales make "Firstname Lastname" recognisable by its values.
_NAME_LOCALES = ("en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "it_IT", "pt_BR", "nl_NL")


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


def ip_version(text: str) -> int | None:
    if not (text.count(".") == 3 or ":" in text):
        return None
    try:
        return ipaddress.ip_address(text).version
    except ValueError:
        return None


def _is_ip(text: str) -> bool:
    return ip_version(text) is not None


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
VALUE_CHECKS: dict[str, Callable[..., bool]] = {
    "email": _is_email,
    "iban": _is_iban,
    "credit_card": _is_card,
    "national_id": _is_national_id,
    "ip_address": _is_ip,
    "phone": _is_phone,
    "address": _is_address,
    "person_name": _is_person_name,
}
HINT_AWARE = {"phone", "person_name"}

# --- identifiers inside free text ----------------------------------------------------------

EMBEDDED: dict[str, tuple[re.Pattern[str], Callable[[str], bool]]] = {
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


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    names: set[str] = set()
    for locale in _NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        names.update(name.lower() for name in provider.first_names)
    return frozenset(names)
