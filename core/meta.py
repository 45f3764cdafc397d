"""The metadata of one table as the studio keeps it: a typed value, not a dict to walk.

:class:`StudioMetadata` holds SDV's metadata (types, key, ranges), the one-line reason for each
detected type, each column's personal-data role (direct identifier, quasi-identifier or not
personal, with why), the locale of fake values and the rules every extract must keep. It is
immutable: every change returns a new value (``with_columns``, ``with_role``, ``with_locale``,
``with_rules``). The workspace stores it as JSON
(:meth:`StudioMetadata.to_dict`), and :meth:`StudioMetadata.to_sdv` gives SDV's object.
"""

from __future__ import annotations

import copy
import dataclasses
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sdv.metadata import Metadata

TABLE = "data"
DIRECT = "direct identifier"
QUASI = "quasi-identifier"
NOT_PERSONAL = "not personal"
ROLES = (DIRECT, QUASI, NOT_PERSONAL)
DEFAULT_LOCALE = "en_US"
# SDV's generator of this pattern counts 10**11, 10**11 + 1... across every batch of a run (no
# leading zero, as SDV wants of an integer key): core.synth.fakes turns that count into a code
# of the real column's shape, so keys stay unique.
COUNTER_REGEX = r"[1-9]\d{11}"


@dataclass(frozen=True)
class StudioMetadata:
    """One table's metadata: SDV's, with reasons, personal-data roles and a locale.

    Attributes:
        sdv: SDV's metadata dict (``Metadata.to_dict()``) of the one table :data:`TABLE`.
        reasons: Column to the one-line reason for its type.
        roles: Column to ``{"role", "why", "kind"}`` for the personal ones (see
            :mod:`core.data.personal`); a column absent here is not personal unless SDV's
            metadata flags it ``pii``.
        locales: Faker locales of fake values (the first is used).
        rules: Rules every extract keeps, each a dict written as SDV names its constraints
            (``{"type": "Inequality", "low_column_name": ..., "high_column_name": ...}``);
            checked against the data in :mod:`core.data.rules`.
    """

    sdv: Mapping[str, Any]
    reasons: Mapping[str, str] = field(default_factory=dict)
    roles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    locales: tuple[str, ...] = ()
    rules: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StudioMetadata:
        """The value the workspace stores (``{"sdv", "reasons", "roles", "locales", "rules"}``)."""
        return cls(
            sdv=data["sdv"],
            reasons=dict(data.get("reasons") or {}),
            roles={k: dict(v) for k, v in (data.get("roles") or {}).items()},
            locales=tuple(data.get("locales") or ()),
            rules=tuple(copy.deepcopy(dict(r)) for r in data.get("rules") or ()),
        )

    @classmethod
    def from_sdv(cls, metadata: Metadata, **fields: Any) -> StudioMetadata:
        """From SDV's object, with studio fields (``reasons``, ``roles``, ``locales``...)."""
        return cls(sdv=metadata.to_dict(), **fields)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict, the form the workspace stores."""
        data: dict[str, Any] = {
            "sdv": copy.deepcopy(dict(self.sdv)),
            "reasons": dict(self.reasons),
            "roles": {k: dict(v) for k, v in self.roles.items()},
        }
        if self.locales:
            data["locales"] = list(self.locales)
        if self.rules:
            data["rules"] = [copy.deepcopy(dict(r)) for r in self.rules]
        return data

    def to_sdv(self) -> Metadata:
        """SDV's ``Metadata`` object.

        Id columns stored before they carried :data:`COUNTER_REGEX` get it here, so every run's
        keys come from SDV's counter (and stay unique across batches).
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            metadata = Metadata.load_from_dict(copy.deepcopy(dict(self.sdv)))
        count_ids(metadata)
        return metadata

    # --- reading -------------------------------------------------------------------------

    @property
    def columns(self) -> Mapping[str, Mapping[str, Any]]:
        """Column name to SDV's entry for it (``sdtype``, ranges, ``pii``...), in table order."""
        return self.sdv["tables"][TABLE]["columns"]

    @property
    def sdtypes(self) -> dict[str, str]:
        """Column name to SDV sdtype."""
        return {name: entry["sdtype"] for name, entry in self.columns.items()}

    @property
    def primary_key(self) -> str | None:
        return self.sdv["tables"][TABLE].get("primary_key")

    @property
    def direct_columns(self) -> list[str]:
        """The direct identifiers: faked, never learned, never shown; in column order.

        The one definition every module reads: a column SDV's metadata flags ``pii``, or one
        whose role says so (an id column cannot carry SDV's flag).
        """
        return [
            name
            for name, entry in self.columns.items()
            if entry.get("pii") or self.roles.get(name, {}).get("role") == DIRECT
        ]

    def role(self, column: str) -> str:
        """:data:`DIRECT`, :data:`QUASI` or :data:`NOT_PERSONAL` for one column."""
        if column in self.direct_columns:
            return DIRECT
        return QUASI if self.roles.get(column, {}).get("role") == QUASI else NOT_PERSONAL

    @property
    def locale(self) -> str:
        """The Faker locale of the table's fake values."""
        return self.locales[0] if self.locales else DEFAULT_LOCALE

    # --- changing (each returns a new value) ---------------------------------------------

    def replace(self, **changes: Any) -> StudioMetadata:
        return dataclasses.replace(self, **changes)

    def with_columns(self, entries: Mapping[str, Mapping[str, Any]]) -> StudioMetadata:
        """A copy whose named columns have these SDV entries (each replaced whole)."""
        sdv = copy.deepcopy(dict(self.sdv))
        columns = sdv["tables"][TABLE]["columns"]
        for name, entry in entries.items():
            columns[name] = dict(entry)
        return self.replace(sdv=sdv)

    def with_primary_key(self, column: str | None) -> StudioMetadata:
        """A copy whose primary key is ``column`` (or none)."""
        sdv = copy.deepcopy(dict(self.sdv))
        table = sdv["tables"][TABLE]
        if column is None:
            table.pop("primary_key", None)
        else:
            table["primary_key"] = column
        return self.replace(sdv=sdv)

    def with_role(self, column: str, role: str, why: str, kind: str = "") -> StudioMetadata:
        """A copy whose role record of ``column`` says ``role`` and why.

        Only the roles record changes; the SDV side (``pii``, sdtype) is the caller's to keep in
        step (see :func:`core.data.metadata.apply_edits`).
        """
        roles = {k: dict(v) for k, v in self.roles.items()}
        roles[column] = {"role": role, "why": why, **({"kind": kind} if kind else {})}
        return self.replace(roles=roles)

    def with_locale(self, locale: str) -> StudioMetadata:
        """A copy whose fake values come from ``locale`` (checked in ``core.data.roles``)."""
        return self.replace(locales=(locale,))

    def with_rules(self, rules: Iterable[Mapping[str, Any]]) -> StudioMetadata:
        """A copy whose extracts keep ``rules`` (checked against the data: ``core.data.rules``)."""
        return self.replace(rules=tuple(copy.deepcopy(dict(r)) for r in rules))


def count_ids(metadata: Metadata) -> None:
    """Give every id column SDV's counter pattern :data:`COUNTER_REGEX` (in place)."""
    for column in metadata.tables[TABLE].columns.values():
        if column["sdtype"] == "id" and "regex_format" not in column:
            column["regex_format"] = COUNTER_REGEX
