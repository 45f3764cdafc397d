"""The shape of a column's real values, kept to fake it: a :class:`FakeSpec`, never a value.

:func:`build_specs` reads the real values of a dataset's direct identifiers and id columns and
keeps only their *shape* (formats with every digit and letter blanked, lengths, the share of
one-line addresses...), never a value; a key's spec also knows where its real codes fall
among the fakes, to skip them (it lives in memory for the run and is never written).
:func:`core.synth.fakes.fake_columns` fills a batch of synthetic rows with fakes of that shape.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from core.synth.fake_codes import real_ranks
from core.synth.fake_values import DIGIT_SLOT, DIGITS, LETTER_SLOT, LOWER, UPPER, FakeSpec

_D, _U = DIGIT_SLOT, LETTER_SLOT
_MAX_FORMATS = 50
_MAX_LENGTHS = 500
# Titles and suffixes are not name tokens ("Dr. Ann Lee" has two).
_NAME_AFFIXES = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "jr", "sr", "ii", "iii", "md"}
_SECONDARY = re.compile(r"\b(?:apt|apartment|suite|ste|unit|floor|fl|room)\b|#", re.IGNORECASE)


KIND_OF_SDTYPE = {
    "email": "email",
    "phone_number": "phone",
    "name": "person_name",
    "first_name": "person_name",
    "last_name": "person_name",
    "address": "address",
    "street_address": "address",
    "secondary_address": "address",
    "ssn": "national_id",
    "credit_card_number": "credit_card",
    "iban": "iban",
    "ipv4_address": "ip_address",
    "ipv6_address": "ip_address",
    "id": "code",
}


def build_specs(
    real: pd.DataFrame,
    *,
    sdtypes: dict[str, str],
    kinds: dict[str, str] | None = None,
    keys: Iterable[str] = (),
) -> dict[str, FakeSpec]:
    """The fake-value spec of each column of ``real`` (the columns to fake, nothing else).

    Args:
        real: Real values of the columns to fake (direct identifiers and id columns).
        sdtypes: SDV sdtype per column; an ``id`` column gets codes from SDV's row counter.
        kinds: The kind of each direct identifier when known (``core.data.pii`` kinds).
        keys: Columns whose fakes must be unique (the primary key).
    """
    kinds = kinds or {}
    keys = set(keys)
    specs = {}
    for column in real.columns:
        sdtype = sdtypes.get(column, "unknown")
        present = real[column].dropna()
        numeric = pd.api.types.is_numeric_dtype(real[column]) and not pd.api.types.is_bool_dtype(
            real[column]
        )
        texts = _as_text(present)
        kind = kinds.get(column) or KIND_OF_SDTYPE.get(sdtype) or _kind_of_text(texts, sdtype)
        if sdtype == "id":
            kind = "code"
        base = {
            "kind": kind,
            "sdtype": sdtype,
            "numeric": numeric,
            "unique": column in keys or sdtype == "id",
            "salt": _salt(column),
        }
        specs[column] = _shape(texts, base, counter=sdtype == "id")
    return specs


def _shape(texts: pd.Series, base: dict[str, Any], *, counter: bool) -> FakeSpec:
    kind = base["kind"]
    if kind in ("phone", "credit_card", "iban", "national_id"):
        formats, weights = _formats(texts, kind)
        if formats:
            return FakeSpec(**base, formats=formats, weights=weights)
        kind = base["kind"] = "code"
    if kind == "code":
        alphabets = _alphabets(texts, numeric=base["numeric"])
        skip = real_ranks(texts, alphabets, base["salt"]) if counter else ()
        return FakeSpec(**base, alphabets=alphabets, counter=counter, skip=skip)
    if kind == "free_text":
        lengths = texts.str.len()
        if len(lengths) > _MAX_LENGTHS:
            lengths = lengths.sample(n=_MAX_LENGTHS, random_state=0)
        return FakeSpec(**base, lengths=tuple(sorted(int(n) for n in lengths)) or (40,))
    if kind == "person_name":
        return FakeSpec(**base, **_name_shape(texts, base["sdtype"]))
    if kind == "address":
        return FakeSpec(**base, **_address_shape(texts))
    return FakeSpec(**base)


def _kind_of_text(texts: pd.Series, sdtype: str) -> str:
    if sdtype not in ("unknown", ""):
        return "kept"  # another Faker sdtype SDV fills (vin, license plate...)
    if texts.empty:
        return "code"
    long_text = texts.str.len().mean() >= 25 and texts.str.contains(" ").mean() >= 0.5
    return "free_text" if long_text else "code"


def _as_text(values: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(values):
        whole = values[np.isfinite(values) & (values == np.round(values))]
        values = whole.astype("int64")
    return values.astype(str).str.strip()


def _salt(column: str) -> int:
    return int.from_bytes(hashlib.blake2b(str(column).encode(), digest_size=8).digest(), "big")


_COUNTRY_PREFIX = re.compile(r"^(\+|00)\d{1,3}(?=\D)")


def _blank(text: str, kind: str) -> str:
    """``text`` with its digits and letters blanked (what stays depends on the kind)."""
    keep = 0
    if kind == "phone" and (prefix := _COUNTRY_PREFIX.match(text)):
        keep = prefix.end()  # a country code is the format's, not the person's
    elif kind == "credit_card":
        keep = 1  # the network digit (4 Visa, 5 Mastercard...)
    elif kind == "iban":
        keep = 2  # the country
    out = list(text[:keep])
    for char in text[keep:]:
        if char.isdigit():
            out.append(_D)
        elif char.isalpha() and kind != "phone":
            out.append(_U)
        else:
            out.append(char)
    return "".join(out)


def _formats(texts: pd.Series, kind: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    counts = Counter(_blank(text, kind) for text in texts if any(c.isdigit() for c in text))
    common = counts.most_common(_MAX_FORMATS)
    total = sum(n for _, n in common)
    return tuple(f for f, _ in common), tuple(n / total for _, n in common)


def _alphabets(texts: pd.Series, *, numeric: bool) -> tuple[str, ...]:
    """The characters seen at each position of the most common length (one = a literal)."""
    if texts.empty:
        return (DIGITS,) * 6
    width = int(texts.str.len().mode().iloc[0]) or 1
    same = texts[texts.str.len() == width]
    alphabets = []
    for position in range(width):
        chars = set(same.str[position])
        if len(chars) == 1:
            alphabets.append(chars.pop())
            continue
        alphabet = "".join(sorted(c for c in chars if not c.isalnum()))
        for group in (DIGITS, UPPER, LOWER):
            if chars & set(group):
                alphabet += group
        alphabets.append(alphabet)
    if numeric:
        alphabets = [DIGITS[1:] if i == 0 else DIGITS for i in range(width)]
    return tuple(alphabets)


def _name_shape(texts: pd.Series, sdtype: str) -> dict[str, Any]:
    if texts.empty:
        return {}
    comma = texts.str.contains(",").mean() >= 0.5
    tokens = texts.map(
        lambda t: [w for w in t.split() if w.lower().rstrip(".,") not in _NAME_AFFIXES]
    )
    sizes = tokens.map(len)
    typical = int(sizes.mode().iloc[0]) if len(sizes) else 2
    if sdtype == "first_name" or (typical == 1 and sdtype != "last_name"):
        layout = "{first}"
    elif sdtype == "last_name":
        layout = "{last}"
    elif comma:
        layout = "{last}, {first}"
    elif typical >= 3:
        middles = tokens[sizes >= 3].map(lambda t: len(t[1].rstrip(".")) <= 1)
        layout = "{first} {initial}. {last}" if middles.mean() >= 0.5 else "{first} {first2} {last}"
    else:
        layout = "{first} {last}"
    letters = texts[texts.str.contains(r"[A-Za-z]")]
    upper = len(letters) > 0 and (letters == letters.str.upper()).mean() >= 0.5
    return {"name_format": layout, "upper": bool(upper)}


def _address_shape(texts: pd.Series) -> dict[str, Any]:
    if texts.empty:
        return {}
    multi = texts.str.contains("\n").mean() >= 0.5
    parted = texts.str.contains(",").mean() >= 0.5
    layout = "multi_line" if multi else "one_line" if parted else "street"
    tails = texts.map(lambda t: re.split(r"\n|,", t)[-1].strip())
    if texts.str.contains(r"\b[A-Z]{2} \d{5}(-\d{4})?\s*$").mean() >= 0.3:
        tail = "{city}, {state} {postcode}"
    elif tails.str.match(r"\d").mean() >= 0.5:
        tail = "{postcode} {city}"
    elif tails.str.contains(r"\d").mean() >= 0.5:
        tail = "{city} {postcode}"
    else:
        tail = "{city}"
    secondary = float(texts.str.contains(_SECONDARY).mean())
    return {"address_layout": layout, "address_tail": tail, "secondary_share": secondary}
