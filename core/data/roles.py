"""Marking a table's direct identifiers in its metadata, and the locale of their fake values.

Detection (:mod:`core.data.pii`) finds the columns; :func:`fake_pii_metadata` records them as
direct identifiers, so SDV generates them instead of learning them and
:mod:`core.synth.fakes` fakes each in the real column's kind and shape.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

from faker.config import AVAILABLE_LOCALES

from core.data.pii import PiiFinding
from core.errors import InvalidMetadataError, InvalidParameterError
from core.meta import DEFAULT_LOCALE, DIRECT, StudioMetadata


def fake_pii_metadata(
    studio_meta: StudioMetadata,
    findings: Iterable[PiiFinding],
    *,
    locale: str = DEFAULT_LOCALE,
) -> StudioMetadata:
    """Mark the found columns as direct identifiers, so they are faked and never learned.

    Each column gets its finding's sdtype and ``pii: True`` (SDV then generates it instead of
    learning it) and a ``"roles"`` entry naming its kind, which :mod:`core.synth.fakes` uses to make
    fakes of the real column's shape. A primary key that holds personal data stays the primary
    key, with the personal sdtype, so every row keeps one unique fake value.

    Args:
        studio_meta: The table's metadata.
        findings: Columns to fake, from ``core.data.pii.detect_pii`` or picked by a person.
        locale: Faker locale of the fake values.

    Returns:
        New metadata with the reason of each changed column, its role and the locale to pass
        to the synthesizer (``locales=...``).

    Raises:
        InvalidParameterError: the locale is unknown to Faker, or a finding names a column
            that is not in the metadata.
        InvalidMetadataError: SDV rejects the updated metadata.
    """
    if locale not in AVAILABLE_LOCALES:
        raise InvalidParameterError(
            f"Unknown locale '{locale}'; use a Faker locale such as en_US, fr_FR or de_DE."
        )
    entries, reasons = {}, dict(studio_meta.reasons)
    updated = studio_meta
    for finding in findings:
        if finding.column not in studio_meta.columns:
            raise InvalidParameterError(f"Column '{finding.column}' is not in the metadata.")
        # Replace the entry whole: range_values of a former category hold the real values.
        entries[finding.column] = {"sdtype": finding.sdtype, "pii": True}
        reasons[finding.column] = f"{finding.reason}: replaced with fake values"
        updated = updated.with_role(
            finding.column,
            DIRECT,
            f"{finding.reason}: replaced by fakes of the same kind and shape",
            # Values that hardly read as their kind (hashed phones) are faked as codes.
            kind=finding.kind if finding.by != "name" or finding.share >= 0.2 else "code",
        )
    updated = updated.with_columns(entries).replace(reasons=reasons).with_locale(locale)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            updated.to_sdv().validate()
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


def with_locale(studio_meta: StudioMetadata, locale: str) -> StudioMetadata:
    """A copy of the metadata whose fake personal values come from ``locale``.

    Raises:
        InvalidParameterError: Faker does not know the locale.
    """
    if locale not in AVAILABLE_LOCALES:
        raise InvalidParameterError(
            f"Unknown locale '{locale}'; use a Faker locale such as en_US, fr_FR or de_DE."
        )
    return studio_meta.with_locale(locale)
