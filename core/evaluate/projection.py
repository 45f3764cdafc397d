"""Whole-table and pairwise views of real against synthetic rows.

``compute_projection`` flattens every row onto the two main directions of the real table (PCA
on standardised numbers and one-hot categories), so a synthesizer that misses a cluster or
invents one shows at a glance. ``plot_correlation_difference`` looks at relationships between
columns (``core.evaluate.pairs`` draws two of them against each other).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from sklearn.decomposition import PCA

from core.errors import StudioError
from core.evaluate.features import build_encoder, kinds_from_sdtypes, prepare_features
from core.evaluate.plots import (
    NO_CORRELATIONS,
    REAL_COLOR,
    SYNTH_COLOR,
    compute_correlations,
    correlation_columns,
    empty_figure,
    note_dropped,
)

REAL = "Real"
SYNTHETIC = "Synthetic"

_SIDES = ((REAL, REAL_COLOR), (SYNTHETIC, SYNTH_COLOR))
# Plotly sends arrays as raw bytes: single precision is far finer than a pixel and half the size.
_COORDINATE = np.float32


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
                x=side["x"].to_numpy(dtype=_COORDINATE),
                y=side["y"].to_numpy(dtype=_COORDINATE),
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
    shared, dropped = correlation_columns(real, synthetic, sdtypes)
    columns = list(shared)
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
    note_dropped(fig, columns, dropped)
    return fig


def _subsample(frame: pd.DataFrame, *, max_rows: int, seed: int) -> pd.DataFrame:
    if len(frame) <= max_rows:
        return frame
    return frame.sample(n=max_rows, random_state=seed)
