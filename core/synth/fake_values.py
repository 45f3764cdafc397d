"""The generators behind :mod:`core.synth.fakes`: values of one kind in one shape, vectorised.

Formats (phones, cards, IBANs, national ids) are filled digit by digit and made valid (Luhn,
mod 97, SSN ranges); codes come from a keyed permutation of their code space
(:mod:`core.synth.fake_codes`); names, streets, cities and words are picked from fixed pools
of a locale's Faker values, drawn once and seeded, so a 50,000-row batch takes a fraction of
a second.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from faker import Faker

from core.synth.fake_codes import codes_at, counter_value

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = UPPER.lower()
# Slots in a blanked format: any digit, any upper-case letter.
DIGIT_SLOT, LETTER_SLOT = "\x00", "\x01"
_D, _U = DIGIT_SLOT, LETTER_SLOT
_POOL = 3000
_NINO_FIRST = "ABCEGHJKLMNPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"


@dataclass(frozen=True)
class FakeSpec:
    """How to fake one column: its kind and the shape of its real values (never a value).

    ``formats`` (phones, cards, IBANs, national ids) are real values with every digit and
    letter blanked, kept with their ``weights``; ``alphabets`` (codes) hold the characters
    seen at each position; ``lengths`` (free text) a sample of value lengths.
    """

    kind: str
    sdtype: str = ""
    formats: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()
    alphabets: tuple[str, ...] = ()
    lengths: tuple[int, ...] = ()
    numeric: bool = False
    unique: bool = False
    counter: bool = False
    name_format: str = "{first} {last}"
    upper: bool = False
    address_layout: str = "street"  # "street", "one_line" or "multi_line"
    address_tail: str = "{city}, {state} {postcode}"
    secondary_share: float = 0.0
    salt: int = field(default=0)
    # Keys only: where the real codes fall in the column's permutation, so the counter skips
    # them. Derived from real values, so held in memory for the run and never written.
    skip: tuple[int, ...] = field(default=(), repr=False)
    # Keys only: added to SDV's counter, for rows drawn by a fresh copy of the model (a shard).
    first_row: int = 0


def generate(
    spec: FakeSpec,
    n: int,
    rng: np.random.Generator,
    locale: str,
    source: pd.Series,
    real: set[str],
) -> list[str]:
    """``n`` fakes of ``spec`` (``source``: SDV's values, read by id columns for the counter;
    ``real``: normalised real values, which a name pool leaves out)."""
    if n == 0:
        return []
    makers: dict[str, Callable[..., list[str]]] = {
        "phone": _from_formats,
        "credit_card": _from_formats,
        "iban": _from_formats,
        "national_id": _from_formats,
        "code": _codes,
        "free_text": _free_text,
        "person_name": _names,
        "address": _addresses,
    }
    maker = makers.get(spec.kind, _codes)
    return maker(spec, n, rng, locale=locale, source=source, real=real)


def pick(options: Sequence[str], n: int, rng: np.random.Generator) -> list[str]:
    return [options[i] for i in rng.integers(len(options), size=n)]


def _join(columns: list[Sequence[str]], n: int) -> list[str]:
    """Row ``i`` of each column of characters, joined: ``n`` strings."""
    if not columns:
        return [""] * n
    return ["".join(chars) for chars in zip(*columns, strict=True)]


def _from_formats(spec: FakeSpec, n: int, rng: np.random.Generator, **_: Any) -> list[str]:
    chosen = rng.choice(len(spec.formats), size=n, p=np.asarray(spec.weights))
    out: list[str] = [""] * n
    for which in np.unique(chosen):
        rows = np.flatnonzero(chosen == which)
        for row, value in zip(
            rows, _fill(spec.formats[which], spec.kind, len(rows), rng), strict=True
        ):
            out[row] = value
    return out


_SSN_FORMAT = re.compile("\x00{3}([- ]?)\x00{2}\\1\x00{4}")


def _fill(template: str, kind: str, n: int, rng: np.random.Generator) -> list[str]:
    """``n`` values of one blanked format, valid for their kind."""
    if kind == "national_id" and (ssn := _SSN_FORMAT.fullmatch(template)):
        area = rng.integers(1, 899, size=n)
        area = np.where(area >= 666, area + 1, area)  # 666 and 900-999 are never issued
        group, serial = rng.integers(1, 100, size=n), rng.integers(1, 10_000, size=n)
        sep = ssn.group(1)
        return [
            f"{a:03d}{sep}{g:02d}{sep}{s:04d}" for a, g, s in zip(area, group, serial, strict=True)
        ]
    digits = rng.integers(10, size=(n, template.count(_D)))
    if kind == "phone" and digits.shape[1]:
        low = digits[:, 0] < 2  # area codes and subscriber numbers do not start with 0 or 1
        digits[low, 0] = rng.integers(2, 10, size=int(low.sum()))
    letters_needed = template.count(_U)
    alphabets = [UPPER] * letters_needed
    if kind == "national_id" and letters_needed >= 3:
        alphabets = [_NINO_FIRST, _NINO_SECOND] + ["ABCD"] * (letters_needed - 2)
    letters = [np.array(list(a))[rng.integers(len(a), size=n)] for a in alphabets]
    if kind == "credit_card":
        digits = _luhn_digits(template, digits)
    columns: list[Sequence[str]] = []
    next_digit = next_letter = 0
    for char in template:
        if char == _D:
            columns.append(digits[:, next_digit].astype(str))
            next_digit += 1
        elif char == _U:
            columns.append(letters[next_letter])
            next_letter += 1
        else:
            columns.append([char] * n)
    values = _join(columns, n)
    return [_iban_fixed(v) for v in values] if kind == "iban" else values


def _luhn_digits(template: str, drawn: np.ndarray) -> np.ndarray:
    """``drawn`` with its last digit set so the card number passes the Luhn check."""
    if drawn.shape[1] == 0:
        return drawn
    fixed = [int(c) for c in template if c.isdigit()]  # the kept network digit(s)
    full = np.hstack([np.tile(fixed, (len(drawn), 1)).astype(int), drawn]) if fixed else drawn
    order = [i for i, c in enumerate(template) if c.isdigit() or c == _D]
    literal = [i for i, c in enumerate(template) if c.isdigit()]
    # Put the columns back in template order: kept digits come first in ``full``.
    position = {p: k for k, p in enumerate(literal + [p for p in order if p not in literal])}
    ordered = full[:, [position[p] for p in order]]
    body = ordered[:, :-1]
    from_right = np.arange(body.shape[1])[::-1] + 1  # the check digit is position 0
    doubled = np.where(from_right % 2 == 1, body * 2, body)
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    check = (10 - doubled.sum(axis=1) % 10) % 10
    out = drawn.copy()
    out[:, -1] = check
    return out


def _iban_fixed(text: str) -> str:
    """``text`` with IBAN check digits (positions 3-4 of the compact form) that pass mod 97."""
    compact = text.replace(" ", "")
    rearranged = compact[4:] + compact[:2] + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in rearranged)) % 97
    fixed = compact[:2] + f"{check:02d}" + compact[4:]
    out, index = [], 0
    for char in text:  # put the spaces back where the format has them
        if char == " ":
            out.append(" ")
        else:
            out.append(fixed[index])
            index += 1
    return "".join(out)


def _codes(
    spec: FakeSpec, n: int, rng: np.random.Generator, *, source: pd.Series, **_: Any
) -> list[str]:
    alphabets = spec.alphabets or (DIGITS,) * 6
    if spec.counter:
        counts = [counter_value(v, spec.salt) + spec.first_row for v in source]
        return codes_at(counts, alphabets, spec.salt, spec.skip)
    columns = [np.array(list(a))[rng.integers(len(a), size=n)] for a in alphabets]
    return _join(columns, n)


def _free_text(
    spec: FakeSpec, n: int, rng: np.random.Generator, *, locale: str, **_: Any
) -> list[str]:
    """Sentences of the locale's words, each about as long as a real value (whole words)."""
    words = pools(locale)["words"]
    targets = [max(int(t), 1) for t in pick(spec.lengths or (40,), n, rng)]
    mean_word = sum(len(w) for w in words) / len(words) + 1
    budget = int(sum(targets) / mean_word * 1.5) + 8 * n
    drawn = iter(pick(words, budget, rng))
    stops = iter(rng.random(budget) < 0.12)
    out = []
    for target in targets:
        text, new_sentence = "", True
        while True:  # whole words, ending near the target length
            word = next(drawn, "lorem")
            word = word.capitalize() if new_sentence else word
            if text and len(text) + len(word) + 1 > target:
                break
            text = f"{text} {word}" if text else word
            new_sentence = bool(next(stops, False))
            text += "." if new_sentence else ""
        out.append(text if text.endswith(".") or target < 12 else text.rstrip(",") + ".")
    return out


def _names(
    spec: FakeSpec, n: int, rng: np.random.Generator, *, locale: str, real: set[str], **_: Any
) -> list[str]:
    pool = pools(locale)
    # A lone first or last name clashes with a real one often: leave those out of the pool.
    first = [p for p in pool["first"] if _norm(p) not in real] or list(pool["first"])
    last = [p for p in pool["last"] if _norm(p) not in real] or list(pool["last"])
    firsts, seconds, lasts = pick(first, n, rng), pick(first, n, rng), pick(last, n, rng)
    initials = pick(UPPER, n, rng)
    out = [
        spec.name_format.format(first=f, first2=s, last=la, initial=i)
        for f, s, la, i in zip(firsts, seconds, lasts, initials, strict=True)
    ]
    return [v.upper() for v in out] if spec.upper else out


def _addresses(
    spec: FakeSpec, n: int, rng: np.random.Generator, *, locale: str, **_: Any
) -> list[str]:
    pool = pools(locale)
    streets = pick(pool["street"], n, rng)
    seconds = pick(pool["secondary"], n, rng) if pool["secondary"] else [""] * n
    with_second = rng.random(n) < spec.secondary_share
    if spec.address_layout != "street":
        tails = [
            spec.address_tail.format(city=c, state=s, postcode=p)
            for c, s, p in zip(
                pick(pool["city"], n, rng),
                pick(pool["state"], n, rng),
                pick(pool["postcode"], n, rng),
                strict=True,
            )
        ]
    sep = "\n" if spec.address_layout == "multi_line" else ", "
    out = []
    for i in range(n):
        street = streets[i] + (f" {seconds[i]}" if with_second[i] and seconds[i] else "")
        out.append(street if spec.address_layout == "street" else street + sep + tails[i])
    return out


@lru_cache(maxsize=16)
def pools(locale: str) -> dict[str, tuple[str, ...]]:
    """Fixed pools of a locale's names, streets, cities...: drawn once, seeded, then sampled.

    Faker makes one name in about 50 µs; picking from a pool with numpy is what keeps a
    50,000-row batch fast.
    """
    fake = Faker(locale)
    fake.seed_instance(0)

    def many(method: str, count: int = _POOL) -> tuple[str, ...]:
        maker = getattr(fake, method, None)
        if maker is None:
            return ()
        return tuple(str(maker()) for _ in range(count))

    street = tuple(
        f"{fake.building_number()} {fake.street_name()}"
        if hasattr(fake, "building_number")
        else fake.street_address()
        for _ in range(_POOL)
    )
    states = tuple(sorted(set(many("state_abbr", 400)))) or ("",)
    return {
        "first": many("first_name"),
        "last": many("last_name"),
        "street": street,
        "secondary": many("secondary_address", 500),
        "city": many("city"),
        "state": states,
        "postcode": many("postcode"),
        "words": tuple(fake.get_words_list()) or ("lorem", "ipsum"),
    }


def _norm(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().casefold()
