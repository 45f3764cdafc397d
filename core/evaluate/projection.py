"""Whole-table and pairwise views of real against synthetic rows.

``compute_projection`` flattens every row onto the two main directions of the real table (PCA
on standardised numbers and one-hot categories), so a synthesizer that misses a cluster or
invents one shows at a glance. ``plot_correlation_difference`` and ``plot_pair`` look at
relationships between columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from sklearn.decomposition import PCA

from core.errors import StudioError
from core.evaluate.plots import (
    NO_CORRELATIONS,
    REAL_COLOR,
    SYNTH_COLOR,
    compute_correlations,
    empty_figure,
)
from core.evaluate.utility import (
    as_labels,
    as_seconds,
    build_encoder,
    kinds_from_sdtypes,
    prepare_features,
)

REAL = "Real"
SYNTHETIC = "Synthetic"
MISSING = "(missing)"

_SIDES = ((REAL, REAL_COLOR), (SYNTHETIC, SYNTH_COLOR))
_NUMERIC_SDTYPES = ("numerical", "datetime")
_MAX_PAIR_ROWS = 2000  # per side: SVG markers stay responsive, no WebGL needed
_SEED = 0


def compute_projection(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    sdtypes: dict[str, str],
    max_rows: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Project real and synthetic rows onto the first two principal components of the real rows.

    Args:
        real: The real table.
        synthetic: The synthetic table.
        sdtypes: SDV sdtype per column; ids and personal data are left out.
        max_rows: Each table is randomly cut to at most this many rows (seeded).
        seed: Seed of that cut.

    Returns:
        Columns ``x``, ``y`` and ``source`` (``"Real"`` or ``"Synthetic"``), real rows first.
        ``frame.attrs["explained_variance"]`` holds the share of real variance each axis
        explains; ``y`` is 0 when there is a single feature.

    Raises:
        StudioError: a table is empty or no column can be projected.
    """
    kinds = {
        c: k
        for c, k in kinds_from_sdtypes(sdtypes).items()
        if c in real.columns and c in synthetic.columns
    }
    if not kinds:
        raise StudioError("No numerical, date or category column to project.")
    sides = [_subsample(frame, max_rows=max_rows, seed=seed) for frame in (real, synthetic)]
    if any(frame.empty for frame in sides):
        raise StudioError("Both tables need rows to be projected.")
    encoder = build_encoder(kinds)
    real_x = encoder.fit_transform(prepare_features(sides[0], kinds))
    synthetic_x = encoder.transform(prepare_features(sides[1], kinds))
    components = max(1, min(2, real_x.shape[1], real_x.shape[0]))
    pca = PCA(n_components=components, random_state=seed).fit(real_x)
    parts = []
    for x, (name, _) in zip((real_x, synthetic_x), _SIDES, strict=True):
        points = pca.transform(x)
        y = points[:, 1] if components > 1 else np.zeros(len(points))
        parts.append(pd.DataFrame({"x": points[:, 0], "y": y, "source": name}))
    frame = pd.concat(parts, ignore_index=True)
    frame.attrs["explained_variance"] = [float(v) for v in pca.explained_variance_ratio_]
    return frame


def plot_projection(frame: pd.DataFrame) -> go.Figure:
    """Scatter of a :func:`compute_projection` frame, one trace per source."""
    explained = frame.attrs.get("explained_variance", [])
    fig = go.Figure()
    for name, color in _SIDES:
        side = frame[frame["source"] == name]
        fig.add_trace(
            go.Scatter(
                x=side["x"],
                y=side["y"],
                mode="markers",
                name=name,
                marker={"color": color, "size": 5, "opacity": 0.55},
                hovertemplate=f"{name}<extra></extra>",
            )
        )
    labels = [
        f"component {i + 1}"
        + (f" ({explained[i]:.0%} of real variance)" if i < len(explained) else "")
        for i in range(2)
    ]
    fig.update_layout(
        title="Rows projected on the main directions of the real data",
        xaxis_title=labels[0],
        yaxis_title=labels[1],
        legend_title_text="",
    )
    return fig


def plot_correlation_difference(
    real: pd.DataFrame, synthetic: pd.DataFrame, sdtypes: dict[str, str]
) -> go.Figure:
    """Heatmap of synthetic minus real Pearson correlations on a fixed -1..1 scale.

    Differences beyond ±1 (possible up to ±2) saturate the colour; the cell text and hover
    give the exact value.

    Returns:
        One heatmap trace, or an annotated empty figure when fewer than two numeric columns
        are in both tables.
    """
    shared = {c: t for c, t in sdtypes.items() if c in real.columns and c in synthetic.columns}
    columns = [c for c, t in shared.items() if t in _NUMERIC_SDTYPES]
    if len(columns) < 2:
        return empty_figure(NO_CORRELATIONS)
    real_corr = compute_correlations(real, shared)
    difference = compute_correlations(synthetic, shared) - real_corr
    labels = [str(c) for c in columns]
    fig = go.Figure(
        go.Heatmap(
            z=difference.to_numpy(),
            x=labels,
            y=labels,
            customdata=real_corr.to_numpy(),
            zmin=-1.0,
            zmax=1.0,
            colorscale="RdBu",
            colorbar={"title": "synthetic − real"},
            name="Synthetic − real",
            hovertemplate=("%{y} / %{x}: %{z:+.2f} (real %{customdata:.2f})<extra></extra>"),
            texttemplate="%{z:+.2f}" if len(columns) <= 12 else None,
        )
    )
    fig.update_layout(title="Correlation difference (synthetic − real)")
    fig.update_yaxes(autorange="reversed")
    return fig


def plot_pair(
    real: pd.DataFrame, synthetic: pd.DataFrame, x: str, y: str, sdtypes: dict[str, str]
) -> go.Figure:
    """Two columns against each other, real on the left and synthetic on the right.

    Two numeric columns give scatter plots, a numeric and a categorical column give box plots
    of the number per category, two categorical columns give heatmaps of the share of rows in
    each combination. Both panels share their axes ranges.

    Returns:
        A 1x2 figure with one trace per panel, titled "Real" and "Synthetic".

    Raises:
        StudioError: ``x`` and ``y`` are the same column or not in both tables.
    """
    if x == y:
        raise StudioError("Choose two different columns to plot against each other.")
    lacking = [str(c) for c in (x, y) if c not in real.columns or c not in synthetic.columns]
    if lacking:
        raise StudioError(f"Column(s) {', '.join(lacking)} are not in both tables.")
    numeric = [sdtypes.get(c) in _NUMERIC_SDTYPES for c in (x, y)]
    sides = [_downsample(frame[[x, y]]) for frame in (real, synthetic)]
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(REAL, SYNTHETIC),
        # "all" links the two panels, so zooming one zooms both and the ranges stay equal.
        shared_xaxes="all",
        shared_yaxes="all",
        horizontal_spacing=0.06,
    )
    if all(numeric):
        _scatter_panels(fig, sides, x, y, sdtypes)
    elif any(numeric):
        number, category = (x, y) if numeric[0] else (y, x)
        _box_panels(fig, sides, number=number, category=category, sdtypes=sdtypes)
    else:
        _share_panels(fig, sides, x, y)
    fig.update_layout(title=f"{y} against {x}", showlegend=False)
    return fig


def _scatter_panels(
    fig: go.Figure, sides: list[pd.DataFrame], x: str, y: str, sdtypes: dict[str, str]
) -> None:
    for col, (side, (name, color)) in enumerate(zip(sides, _SIDES, strict=True), start=1):
        fig.add_trace(
            go.Scatter(
                x=_axis_values(side[x], sdtypes[x]),
                y=_axis_values(side[y], sdtypes[y]),
                mode="markers",
                name=name,
                marker={"color": color, "size": 5, "opacity": 0.6},
            ),
            row=1,
            col=col,
        )
    fig.update_xaxes(title_text=str(x))
    fig.update_yaxes(title_text=str(y), col=1)


def _box_panels(
    fig: go.Figure,
    sides: list[pd.DataFrame],
    *,
    number: str,
    category: str,
    sdtypes: dict[str, str],
) -> None:
    labels = [as_labels(side[category]).fillna(MISSING) for side in sides]
    order = list(labels[0].value_counts().index)
    order += sorted(set(labels[1]) - set(order))
    for col, (side, label, (name, color)) in enumerate(
        zip(sides, labels, _SIDES, strict=True), start=1
    ):
        fig.add_trace(
            go.Box(
                x=label,
                y=_axis_values(side[number], sdtypes[number]),
                name=name,
                marker_color=color,
                boxpoints="outliers",
            ),
            row=1,
            col=col,
        )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=order)
    fig.update_xaxes(title_text=str(category))
    fig.update_yaxes(title_text=str(number), col=1)


def _share_panels(fig: go.Figure, sides: list[pd.DataFrame], x: str, y: str) -> None:
    tables = [
        pd.crosstab(as_labels(s[y]).fillna(MISSING), as_labels(s[x]).fillna(MISSING))
        / max(len(s), 1)
        for s in sides
    ]
    rows = list(tables[0].index) + sorted(set(tables[1].index) - set(tables[0].index))
    cols = list(tables[0].columns) + sorted(set(tables[1].columns) - set(tables[0].columns))
    high = max(float(t.to_numpy().max()) if t.size else 0.0 for t in tables) or 1.0
    for col, (table, (name, _)) in enumerate(zip(tables, _SIDES, strict=True), start=1):
        table = table.reindex(index=rows, columns=cols, fill_value=0.0)
        fig.add_trace(
            go.Heatmap(
                z=table.to_numpy(),
                x=[str(c) for c in cols],
                y=[str(r) for r in rows],
                zmin=0.0,
                zmax=high,
                colorscale="Blues",
                showscale=col == 2,
                name=name,
                hovertemplate="%{y} / %{x}: %{z:.1%}<extra></extra>",
            ),
            row=1,
            col=col,
        )
    fig.update_xaxes(type="category", title_text=str(x))
    fig.update_yaxes(type="category", title_text=str(y), col=1)


def _axis_values(series: pd.Series, sdtype: str) -> pd.Series:
    if sdtype == "datetime":
        return pd.to_datetime(as_seconds(series), unit="s")
    return pd.to_numeric(series, errors="coerce")


def _downsample(frame: pd.DataFrame) -> pd.DataFrame:
    if len(frame) <= _MAX_PAIR_ROWS:
        return frame
    return frame.sample(n=_MAX_PAIR_ROWS, random_state=_SEED)


def _subsample(frame: pd.DataFrame, *, max_rows: int, seed: int) -> pd.DataFrame:
    if len(frame) <= max_rows:
        return frame
    return frame.sample(n=max_rows, random_state=seed)
