"""Rules every row of an extract must keep, written the way SDV names its constraints.

A rule is a plain dict, the form the studio stores in :class:`core.meta.StudioMetadata` and a
user writes in a ``RULES.json`` file::

    {"type": "Inequality", "low_column_name": "checkin", "high_column_name": "checkout"}
    {"type": "Range", "low_column_name": "a", "middle_column_name": "b", "high_column_name": "c"}
    {"type": "FixedCombinations", "column_names": ["state", "country"]}
    {"type": "FixedIncrements", "column_name": "price", "increment_value": 5}
    {"type": "OneHotEncoding", "column_names": ["is_a", "is_b", "is_c"]}

SDV's own form (``{"class_name": ..., "parameters": {...}}``) reads too. Synthesizers enforce
rules through ``sdv.cag`` (:func:`to_sdv_constraints`); the studio checks them with its own
code (:func:`core.data.rule_rows.compile_rule`), so a rule's hold rate is measured
independently of SDV. A row with a missing value in a rule's columns keeps it, as SDV counts it.

This module parses rules and checks them against a table before they are kept
(:func:`parse_rules`, :func:`check_rules`, :func:`add_rules`); what a rule is lives in
:mod:`core.data.rule_types`, checking rows in :mod:`core.data.rule_rows`, and rules in words
in :mod:`core.data.rule_words`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.data.rule_rows import compile_rule
from core.data.rule_types import RULE_PARAMS, RULE_TYPES, SUGGESTION_KEYS, rule_columns, rule_key
from core.data.rule_words import describe_rule
from core.errors import InvalidParameterError
from core.meta import StudioMetadata

_ORDERED_SDTYPES = ("numerical", "datetime")
_CATEGORY_SDTYPES = ("categorical", "boolean", "ordinal")
_ONE_HOT_SDTYPES = ("numerical", "categorical", "boolean", "ordinal")


def parse_rules(items: Any) -> list[dict[str, Any]]:
    """Rules in the studio's form from a JSON value (a list of objects), checked for shape.

    Raises:
        InvalidParameterError: not a list of objects, an unknown type, a missing or unknown
            parameter, or a parameter of the wrong kind (one line naming the rule).
    """
    if isinstance(items, Mapping):
        items = [items]
    if not isinstance(items, list):
        raise InvalidParameterError("Rules must be a JSON list of objects, one per rule.")
    return [_parse_rule(item, index) for index, item in enumerate(items, start=1)]


def _parse_rule(item: Any, index: int) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        raise InvalidParameterError(f"Rule {index} is not an object: {item!r:.80}.")
    if "class_name" in item:  # SDV's get_constraint_dict() form
        item = {"type": item["class_name"], **dict(item.get("parameters") or {})}
        item.pop("table_name", None)
    kind = item.get("type")
    if kind not in RULE_PARAMS:
        raise InvalidParameterError(
            f"Rule {index} has type {kind!r}; use one of {', '.join(RULE_TYPES)}."
        )
    required, optional = RULE_PARAMS[kind]
    missing = [name for name in required if name not in item]
    if missing:
        raise InvalidParameterError(f"Rule {index} ({kind}) lacks {', '.join(missing)}.")
    unknown = sorted(set(item) - {"type", *required, *optional, *SUGGESTION_KEYS})
    if unknown:
        raise InvalidParameterError(
            f"Rule {index} ({kind}) has unknown key(s) {', '.join(unknown)}; it takes "
            f"{', '.join([*required, *optional])}."
        )
    rule: dict[str, Any] = {"type": kind}
    for name in (*required, *optional):
        if name not in item:
            continue
        value = item[name]
        if name == "column_names":
            if not (isinstance(value, list) and len(value) >= 2):
                raise InvalidParameterError(
                    f"Rule {index} ({kind}): column_names must list at least two columns."
                )
            if len(set(map(str, value))) != len(value):
                raise InvalidParameterError(f"Rule {index} ({kind}) names a column twice.")
            value = [str(v) for v in value]
        elif name.endswith("column_name"):
            value = str(value)
        elif name == "strict_boundaries" and not isinstance(value, bool):
            raise InvalidParameterError(f"Rule {index} ({kind}): strict_boundaries is true/false.")
        elif name == "increment_value":
            whole = isinstance(value, int | float) and not isinstance(value, bool)
            if not whole or value <= 0 or value % 1:
                raise InvalidParameterError(
                    f"Rule {index} (FixedIncrements): increment_value must be a whole number "
                    f"above 0; got {value!r}."
                )
            value = int(value)
        elif name == "learning_strategy" and value not in ("one_hot", "categorical"):
            raise InvalidParameterError(
                f"Rule {index} (OneHotEncoding): learning_strategy is one_hot or categorical."
            )
        rule[name] = value
    columns = rule_columns(rule)
    if len(set(columns)) != len(columns):
        raise InvalidParameterError(f"Rule {index} ({kind}) names a column twice.")
    return rule


def columns_for_rules(metadata: StudioMetadata) -> dict[str, list[str]]:
    """Rule type to the columns a rule of that type may read, in table order.

    Keys and direct identifiers are generated rather than learned, so no type offers them;
    ``OneHotEncoding`` offers every column of a type that can hold 0 and 1.
    """
    faked = {*metadata.direct_columns, metadata.primary_key}
    learned = {c: t for c, t in metadata.sdtypes.items() if c not in faked and t != "id"}

    def of(types: tuple[str, ...]) -> list[str]:
        return [c for c, t in learned.items() if t in types]

    return {
        "Inequality": of(_ORDERED_SDTYPES),
        "Range": of(_ORDERED_SDTYPES),
        "FixedCombinations": of(_CATEGORY_SDTYPES),
        "FixedIncrements": of(("numerical",)),
        "OneHotEncoding": of(_ONE_HOT_SDTYPES),
    }


def add_rules(
    metadata: StudioMetadata, rules: Sequence[Mapping[str, Any]], data: pd.DataFrame
) -> StudioMetadata:
    """``metadata`` with ``rules`` added after the ones it keeps, once each fits ``data``.

    A rule it already keeps is not added twice; suggestion keys (counts, labels) are dropped.

    Raises:
        InvalidParameterError: a malformed rule, an unknown or faked column, a type the rule
            cannot read, or real rows that break it (one line; nothing is added).
    """
    checked = check_rules(parse_rules(list(rules)), data, metadata)
    kept = list(metadata.rules)
    seen = {rule_key(r) for r in kept}
    for rule in checked:
        if rule_key(rule) not in seen:
            seen.add(rule_key(rule))
            kept.append(rule)
    return metadata.with_rules(kept)


def remove_rule(metadata: StudioMetadata, rule: Mapping[str, Any]) -> StudioMetadata:
    """``metadata`` without ``rule`` (compared by :func:`rule_key`)."""
    gone = rule_key(rule)
    return metadata.with_rules([r for r in metadata.rules if rule_key(r) != gone])


def check_rules(
    rules: Sequence[Mapping[str, Any]], data: pd.DataFrame, metadata: StudioMetadata
) -> list[dict[str, Any]]:
    """Rules checked against a table: its columns, their types, and every row of it.

    Args:
        rules: Parsed rules (:func:`parse_rules`).
        data: The real rows (all of them, or the rows a model is fitted on).
        metadata: The table's metadata: a rule may not read a faked column or a key.

    Returns:
        The rules, unchanged, when every real row keeps them.

    Raises:
        InvalidParameterError: one line naming the rule and what is wrong: an unknown
            column, a faked column or a key, a column type the rule cannot read, or real rows
            that break it (a rule the data itself breaks cannot hold in every extract row).
    """
    sdtypes = metadata.sdtypes
    direct = set(metadata.direct_columns)
    for rule in rules:
        label = f"Rule '{describe_rule(rule)}'"
        for column in rule_columns(rule):
            if column not in sdtypes or column not in data.columns:
                raise InvalidParameterError(f"{label}: column '{column}' is not in the table.")
            if column in direct or sdtypes[column] == "id" or column == metadata.primary_key:
                raise InvalidParameterError(
                    f"{label}: '{column}' is a key or a direct identifier, generated rather "
                    "than learned, so no rule can hold it."
                )
        _check_types(rule, label, data, sdtypes)
        breaking = ~compile_rule(rule, data).holds(data)
        if breaking.any():
            first = int(np.flatnonzero(breaking)[0])
            raise InvalidParameterError(
                f"{label} is broken by {int(breaking.sum()):,} of {len(data):,} real rows "
                f"(the first is row {first + 1:,}); the data does not follow it, so it cannot "
                "hold in every extract row."
            )
    return [dict(rule) for rule in rules]


def _check_types(
    rule: Mapping[str, Any], label: str, data: pd.DataFrame, sdtypes: Mapping[str, str]
) -> None:
    kind, columns = rule["type"], rule_columns(rule)
    types = [sdtypes[c] for c in columns]
    if kind in ("Inequality", "Range"):
        if any(t not in _ORDERED_SDTYPES for t in types) or len(set(types)) > 1:
            raise InvalidParameterError(
                f"{label}: its columns must all be numbers or all be dates; they are "
                f"{', '.join(types)}."
            )
    elif kind == "FixedIncrements" and types[0] != "numerical":
        raise InvalidParameterError(f"{label}: '{columns[0]}' must be numerical, not {types[0]}.")
    elif kind == "FixedCombinations" and any(t not in _CATEGORY_SDTYPES for t in types):
        raise InvalidParameterError(
            f"{label}: its columns must be categories (categorical, boolean or ordinal); they "
            f"are {', '.join(types)}."
        )
    elif kind == "OneHotEncoding":
        if any(t not in _ONE_HOT_SDTYPES for t in types):
            raise InvalidParameterError(f"{label}: its columns must hold 0 and 1 only.")
        values = pd.unique(data[columns].to_numpy().ravel())
        if not set(pd.Series(values).dropna().tolist()) <= {0, 1}:
            raise InvalidParameterError(f"{label}: its columns must hold 0 and 1 only.")


def to_sdv_constraints(rules: Sequence[Mapping[str, Any]]) -> list[Any]:
    """SDV's constraint objects (``sdv.cag``) for the rules, for ``add_constraints``."""
    import sdv.cag

    built = []
    for rule in rules:
        params = {k: v for k, v in rule.items() if k != "type" and k not in SUGGESTION_KEYS}
        built.append(getattr(sdv.cag, rule["type"])(**params))
    return built
