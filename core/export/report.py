"""A self-contained HTML evaluation report: one file that opens offline and can be shared.

plotly.js is embedded inline exactly once; every other figure reuses it. Every string that
comes from the user (title, column names, parameters, figure names) is HTML-escaped; figure
data is JSON-encoded by plotly, which escapes ``<`` and ``>``.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from core.evaluate.readings import (
    HOLDOUT_KEY,
    SCORES,
    ScoreInfo,
    info_for_label,
    read_info,
    read_range_coverage,
)
from core.evaluate.sdmetrics import Score
from core.privacy.gate import ReleaseStatus

SECTIONS: dict[str, str] = {
    "dataset": "Dataset",
    "synthesizer": "Synthesizer and parameters",
    "scores": "Scores",
    "holdout": "Holdout ceiling",
    "protections": "Protections before fitting",
    "utility": "Utility: trained on synthetic, tested on real",
    "shaping": "Rules, scenarios and shares",
    "privacy": "Privacy checks (release gate)",
    "readings": "Readings",
    "plots": "Plots",
    "limits": "What these numbers do not show",
}


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1a1a1a;
background:#fafafa;line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:1.5rem 2rem 3rem;background:#fff}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #0072B2;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
th{background:#f0f4f8}td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.note{color:#555;font-size:.92rem}.figure{margin:1rem 0 2rem}
"""


def render_report(
    *,
    title: str,
    dataset_summary: dict[str, Any],
    synthesizer: str,
    params: dict[str, Any],
    scores: dict[str, Any],
    figures: dict[str, go.Figure],
    readings: list[str] | None = None,
    privacy: dict[str, Any] | None = None,
    release: ReleaseStatus | None = None,
    headline: str = "",
    protections: list[str] | None = None,
    shaping: Mapping[str, Any] | None = None,
    utility: Mapping[str, Any] | None = None,
    run_name: str = "",
    run_notes: str = "",
) -> str:
    """Render an evaluation as one self-contained HTML page.

    Args:
        title: Page title.
        dataset_summary: Facts about the real table (rows, columns, ...), shown as a table.
        synthesizer: The synthesizer's name.
        params: Its parameters.
        scores: Named scores. A value is a number (or ``None``), a :class:`Score`, or a dict
            such as a result's ``to_dict()``, whose known scores become rows of a group.
            ``holdout_quality_score`` fills the holdout ceiling section.
        figures: Named plotly figures, shown in order.
        readings: Extra sentences about the result, shown as a list.
        privacy: The ``privacy`` scores of a run (DCR share, exact matches, NNDR, rows used).
        release: The release gate's verdict with any recorded override; adds the privacy
            section with every check, what the checks do not prove, and the override.
        headline: Which columns the quality score covers, shown under the scores.
        protections: What each protection changed in the training rows and its cost.
        shaping: A shaped run's blocks (:func:`shaping_blocks`): how each scenario's rows
            follow its real rows, the shares before and after, the rows keeping each rule,
            augmentation on the holdout and the rare items the extract has.
        utility: A utility result picked on the Compare page (a target, a model, the
            real and synthetic scores and their ratio), shown in its own section.
        run_name: The run's name, shown under the title ("" for none).
        run_notes: The run's notes, shown under its name with their line breaks.

    Returns:
        The HTML text: no external scripts, stylesheets or fonts.
    """
    holdout = _find(scores, HOLDOUT_KEY)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body><main>",
        f"<h1>{_e(title)}</h1>",
        *([f"<p>Run: <strong>{_e(run_name)}</strong></p>"] if run_name else []),
        *(
            [f'<p class="note" style="white-space:pre-line">{_e(run_notes)}</p>']
            if run_notes
            else []
        ),
        '<p class="note">Synthetic data evaluation report, made with Synth Studio.</p>',
        _section("dataset", _key_value_table(dataset_summary)),
        _section(
            "synthesizer",
            f"<p>Synthesizer: <strong>{_e(synthesizer)}</strong></p>"
            + (_key_value_table(params) if params else "<p>Default parameters.</p>"),
        ),
        _section(
            "scores",
            _scores_html(scores) + (f'<p class="note">{_e(headline)}</p>' if headline else ""),
        ),
    ]
    if holdout is not None:
        parts.append(_section("holdout", _holdout_html(holdout, _find(scores, "quality_score"))))
    if protections:
        items = "".join(f"<li>{_e(line)}</li>" for line in protections)
        parts.append(_section("protections", f"<ul>{items}</ul>"))
    if utility:
        parts.append(_section("utility", _utility_html(utility)))
    if shaping and (body := _shaping_html(shaping)):
        parts.append(_section("shaping", body))
    if release is not None:
        parts.append(_section("privacy", _privacy_html(privacy or {}, release)))
    if readings:
        items = "".join(f"<li>{_e(r)}</li>" for r in readings)
        parts.append(_section("readings", f"<ul>{items}</ul>"))
    parts.append(_section("plots", _figures_html(figures)))
    parts.append(
        _section(
            "limits",
            "<p>These scores measure how similar the synthetic rows are to the real ones and "
            "how often they copy them. They are not a privacy guarantee: synthetic rows can "
            "still disclose facts about real people or records, especially rare ones. Review "
            "the copying scores and the data itself before sharing.</p>",
        )
    )
    parts.append("</main></body></html>")
    return "\n".join(parts)


SHAPING_KEYS = ("scenarios", "rebalance", "rules", "augmentation")


def shaping_blocks(scores: Mapping[str, Any]) -> dict[str, Any]:
    """The blocks of stored scores the shaping section reads (rare items from coverage)."""
    blocks = {key: scores[key] for key in SHAPING_KEYS if scores.get(key)}
    rare = (scores.get("coverage") or {}).get("rare")
    if rare:
        blocks["rare"] = rare
    return blocks


def _shaping_html(blocks: Mapping[str, Any]) -> str:
    parts = []
    if scenarios := blocks.get("scenarios"):
        rows = "".join(
            f"<tr><td>{_e(s['label'])}</td><td class=num>{s['real_rows']:,}</td>"
            f"<td class=num>{s['synthetic_rows']:,}</td><td class=num>{_fmt(s['fidelity'])}</td>"
            f"<td class=num>{_fmt(s['baseline'])}</td>"
            f"<td>{_e(s['warning'] or 'follows the real scenario')}</td></tr>"
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
            f"<tr><td>{_e(k)}</td><td class=num>{_share(rebalance['before'].get(k))}</td>"
            f"<td class=num>{_share(rebalance['target'].get(k, 0.0))}</td>"
            f"<td class=num>{_share(rebalance['after'].get(k, 0.0))}</td></tr>"
            for k in labels
        )
        parts.append(
            f"<p>Shares of {_e(rebalance['column'])}, counted over all "
            f"{rebalance['rows']:,} rows: at most {rebalance['max_gap_points']:.2f} points from "
            "the target.</p><table><tr><th>Category</th><th>Real</th><th>Target</th>"
            f"<th>Extract</th></tr>{rows}</table>"
        )
    if (rules := blocks.get("rules")) and rules.get("rules"):
        rows = "".join(
            f"<tr><td>{_e(r['label'])}</td><td>{'added' if r['added'] else 'found'}</td>"
            f"<td class=num>{_share(r['real_keep_share'])}</td>"
            f"<td class=num>{_share(r['synthetic_keep_share'])}</td></tr>"
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
            parts.append(f"<p>Found rules the extract breaks: {_e(', '.join(broken))}.</p>")
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
        f"<p><strong>Augmentation.</strong> {_e(augmentation['verdict'])}</p>"
        f"<p class=note>One {_e(augmentation.get('model', 'classifier'))} predicting "
        f"{_e(augmentation.get('target', ''))}, trained on real rows alone and on real plus "
        f"synthetic rows, tested on {_text(augmentation.get('holdout_rows'))} holdout rows; "
        f"{level:.0%} bootstrap intervals in brackets.</p><table><tr><th>Measure</th>"
        "<th>Real rows only</th><th>Real + synthetic</th><th>Difference</th></tr>"
        f"{rows}</table>"
    )


def _utility_html(utility: Mapping[str, Any]) -> str:
    """The utility result picked on the Compare page: target, model, both scores, ratio."""
    ratio = _number(utility.get("ratio"))
    reading = read_info(SCORES["ratio"], ratio)
    rows = "".join(
        f"<tr><th>{label}</th><td>{_e(value)}</td></tr>"
        for label, value in (
            ("Column predicted", utility.get("target", "")),
            ("Task", utility.get("task", "")),
            ("Model", utility.get("model", "")),
            ("Metric", utility.get("metric", "")),
            ("Trained on real rows", _fmt(_number(utility.get("real_score")))),
            ("Trained on synthetic rows", _fmt(_number(utility.get("synthetic_score")))),
            ("Ratio (synthetic / real)", f"{_fmt(ratio)} ({reading})"),
            ("Holdout rows tested on", _text(utility.get("holdout_rows"))),
        )
    )
    note = f'<p class="note">{_e(utility["note"])}</p>' if utility.get("note") else ""
    return (
        "<p>Chosen on the Compare page: the same model trained once on the real training "
        "rows and once on the synthetic rows, both tested on the real holdout rows neither "
        f"saw.</p><table>{rows}</table>{note}"
    )


def _share(value: Any) -> str:
    return "n/a" if value is None else f"{float(value):.1%}"


_PRIVACY_MEASURES = (
    (
        "dcr_share",
        "DCR share",
        "share of synthetic rows closer to a training row than to a "
        "holdout row (ties count half); about 0.5 means no closer to training than fresh rows",
    ),
    ("exact_match_share", "Exact-match share", "synthetic rows identical to a training row"),
    (
        "exact_match_baseline",
        "Holdout exact-match share",
        "holdout rows identical to a training row: what copying by chance looks like",
    ),
    ("nndr", "NNDR", "median ratio of nearest to second-nearest training row distance"),
    ("nndr_baseline", "Holdout NNDR", "the same ratio for holdout rows"),
)


def _privacy_html(privacy: dict[str, Any], release: ReleaseStatus) -> str:
    verdict = "passed" if release.passed else "failed"
    parts = [f"<p>Release gate: <strong>{verdict}</strong>. {_e(release.statement)}</p>"]
    if release.override is not None:
        parts.append(f"<p><strong>Override recorded.</strong> {_e(release.override_line)}</p>")
    if release.checks:
        rows = "".join(
            f"<tr><td>{_e(_pretty(c.name))}</td><td>{'pass' if c.passed else 'FAIL'}</td>"
            f'<td class="num">{_fmt(_number(c.value))}</td>'
            f'<td class="num">{_fmt(_number(c.threshold))}</td><td>{_e(c.reason)}</td></tr>'
            for c in release.checks
        )
        parts.append(
            "<table><tr><th>Check</th><th>Result</th><th>Value</th><th>Threshold</th>"
            f"<th>Why</th></tr>{rows}</table>"
        )
    measured = [(k, label, meaning) for k, label, meaning in _PRIVACY_MEASURES if k in privacy]
    if measured:
        rows = "".join(
            f'<tr><td>{_e(label)}</td><td class="num">{_fmt(_number(privacy[k]))}</td>'
            f"<td>{_e(meaning)}</td></tr>"
            for k, label, meaning in measured
        )
        parts.append(
            f"<table><tr><th>Measure</th><th>Value</th><th>Meaning</th></tr>{rows}</table>"
        )
        used = {k: privacy.get(k) for k in ("train_rows", "holdout_rows", "synthetic_rows")}
        parts.append(
            f'<p class="note">Distances use {_text(used["synthetic_rows"])} synthetic, '
            f"{_text(used['train_rows'])} training and {_text(used['holdout_rows'])} holdout "
            "rows; personal-data columns ("
            f"{_e(', '.join(privacy.get('pii_columns') or []) or 'none')}"
            ") are left out of distances and checked value by value.</p>"
        )
    return "".join(parts)


def _scores_html(scores: dict[str, Any]) -> str:
    if not scores:
        return "<p>No scores were computed.</p>"
    rows: list[str] = []
    details: list[str] = []
    for key, value in scores.items():
        if isinstance(value, dict):
            # Keys of a result's to_dict(): known scores become rows, other scalars facts.
            group = [(k, v) for k, v in value.items() if k in SCORES and _is_number(v)]
            facts = {
                k: v
                for k, v in value.items()
                if k not in SCORES and _is_scalar(v) and not isinstance(v, bool)
            }
            rows.append(f'<tr><th colspan="4">{_e(_pretty(key))}</th></tr>')
            rows.extend(
                _score_row(
                    k, v, SCORES[k], bounds=_metric_range(value, k), reading=_reading(value, k)
                )
                for k, v in group
            )
            if facts:
                details.append(f"<h3>{_e(_pretty(key))}</h3>{_key_value_table(facts)}")
        elif isinstance(value, Score):
            info = info_for_label(value.name)
            rows.append(_score_row(value.name, value.value, info, bounds=(value.low, value.high)))
        elif _is_number(value):
            rows.append(_score_row(key, value, SCORES.get(key)))
    head = "<tr><th>Score</th><th>Value</th><th>Range</th><th>Reading</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>{''.join(details)}"


def _score_row(
    name: str,
    value: Any,
    info: ScoreInfo | None,
    *,
    bounds: tuple[float | None, float | None] | None = None,
    reading: str | None = None,
) -> str:
    number = None if value is None else float(value)
    if bounds is None and info is not None:
        bounds = (info.low, info.high)
    label = info.label if info else _pretty(name)
    shown = "n/a" if number is None or math.isnan(number) else f"{number:.3f}"
    stated = "not stated" if bounds is None else _range(*bounds)
    return (
        f"<tr><td>{_e(label)}</td><td class=num>{shown}</td><td class=num>{_e(stated)}</td>"
        f"<td>{_e(reading or read_info(info, number))}</td></tr>"
    )


def _reading(group: dict[str, Any], key: str) -> str | None:
    # A range the studio's clipping narrowed is read as such, not as a poor synthesizer.
    if key == "range_coverage" and group.get("range_clipped_columns"):
        return read_range_coverage(group)
    return None


def _metric_range(group: dict[str, Any], key: str) -> tuple[float | None, float | None] | None:
    # A utility result states its metric's range: macro F1 is 0 to 1, R² has no floor.
    stated = group.get("metric_range")
    if key in ("real_score", "synthetic_score") and isinstance(stated, list) and len(stated) == 2:
        return stated[0], stated[1]
    return None


def _holdout_html(holdout: Any, quality: Any) -> str:
    ceiling = _number(holdout)
    text = (
        "<p>Real rows were kept aside before fitting. Scored against the training rows they "
        f"reach a quality score of <strong>{_fmt(ceiling)}</strong> (range 0 to 1): even "
        "perfect synthetic data would score about this, because a fresh sample differs from "
        "the training rows too.</p>"
    )
    achieved = _number(quality)
    if _present(ceiling) and ceiling > 0 and _present(achieved):
        text += (
            f"<p>The synthetic data scores {_fmt(achieved)}, that is {achieved / ceiling:.0%} "
            "of this ceiling.</p>"
        )
    return text


def _figures_html(figures: dict[str, go.Figure]) -> str:
    if not figures:
        return "<p>No plots were included.</p>"
    blocks = []
    for index, (name, fig) in enumerate(figures.items()):
        div = pio.to_html(
            fig,
            full_html=False,
            # The first figure carries the whole library inline; the others reuse it.
            include_plotlyjs=index == 0,
            include_mathjax=False,
            div_id=f"figure-{index}",
            default_height="480px",
            config={"displaylogo": False, "responsive": True},
        )
        blocks.append(f'<div class="figure"><h3>{_e(name)}</h3>{div}</div>')
    return "".join(blocks)


def _key_value_table(values: dict[str, Any]) -> str:
    if not values:
        return "<p>Nothing recorded.</p>"
    rows = "".join(
        f"<tr><th>{_e(_pretty(k))}</th><td>{_e(_text(v))}</td></tr>" for k, v in values.items()
    )
    return f"<table>{rows}</table>"


def _section(key: str, body: str) -> str:
    return f'<section id="{key}"><h2>{SECTIONS[key]}</h2>{body}</section>'


def _find(scores: dict[str, Any], key: str) -> Any:
    if key in scores:
        return scores[key]
    for value in scores.values():
        if isinstance(value, dict) and key in value:
            return value[key]
    return None


def _pretty(name: Any) -> str:
    text = str(name)
    return text.replace("_", " ").capitalize() if re.fullmatch(r"[a-z0-9_]+", text) else text


def _text(value: Any) -> str:
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:.4g}"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return "n/a" if value is None else str(value)


def _range(low: float | None, high: float | None) -> str:
    return f"{_bound(low, '−∞')} to {_bound(high, '∞')}"


def _bound(value: float | None, unbounded: str) -> str:
    if value is None or math.isinf(value):
        return unbounded
    return f"{value:g}"


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float))


def _is_number(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _number(value: Any) -> float | None:
    if isinstance(value, Score):
        return value.value
    return None if value is None else float(value)


def _fmt(value: float | None) -> str:
    return f"{value:.3f}" if _present(value) else "n/a"


def _present(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)
