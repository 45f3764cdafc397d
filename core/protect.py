"""Protections applied to the real training rows before a synthesizer is fitted.

A synthesizer reproduces what it sees. A category held by two people, or the one salary far
above the rest, can point at a person even in synthetic rows, and direct identifiers (emails,
names) must never be learned at all. Each protection here is optional and on by default:

- :func:`protect_rare_categories` groups categories seen fewer than ``min_count`` times;
- :func:`clip_extremes` pulls numbers beyond the 1st and 99th percentiles back to them;
- :func:`fake_pii_metadata` marks personal-data columns so SDV replaces them with Faker values
  instead of learning them.

They lower the risk of reproducing a real person's values; they do not make the data safe on
their own (see ``core.privacy`` for the checks run after sampling).
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterable
from typing import Any

import pandas as pd
from faker import Faker
from faker.config import AVAILABLE_LOCALES

from core.errors import InvalidMetadataError, InvalidParameterError
from core.metadata import TABLE, to_sdv
from core.pii import PiiFinding

RARE_REPLACEMENT = "(other)"
DEFAULT_LOCALE = "en_US"


def protect_rare_categories(
    df: pd.DataFrame,
    *,
    sdtypes: dict[str, str],
    min_count: int = 5,
    replacement: str = RARE_REPLACEMENT,
) -> tuple[pd.DataFrame, dict[str, list[Any]]]:
    """Group the categories seen fewer than ``min_count`` times under ``replacement``.

    Only ``categorical`` columns are changed; missing values stay missing. Ordinal and
    boolean columns are left alone, since merging would break their order or meaning.
    Detect the metadata after this step: a category list SDV detected before holds the old
    values.

    Args:
        df: The real training rows (not modified).
        sdtypes: SDV sdtype per column.
        min_count: Categories with fewer rows than this are grouped.
        replacement: The value that takes their place.

    Returns:
        The protected copy, and for each changed column the categories that were grouped,
        most frequent first.

    Raises:
        InvalidParameterError: ``min_count`` is below 1.
    """
    if min_count < 1:
        raise InvalidParameterError(f"min_count must be at least 1, got {min_count}.")
    protected = df.copy()
    grouped: dict[str, list[Any]] = {}
    for column, sdtype in sdtypes.items():
        if sdtype != "categorical" or column not in df.columns:
            continue
        counts = df[column].value_counts(dropna=True)
        rare = counts.index[counts < min_count]
        if len(rare) == 0:
            continue
        series = df[column]
        if isinstance(series.dtype, pd.CategoricalDtype) or not pd.api.types.is_object_dtype(
            series
        ):
            series = series.astype(object)
        protected[column] = series.mask(series.isin(set(rare)), replacement)
        grouped[str(column)] = [_plain(value) for value in rare]
    return protected, grouped


def clip_extremes(
    df: pd.DataFrame,
    *,
    sdtypes: dict[str, str],
    lower_q: float = 0.01,
    upper_q: float = 0.99,
) -> tuple[pd.DataFrame, dict[str, tuple[float, float]]]:
    """Clip ``numerical`` columns to their ``lower_q`` and ``upper_q`` quantiles.

    The bounds are observed values (nearest-rank quantiles), so a column keeps its dtype and
    its decimal places, and no value is invented.

    Args:
        df: The real training rows (not modified).
        sdtypes: SDV sdtype per column.
        lower_q: Lower quantile in [0, 0.5).
        upper_q: Upper quantile in (0.5, 1].

    Returns:
        The clipped copy, and the ``(low, high)`` bounds of each column in which at least one
        value moved.

    Raises:
        InvalidParameterError: the quantiles are out of range or in the wrong order.
    """
    if not (0.0 <= lower_q < 0.5 < upper_q <= 1.0):
        raise InvalidParameterError(
            f"Clip quantiles must satisfy 0 <= lower < 0.5 < upper <= 1, got {lower_q} and "
            f"{upper_q}."
        )
    clipped = df.copy()
    bounds: dict[str, tuple[float, float]] = {}
    for column, sdtype in sdtypes.items():
        if sdtype != "numerical" or column not in df.columns:
            continue
        series = df[column]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        present = series.dropna()
        if present.empty:
            continue
        low = present.quantile(lower_q, interpolation="nearest")
        high = present.quantile(upper_q, interpolation="nearest")
        moved = (present < low) | (present > high)
        if not moved.any():
            continue
        clipped[column] = series.clip(lower=low, upper=high)
        bounds[str(column)] = (float(low), float(high))
    return clipped, bounds


def fake_pii_metadata(
    studio_meta: dict[str, Any],
    findings: Iterable[PiiFinding],
    *,
    locale: str = DEFAULT_LOCALE,
) -> dict[str, Any]:
    """Mark the found columns as personal data, so SDV fills them with fake values.

    Each column gets its finding's sdtype and ``pii: True``: SDV then generates it with
    Faker (``email`` gives fake emails, ``unknown`` random text) and never learns the real
    values. A primary key that holds personal data stays the primary key, with the personal
    sdtype, so SDV keeps generating one unique fake value per row.

    Args:
        studio_meta: The studio metadata dict ``{"sdv": ..., "reasons": ...}`` (not modified).
        findings: Columns to fake, from ``core.pii.detect_pii`` or picked by a person.
        locale: Faker locale of the fake values.

    Returns:
        A new studio metadata dict, with the reason of each changed column and
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
    for finding in findings:
        if finding.column not in table["columns"]:
            raise InvalidParameterError(f"Column '{finding.column}' is not in the metadata.")
        # Replace the entry whole: range_values of a former category hold the real values.
        table["columns"][finding.column] = {"sdtype": finding.sdtype, "pii": True}
        reasons[finding.column] = f"{finding.reason}: replaced with fake values"
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
) -> tuple[pd.DataFrame, int]:
    """Redraw any fake personal value that happens to equal a real one.

    Faker draws from finite lists, so a fake email or name can coincide with a real person's;
    such a value is redrawn (seeded) until it matches no real value.

    Returns:
        The synthetic table with no real value left in ``columns``, and how many were redrawn.
    """
    fake = Faker(locale)
    fake.seed_instance(seed)
    out, replaced = synthetic, 0
    for column in columns:
        if column not in synthetic or column not in real:
            continue
        known = set(real[column].dropna().astype(str))
        clash = synthetic[column].astype(str).isin(known) & synthetic[column].notna()
        if not clash.any():
            continue
        draw = getattr(fake, FAKER_METHODS.get(sdtypes.get(column, ""), "pystr"))
        values = out[column].astype(object).copy()
        for index in values.index[clash]:
            candidate = str(draw())
            while candidate in known:
                candidate = str(draw())
            values[index] = candidate
        out = out.assign(**{column: values})
        replaced += int(clash.sum())
    return out, replaced


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
