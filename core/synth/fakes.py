"""Realistic fake values for direct identifiers, in the shape of the real column.

:func:`build_specs` reads the real values of a dataset's direct identifiers and id columns and
keeps only their *shape* (a :class:`FakeSpec`: formats with every digit and letter blanked,
lengths, the share of one-line addresses...), never a value; a key's spec also knows where
its real codes fall among the fakes, to skip them (it lives in memory for the run and is
never written). :func:`fake_columns` then fills a batch of synthetic rows with fakes of that
shape:

- phone numbers in the input's formats (the country prefix kept), card numbers of the same
  length and network digit that pass the Luhn check, IBANs of the same country and layout
  with valid check digits, SSNs and UK NI numbers that pass the detector's checks;
- names as "First Last" (or "Last, First", upper case, with a middle initial) when the input
  reads so; one-line addresses stay one line, street-only ones stay street-only;
- codes and keys in the same characters per position (``C10####``, ``##A``); an id column
  gets SDV's row counter (see ``core.data.metadata.COUNTER_REGEX``) mapped through a keyed
  permutation of that code space, real codes skipped, so keys are unique across every batch
  of a run and none is real;
- free text as sentences of the real lengths;
- emails and IP addresses keep SDV's Faker values.

A fake equal to a real value (trimmed, case-folded) is redrawn, so none reaches the output.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from faker import Faker

from core.synth.fake_values import (
    DIGIT_SLOT,
    DIGITS,
    LETTER_SLOT,
    LOWER,
    UPPER,
    FakeSpec,
    generate,
    pick,
    pools,
    real_ranks,
)

__all__ = ["KIND_OF_SDTYPE", "FakeSpec", "build_specs", "fake_columns", "normal_text"]

_D, _U = DIGIT_SLOT, LETTER_SLOT
_MAX_FORMATS = 50
_MAX_LENGTHS = 500
_ATTEMPTS = 60
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
# Kinds whose values SDV's Faker already makes well: only a clash with a real value is redrawn.
_KEPT = ("email", "ip_address", "kept")


# --- specs from real values ----------------------------------------------------------------


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


# --- filling a batch -----------------------------------------------------------------------


def fake_columns(
    batch: pd.DataFrame,
    specs: dict[str, FakeSpec],
    *,
    avoid: dict[str, set[str]],
    locale: str,
    seed: int,
) -> tuple[pd.DataFrame, int]:
    """Fill each spec'd column of ``batch`` with fakes; redraw any equal to a value to avoid.

    Args:
        batch: Synthetic rows as SDV drew them (its personal columns hold Faker values, its
            id columns SDV's row counter); missing values stay missing.
        specs: From :func:`build_specs`.
        avoid: Per column, the normalised real values (:func:`normal_text`) no fake may equal.
        locale: Faker locale of names, streets, cities and words.
        seed: The same batch and seed give the same values.

    Returns:
        The batch with its faked columns, and how many fakes equalled a real value and were
        redrawn.
    """
    rng = np.random.default_rng(seed)
    out: dict[str, pd.Series] = {}
    redrawn = 0
    for column, spec in specs.items():
        if column not in batch.columns:
            continue
        source = batch[column]
        present = source.notna().to_numpy()
        real = avoid.get(column, set())
        if spec.kind in _KEPT:
            values = [str(v) for v in source[present]]
        else:
            values = generate(spec, int(present.sum()), rng, locale, source[present], real)
        values, clashes = _redraw(values, spec, real, rng, locale)
        redrawn += clashes
        out[column] = _as_column(values, present, source, spec)
    return (batch.assign(**out) if out else batch), redrawn


def normal_text(values: Iterable[Any]) -> set[str]:
    """Values as trimmed, case-folded text: how fakes are compared with real values."""
    return {_norm(value) for value in values} - {""}


def _norm(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().casefold()


def _as_column(
    values: list[str], present: np.ndarray, source: pd.Series, spec: FakeSpec
) -> pd.Series:
    if spec.numeric and pd.api.types.is_integer_dtype(source):
        column = source.copy()
        column[present] = [int(v) for v in values]
        return column
    column = pd.Series(np.full(len(source), None, dtype=object), index=source.index)
    column[present] = values
    return column


def _redraw(
    values: list[str], spec: FakeSpec, real: set[str], rng: np.random.Generator, locale: str
) -> tuple[list[str], int]:
    """Redraw fakes equal to a real value (and, for a key, repeats within the batch).

    All of them are redrawn together, round after round; after half the rounds a code gets
    one more digit and a name a second surname, so even a column whose real values cover
    most of the usual fakes ends.
    """
    clashes = [i for i, v in enumerate(values) if _norm(v) in real]
    repeats: list[int] = []
    if spec.unique:
        seen: set[str] = set()
        for i, v in enumerate(values):
            if v in seen:
                repeats.append(i)
            seen.add(v)
    todo = clashes + repeats
    if not todo:
        return values, 0
    taken = set(values)
    plain = replace(spec, counter=False)
    fake = None
    if spec.kind in _KEPT:
        fake = Faker(locale)
        fake.seed_instance(int(rng.integers(2**31)))
    for attempt in range(_ATTEMPTS):
        if not todo:
            break
        widen = attempt >= _ATTEMPTS // 2
        fresh = _fresh(plain, len(todo), rng, locale, fake=fake, real=real, widen=widen)
        still = []
        for index, candidate in zip(todo, fresh, strict=True):
            if _norm(candidate) in real or candidate in taken:
                still.append(index)
                continue
            values[index] = candidate
            taken.add(candidate)
        todo = still
    return values, len(clashes)


def _fresh(
    spec: FakeSpec,
    n: int,
    rng: np.random.Generator,
    locale: str,
    *,
    fake: Faker | None,
    real: set[str],
    widen: bool,
) -> list[str]:
    """``n`` fresh random fakes (never from the counter), longer when ``widen``."""
    if fake is not None:
        if spec.kind == "email":
            return [fake.email() for _ in range(n)]
        if spec.kind == "ip_address":
            maker = fake.ipv6 if spec.sdtype == "ipv6_address" else fake.ipv4
            return [maker() for _ in range(n)]
        return [fake.pystr(min_chars=8, max_chars=12) for _ in range(n)]
    values = generate(spec, n, rng, locale, pd.Series([None] * n, dtype=object), real)
    if widen and spec.kind == "code":
        values = [v + d for v, d in zip(values, pick(DIGITS, n, rng), strict=True)]
    elif widen and spec.kind == "person_name":
        values = [
            f"{v}-{s}" for v, s in zip(values, pick(pools(locale)["last"], n, rng), strict=True)
        ]
    return values


# Faker methods that make a fresh value of each personal sdtype.
FAKER_METHODS = {
    "email": "email",
    "phone_number": "phone_number",
    "name": "name",
    "first_name": "first_name",
    "last_name": "last_name",
    "address": "address",
    "ssn": "ssn",
    "credit_card_number": "credit_card_number",
    "iban": "iban",
    "ipv4_address": "ipv4",
    "ipv6_address": "ipv6",
}
