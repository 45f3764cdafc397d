"""Rules in words: a short form for tables and labels, and a plain sentence for people.

:func:`describe_rule` gives ``temp_min ≤ temp_max``; :func:`explain_rule` gives
``checkout is never before checkin``, reading dates as before / after and numbers as
below / exceeds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.data.rule_types import rule_columns, strict_boundaries


def describe_rule(rule: Mapping[str, Any]) -> str:
    """The rule in a few words, e.g. ``temp_min ≤ temp_max``."""
    kind = rule["type"]
    if kind in ("Inequality", "Range"):
        strict = strict_boundaries(rule)
        return f" {'<' if strict else '≤'} ".join(rule_columns(rule))
    if kind == "FixedCombinations":
        return f"{', '.join(rule['column_names'])}: only combinations seen in the data"
    if kind == "FixedIncrements":
        return f"{rule['column_name']}: multiples of {rule['increment_value']:g}"
    return f"{', '.join(rule['column_names'])}: exactly one is 1 in every row"


def explain_rule(rule: Mapping[str, Any], sdtypes: Mapping[str, str] | None = None) -> str:
    """The rule in plain words, e.g. ``checkout is never before checkin``.

    Args:
        rule: A parsed rule (:func:`parse_rules`).
        sdtypes: Column types; dates read as before / after, numbers as below / exceeds.
    """
    kind, columns = rule["type"], rule_columns(rule)
    dates = bool(sdtypes) and any(sdtypes.get(c) == "datetime" for c in columns)
    if kind in ("Inequality", "Range"):
        strict = strict_boundaries(rule)
        if kind == "Range":
            low, middle, high = columns
            ends = "strictly between" if strict else "between"
            return f"{middle} is always {ends} {low} and {high}" + (
                "" if strict else ", ends included"
            )
        low, high = columns
        if dates:
            return f"{high} is always after {low}" if strict else f"{high} is never before {low}"
        return f"{low} is always below {high}" if strict else f"{low} never exceeds {high}"
    if kind == "FixedCombinations":
        return f"{_and(columns)} always appear together"
    if kind == "FixedIncrements":
        return f"{columns[0]} is a multiple of {rule['increment_value']:g}"
    return f"exactly one of {'/'.join(columns)} is 1"


def _and(names: Sequence[str]) -> str:
    return f"{', '.join(names[:-1])} and {names[-1]}"
