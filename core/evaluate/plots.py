"""Plotly figures comparing a real and a synthetic table; pages call ``st.plotly_chart(fig)``.

Histograms and shares are computed here with numpy/pandas and drawn as bars, so a figure
carries a few dozen numbers instead of every row of the table.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.evaluate.features import as_labels

# Okabe-Ito blue and orange: distinct for colour-blind readers, fixed across every figure.
REAL_COLOR = "#0072B2"
SYNTH_COLOR = "#E69F00"
OTHER = "(other)"
MISSING = "(missing)"
NO_CORRELATIONS = "Correlations need at least two numeric columns"
# Longest category label drawn: film titles or free text would otherwise set a figure's size.
LABEL_WIDTH = 40
# Most columns a correlation heatmap draws: cells grow with the square of the columns.
MAX_CORRELATION_COLUMNS = 40

_MAX_BINS = 60
_SEED = 0
_CORR_SDTYPES = ("numerical", "datetime")
_SIDES = (("Real", REAL_COLOR), ("Synthetic", SYNTH_COLOR))


def plot_column(
    real: pd.Series,
    synthetic: pd.Series,
    sdtype: str,
    *,
    max_categories: int = 20,
    max_rows: int = 50_000,
) -> go.Figure:
    """Compare one column's distribution in the real and the synthetic table.

    Args:
        real: The real column.
        synthetic: The synthetic column (may be empty).
        sdtype: SDV sdtype: ``numerical`` and ``datetime`` give histograms on shared bins,
            every other sdtype gives bars of each category's share of rows.
        max_categories: Categories beyond the most frequent ones (in the real column) are
            grouped as ``(other)``.
        max_rows: Each column is randomly cut to at most this many rows first (seeded).

    Returns:
        A figure with one trace named ``Real`` and one named ``Synthetic``.
    """
    title = str(real.name if real.name is not None else synthetic.name or "")
    sides = [_downsample(s, max_rows) for s in (real, synthetic)]
    if sdtype == "numerical":
        numbers = [pd.to_numeric(s, errors="coerce").astype(float) for s in sides]
        fig = _histogram_figure(numbers, density=True, dates=False)
        fig.update_layout(yaxis_title="probability density")
    elif sdtype == "datetime":
        # Density per nanosecond means nothing to a reader; the share of rows per bin does.
        fig = _histogram_figure([_as_nanoseconds(s) for s in sides], density=False, dates=True)
        fig.update_layout(yaxis_title="share of rows")
    else:
        fig = _category_figure(sides, max_categories=max_categories)
        fig.update_layout(yaxis_title="share of rows")
    fig.update_layout(title=title, legend_title_text="", bargap=0.05)
    return fig


def compute_correlations(df: pd.DataFrame, sdtypes: dict[str, str]) -> pd.DataFrame:
    """Pearson correlations of the numerical and datetime columns of ``df``.

    Dates count as their timestamp, so "later rows cost more" shows up as a correlation.
    Constant or empty columns give NaN.

    Returns:
        A square frame indexed and columned by those columns, in ``sdtypes`` order.
    """
    columns = [c for c, t in sdtypes.items() if t in _CORR_SDTYPES and c in df.columns]
    numbers = pd.DataFrame(
        {
            c: _as_nanoseconds(df[c])
            if sdtypes[c] == "datetime"
            else pd.to_numeric(df[c], errors="coerce").astype(float)
            for c in columns
        },
        index=df.index,
        columns=columns,
    )
    # Float rounding can land a hair outside [-1, 1].
    return numbers.corr(method="pearson").clip(-1.0, 1.0).reindex(index=columns, columns=columns)


def plot_correlations(
    real: pd.DataFrame, synthetic: pd.DataFrame, sdtypes: dict[str, str]
) -> go.Figure:
    """Real and synthetic correlation heatmaps side by side on one fixed -1..1 scale.

    Returns:
        A 1x2 figure titled "Real" / "Synthetic" with one colorbar, or an annotated empty
        figure when fewer than two numeric columns are in both tables.
    """
    shared, dropped = correlation_columns(real, synthetic, sdtypes)
    columns = list(shared)
    if len(columns) < 2:
        return empty_figure(NO_CORRELATIONS)
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=("Real", "Synthetic"), horizontal_spacing=0.12
    )
    labels = [str(c) for c in columns]
    for col, frame in enumerate((real, synthetic), start=1):
        corr = compute_correlations(frame, shared)
        fig.add_trace(
            go.Heatmap(
                z=corr.to_numpy(),
                x=labels,
                y=labels,
                zmin=-1.0,
                zmax=1.0,
                colorscale="RdBu",
                showscale=col == 2,
                name="Real" if col == 1 else "Synthetic",
                hovertemplate="%{y} / %{x}: %{z:.2f}<extra></extra>",
                # Numbers in cells help on small matrices and become clutter on large ones.
                texttemplate="%{z:.2f}" if len(columns) <= 12 else None,
            ),
            row=1,
            col=col,
        )
    # Matrix convention: the diagonal runs from top-left to bottom-right.
    fig.update_yaxes(autorange="reversed")
    note_dropped(fig, columns, dropped)
    return fig


def correlation_columns(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    sdtypes: dict[str, str],
    *,
    max_columns: int = MAX_CORRELATION_COLUMNS,
) -> tuple[dict[str, str], int]:
    """The numerical and datetime columns in both tables that a correlation heatmap draws.

    Returns:
        The first ``max_columns`` of them (table order) with their sdtypes, and how many more
        there were: a heatmap's cells grow with the square of its columns.
    """
    columns = [
        c
        for c, t in sdtypes.items()
        if t in _CORR_SDTYPES and c in real.columns and c in synthetic.columns
    ]
    kept = columns[:max_columns]
    return {c: sdtypes[c] for c in kept}, len(columns) - len(kept)


def note_dropped(fig: go.Figure, columns: list[str], dropped: int) -> None:
    """Say under a heatmap's title that it shows only the first ``len(columns)`` columns."""
    if dropped:
        fig.update_layout(
            title_subtitle_text=f"First {len(columns)} numeric columns; {dropped} more not drawn."
        )


def top_categories(series: pd.Series, max_categories: int) -> list[str]:
    """The labels of the ``max_categories`` most frequent values of ``series`` (missing aside).

    Ties keep the order in which the values first appear, so the choice is stable.
    """
    counts = as_labels(series).dropna().value_counts(sort=False)
    ranked = counts.sort_values(ascending=False, kind="stable")
    return [str(c) for c in ranked.index[:max_categories]]


def grouped_labels(series: pd.Series, keep: list[str]) -> pd.Series:
    """``series`` as text labels: missing as ``(missing)``, any label not in ``keep`` as
    ``(other)``. With ``keep`` from :func:`top_categories`, a figure's categories are bounded."""
    labels = _labels(series)
    return labels.where(labels.isin(keep) | (labels == MISSING), OTHER)


def short_labels(labels: list[str], width: int = LABEL_WIDTH) -> list[str]:
    """Each label cut to ``width`` characters (ending in "…"), still distinct from the others.

    Category axes merge equal labels, so a cut that collides ends in a number instead.
    """
    shown: list[str] = []
    seen: set[str] = set()
    for label in labels:
        text, n = _cut(label, width), 2
        while text in seen:
            suffix = f" ({n})"
            text, n = _cut(label, width - len(suffix)) + suffix, n + 1
        seen.add(text)
        shown.append(text)
    return shown


def _cut(label: str, width: int) -> str:
    return label if len(label) <= width else label[: max(width - 1, 1)].rstrip() + "…"


def empty_figure(text: str) -> go.Figure:
    """A figure with no axes that says ``text``, for a comparison that cannot be drawn."""
    fig = go.Figure()
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _downsample(series: pd.Series, max_rows: int) -> pd.Series:
    if len(series) <= max_rows:
        return series
    return series.sample(n=max_rows, random_state=_SEED)


def _as_nanoseconds(series: pd.Series) -> pd.Series:
    with warnings.catch_warnings():
        # Mixed formats make pandas warn that it parses element by element; that is intended.
        warnings.simplefilter("ignore")
        dates = pd.to_datetime(series, errors="coerce", utc=True)
    # NaT cannot be cast to an integer, so view the raw nanoseconds and mask them afterwards.
    raw = dates.dt.tz_localize(None).to_numpy().astype("datetime64[ns]").view("int64")
    return pd.Series(raw.astype(float), index=series.index).where(dates.notna())


def _histogram_figure(sides: list[pd.Series], *, density: bool, dates: bool) -> go.Figure:
    finite = [s[np.isfinite(s)].to_numpy() for s in sides]
    edges = _shared_edges(np.concatenate(finite))
    fig = go.Figure()
    for values, (name, color) in zip(finite, _SIDES, strict=True):
        counts, _ = np.histogram(values, bins=edges)
        widths = np.diff(edges)
        heights = counts / max(len(values), 1)
        if density:
            heights = heights / widths
        centres = edges[:-1] + widths / 2
        x = pd.to_datetime(centres.astype("int64")) if dates else centres
        fig.add_trace(
            go.Bar(
                x=x,
                y=heights,
                width=widths / 1e6 if dates else widths,  # date axes use ms
                name=name,
                marker_color=color,
                opacity=0.6,
                customdata=counts,
                hovertemplate=f"{name}: %{{x}}<br>%{{y:.3g}} (n = %{{customdata}})<extra></extra>",
            )
        )
    fig.update_layout(barmode="overlay")
    notes = [
        f"{name} {s.isna().mean():.1%}"
        for s, (name, _) in zip(sides, _SIDES, strict=True)
        if len(s)
    ]
    if any(s.isna().any() for s in sides):
        # Histograms drop missing values silently; say how many there were.
        fig.add_annotation(
            text="missing: " + ", ".join(notes),
            showarrow=False,
            x=1,
            y=1.06,
            xref="paper",
            yref="paper",
            xanchor="right",
        )
    return fig


def _shared_edges(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return np.array([0.0, 1.0])
    edges = np.histogram_bin_edges(values, bins="auto")
    if len(edges) - 1 > _MAX_BINS:
        # Long tails make "auto" choose thousands of slivers; cap them for a readable chart.
        edges = np.histogram_bin_edges(values, bins=_MAX_BINS)
    return edges


def _category_figure(sides: list[pd.Series], *, max_categories: int) -> go.Figure:
    labels = [_labels(s) for s in sides]
    real_counts, synth_counts = (lab.value_counts() for lab in labels)
    ranked = pd.DataFrame({"real": real_counts, "synth": synth_counts}).fillna(0)
    ranked = ranked.drop(index=MISSING, errors="ignore")
    ranked = ranked.sort_values(["real", "synth"], ascending=False, kind="stable")
    top = list(ranked.index[:max_categories])
    order = top + ([OTHER] if len(ranked) > len(top) else [])
    if any((lab == MISSING).any() for lab in labels):
        order.append(MISSING)
    shown = short_labels([str(o) for o in order])
    fig = go.Figure()
    for lab, (name, color) in zip(labels, _SIDES, strict=True):
        grouped = lab.where(lab.isin(top) | (lab == MISSING), OTHER)
        counts = grouped.value_counts().reindex(order, fill_value=0)
        shares = counts / max(len(lab), 1)
        fig.add_trace(
            go.Bar(
                x=shown,
                y=shares.to_numpy(),
                name=name,
                marker_color=color,
                opacity=0.85,
                customdata=counts.to_numpy(),
                hovertemplate=f"{name}: %{{x}}<br>%{{y:.1%}} (n = %{{customdata}})<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return fig


def plot_rebalance(rebalance: Mapping[str, Any], *, max_categories: int = 20) -> go.Figure:
    """:func:`plot_shares` of a run's stored rebalance block (its ``before``, ``target`` and
    ``after`` shares), as Synthesize, Compare and the report draw it."""
    return plot_shares(
        rebalance["column"],
        before=rebalance["before"],
        target=rebalance["target"],
        after=rebalance["after"],
        max_categories=max_categories,
    )


def _labels(series: pd.Series) -> pd.Series:
    return as_labels(series).where(series.notna(), MISSING)


# Asked-for shares: neither real nor synthetic, so a third colour (Okabe-Ito bluish green).
TARGET_COLOR = "#009E73"


def plot_shares(
    column: str,
    *,
    before: Mapping[str, float],
    target: Mapping[str, float],
    after: Mapping[str, float] | None = None,
    max_categories: int = 20,
) -> go.Figure:
    """A rebalanced column's shares as grouped bars: real rows, asked for and, after a run,
    reached.

    Bounded like every category figure: the ``max_categories`` categories with the largest
    share on any side are drawn, the rest summed as ``(other)``.

    Args:
        column: The rebalanced column, for the title.
        before: Each category's share of the real rows.
        target: The shares asked for.
        after: The shares reached in the extract; None before the run (two sides drawn).
        max_categories: Most categories drawn one by one.
    """
    sides = {"Real rows": before, "Asked for": target}
    if after is not None:
        sides["Extract"] = after
    frame = pd.DataFrame(sides).fillna(0.0)
    frame = frame.loc[frame.max(axis=1).sort_values(ascending=False, kind="stable").index]
    if len(frame) > max_categories:
        rest = frame.iloc[max_categories:].sum().rename(OTHER)
        frame = pd.concat([frame.iloc[:max_categories], rest.to_frame().T])
    shown = short_labels([str(label) for label in frame.index])
    colors = (REAL_COLOR, TARGET_COLOR, SYNTH_COLOR)[: len(sides)]
    fig = go.Figure()
    for (name, shares), color in zip(frame.items(), colors, strict=True):
        fig.add_trace(
            go.Bar(
                x=shown,
                y=shares.to_numpy(),
                name=str(name),
                marker_color=color,
                hovertemplate=f"{name}: %{{x}}<br>%{{y:.1%}}<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="group",
        title=f"Shares of {column}: "
        + ("before, asked for and reached" if after is not None else "real and asked for"),
        yaxis_title="share of rows",
        yaxis_tickformat=".0%",
        legend_title_text="",
    )
    fig.update_xaxes(type="category")
    return fig
