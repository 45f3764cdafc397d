"""The report's score sections: the scores table, the holdout ceiling and the utility result.

A run's scores arrive as plain numbers, :class:`~core.evaluate.sdmetrics.Score` objects or the
dicts of a result's ``to_dict()``; each known score becomes a row with its range and a reading
from :mod:`core.evaluate.readings`, and a dict's other scalars are listed as facts below.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from core.evaluate.readings import SCORES, ScoreInfo, info_for_label, read_info, read_range_coverage
from core.evaluate.sdmetrics import Score
from core.export.report_cells import (
    as_number,
    as_text,
    escape,
    fmt_range,
    fmt_score,
    is_present,
    key_value_table,
    pretty,
)


def scores_html(scores: dict[str, Any]) -> str:
    """The scores table (score, value, range, reading), then each group's other facts."""
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
            rows.append(f'<tr><th colspan="4">{escape(pretty(key))}</th></tr>')
            rows.extend(
                _score_row(
                    k, v, SCORES[k], bounds=_metric_range(value, k), reading=_reading(value, k)
                )
                for k, v in group
            )
            if facts:
                details.append(f"<h3>{escape(pretty(key))}</h3>{key_value_table(facts)}")
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
    label = info.label if info else pretty(name)
    shown = "n/a" if number is None or math.isnan(number) else f"{number:.3f}"
    stated = "not stated" if bounds is None else fmt_range(*bounds)
    return (
        f"<tr><td>{escape(label)}</td><td class=num>{shown}</td><td class=num>{escape(stated)}</td>"
        f"<td>{escape(reading or read_info(info, number))}</td></tr>"
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


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float))


def _is_number(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def holdout_html(holdout: Any, quality: Any) -> str:
    """The holdout ceiling, and the share of it the synthetic data reaches when known."""
    ceiling = as_number(holdout)
    text = (
        "<p>Real rows were kept aside before fitting. Scored against the training rows they "
        f"reach a quality score of <strong>{fmt_score(ceiling)}</strong> (range 0 to 1): even "
        "perfect synthetic data would score about this, because a fresh sample differs from "
        "the training rows too.</p>"
    )
    achieved = as_number(quality)
    if is_present(ceiling) and ceiling > 0 and is_present(achieved):
        text += (
            f"<p>The synthetic data scores {fmt_score(achieved)}, that is {achieved / ceiling:.0%} "
            "of this ceiling.</p>"
        )
    return text


def utility_html(utility: Mapping[str, Any]) -> str:
    """The utility result picked on the Compare page: target, model, both scores, ratio."""
    ratio = as_number(utility.get("ratio"))
    reading = read_info(SCORES["ratio"], ratio)
    rows = "".join(
        f"<tr><th>{label}</th><td>{escape(value)}</td></tr>"
        for label, value in (
            ("Column predicted", utility.get("target", "")),
            ("Task", utility.get("task", "")),
            ("Model", utility.get("model", "")),
            ("Metric", utility.get("metric", "")),
            ("Trained on real rows", fmt_score(as_number(utility.get("real_score")))),
            ("Trained on synthetic rows", fmt_score(as_number(utility.get("synthetic_score")))),
            ("Ratio (synthetic / real)", f"{fmt_score(ratio)} ({reading})"),
            ("Holdout rows tested on", as_text(utility.get("holdout_rows"))),
        )
    )
    note = f'<p class="note">{escape(utility["note"])}</p>' if utility.get("note") else ""
    return (
        "<p>Chosen on the Compare page: the same model trained once on the real training "
        "rows and once on the synthetic rows, both tested on the real holdout rows neither "
        f"saw.</p><table>{rows}</table>{note}"
    )
