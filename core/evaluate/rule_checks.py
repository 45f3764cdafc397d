"""Rule checks: the share of rows that keep each rule, in the real table and in the extract.

Every extract is checked against the rules added to its dataset (each must hold in every row:
SDV enforces them) and against the rules found in the real data (:mod:`core.data.
rule_suggestions`) that every real row keeps, so a broken business rule shows even when
nobody added it. The checks are the studio's own code (:func:`core.data.rule_rows.compile_rule`),
not SDV's, and count every stored row, batch by batch (:class:`RuleTally`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.data.rule_rows import CompiledRule, compile_rule
from core.data.rule_suggestions import suggest_rules
from core.data.rule_types import rule_key
from core.evaluate.sdmetrics import json_float
from core.meta import StudioMetadata

# Found rules checked besides the added ones, at most.
MAX_FOUND = 20


class RuleTally:
    """Rows that keep each rule, counted over every synthetic row, batch by batch.

    Args:
        added: The rules added to the dataset (enforced while sampling).
        found: Rules found in the real data and kept by every real row (only checked).
        reference: The rows the model was fitted on: a fixed combination is one seen there.
    """

    def __init__(
        self,
        *,
        added: Sequence[Mapping[str, Any]],
        found: Sequence[Mapping[str, Any]],
        reference: pd.DataFrame,
    ) -> None:
        known = {rule_key(r) for r in added}
        extra = [r for r in found if rule_key(r) not in known][:MAX_FOUND]
        self.compiled: list[CompiledRule] = [compile_rule(r, reference) for r in [*added, *extra]]
        self.added = [True] * len(added) + [False] * len(extra)
        self.rows = 0
        self.kept = [0] * len(self.compiled)

    def add(self, batch: pd.DataFrame) -> None:
        for i, rule in enumerate(self.compiled):
            self.kept[i] += int(rule.holds(batch).sum())
        self.rows += len(batch)


def rule_tally(
    *,
    metadata: StudioMetadata,
    real: pd.DataFrame,
    reference: pd.DataFrame,
) -> RuleTally:
    """The tally of a run: the dataset's rules, and the rules every real row keeps."""
    found = [s.rule for s in suggest_rules(real, metadata) if s.holds]
    return RuleTally(added=metadata.rules, found=found, reference=reference)


@dataclass(frozen=True)
class RuleCheck:
    """One rule: the rows that keep it in the real table and in the extract."""

    rule: dict[str, Any]
    label: str
    added: bool
    real_rows: int
    real_kept: int
    synthetic_rows: int
    synthetic_kept: int

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.rule,
            "label": self.label,
            "added": self.added,
            "real_rows": int(self.real_rows),
            "real_keep_share": json_float(
                self.real_kept / self.real_rows if self.real_rows else None
            ),
            "synthetic_rows": int(self.synthetic_rows),
            "synthetic_breaking_rows": int(self.synthetic_rows - self.synthetic_kept),
            "synthetic_keep_share": json_float(
                self.synthetic_kept / self.synthetic_rows if self.synthetic_rows else None
            ),
        }


@dataclass(frozen=True)
class RuleChecks:
    """Every rule checked on one extract."""

    checks: tuple[RuleCheck, ...]

    @property
    def added_hold(self) -> bool:
        """Whether every added rule holds in every synthetic row."""
        return all(c.synthetic_kept == c.synthetic_rows for c in self.checks if c.added)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": [c.to_dict() for c in self.checks],
            "added": sum(c.added for c in self.checks),
            "added_hold": self.added_hold,
            "found_broken": [
                c.label for c in self.checks if not c.added and c.synthetic_kept < c.synthetic_rows
            ],
        }


def compute_rule_checks(tally: RuleTally, real: pd.DataFrame) -> RuleChecks:
    """The checks of a tallied extract, beside the same counts on ``real``."""
    checks = []
    for rule, added, kept in zip(tally.compiled, tally.added, tally.kept, strict=True):
        checks.append(
            RuleCheck(
                rule=rule.rule,
                label=rule.label,
                added=added,
                real_rows=len(real),
                real_kept=int(rule.holds(real).sum()),
                synthetic_rows=tally.rows,
                synthetic_kept=kept,
            )
        )
    return RuleChecks(tuple(checks))
