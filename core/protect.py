"""Protections applied to the real training rows before a synthesizer is fitted.

A synthesizer reproduces what it sees. A category held by two people, or the one salary far
above the rest, can point at a person even in synthetic rows, and direct identifiers (emails,
names) must never be learned at all. Each protection here is optional and on by default:

- :func:`protect_rare_categories` groups categories seen fewer than ``min_count`` times;
- :func:`clip_extremes` pulls the few most extreme numbers in (off by default: its price);
- :func:`fake_pii_metadata` marks direct identifiers so they are never learned: SDV generates
  them and :mod:`core.fakes` turns each value into a realistic fake of the real column's shape.

They lower the risk of reproducing a real person's values; they do not make the data safe on
their own (see ``core.privacy`` for the checks run after sampling).
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from faker.config import AVAILABLE_LOCALES

from core.errors import InvalidMetadataError, InvalidParameterError
from core.fakes import FakeSpec, build_specs, fake_columns, normal_text
from core.metadata import TABLE, to_sdv
from core.personal import DIRECT
from core.pii import PiiFinding

RARE_REPLACEMENT = "(other)"
DEFAULT_LOCALE = "en_US"


@dataclass(frozen=True)
class RareGrouping:
    """Training rows after rare categories were grouped, and what changed.

    ``grouped`` lists each changed column's rare values, most frequent first; a number column
    keeps numbers: its rare values join the nearest frequent value (``merged_into``) instead
    of becoming text. ``left`` says why a column with rare values was left as it is.
    """

    data: pd.DataFrame
    grouped: dict[str, list[Any]] = field(default_factory=dict)
    merged_into: dict[str, dict[Any, Any]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    left: dict[str, str] = field(default_factory=dict)


def protect_rare_categories(
    df: pd.DataFrame,
    *,
    sdtypes: dict[str, str],
    min_count: int = 5,
    replacement: str = RARE_REPLACEMENT,
    max_rare_share: float = 0.5,
) -> RareGrouping:
    """Group the categories seen fewer than ``min_count`` times.

    Only ``categorical`` columns are changed; missing values stay missing. Ordinal and
    boolean columns are left alone, since merging would break their order or meaning. In a
    text column the rare values become ``replacement``; in a number column (a count or a year
    marked categorical) each joins the nearest value seen at least ``min_count`` times, so
    the column stays a number column and holds only real values. A column whose rare values
    fill more than ``max_rare_share`` of its rows is mostly unique values, not categories:
    grouping would erase it, so it is left as it is and listed in ``left``.

    Args:
        df: The real training rows (not modified).
        sdtypes: SDV sdtype per column.
        min_count: Categories with fewer rows than this are grouped.
        replacement: The value that takes their place in text columns.
        max_rare_share: Columns with a larger share of rows in rare values are left alone.

    Returns:
        The protected copy with what changed in each column.

    Raises:
        InvalidParameterError: ``min_count`` is below 1.
    """
    if min_count < 1:
        raise InvalidParameterError(f"min_count must be at least 1, got {min_count}.")
    protected = df.copy()
    result = RareGrouping(data=protected)
    for column, sdtype in sdtypes.items():
        if sdtype != "categorical" or column not in df.columns:
            continue
        series = df[column]
        if pd.api.types.is_bool_dtype(series.dtype):
            continue  # two values: grouping one into the other would leave a constant
        counts = series.value_counts(dropna=True)
        rare = counts.index[counts < min_count]
        if len(rare) == 0:
            continue
        rare_rows = int(counts[counts < min_count].sum())
        if rare_rows > max_rare_share * counts.sum():
            result.left[str(column)] = (
                f"{rare_rows / counts.sum():.0%} of its rows hold values seen fewer than "
                f"{min_count} times: grouping would erase the column (mark it personal data to "
                "replace its values)"
            )
            continue
        is_number = pd.api.types.is_numeric_dtype(series.dtype) and not isinstance(
            series.dtype, pd.CategoricalDtype
        )
        if is_number:
            mapping = _nearest_frequent(counts, min_count)
            protected[column] = series.replace(mapping).astype(series.dtype)
            result.merged_into[str(column)] = {
                _plain(value): _plain(target) for value, target in mapping.items()
            }
        else:
            if isinstance(series.dtype, pd.CategoricalDtype) or not pd.api.types.is_object_dtype(
                series
            ):
                series = series.astype(object)
            protected[column] = series.mask(series.isin(set(rare)), replacement)
        result.grouped[str(column)] = [_plain(value) for value in rare]
        result.rows[str(column)] = rare_rows
    return result


def _nearest_frequent(counts: pd.Series, min_count: int) -> dict[Any, Any]:
    """Each rare value of ``counts`` mapped to the nearest value seen ``min_count`` times or
    more: on a tie the more frequent, then the lower. Some value is frequent (a column of
    only rare values is left alone before this)."""
    frequent = counts[counts >= min_count].sort_index()
    rare = counts.index[counts < min_count]
    points = frequent.index.to_numpy(dtype=float)
    values = rare.to_numpy(dtype=float)
    right = np.clip(np.searchsorted(points, values), 0, len(points) - 1)
    left = np.clip(right - 1, 0, len(points) - 1)
    gap_left, gap_right = np.abs(values - points[left]), np.abs(points[right] - values)
    weight = frequent.to_numpy()
    take_left = (gap_left < gap_right) | ((gap_left == gap_right) & (weight[left] >= weight[right]))
    chosen = np.where(take_left, left, right)
    return {value: frequent.index[i] for value, i in zip(rare, chosen, strict=True)}


@dataclass(frozen=True)
class Clipping:
    """Training rows after extreme numbers were pulled in, with each moved column's bounds."""

    data: pd.DataFrame
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def clip_extremes(
    df: pd.DataFrame,
    *,
    sdtypes: dict[str, str],
    min_count: int = 5,
) -> Clipping:
    """Pull the few most extreme values of each ``numerical`` column in to the ``min_count``-th.

    Values below the ``min_count``-th smallest or above the ``min_count``-th largest value
    are set to it, so at most ``min_count - 1`` rows move at each end and the smallest and
    largest values left are each shared by at least ``min_count`` rows. The bounds are
    observed values, so a column keeps its dtype and decimal places and no value is invented.
    Columns with fewer than ``2 * min_count`` values are left alone.

    Args:
        df: The real training rows (not modified).
        sdtypes: SDV sdtype per column.
        min_count: Rank, from each end, of the value the extremes are pulled to.

    Returns:
        The clipped copy, and the ``(low, high)`` bounds and rows moved of each column in
        which at least one value moved.

    Raises:
        InvalidParameterError: ``min_count`` is below 1.
    """
    if min_count < 1:
        raise InvalidParameterError(f"min_count must be at least 1, got {min_count}.")
    clipped = df.copy()
    result = Clipping(data=clipped)
    for column, sdtype in sdtypes.items():
        if sdtype != "numerical" or column not in df.columns:
            continue
        series = df[column]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        present = np.sort(series.dropna().to_numpy())
        if len(present) < 2 * min_count:
            continue
        low, high = present[min_count - 1], present[-min_count]
        moved = int(((present < low) | (present > high)).sum())
        if not moved:
            continue
        clipped[column] = series.clip(lower=low, upper=high)
        result.bounds[str(column)] = (float(low), float(high))
        result.rows[str(column)] = moved
    return result


def fake_pii_metadata(
    studio_meta: dict[str, Any],
    findings: Iterable[PiiFinding],
    *,
    locale: str = DEFAULT_LOCALE,
) -> dict[str, Any]:
    """Mark the found columns as direct identifiers, so they are faked and never learned.

    Each column gets its finding's sdtype and ``pii: True`` (SDV then generates it instead of
    learning it) and a ``"roles"`` entry naming its kind, which :mod:`core.fakes` uses to make
    fakes of the real column's shape. A primary key that holds personal data stays the primary
    key, with the personal sdtype, so every row keeps one unique fake value.

    Args:
        studio_meta: The studio metadata dict ``{"sdv": ..., "reasons": ...}`` (not modified).
        findings: Columns to fake, from ``core.pii.detect_pii`` or picked by a person.
        locale: Faker locale of the fake values.

    Returns:
        A new studio metadata dict, with the reason of each changed column, its role and
        ``"locales": [locale]`` to pass to the synthesizer (``locales=...``).

    Raises:
        InvalidParameterError: the locale is unknown to Faker, or a finding names a column
            that is not in the metadata.
        InvalidMetadataError: SDV rejects the updated metadata.
    """
    if locale not in AVAILABLE_LOCALES:
        raise InvalidParameterError(
            f"Unknown locale '{locale}'; use a Faker locale such as en_US, fr_FR or de_DE."
        )
    updated = copy.deepcopy(studio_meta)
    table = updated["sdv"]["tables"][TABLE]
    reasons = updated.setdefault("reasons", {})
    roles = updated.setdefault("roles", {})
    for finding in findings:
        if finding.column not in table["columns"]:
            raise InvalidParameterError(f"Column '{finding.column}' is not in the metadata.")
        # Replace the entry whole: range_values of a former category hold the real values.
        table["columns"][finding.column] = {"sdtype": finding.sdtype, "pii": True}
        reasons[finding.column] = f"{finding.reason}: replaced with fake values"
        roles[finding.column] = {
            "role": DIRECT,
            "why": f"{finding.reason}: replaced by fakes of the same kind and shape",
            # Values that hardly read as their kind (hashed phones) are faked as codes.
            "kind": finding.kind if finding.by != "name" or finding.share >= 0.2 else "code",
        }
    updated["locales"] = [locale]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            to_sdv(updated).validate()
    except Exception as err:  # SDV raises several error types; all mean "invalid metadata"
        text = " ".join(str(err).split())[:300] or type(err).__name__
        raise InvalidMetadataError(text) from err
    return updated


COMMON_LOCALES = (
    "en_US",
    "en_GB",
    "de_DE",
    "fr_FR",
    "es_ES",
    "it_IT",
    "nl_NL",
    "pt_BR",
    "pl_PL",
    "sv_SE",
    "da_DK",
    "ja_JP",
    "zh_CN",
)


def locale_of(studio_meta: dict[str, Any]) -> str:
    """The Faker locale of a dataset's fake values."""
    return (studio_meta.get("locales") or [DEFAULT_LOCALE])[0]


def with_locale(studio_meta: dict[str, Any], locale: str) -> dict[str, Any]:
    """A copy of the metadata whose fake personal values come from ``locale``.

    Raises:
        InvalidParameterError: Faker does not know the locale.
    """
    if locale not in AVAILABLE_LOCALES:
        raise InvalidParameterError(
            f"Unknown locale '{locale}'; use a Faker locale such as en_US, fr_FR or de_DE."
        )
    return {**studio_meta, "locales": [locale]}


def _plain(value: Any) -> Any:
    # numpy scalars become Python ones so the summary is JSON-safe.
    return value.item() if hasattr(value, "item") else value


def replace_real_pii(
    synthetic: pd.DataFrame,
    real: pd.DataFrame,
    *,
    sdtypes: dict[str, str],
    columns: Iterable[str],
    locale: str = DEFAULT_LOCALE,
    seed: int = 0,
    specs: dict[str, FakeSpec] | None = None,
) -> tuple[pd.DataFrame, int]:
    """Fake the direct-identifier ``columns`` of ``synthetic``; none may equal a real value.

    Every value of these columns is replaced by a fake of the real column's shape, as
    ``specs`` (from :func:`core.fakes.build_specs`) say, or as ``real`` shows when a column
    has no spec; a fake that equals a real value (trimmed, case-folded) is redrawn (seeded)
    until it matches none.

    Returns:
        The synthetic table with no real value left in ``columns``, and how many were redrawn.
    """
    columns = [c for c in columns if c in synthetic and c in real]
    specs = dict(specs or {})
    if missing := [c for c in columns if c not in specs]:
        specs.update(build_specs(real[missing], sdtypes=sdtypes))
    avoid = {column: normal_text(real[column].dropna()) for column in columns}
    return fake_columns(synthetic, specs, avoid=avoid, locale=locale, seed=seed)


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
