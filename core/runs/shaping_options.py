"""What a run's rows can be shaped by, as a form offers it: the columns a condition or a
rebalance may fix with their real values and shares, typed percentages read as shares, and
the lines that sum up a shaped run's stored checks.

The rules of what may be fixed are :mod:`core.synth.scenarios`' own (``check_column``), so a
form never offers what :func:`core.runs.pipeline.synthesize` would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.data.formats import TableFormat
from core.data.metadata import detect_metadata
from core.data.pii import detect_pii
from core.data.roles import fake_pii_metadata
from core.data.rule_words import describe_rule
from core.data.spelling import spell_booleans, spell_label
from core.errors import InvalidParameterError
from core.evaluate.features import as_labels
from core.evaluate.stored import StoredScores
from core.evaluate.utility import MAX_CLASSES_AS_INTEGERS
from core.meta import StudioMetadata
from core.synth.registry import REGISTRY, SynthesizerSpec
from core.synth.scenarios import apportion, check_column, value_label

MISSING = "(missing)"
# Typed percentages within this many points of 100 are rounding, and are scaled to 100.
PERCENT_TOLERANCE = 0.1


@dataclass(frozen=True)
class ShapeableColumn:
    """A column a condition or a rebalance may fix, with each category's share of real rows.

    ``shares`` holds every real row (missing values as ``(missing)``), as a rebalance's stored
    ``before`` does; ``values`` are the categories a person may pick, in the order a
    rebalance lists them. ``aliases`` maps a label read elsewhere (``True``) to the one shown
    (``Yes``, as the input file spells it).
    """

    name: str
    sdtype: str
    shares: Mapping[str, float]
    aliases: Mapping[str, str] = field(default_factory=dict)

    def label_of(self, text: str) -> str | None:
        """The shown value ``text`` names (as shown, as an alias, or in another case)."""
        text = self.aliases.get(text, text)
        folded = {v.casefold(): v for v in self.values}
        return text if text in self.values else folded.get(text.casefold())

    @property
    def values(self) -> list[str]:
        return [label for label in self.shares if label != MISSING]

    @property
    def classes(self) -> bool:
        """Whether a model predicting it is a classifier (what augmentation measures)."""
        return self.sdtype != "numerical" or len(self.values) <= MAX_CLASSES_AS_INTEGERS

    def percents(self) -> dict[str, float]:
        """The real shares of ``values`` as percentages to one decimal, adding up to 100."""
        values = self.values
        tenths = apportion(
            1000, [self.shares[v] / sum(self.shares[v] for v in values) for v in values]
        )
        return {v: t / 10 for v, t in zip(values, tenths, strict=True)}


def form_metadata(real: pd.DataFrame, metadata: StudioMetadata | None) -> StudioMetadata:
    """The dataset's metadata, or what a first run would detect and store for it."""
    if metadata is not None:
        return metadata
    detected = detect_metadata(real)
    findings = detect_pii(real)
    return fake_pii_metadata(detected, findings) if findings else detected


def shapeable_columns(
    real: pd.DataFrame, metadata: StudioMetadata, table: TableFormat | None = None
) -> list[ShapeableColumn]:
    """The columns of ``real`` a condition or a rebalance may fix, in the table's order, their
    values spelled as the input file (``table``) spells them (``yes``, not ``True``)."""
    spelled = spell_booleans(real, table)
    columns = []
    for column, sdtype in metadata.sdtypes.items():
        try:
            check_column(column, spelled, metadata, what="Shape")
        except InvalidParameterError:
            continue
        labels = as_labels(spelled[column])
        fmt = table.columns.get(column) if table else None  # true / false spelled in words?
        aliases = {k: v for k in ("True", "False") if (v := spell_label(k, fmt)) != k}
        counts = labels.fillna(MISSING).value_counts(normalize=True)
        present = sorted(labels.dropna().unique().tolist(), key=value_label)
        if len(present) < 1:
            continue
        order = [*present, *([MISSING] if MISSING in counts.index else [])]
        shares = {label: float(counts[label]) for label in order}
        columns.append(ShapeableColumn(str(column), sdtype, shares, aliases))
    return columns


def shares_from_percents(percents: Mapping[str, float]) -> dict[str, float]:
    """Typed percentages per category as shares adding up to 1 (categories at 0 dropped).

    Raises:
        InvalidParameterError: a negative percentage, or percentages that do not add up to 100
            (within :data:`PERCENT_TOLERANCE` points), in one line.
    """
    if any(p < 0 for p in percents.values()):
        raise InvalidParameterError("A share cannot be negative.")
    total = sum(percents.values())
    if round(abs(total - 100.0), 9) > PERCENT_TOLERANCE:
        more = "remove" if total > 100 else "add"
        raise InvalidParameterError(
            f"The shares add up to {total:g}%, not 100%: {more} {abs(100 - total):g} points."
        )
    return {label: p / total for label, p in percents.items() if p > 0}


def unable_to_condition() -> list[str]:
    """Labels of the synthesizers that cannot generate scenarios (the registry says so)."""
    return [spec.label for spec in REGISTRY.values() if not spec.conditional_sampling]


def refusal(spec: SynthesizerSpec) -> str:
    """Why ``spec`` cannot shape rows by conditions or a rebalance, or "" when it can."""
    if spec.conditional_sampling:
        return ""
    able = ", ".join(s.label for s in REGISTRY.values() if s.conditional_sampling)
    return f"{spec.label} cannot generate scenarios (conditions or rebalancing); use {able}."


def rules_line(metadata: StudioMetadata | None, spec: SynthesizerSpec) -> str:
    """The dataset's rules every row keeps (or why ``spec`` cannot), or "" without rules."""
    rules = metadata.rules if metadata is not None else ()
    if not rules:
        return ""
    listed = "; ".join(describe_rule(r) for r in rules[:5]) + ("; ..." if len(rules) > 5 else "")
    if not spec.rules:
        return (
            f"{spec.label} cannot keep the dataset's {len(rules)} rule(s) ({listed}); choose "
            "another synthesizer or remove the rules on the Metadata page."
        )
    return f"Every row keeps the dataset's {len(rules)} rule(s): {listed}."


def scenario_warning(scores: Mapping[str, Any]) -> str:
    """One line on the scenarios whose rows do not follow their real rows, or "" for none.

    One scenario gets its own stored warning; several are named together with the synthesizer
    to try.
    """
    scenarios = StoredScores.of(scores).scenarios
    poor = [s for s in scenarios if s.get("poor")]
    if len(scenarios) == 1:
        return scenarios[0].get("warning") or ""
    if not poor:
        return ""
    names = "; ".join(s["label"] for s in poor[:5]) + ("; ..." if len(poor) > 5 else "")
    text = (
        f"{len(poor)} of {len(scenarios)} scenarios follow their real rows little better than "
        f"the whole table does ({names}): the synthesizer wrote the condition without carrying "
        "it into the other columns."
    )
    if (suggested := poor[0].get("suggested_synthesizer")) in REGISTRY:
        text += f" Try {REGISTRY[suggested].label}."
    return text


def rule_lines(scores: Mapping[str, Any]) -> list[str]:
    """The share of stored rows keeping each rule added to the dataset."""
    lines = []
    for rule in StoredScores.of(scores).rules.get("rules") or []:
        if not rule.get("added"):
            continue
        kept = rule.get("synthetic_keep_share")
        shown = "no rows" if kept is None else f"{kept:.1%}"
        lines.append(
            f"Rule {rule['label']}: kept by {shown} of {rule['synthetic_rows']:,} rows "
            f"({rule['synthetic_breaking_rows']:,} break it)."
        )
    return lines
