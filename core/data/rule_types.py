"""What a rule is: its types, the parameters each takes, the columns it reads, its identity.

A rule is a plain dict (see :mod:`core.data.rules` for the forms it is written in), e.g.
``{"type": "Inequality", "low_column_name": "checkin", "high_column_name": "checkout"}``.
:data:`RULE_PARAMS` lists each type's required parameters and its optional ones with SDV's
defaults; the other rule modules (parsing, checking rows, words) all read rules through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Parameters of each rule type: (required, optional with SDV's default).
RULE_PARAMS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "Inequality": (("low_column_name", "high_column_name"), {"strict_boundaries": False}),
    "Range": (
        ("low_column_name", "middle_column_name", "high_column_name"),
        {"strict_boundaries": True},
    ),
    "FixedCombinations": (("column_names",), {}),
    "FixedIncrements": (("column_name", "increment_value"), {}),
    "OneHotEncoding": (("column_names",), {"learning_strategy": "one_hot"}),
}
RULE_TYPES = tuple(RULE_PARAMS)
# Each rule type in a few plain words, for choosing one.
RULE_KINDS = {
    "Inequality": "Inequality: a column never exceeds another",
    "Range": "Range: a column lies between two others",
    "FixedCombinations": "Fixed combinations: categories appear together as in the data",
    "FixedIncrements": "Fixed increments: a column is a multiple of a step",
    "OneHotEncoding": "One-hot: exactly one of several 0/1 columns is 1",
}
# Keys a suggestion adds beside the rule (see core.data.rule_suggestions): a file of printed
# suggestions reads back as rules.
SUGGESTION_KEYS = frozenset({"label", "support_rows", "breaking_rows", "checked_rows", "holds"})


def rule_columns(rule: Mapping[str, Any]) -> list[str]:
    """The columns a rule reads, in its order."""
    if "column_names" in rule:
        return list(rule["column_names"])
    names = ("low_column_name", "middle_column_name", "high_column_name", "column_name")
    return [rule[name] for name in names if name in rule]


def rule_key(rule: Mapping[str, Any]) -> tuple[Any, ...]:
    """What makes two rules the same rule (type, parameters with SDV's defaults), hashable."""
    full = {**RULE_PARAMS.get(rule["type"], ((), {}))[1], **rule}
    return (rule["type"], *(str(full[k]) for k in sorted(set(full) - {"type", *SUGGESTION_KEYS})))


def strict_boundaries(rule: Mapping[str, Any]) -> bool:
    """Whether an Inequality or Range rule excludes equal values (SDV's default if unset)."""
    return bool(rule.get("strict_boundaries", RULE_PARAMS[rule["type"]][1]["strict_boundaries"]))
