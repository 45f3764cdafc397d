"""Cached comparison figures for a run, keyed by workspace path and ids (not by frames)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from components.workspace import real_table, synthetic_table
from core.config import get_settings
from core.plots import plot_column, plot_correlations


@st.cache_data(show_spinner=False, max_entries=256)
def column_figure(
    workspace_path: str, dataset_id: int, run_id: int, column: str, sdtype: str
) -> go.Figure:
    settings = get_settings()
    return plot_column(
        real_table(workspace_path, dataset_id)[column],
        synthetic_table(workspace_path, run_id)[column],
        sdtype,
        max_categories=settings.plot_max_categories,
        max_rows=settings.plot_max_rows,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def correlation_figure(
    workspace_path: str, dataset_id: int, run_id: int, sdtypes: dict[str, str]
) -> go.Figure:
    return plot_correlations(
        real_table(workspace_path, dataset_id), synthetic_table(workspace_path, run_id), sdtypes
    )
