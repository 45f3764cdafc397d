"""A run's shaping checked before it starts and against the rows it is fitted on.

:func:`plan_shaping` turns what a person asked for (conditions as text, a column to rebalance
and its shares) into :class:`core.synth.scenarios.Shaping`, checked against the real rows and
the synthesizer's declared capabilities, before anything is recorded. :func:`learned_shaping`
checks it again against the rows the model is fitted on, once the protections changed them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import pandas as pd

from core.data.formats import TableFormat
from core.data.rules import check_rules
from core.errors import InvalidParameterError
from core.meta import StudioMetadata
from core.synth.registry import REGISTRY, SynthesizerSpec
from core.synth.scenarios import (
    DrawLimits,
    Shaping,
    resolve_conditions,
    resolve_rebalance,
)


def plan_shaping(
    real: pd.DataFrame,
    metadata: StudioMetadata,
    *,
    spec: SynthesizerSpec,
    conditions: Mapping[str, Any] | None = None,
    rebalance: str | None = None,
    shares: Mapping[str, float] | None = None,
    limits: DrawLimits | None = None,
    table: TableFormat | None = None,
) -> Shaping:
    """The run's conditions, rebalance and rules, checked against the real rows.

    ``table`` is how the input file writes its values: a condition or a share may name true /
    false in its words (``yes``), and the run's messages and checks spell them so.

    Raises:
        InvalidParameterError: the synthesizer cannot condition or keep rules, or a condition,
            share or rule does not fit the data (one line).
    """
    if (conditions or rebalance) and not spec.conditional_sampling:
        able = ", ".join(s.label for s in REGISTRY.values() if s.conditional_sampling)
        raise InvalidParameterError(
            f"{spec.label} cannot generate scenarios (conditions or rebalancing); use {able}."
        )
    if metadata.rules and not spec.rules:
        raise InvalidParameterError(
            f"{spec.label} cannot keep the dataset's {len(metadata.rules)} rule(s); choose "
            "another synthesizer or remove the rules."
        )
    if shares is not None and rebalance is None:
        raise InvalidParameterError("Shares need a column to rebalance.")
    resolved = resolve_conditions(conditions or {}, real, metadata, table)
    target = None
    if rebalance is not None:
        if rebalance in resolved:
            raise InvalidParameterError(
                f"'{rebalance}' is both conditioned and rebalanced; choose one."
            )
        target = resolve_rebalance(rebalance, shares, real, metadata, table=table)
    rules = tuple(check_rules(metadata.rules, real, metadata))
    return Shaping(
        conditions=resolved,
        rebalance=target,
        rules=rules,
        limits=limits or DrawLimits(),
        table=table,
    )


def learned_shaping(shaping: Shaping, fitted: pd.DataFrame, metadata: StudioMetadata) -> Shaping:
    """``shaping`` checked against the rows the model is fitted on (after the protections).

    A value the rare-category grouping hid is never learned, so no row can have it; a rule
    that clipping broke cannot hold.

    Raises:
        InvalidParameterError: a condition or a share names a grouped value, or a rule no
            longer holds in the fitted rows (one line).
    """
    for scenario in shaping.scenarios():
        for column, value in scenario.items():
            if not fitted[column].eq(value).any():
                raise InvalidParameterError(
                    f"'{column}' = '{shaping.value_text(column, value)}' is rare, so it was "
                    "grouped before fitting and the model never learned it; turn rare-category "
                    "grouping off to generate it."
                )
    try:
        rules = tuple(check_rules(shaping.rules, fitted, metadata))
    except InvalidParameterError as err:
        raise InvalidParameterError(
            f"{str(err).rstrip('.')} after the protections changed the training rows; turn "
            "clipping of extremes off."
        ) from err
    return dataclasses.replace(shaping, rules=rules)
