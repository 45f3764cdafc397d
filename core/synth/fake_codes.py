"""Codes and keys as a keyed permutation of their code space: unique, scattered, never real.

A key column's fakes follow SDV's row counter (:func:`counter_value`): the ``count``-th row gets
the ``count``-th code of a permutation of the codes of the real shape (:func:`codes_at`), keyed
by the column, skipping the ranks whose codes are real (:func:`real_ranks`); once the real
shape runs out, codes one digit longer follow. So keys are unique across every batch and shard
of a run, and none is real. :mod:`core.synth.fake_values` calls these for a ``code`` spec.
"""

from __future__ import annotations

import hashlib
import math
from functools import lru_cache
from string import digits
from typing import Any

import numpy as np
import pandas as pd

# The first value of core.data.metadata.COUNTER_REGEX: SDV's counter starts here.
_COUNTER_BASE = 10**11


def counter_value(value: Any, salt: int) -> int:
    """SDV's row count for an id value, or a stable number for any other generated value."""
    text = str(value)
    if text.isdigit() and len(text) == 12:
        return int(text) - _COUNTER_BASE
    return int.from_bytes(hashlib.blake2b(f"{salt}:{text}".encode(), digest_size=6).digest(), "big")


def codes_at(
    counts: list[int], alphabets: tuple[str, ...], salt: int, skip: tuple[int, ...] = ()
) -> list[str]:
    """The code of each count: a keyed permutation of the code space, real codes skipped.

    The ``count``-th code is the ``count``-th of the permuted space that is not a real code
    (``skip``), so every count gets its own code and none is real; once the real shape runs
    out, codes one digit longer follow (see :func:`_code_at`).
    """
    size = math.prod(len(a) for a in alphabets)
    free = size - len(skip)
    counts_array = np.asarray(counts, dtype=object)
    beyond = [c >= free or c < 0 for c in counts]
    ranks = _skip_real(
        np.asarray(
            [c if not b else 0 for c, b in zip(counts, beyond, strict=True)], dtype=np.int64
        ),
        skip,
    )
    if size >= 2**31:
        return [
            _code_at(int(c) - free + size if b else int(r), alphabets, salt)
            for c, r, b in zip(counts_array, ranks, beyond, strict=True)
        ]
    index = (_multiplier(size, salt) * ranks + salt % size) % size
    columns = []
    for alphabet in reversed(alphabets):
        index, position = np.divmod(index, len(alphabet))
        columns.append(np.array(list(alphabet))[position])
    codes = ["".join(chars) for chars in zip(*columns[::-1], strict=True)]
    for i in np.flatnonzero(beyond):  # past the real shape: longer codes
        codes[i] = _code_at(int(counts[i]) - free + size, alphabets, salt)
    return codes


def _skip_real(counts: np.ndarray, skip: tuple[int, ...]) -> np.ndarray:
    """The rank of each count among the permutation's ranks that are not in ``skip``."""
    if not skip or not len(counts):
        return counts
    taken = np.asarray(skip, dtype=np.int64)
    ranks = counts.copy()
    for _ in range(len(taken) + 1):  # each round moves past the real codes below the rank
        moved = counts + np.searchsorted(taken, ranks, side="right")
        if np.array_equal(moved, ranks):
            break
        ranks = moved
    return ranks


def real_ranks(texts: pd.Series, alphabets: tuple[str, ...], salt: int) -> tuple[int, ...]:
    """The permutation ranks whose codes are real values (see :func:`codes_at`), sorted."""
    size = math.prod(len(a) for a in alphabets)
    if size >= 2**62:
        return ()
    lookup = [{char: i for i, char in enumerate(alphabet)} for alphabet in alphabets]
    inverse = pow(_multiplier(size, salt), -1, size)
    ranks = set()
    for text in set(texts):
        if len(text) != len(alphabets) or any(c not in lookup[i] for i, c in enumerate(text)):
            continue
        index = 0
        for i, char in enumerate(text):
            index = index * len(alphabets[i]) + lookup[i][char]
        ranks.add(inverse * (index - salt) % size)
    return tuple(sorted(ranks))


def _code_at(count: int, alphabets: tuple[str, ...], salt: int) -> str:
    """The ``count``-th code: a keyed permutation of the code space, then longer codes.

    Codes of the real shape come first; once they run out, codes one digit longer (a disjoint
    set), and so on, so every count gets its own code.
    """
    size = math.prod(len(a) for a in alphabets)
    extra = 0
    while count >= size * 10**extra:
        count -= size * 10**extra
        extra += 1
    space = size * 10**extra
    index = (_multiplier(space, salt) * count + salt) % space
    chars = []
    for alphabet in reversed(alphabets + (digits,) * extra):
        index, position = divmod(index, len(alphabet))
        chars.append(alphabet[position])
    return "".join(reversed(chars))


@lru_cache(maxsize=256)
def _multiplier(space: int, salt: int) -> int:
    """A multiplier coprime with ``space`` near its golden section: scatters the codes."""
    start = max(int(space * 0.6180339887) + salt % 97, 1)
    for candidate in range(start, start + space + 1):
        if math.gcd(candidate, space) == 1:
            return candidate
    return 1
