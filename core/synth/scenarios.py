"""Shape what is sampled: rows of a scenario (conditions), a column's shares, rules kept.

- **Conditions** fix the values of one or more category columns (``plan = premium``); every
  row of the run has them, and the model draws the other columns given them. A Gaussian copula
  conditions its own distribution; the neural synthesizers (CTGAN, TVAE, CopulaGAN) draw rows
  and keep those that match (rejection sampling), so their other columns follow the scenario
  as the model learned it. :mod:`core.evaluate.scenario` checks how closely they do.
- **Rebalance** sets the shares of one category column (equal, or typed per category): each
  batch holds each category's share of its rows (largest remainder), drawn as the scenario of
  that category, then shuffled with the run's seed.
- **Rules** (:mod:`core.data.rules`) are fitted into the model as SDV constraints; the rows
  SDV drops for breaking one are drawn again.

This module says what a shaping is and checks it against the real rows (conditions, shares,
:class:`Shaping`, :func:`describe_shaping`); drawing the rows of one lives in
:mod:`core.synth.shaped_draws`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.data.formats import ColumnFormat, TableFormat
from core.data.rule_words import describe_rule
from core.data.spelling import spell_value
from core.errors import InvalidParameterError
from core.meta import StudioMetadata

# Columns a condition or a rebalance may fix: categories, and numbers with few distinct values
# (a count such as a party size); a continuous number or a date has no scenario of one value.
CONDITION_SDTYPES = ("categorical", "boolean", "ordinal", "numerical")
MAX_DISTINCT = 50
_TRUE = {"true", "yes", "1", "t", "y"}
_FALSE = {"false", "no", "0", "f", "n"}


@dataclass(frozen=True)
class DrawLimits:
    """When drawing rows of a scenario gives up (one line, never a hang).

    Attributes:
        seconds: Longest time one batch of a scenario may take.
        min_match_share: After ``probe_rows`` drawn, a lower share of matching rows stops.
        probe_rows: Rows drawn before the match share is judged.
        draw_rows: The most rows one draw asks the model for (bounds memory).
    """

    seconds: float = 120.0
    min_match_share: float = 0.001
    probe_rows: int = 50_000
    draw_rows: int = 100_000


def value_label(value: Any, fmt: ColumnFormat | None = None) -> str:
    """A value as text: ``2.0`` reads ``2``, missing reads ``(missing)``, and true / false
    as the input spelled them (``yes``) when ``fmt``, the column's recorded format, says so."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "(missing)"
    value = spell_value(value, fmt)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, np.generic):
        value = value.item()
    return str(value)


def json_value(value: Any) -> Any:
    """A value as JSON holds it (numpy scalars as Python's)."""
    return value.item() if isinstance(value, np.generic) else value


def check_column(column: str, real: pd.DataFrame, metadata: StudioMetadata, *, what: str) -> None:
    """Refuse in one line a column no scenario can fix (unknown, faked, a date, continuous)."""
    sdtypes = metadata.sdtypes
    if column not in sdtypes or column not in real.columns:
        shown = ", ".join(list(sdtypes)[:12]) + (", ..." if len(sdtypes) > 12 else "")
        raise InvalidParameterError(f"{what} '{column}': no such column; the table has {shown}.")
    if column in metadata.direct_columns or sdtypes[column] == "id":
        raise InvalidParameterError(
            f"{what} '{column}': a key or a direct identifier is generated, not learned; "
            "choose a learned column."
        )
    sdtype = sdtypes[column]
    distinct = real[column].nunique(dropna=True)
    if sdtype not in CONDITION_SDTYPES or (sdtype == "numerical" and distinct > MAX_DISTINCT):
        kind = "dates" if sdtype == "datetime" else f"{distinct:,} distinct values ({sdtype})"
        raise InvalidParameterError(
            f"{what} '{column}' holds {kind}; choose a category or a number with at most "
            f"{MAX_DISTINCT} distinct values."
        )


def match_value(column: str, text: Any, real: pd.Series, fmt: ColumnFormat | None = None) -> Any:
    """The real value of ``column`` that ``text`` names (``"2"`` names 2, ``"yes"`` True, and
    true / false in the words of ``fmt``, the column's recorded format).

    Raises:
        InvalidParameterError: no real value of the column reads as ``text``.
    """
    values = pd.Series(real.dropna().unique())
    labels = {value_label(v, fmt): v for v in values}  # as the file spells them
    given = value_label(text).strip()
    known = {value_label(v): v for v in values} | labels
    if given in known:
        return known[given]
    folded = {label.casefold(): v for label, v in known.items()}
    if given.casefold() in folded:
        return folded[given.casefold()]
    if pd.api.types.is_bool_dtype(real) and given.casefold() in _TRUE | _FALSE:
        return given.casefold() in _TRUE
    shown = ", ".join(sorted(labels)[:10]) + (", ..." if len(labels) > 10 else "")
    raise InvalidParameterError(f"'{column}' has no value '{given}'; its values are {shown}.")


def resolve_conditions(
    conditions: Mapping[str, Any],
    real: pd.DataFrame,
    metadata: StudioMetadata,
    table: TableFormat | None = None,
) -> dict[str, Any]:
    """Conditions with each value as the real column holds it, checked against ``real``
    (values may be written as the input file, ``table``, spells them).

    Raises:
        InvalidParameterError: an unknown or unusable column, or a value the column lacks.
    """
    resolved = {}
    for column, text in conditions.items():
        check_column(column, real, metadata, what="Condition on")
        resolved[column] = match_value(column, text, real[column], _format(table, column))
    return resolved


def parse_conditions(items: Sequence[str]) -> dict[str, str]:
    """``["plan=premium", "churned=true"]`` as ``{"plan": "premium", "churned": "true"}``."""
    parsed: dict[str, str] = {}
    for item in items:
        column, sep, value = item.partition("=")
        if not sep or not column.strip() or not value.strip():
            raise InvalidParameterError(f"A condition is COLUMN=VALUE; got {item!r}.")
        if column.strip() in parsed:
            raise InvalidParameterError(f"Column '{column.strip()}' is conditioned twice.")
        parsed[column.strip()] = value.strip()
    return parsed


def parse_shares(text: str) -> dict[str, float]:
    """``"a=0.5,b=0.5"`` as ``{"a": 0.5, "b": 0.5}`` (checked later against the column)."""
    shares: dict[str, float] = {}
    for item in (part for part in text.split(",") if part.strip()):
        value, sep, number = item.rpartition("=")
        try:
            shares[value.strip()] = float(number)
        except ValueError:
            sep = ""
        if not sep or not value.strip():
            raise InvalidParameterError(f"Shares are VALUE=SHARE,...; got {item.strip()!r}.")
    if not shares:
        raise InvalidParameterError("Give at least one share, as VALUE=SHARE.")
    return shares


@dataclass(frozen=True)
class Rebalance:
    """Target shares of one category column: ``shares`` pairs real values with shares."""

    column: str
    shares: tuple[tuple[Any, float], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "shares": [{"value": json_value(v), "share": s} for v, s in self.shares],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rebalance:
        return cls(data["column"], tuple((s["value"], float(s["share"])) for s in data["shares"]))

    def labelled(self, table: TableFormat | None = None) -> dict[str, float]:
        """Category label (as the input file, ``table``, spells it) to target share."""
        fmt = _format(table, self.column)
        return {value_label(v, fmt): s for v, s in self.shares}


def resolve_rebalance(
    column: str,
    shares: Mapping[str, float] | None,
    real: pd.DataFrame,
    metadata: StudioMetadata,
    *,
    table: TableFormat | None = None,
    tolerance: float = 1e-6,
) -> Rebalance:
    """Target shares for ``column``: equal over its real categories, or as given.

    Categories a given mapping does not name get no rows.

    Raises:
        InvalidParameterError: an unusable column, an unknown category, a share outside
            [0, 1], or shares that do not add up to 1.
    """
    check_column(column, real, metadata, what="Rebalance")
    categories = sorted(real[column].dropna().unique().tolist(), key=value_label)
    if len(categories) < 2:
        raise InvalidParameterError(f"Rebalance '{column}': it has a single category.")
    if shares is None:
        return Rebalance(column, tuple((c, 1 / len(categories)) for c in categories))
    named: dict[Any, float] = {}
    for text, share in shares.items():
        value = match_value(column, text, real[column], _format(table, column))
        if not 0.0 <= share <= 1.0 or math.isnan(share):
            raise InvalidParameterError(f"The share of '{text}' must be in 0..1; got {share:g}.")
        named[value] = share
    total = sum(named.values())
    if abs(total - 1.0) > tolerance:
        raise InvalidParameterError(f"Shares add up to {total:g}; they must add up to 1.")
    return Rebalance(column, tuple((c, named[c]) for c in categories if named.get(c)))


@dataclass(frozen=True)
class Shaping:
    """How a run's rows are shaped: conditions, a rebalance, rules (any may be empty)."""

    conditions: Mapping[str, Any] = field(default_factory=dict)
    rebalance: Rebalance | None = None
    rules: tuple[Mapping[str, Any], ...] = ()
    limits: DrawLimits = field(default_factory=DrawLimits)
    # How the input file spells its values (yes / no), for labels only; never stored.
    table: TableFormat | None = field(default=None, compare=False, repr=False)

    def label(self, conditions: Mapping[str, Any]) -> str:
        """A scenario as people read it: ``smoker=Yes, day=Sun``."""
        return scenario_label(conditions, self.table)

    def value_text(self, column: str, value: Any) -> str:
        """One value of ``column`` as the input spells it."""
        return value_label(value, _format(self.table, column))

    @property
    def active(self) -> bool:
        """Whether batches are drawn shaped (:mod:`core.synth.shaped_draws`), not plain."""
        return bool(self.conditions or self.rebalance or self.rules)

    @property
    def shaped(self) -> bool:
        """Whether the rows are of chosen scenarios (conditions or a rebalance)."""
        return bool(self.conditions or self.rebalance)

    def scenarios(self) -> list[dict[str, Any]]:
        """The scenarios the rows are drawn from: one per rebalanced category, or one."""
        if self.rebalance is None:
            return [dict(self.conditions)] if self.conditions else []
        return [{**self.conditions, self.rebalance.column: v} for v, _ in self.rebalance.shares]

    def plan(self, rows: int) -> list[tuple[dict[str, Any], int]]:
        """Each scenario of a batch of ``rows`` and its rows (largest remainder)."""
        if self.rebalance is None:
            return [(dict(self.conditions), rows)]
        counts = apportion(rows, [s for _, s in self.rebalance.shares])
        return [(scenario, count) for scenario, count in zip(self.scenarios(), counts, strict=True)]

    def to_dict(self) -> dict[str, Any]:
        """What the run stores (and its bundle replays)."""
        return {
            "conditions": {c: json_value(v) for c, v in self.conditions.items()},
            "rebalance": self.rebalance.to_dict() if self.rebalance else None,
            "rules": [dict(r) for r in self.rules],
            # The size of each draw decides which rows are drawn: a replay needs it.
            "draw_rows": self.limits.draw_rows,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Shaping:
        data = data or {}
        rebalance = data.get("rebalance")
        limits = DrawLimits(draw_rows=int(data.get("draw_rows") or DrawLimits.draw_rows))
        return cls(
            conditions=dict(data.get("conditions") or {}),
            rebalance=Rebalance.from_dict(rebalance) if rebalance else None,
            rules=tuple(dict(r) for r in data.get("rules") or ()),
            limits=limits,
        )


def describe_shaping(shaping: Mapping[str, Any] | None, table: TableFormat | None = None) -> str:
    """A stored shaping (:meth:`Shaping.to_dict`) in a few words, or "" for none; values as
    the input file (``table``) spells them."""
    if not shaping:
        return ""
    parts = []
    if conditions := shaping.get("conditions"):
        parts.append(scenario_label(conditions, table))
    if rebalance := shaping.get("rebalance"):
        fmt = _format(table, rebalance["column"])
        shares = ", ".join(
            f"{value_label(s['value'], fmt)} {s['share']:.0%}" for s in rebalance["shares"]
        )
        parts.append(f"{rebalance['column']} rebalanced to {shares}")
    if rules := shaping.get("rules"):
        parts.append(f"{len(rules)} rule(s): " + "; ".join(describe_rule(r) for r in rules))
    return "; ".join(parts)


def scenario_label(conditions: Mapping[str, Any], table: TableFormat | None = None) -> str:
    """``plan=premium, churned=yes`` (true / false as the input file, ``table``, spells them)."""
    return (
        ", ".join(f"{c}={value_label(v, _format(table, c))}" for c, v in conditions.items())
        or "all rows"
    )


def spelled_scenario(conditions: Mapping[str, Any], table: TableFormat | None) -> dict[str, Any]:
    """``conditions`` with true / false values in the input's words, to match spelled rows
    (:func:`core.data.formats.spell_booleans`)."""
    return {c: spell_value(v, _format(table, c)) for c, v in conditions.items()}


def _format(table: TableFormat | None, column: str) -> ColumnFormat | None:
    return None if table is None else table.columns.get(column)


def apportion(rows: int, shares: Sequence[float]) -> list[int]:
    """``rows`` split by ``shares`` (largest remainder; ties to the first), summing to rows."""
    exact = [rows * s for s in shares]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: rows - sum(counts)]:
        counts[i] += 1
    return counts
