"""A shaped run's stored checks as rows a page or a report shows: rules, scenarios, shares,
augmentation and rare items.

Reads only what the run stored (:class:`core.evaluate.stored.StoredScores`); nothing is
recomputed. Rare items are listed as stored: a value seen in fewer real rows than the grouping
threshold was counted, never named, when the run was scored, so it cannot appear here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core import formatting as fmt
from core.synth.registry import REGISTRY

AUGMENTATION_HOW_TO = (
    "Augmentation was not measured for this run. To measure it, generate again on the "
    "Synthesize page: under 'Shape the rows', tick 'Measure whether the synthetic rows help a "
    "model (mix with real)' and choose a category target column (from the command line: "
    "`--augment --target COLUMN`). One classifier is then trained on real rows alone and one "
    "on real plus synthetic rows, and both are tested on the real holdout."
)
_MEASURES = (("balanced_accuracy", "Balanced accuracy"), ("minority_recall", "Minority recall"))


def rule_rows(rules: Mapping[str, Any]) -> list[dict[str, str]]:
    """One row per rule: its kind, the share of real and extract rows keeping it, expected."""
    rows = []
    for rule in rules.get("rules") or []:
        kept = rule.get("synthetic_keep_share")
        rows.append(
            {
                "Rule": str(rule.get("label", "")),
                "Kind": "added (enforced)" if rule.get("added") else "found (checked)",
                "Real rows keeping it": fmt.percent(rule.get("real_keep_share")),
                "Extract rows keeping it": fmt.percent(kept),
                "Expected": "100%" if rule.get("added") else "as the real rows",
                "Every extract row": "keeps it" if kept is not None and kept >= 1.0 else "no",
            }
        )
    return rows


def rule_summary(rules: Mapping[str, Any]) -> str:
    """One sentence: whether every added rule holds, and which found rules the extract breaks."""
    parts = []
    if rules.get("added"):
        held = "holds" if rules.get("added_hold") else "does NOT hold"
        parts.append(f"Every added rule {held} in every extract row.")
    if broken := rules.get("found_broken"):
        parts.append(
            f"The extract breaks {len(broken)} rule(s) every real row keeps: {', '.join(broken)}."
        )
    return " ".join(parts)


def scenario_rows(scenarios: list[Mapping[str, Any]]) -> list[dict[str, str]]:
    """One row per scenario: its fidelity beside its baseline, and a synthesizer to try."""
    rows = []
    for scenario in scenarios:
        suggested = scenario.get("suggested_synthesizer")
        rows.append(
            {
                "Scenario": str(scenario.get("label", "")),
                "Real rows": fmt.count(scenario.get("real_rows")),
                "Synthetic rows": fmt.count(scenario.get("synthetic_rows")),
                "Fidelity": fmt.score(scenario.get("fidelity")),
                "Baseline": fmt.score(scenario.get("baseline")),
                "Reading": "poor" if scenario.get("poor") else "follows the real scenario",
                "Try": REGISTRY[suggested].label if suggested in REGISTRY else "",
            }
        )
    return rows


def augmentation_rows(augmentation: Mapping[str, Any]) -> list[dict[str, str]]:
    """Balanced accuracy and minority recall: real only, real + synthetic, the difference."""

    def cell(group: str, key: str) -> str:
        interval = ((augmentation.get(group) or {}).get("intervals") or {}).get(key) or {}
        value, low, high = (interval.get(k) for k in ("value", "low", "high"))
        if value is None:
            return fmt.MISSING
        sign = "+" if group == "difference" else ""
        shown = f"{value:{sign}.2f}"
        return (
            shown
            if low is None or high is None
            else f"{shown} ({low:{sign}.2f} to {high:{sign}.2f})"
        )

    return [
        {
            "Measure": label,
            "Real rows only": cell("real_only", key),
            "Real + synthetic": cell("augmented", key),
            "Difference": cell("difference", key),
        }
        for key, label in _MEASURES
    ]


@dataclass(frozen=True)
class RareRow:
    """A rare category or combination as stored, and the condition that generates more of it."""

    label: str
    kind: str  # "category" or "combination"
    real_rows: int
    synthetic_rows: int
    condition: dict[str, str]

    @property
    def in_extract(self) -> bool:
        return self.synthetic_rows > 0


def rare_rows(rare: Mapping[str, Any]) -> list[RareRow]:
    """The rare items the run stored, missing from the extract first, rarest first."""
    rows = [
        RareRow(
            label=" and ".join(f"{c}={v}" for c, v in (item.get("condition") or {}).items()),
            kind="category" if len(item.get("condition") or {}) == 1 else "combination",
            real_rows=int(item.get("real_rows") or 0),
            synthetic_rows=int(item.get("synthetic_rows") or 0),
            condition={str(c): str(v) for c, v in (item.get("condition") or {}).items()},
        )
        for item in rare.get("items") or []
    ]
    return sorted(rows, key=lambda r: (r.in_extract, r.real_rows))


def rare_note(rare: Mapping[str, Any]) -> str:
    """How rare is counted, how many items the extract has and how many are not named."""
    if not rare:
        return ""
    threshold = float(rare.get("threshold") or 0.0)
    note = (
        f"Categories and pairs of categories under {threshold:.0%} of the real training rows: "
        f"{rare.get('in_extract', 0)} of {rare.get('listed', 0)} listed are in the extract."
    )
    if withheld := rare.get("withheld"):
        note += (
            f" {withheld} more, each seen in fewer than {rare.get('min_count')} real rows, are "
            "counted, not named (as the rare-category grouping hides them)."
        )
    return note
