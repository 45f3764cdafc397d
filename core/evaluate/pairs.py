"""Two columns of the real and the synthetic table against each other, and which two to show first.

A pair figure is bounded by construction, whatever the table: numbers and dates are cut into
``bins`` equal ranges per axis, categories into the ``max_categories`` most frequent of the real
rows plus ``(other)`` and ``(missing)``, and labels to ``LABEL_WIDTH`` characters. It carries
counts, shares and percentiles, never a row, so its size does not grow with the table: drawing
every combination, airports' names against its cities took 96 MB.

:func:`default_pair` picks the pair to draw first: the two most strongly associated columns
that are worth a figure (not constant, not mostly unique text, not a counter or code).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.errors import StudioError
from core.evaluate.features import as_labels, as_seconds
from core.evaluate.plots import (
    MISSING,
    OTHER,
    REAL_COLOR,
    SYNTH_COLOR,
    grouped_labels,
    short_labels,
    top_categories,
)

REAL = "Real"
SYNTHETIC = "Synthetic"
MAX_BINS = 30
BOX_NOTE = "Boxes: quartiles and median; whiskers: 5th to 95th percentile."

_SIDES = ((REAL, REAL_COLOR), (SYNTHETIC, SYNTH_COLOR))
_NUMERIC_SDTYPES = ("numerical", "datetime")
_LEARNED_SDTYPES = ("numerical", "datetime", "categorical", "boolean", "ordinal")
_WHISKERS = (5, 25, 50, 75, 95)
# default_pair: groups per column when measuring association, rows read, columns compared.
_ASSOCIATION_GROUPS = 10
_ASSOCIATION_ROWS = 2000
_ASSOCIATION_COLUMNS = 60
# A whole-number column this unique is a counter or a code (row numbers, postcodes).
_CODE_SHARE = 0.95
# A category column is worth a figure when its drawn categories hold this share of the rows.
_SHOWN_SHARE = 0.5


def plot_pair(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    x: str,
    y: str,
    sdtypes: dict[str, str],
    *,
    max_categories: int = 20,
    bins: int = MAX_BINS,
) -> go.Figure:
    """Two columns against each other, real on the left and synthetic on the right.

    Two numbers (or dates) give heatmaps of the share of rows in each cell of a grid of
    ``bins`` by ``bins`` equal ranges (over both tables); a number and a category give box
    plots of the number per category (quartiles, whiskers at the 5th and 95th percentile); two
    categories give heatmaps of the share of rows in each combination. Categories are the
    ``max_categories`` most frequent in the real rows, the rest grouped as ``(other)``. Both
    panels share their axes.

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
    sides = [real[[x, y]], synthetic[[x, y]]]
    numeric = [sdtypes.get(c) in _NUMERIC_SDTYPES for c in (x, y)]
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
        _grid_panels(fig, sides, x=x, y=y, sdtypes=sdtypes, bins=bins)
    elif any(numeric):
        number, category = (x, y) if numeric[0] else (y, x)
        _box_panels(
            fig, sides, number=number, category=category, sdtypes=sdtypes, top=max_categories
        )
    else:
        _share_panels(fig, sides, x=x, y=y, top=max_categories)
    fig.update_layout(title_text=f"{y} against {x}", showlegend=False)
    fig.update_xaxes(title_text=str(x))
    fig.update_yaxes(title_text=str(y), col=1)
    return fig


def default_pair(
    real: pd.DataFrame, sdtypes: dict[str, str], *, max_categories: int = 20, seed: int = 0
) -> tuple[str, str] | None:
    """The pair of columns to draw first, in table order; None when no two are worth a figure.

    Candidates are learned columns that vary and that a figure can show: categories whose
    ``max_categories`` most frequent values hold at least half the rows (not film titles or
    free text), numbers that are not whole and all but unique (not row numbers or postcodes),
    and dates. Of those, the pair with the strongest association (bias-corrected Cramér's V
    on a seeded sample, numbers cut into deciles) wins; ties go to the earlier columns.
    """
    sample = real
    if len(real) > _ASSOCIATION_ROWS:
        sample = real.sample(n=_ASSOCIATION_ROWS, random_state=seed)
    columns = [
        c
        for c, t in sdtypes.items()
        if t in _LEARNED_SDTYPES
        and c in sample.columns
        and _worth_a_figure(sample[c], t, max_categories)
    ][:_ASSOCIATION_COLUMNS]
    if len(columns) < 2:
        return None
    codes = {c: _group_codes(sample[c], sdtypes[c]) for c in columns}
    best: tuple[float, str, str] | None = None
    for i, first in enumerate(columns):
        for second in columns[i + 1 :]:
            strength = _cramers_v(codes[first], codes[second])
            if best is None or strength > best[0]:
                best = (strength, first, second)
    return None if best is None else (best[1], best[2])


def _worth_a_figure(series: pd.Series, sdtype: str, max_categories: int) -> bool:
    present = series.dropna()
    distinct = present.nunique()
    if distinct <= 1:
        return False
    if sdtype == "datetime":
        return True
    if sdtype == "numerical":
        numbers = pd.to_numeric(present, errors="coerce").dropna()
        whole = bool(len(numbers)) and bool((numbers == np.round(numbers)).all())
        return not (whole and distinct >= _CODE_SHARE * len(present))
    kept = top_categories(series, max_categories)
    return bool(as_labels(series).isin(kept).mean() >= _SHOWN_SHARE)


def _group_codes(series: pd.Series, sdtype: str) -> np.ndarray:
    """Each row's group as a small integer: deciles of a number or date, the most frequent
    categories, one group for the rest and one for missing values."""
    if sdtype in _NUMERIC_SDTYPES:
        values = _as_number(series, sdtype)
        groups = pd.qcut(values, _ASSOCIATION_GROUPS, labels=False, duplicates="drop")
        codes = pd.Series(groups, index=series.index)
    else:
        keep = top_categories(series, _ASSOCIATION_GROUPS)
        labels = grouped_labels(series, keep)
        codes = pd.Series(pd.factorize(labels)[0], index=series.index).astype(float)
        codes = codes.where(labels != MISSING)
    return codes.fillna(codes.max() + 1 if codes.notna().any() else 0).astype(int).to_numpy()


def _cramers_v(a: np.ndarray, b: np.ndarray) -> float:
    """Bias-corrected Cramér's V (Bergsma 2013) of two code arrays: 0 independent, 1 bound."""
    n = len(a)
    width = int(b.max()) + 1
    table = np.bincount(a * width + b, minlength=(int(a.max()) + 1) * width)
    table = table.reshape(-1, width).astype(float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    rows, cols = table.shape
    if n < 2 or rows < 2 or cols < 2:
        return 0.0
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / n
    phi2 = float(((table - expected) ** 2 / expected).sum()) / n
    phi2 = max(0.0, phi2 - (rows - 1) * (cols - 1) / (n - 1))
    rows_c = rows - (rows - 1) ** 2 / (n - 1)
    cols_c = cols - (cols - 1) ** 2 / (n - 1)
    room = min(rows_c - 1, cols_c - 1)
    return float(np.sqrt(phi2 / room)) if room > 0 else 0.0


def _grid_panels(
    fig: go.Figure,
    sides: list[pd.DataFrame],
    *,
    x: str,
    y: str,
    sdtypes: dict[str, str],
    bins: int,
) -> None:
    values = {c: [_as_number(side[c], sdtypes[c]).to_numpy() for side in sides] for c in (x, y)}
    edges = {c: _edges(np.concatenate(values[c]), bins) for c in (x, y)}
    grids = []
    for vx, vy in zip(values[x], values[y], strict=True):
        drawn = np.isfinite(vx) & np.isfinite(vy)
        counts, _, _ = np.histogram2d(vy[drawn], vx[drawn], bins=[edges[y], edges[x]])
        grids.append(counts)
    _share_heatmaps(
        fig,
        grids,
        sides,
        x=_axis_values(edges[x], sdtypes[x]),
        y=_axis_values(edges[y], sdtypes[y]),
        hover="%{x}, %{y}: %{z:.2%} (n = %{customdata})<extra></extra>",
    )
    for column, axes in ((x, fig.update_xaxes), (y, fig.update_yaxes)):
        if sdtypes[column] == "datetime":
            axes(type="date")
    missing = [
        ~(np.isfinite(vx) & np.isfinite(vy)) for vx, vy in zip(values[x], values[y], strict=True)
    ]
    if any(m.any() for m in missing):
        shares_missing = ", ".join(
            f"{name} {m.mean():.1%}" for m, (name, _) in zip(missing, _SIDES, strict=True)
        )
        _note(fig, f"Rows missing either value, not drawn: {shares_missing}.")


def _box_panels(
    fig: go.Figure,
    sides: list[pd.DataFrame],
    *,
    number: str,
    category: str,
    sdtypes: dict[str, str],
    top: int,
) -> None:
    keep = top_categories(sides[0][category], top)
    labels = [grouped_labels(side[category], keep) for side in sides]
    order = _order(keep, labels)
    shown = dict(zip(order, short_labels(order), strict=True))
    for col, (side, label, (name, color)) in enumerate(
        zip(sides, labels, _SIDES, strict=True), start=1
    ):
        values = _as_number(side[number], sdtypes[number])
        groups = [g for g in order if values[label == g].notna().any()]
        stats = np.array(
            [np.percentile(values[label == g].dropna(), _WHISKERS) for g in groups]
        ).reshape(-1, len(_WHISKERS))
        low, q1, median, q3, high = (_axis_values(s, sdtypes[number]) for s in stats.T)
        fig.add_trace(
            go.Box(
                x=[shown[g] for g in groups],
                lowerfence=low,
                q1=q1,
                median=median,
                q3=q3,
                upperfence=high,
                name=name,
                marker_color=color,
                boxpoints=False,
            ),
            row=1,
            col=col,
        )
    fig.update_xaxes(
        type="category", categoryorder="array", categoryarray=[shown[g] for g in order]
    )
    if sdtypes[number] == "datetime":  # percentiles go as date text: say what the axis holds
        fig.update_yaxes(type="date")
    _note(fig, BOX_NOTE)


def _share_panels(fig: go.Figure, sides: list[pd.DataFrame], *, x: str, y: str, top: int) -> None:
    keep = {c: top_categories(sides[0][c], top) for c in (x, y)}
    labels = {c: [grouped_labels(side[c], keep[c]) for side in sides] for c in (x, y)}
    order = {c: _order(keep[c], labels[c]) for c in (x, y)}
    tables = [
        pd.crosstab(ly, lx).reindex(index=order[y], columns=order[x], fill_value=0)
        for lx, ly in zip(labels[x], labels[y], strict=True)
    ]
    _share_heatmaps(
        fig,
        [t.to_numpy() for t in tables],
        sides,
        x=short_labels(order[x]),
        y=short_labels(order[y]),
        hover="%{y} / %{x}: %{z:.1%} (n = %{customdata})<extra></extra>",
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")


def _share_heatmaps(
    fig: go.Figure,
    counts: list[np.ndarray],
    sides: list[pd.DataFrame],
    *,
    x: np.ndarray | list[str],
    y: np.ndarray | list[str],
    hover: str,
) -> None:
    """One heatmap a side: each cell's share of that side's rows, on one colour scale."""
    shares = [c / max(len(side), 1) for c, side in zip(counts, sides, strict=True)]
    high = max(float(s.max()) if s.size else 0.0 for s in shares) or 1.0
    for col, (count, share, (name, _)) in enumerate(
        zip(counts, shares, _SIDES, strict=True), start=1
    ):
        fig.add_trace(
            go.Heatmap(
                # Empty cells stay blank, so "no rows here" differs from "a few rows here".
                z=np.where(count > 0, share, np.nan),
                x=x,
                y=y,
                customdata=count.astype(np.int32),
                zmin=0.0,
                zmax=high,
                colorscale="Blues",
                showscale=col == 2,
                colorbar={"title": "share of rows", "tickformat": ".1%"},
                name=name,
                hovertemplate=hover,
            ),
            row=1,
            col=col,
        )


def _order(keep: list[str], labels: list[pd.Series]) -> list[str]:
    """The drawn categories: the kept ones, then (other) and (missing) where either side has
    them."""
    extra = [g for g in (OTHER, MISSING) if any((lab == g).any() for lab in labels)]
    return keep + extra


def _as_number(series: pd.Series, sdtype: str) -> pd.Series:
    if sdtype == "datetime":
        return as_seconds(series)
    return pd.to_numeric(series, errors="coerce").astype(float)


def _edges(values: np.ndarray, bins: int) -> np.ndarray:
    """``bins`` equal ranges from the smallest to the largest value, as a histogram's axis.

    Equal widths keep the colour of a cell its share of rows: ranges of unequal width (by
    quantile) drew one airport in the Pacific as a block wider than the United States.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.array([0.0, 1.0])
    low, high = float(finite.min()), float(finite.max())
    if low == high:
        return np.array([low - 0.5, high + 0.5])
    return np.linspace(low, high, bins + 1)


def _axis_values(values: np.ndarray, sdtype: str) -> np.ndarray | list[str]:
    if sdtype == "datetime":
        return [str(t) for t in pd.to_datetime(values, unit="s")]
    return np.asarray(values, dtype=float)


def _note(fig: go.Figure, text: str) -> None:
    """A line under the figure's title (notes below the axes collide with long tick labels)."""
    fig.update_layout(title_subtitle_text=text)
