"""Realistic fake values for direct identifiers, in the shape of the real column.

:func:`fake_columns` fills a batch of synthetic rows with fakes in the shape
:func:`core.synth.fake_specs.build_specs` kept of the real column (a :class:`FakeSpec`, never a
value):

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

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from faker import Faker

from core.synth.fake_values import DIGITS, FakeSpec, generate, pick, pools

__all__ = ["FakeSpec", "fake_columns", "normal_text"]

_ATTEMPTS = 60
# Kinds whose values SDV's Faker already makes well: only a clash with a real value is redrawn.
_KEPT = ("email", "ip_address", "kept")


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
        specs: From :func:`core.synth.fake_specs.build_specs`.
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
