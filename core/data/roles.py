"""TODO docstring."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterable
from typing import Any

from faker.config import AVAILABLE_LOCALES

from core.data.metadata import TABLE, to_sdv
from core.data.personal import DIRECT
from core.data.pii import PiiFinding
from core.errors import InvalidMetadataError, InvalidParameterError

DEFAULT_LOCALE = "en_US"


def fake_pii_metadata(
    studio_meta: dict[str, Any],
    findings: Iterable[PiiFinding],
    *,
    locale: str = DEFAULT_LOCALE,
) -> dict[str, Any]:
    """Mark the found columns as direct identifiers, so they are faked and never learned.

    Each column gets its finding's sdtype and ``pii: True`` (SDV then generates it instead of
    learning it) and a ``"roles"`` entry naming its kind, which :mod:`core.synth.fakes` uses to make
    fakes of the real column's shape. A primary key that holds personal data stays the primary
    key, with the personal sdtype, so every row keeps one unique fake value.

    Args:
        studio_meta: The studio metadata dict ``{"sdv": ..., "reasons": ...}`` (not modified).
        findings: Columns to fake, from ``core.data.pii.detect_pii`` or picked by a person.
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
