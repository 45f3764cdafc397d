"""A self-contained HTML evaluation report: one file that opens offline and can be shared.

plotly.js is embedded inline exactly once; every other figure reuses it. Every string that
comes from the user (title, column names, parameters, figure names) is HTML-escaped; figure
data is JSON-encoded by plotly, which escapes ``<`` and ``>``.

This module assembles the page (head, style, sections in order, plots); the sections' bodies
are built in :mod:`core.export.report_scores`, :mod:`core.export.report_shaping` and
:mod:`core.export.report_privacy`, from the cells of :mod:`core.export.report_cells`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from core.evaluate.readings import HOLDOUT_KEY
from core.export.report_cells import escape, key_value_table
from core.export.report_privacy import privacy_html
from core.export.report_scores import holdout_html, scores_html, utility_html
from core.export.report_shaping import shaping_html
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
        shaping: A shaped run's blocks
            (:func:`~core.export.report_shaping.shaping_blocks`): how each scenario's rows
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
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body><main>",
        f"<h1>{escape(title)}</h1>",
        *([f"<p>Run: <strong>{escape(run_name)}</strong></p>"] if run_name else []),
        *(
            [f'<p class="note" style="white-space:pre-line">{escape(run_notes)}</p>']
            if run_notes
            else []
        ),
        '<p class="note">Synthetic data evaluation report, made with Synth Studio.</p>',
        _section("dataset", key_value_table(dataset_summary)),
        _section(
            "synthesizer",
            f"<p>Synthesizer: <strong>{escape(synthesizer)}</strong></p>"
            + (key_value_table(params) if params else "<p>Default parameters.</p>"),
        ),
        _section(
            "scores",
            scores_html(scores) + (f'<p class="note">{escape(headline)}</p>' if headline else ""),
        ),
    ]
    if holdout is not None:
        parts.append(_section("holdout", holdout_html(holdout, _find(scores, "quality_score"))))
    if protections:
        items = "".join(f"<li>{escape(line)}</li>" for line in protections)
        parts.append(_section("protections", f"<ul>{items}</ul>"))
    if utility:
        parts.append(_section("utility", utility_html(utility)))
    if shaping and (body := shaping_html(shaping)):
        parts.append(_section("shaping", body))
    if release is not None:
        parts.append(_section("privacy", privacy_html(privacy or {}, release)))
    if readings:
        items = "".join(f"<li>{escape(r)}</li>" for r in readings)
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
        blocks.append(f'<div class="figure"><h3>{escape(name)}</h3>{div}</div>')
    return "".join(blocks)


def _section(key: str, body: str) -> str:
    return f'<section id="{key}"><h2>{SECTIONS[key]}</h2>{body}</section>'


def _find(scores: dict[str, Any], key: str) -> Any:
    if key in scores:
        return scores[key]
    for value in scores.values():
        if isinstance(value, dict) and key in value:
            return value[key]
    return None
