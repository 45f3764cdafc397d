"""A rebalanced column's shares as grouped bars: real, asked and (after a run) reached.

The figure carries one number per category and side; a rebalance fixes a column of at most
:data:`core.synth.scenarios.MAX_DISTINCT` categories, and the figure draws at most
:data:`MAX_CATEGORIES` of them (the largest by real or asked share) so it stays bounded
whatever it is handed.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from core.evaluate.plots import LABEL_WIDTH, REAL_COLOR, SYNTH_COLOR

MAX_CATEGORIES = 50
ASKED_COLOR = "#999999"  # grey: what was asked is neither real nor synthetic


def plot_shares(
    column: str,
    *,
    real: Mapping[str, float],
    asked: Mapping[str, float],
    reached: Mapping[str, float] | None = None,
    max_categories: int = MAX_CATEGORIES,
) -> go.Figure:
    """Bars of each category's share of rows: in the real table, asked for, and reached.

    Args:
        column: The rebalanced column, for the title.
        real: Category label to its share of the real rows.
        asked: Category label to the share asked for (a category it lacks gets none).
        reached: Category label to its share of the extract's rows, after a run.
        max_categories: Most categories drawn, the largest first.

    Returns:
        A figure with traces ``Real``, ``Asked`` and, when given, ``Reached``.
    """
    labels = list(dict.fromkeys([*real, *asked, *(reached or {})]))
    biggest = sorted(labels, key=lambda k: -max(real.get(k, 0.0), asked.get(k, 0.0)))
    kept = set(biggest[:max_categories])
    labels = [k for k in labels if k in kept]
    shown = [k if len(k) <= LABEL_WIDTH else k[: LABEL_WIDTH - 1] + "…" for k in labels]
    sides = [("Real", real, REAL_COLOR), ("Asked", asked, ASKED_COLOR)]
    if reached is not None:
        sides.append(("Reached", reached, SYNTH_COLOR))
    fig = go.Figure()
    for name, shares, color in sides:
        fig.add_bar(
            name=name,
            x=shown,
            y=[shares.get(k, 0.0) for k in labels],
            marker_color=color,
            hovertemplate="%{x}: %{y:.1%}<extra>" + name + "</extra>",
        )
    cut = len(kept) < len(biggest)
    title = f"Shares of {column}" + (f" ({len(kept)} largest categories)" if cut else "")
    fig.update_layout(
        title=title,
        barmode="group",
        yaxis={"tickformat": ".0%", "title": "Share of rows", "rangemode": "tozero"},
        xaxis={"type": "category"},
        legend={"orientation": "h", "y": -0.2},
        height=360,
        margin={"t": 50, "b": 40, "l": 50, "r": 10},
    )
    return fig
