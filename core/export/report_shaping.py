"""The report's "Rules, scenarios and shares" section, for a shaped run.

:func:`shaping_blocks` picks the stored score blocks the section reads (scenarios, rebalance,
rules, augmentation, and the rare items from coverage); :func:`shaping_html` renders them:
each scenario's fidelity beside its baseline, the shares before and after, the rows keeping
each rule, augmentation on the holdout with its intervals, and the rare items in the extract.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.export.report_cells import as_text, escape, fmt_score, fmt_share

SHAPING_KEYS = ("scenarios", "rebalance", "rules", "augmentation")


def shaping_blocks(scores: Mapping[str, Any]) -> dict[str, Any]:
    """The blocks of stored scores the shaping section reads (rare items from coverage)."""
    blocks = {key: scores[key] for key in SHAPING_KEYS if scores.get(key)}
    rare = (scores.get("coverage") or {}).get("rare")
    if rare:
        blocks["rare"] = rare
    return blocks


def shaping_html(blocks: Mapping[str, Any]) -> str:
    """The section's body from :func:`shaping_blocks`; empty when no block has content."""
    parts = []
    if scenarios := blocks.get("scenarios"):
        rows = "".join(
            f"<tr><td>{escape(s['label'])}</td><td class=num>{s['real_rows']:,}</td>"
            f"<td class=num>{s['synthetic_rows']:,}</td>"
            f"<td class=num>{fmt_score(s['fidelity'])}</td>"
            f"<td class=num>{fmt_score(s['baseline'])}</td>"
            f"<td>{escape(s['warning'] or 'follows the real scenario')}</td></tr>"
            for s in scenarios
        )
        parts.append(
            "<p>Each scenario's synthetic rows scored against the real rows of the same "
            "scenario (column shapes of the other columns, 0 to 1), beside the score of every "
            "real row (the baseline: a copy of the table with the fixed values written over). "
            "The headline quality compares the extract with the whole table, which a shaped "
            "extract differs from by design.</p><table><tr><th>Scenario</th><th>Real rows</th>"
            f"<th>Synthetic rows</th><th>Fidelity</th><th>Baseline</th><th>Reading</th></tr>"
            f"{rows}</table>"
        )
    if rebalance := blocks.get("rebalance"):
        labels = sorted(set(rebalance["before"]) | set(rebalance["target"]))
        rows = "".join(
            f"<tr><td>{escape(k)}</td><td class=num>{fmt_share(rebalance['before'].get(k))}</td>"
            f"<td class=num>{fmt_share(rebalance['target'].get(k, 0.0))}</td>"
            f"<td class=num>{fmt_share(rebalance['after'].get(k, 0.0))}</td></tr>"
            for k in labels
        )
        parts.append(
            f"<p>Shares of {escape(rebalance['column'])}, counted over all "
            f"{rebalance['rows']:,} rows: at most {rebalance['max_gap_points']:.2f} points from "
            "the target.</p><table><tr><th>Category</th><th>Real</th><th>Target</th>"
            f"<th>Extract</th></tr>{rows}</table>"
        )
    if (rules := blocks.get("rules")) and rules.get("rules"):
        rows = "".join(
            f"<tr><td>{escape(r['label'])}</td><td>{'added' if r['added'] else 'found'}</td>"
            f"<td class=num>{fmt_share(r['real_keep_share'])}</td>"
            f"<td class=num>{fmt_share(r['synthetic_keep_share'])}</td></tr>"
            for r in rules["rules"]
        )
        parts.append(
            "<p>Share of rows keeping each rule: added rules are enforced in every row; found "
            "rules are kept by every real row and checked, not enforced.</p><table><tr>"
            "<th>Rule</th><th>Kind</th><th>Real rows</th><th>Extract rows</th></tr>"
            f"{rows}</table>"
        )
        if rules.get("added"):
            held = "holds" if rules.get("added_hold") else "does NOT hold"
            parts.append(f"<p>Every added rule {held} in every extract row.</p>")
        if broken := rules.get("found_broken"):
            parts.append(f"<p>Found rules the extract breaks: {escape(', '.join(broken))}.</p>")
    if augmentation := blocks.get("augmentation"):
        parts.append(_augmentation_html(augmentation))
    if rare := blocks.get("rare"):
        parts.append(
            f"<p>Rare categories and pairs of categories (under {rare['threshold']:.0%} of the "
            f"real rows): {rare['in_extract']} of {rare['listed']} listed are in the extract; "
            f"{rare['withheld']} seen in fewer than {rare['min_count']} real rows are counted, "
            "not named.</p>"
        )
    return "".join(parts)


_AUGMENTATION_MEASURES = (
    ("balanced_accuracy", "Balanced accuracy"),
    ("minority_recall", "Minority class recall"),
)


def _augmentation_html(augmentation: Mapping[str, Any]) -> str:
    """Real-only against real plus synthetic rows on the holdout, each with its interval."""

    def cell(group: str, key: str) -> str:
        measure = (augmentation.get(group) or {}).get("intervals", {}).get(key) or {}
        sign = "+" if group == "difference" else ""
        value, low, high = (measure.get(k) for k in ("value", "low", "high"))
        if value is None:
            return "<td class=num>n/a</td>"
        shown = f"{value:{sign}.3f}"
        if low is not None and high is not None:
            shown += f" ({low:{sign}.3f} to {high:{sign}.3f})"
        return f"<td class=num>{shown}</td>"

    rows = "".join(
        f"<tr><td>{label}</td>{cell('real_only', key)}{cell('augmented', key)}"
        f"{cell('difference', key)}</tr>"
        for key, label in _AUGMENTATION_MEASURES
    )
    level = float(augmentation.get("level") or 0.95)
    return (
        f"<p><strong>Augmentation.</strong> {escape(augmentation['verdict'])}</p>"
        f"<p class=note>One {escape(augmentation.get('model', 'classifier'))} predicting "
        f"{escape(augmentation.get('target', ''))}, trained on real rows alone and on real plus "
        f"synthetic rows, tested on {as_text(augmentation.get('holdout_rows'))} holdout rows; "
        f"{level:.0%} bootstrap intervals in brackets.</p><table><tr><th>Measure</th>"
        "<th>Real rows only</th><th>Real + synthetic</th><th>Difference</th></tr>"
        f"{rows}</table>"
    )
