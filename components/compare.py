"""Cached comparison artefacts for a run, keyed by workspace path and ids (never by frames).

The real side of every comparison is the training split: the rows the synthesizer saw, less
the dataset's direct identifiers, which no figure, table or report may show.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from components.workspace import open_workspace, synthetic_head
from core.config import get_settings
from core.data.formats import TableFormat
from core.data.holdout import recorded_split
from core.data.metadata import LEARNED_SDTYPES
from core.data.personal import without_direct
from core.data.spelling import spell_booleans
from core.errors import StudioError
from core.evaluate.pairs import default_pair, plot_pair
from core.evaluate.plots import plot_column, plot_correlations
from core.evaluate.projection import (
    compute_projection,
    plot_correlation_difference,
    plot_projection,
)
from core.evaluate.utility import cap_rows, capped_utility
from core.export.report_figures import build_report, report_columns, report_figures

PLOT_SEED = 0


def learned_only(sdtypes: dict[str, str]) -> dict[str, str]:
    """The columns a synthesizer learns: the only ones figures draw (never ids or PII)."""
    return {c: t for c, t in sdtypes.items() if t in LEARNED_SDTYPES}


def split_tables(workspace_path: str, dataset_id: int, run_id: int) -> tuple[Any, Any]:
    """The run's training and holdout rows (its recorded split), read afresh, never cached whole.

    ``st.cache_data`` pickles what it keeps: a million-row split took 2.6 s to cache, five
    times its read and split. Callers cache the small things they derive from it instead.
    """
    workspace = open_workspace(workspace_path)
    scores = workspace.get_run(run_id).scores
    split = recorded_split(workspace.read_real(dataset_id), scores)
    return split.train, split.holdout


@st.cache_data(show_spinner=False, max_entries=8)
def plot_tables(workspace_path: str, dataset_id: int, run_id: int) -> tuple[Any, Any]:
    """The training and synthetic rows the figures draw, each at most ``plot_max_rows``.

    Every figure already draws at most that many rows; cutting once here means a new column or
    pair costs the same on a million-row table as on a small one. The training rows are a
    seeded sample; the synthetic ones the run's first rows (a random sample, see
    :func:`components.workspace.synthetic_head`), so a big run is never read whole.
    """
    cap = get_settings().plot_max_rows
    dataset = open_workspace(workspace_path).get_dataset(dataset_id)
    table, metadata = TableFormat.from_dict(dataset.formats), dataset.metadata
    train = without_direct(split_tables(workspace_path, dataset_id, run_id)[0], metadata)
    synthetic = without_direct(synthetic_head(workspace_path, run_id, cap), metadata)
    # True / false read as the input spells them (yes / no) on every figure and the report.
    return (
        spell_booleans(cap_rows(train, cap, seed=PLOT_SEED), table),
        spell_booleans(synthetic, table),
    )


@st.cache_data(show_spinner=False, max_entries=256)
def column_figure(
    workspace_path: str, dataset_id: int, run_id: int, column: str, sdtype: str
) -> go.Figure:
    settings = get_settings()
    real, synthetic = plot_tables(workspace_path, dataset_id, run_id)
    if column not in real.columns:
        raise StudioError(f"Column '{column}' is a direct identifier: it is never plotted.")
    return plot_column(
        real[column],
        synthetic[column],
        sdtype,
        max_categories=settings.plot_max_categories,
        max_rows=settings.plot_max_rows,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def correlation_figures(
    workspace_path: str, dataset_id: int, run_id: int, sdtypes: dict[str, str]
) -> tuple[go.Figure, go.Figure]:
    real, synthetic = plot_tables(workspace_path, dataset_id, run_id)
    learned = learned_only(sdtypes)
    return (
        plot_correlations(real, synthetic, learned),
        plot_correlation_difference(real, synthetic, learned),
    )


@st.cache_data(show_spinner=False, max_entries=64)
def pair_figure(
    workspace_path: str, dataset_id: int, run_id: int, x: str, y: str, sdtypes: dict[str, str]
) -> go.Figure:
    real, synthetic = plot_tables(workspace_path, dataset_id, run_id)
    top = get_settings().plot_max_categories
    return plot_pair(real, synthetic, x, y, learned_only(sdtypes), max_categories=top)


@st.cache_data(show_spinner=False, max_entries=16)
def first_pair(
    workspace_path: str, dataset_id: int, run_id: int, sdtypes: dict[str, str]
) -> tuple[str, str] | None:
    """The pair the Pairs tab opens on (see :func:`core.evaluate.pairs.default_pair`)."""
    real, _ = plot_tables(workspace_path, dataset_id, run_id)
    top = get_settings().plot_max_categories
    return default_pair(real, learned_only(sdtypes), max_categories=top, seed=PLOT_SEED)


@st.cache_data(show_spinner=False, max_entries=16)
def projection_figure(
    workspace_path: str, dataset_id: int, run_id: int, sdtypes: dict[str, str]
) -> go.Figure | None:
    real, synthetic = plot_tables(workspace_path, dataset_id, run_id)
    frame = compute_projection(real, synthetic, sdtypes=learned_only(sdtypes))
    return None if frame.empty else plot_projection(frame)


@st.cache_data(show_spinner=False, max_entries=32)
def utility_scores(
    workspace_path: str, dataset_id: int, run_id: int, target: str
) -> dict[str, Any]:
    cap = get_settings().eval_max_rows  # as in a run's own check
    train, holdout = split_tables(workspace_path, dataset_id, run_id)
    return capped_utility(
        real_train=train,
        synthetic=synthetic_head(workspace_path, run_id, cap),
        holdout=holdout,
        target=target,
        max_rows=cap,
    ).to_dict()


@st.cache_data(show_spinner=False, max_entries=16)
def default_report_columns(
    workspace_path: str, dataset_id: int, run_id: int, sdtypes: dict[str, str]
) -> list[str]:
    """The columns a report plots unless others are picked (the most informative ones)."""
    real, _ = plot_tables(workspace_path, dataset_id, run_id)
    top = get_settings().plot_max_categories
    return report_columns(real, sdtypes, max_categories=top)[0]


@st.cache_data(show_spinner=False, max_entries=8)
def report_html(
    workspace_path: str,
    dataset_id: int,
    run_id: int,
    sdtypes: dict[str, str],
    override_at: str | None = None,  # part of the cache key: a new override, a new report
    columns: tuple[str, ...] | None = None,
    utility: dict[str, Any] | None = None,
) -> str:
    """The run's HTML report: ``columns`` plotted (None: the default ones) and ``utility``,
    a result measured on the Compare page, printed when given."""
    workspace = open_workspace(workspace_path)
    dataset, run = workspace.get_dataset(dataset_id), workspace.get_run(run_id)
    real, synthetic = plot_tables(workspace_path, dataset_id, run_id)
    chosen = None if columns is None else list(columns)
    return build_report(
        title=f"Synthetic {dataset.name}: run #{run.id}",
        dataset_summary={
            "name": dataset.name,
            "source": dataset.source,
            "rows": dataset.n_rows,
            "columns": dataset.n_columns,
        },
        synthesizer=run.synthesizer,
        params={**run.params, "seed": run.seed, "rows": run.n_rows},
        evaluation_scores=run.scores or {},
        figures=report_figures(real, synthetic, sdtypes, seed=run.seed, columns=chosen),
        override=run.override,
        utility=utility,
        run_name=run.name,
        run_notes=run.notes,
    )
