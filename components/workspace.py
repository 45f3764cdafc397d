"""The process-wide workspace handle and cached reads from it.

``st.cache_resource`` holds only the workspace connection (one per file, shared by sessions;
each operation takes its own cursor). Small reads are cached per session-independent key
(workspace path + id) with ``st.cache_data``, which copies them per caller; whole tables are
read when an action needs them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from core.config import get_settings
from core.data.sql import example_query
from core.workspace.store import Workspace

# Rows read to choose an example query's columns: enough to tell a category from free text,
# and the same cost for a thousand-row table as for a million-row one.
EXAMPLE_ROWS = 5000


@st.cache_resource(show_spinner=False)
def open_workspace(path: str) -> Workspace:
    """The process-wide handle of the workspace at ``path`` (one per file)."""
    return Workspace(Path(path))


def get_workspace() -> Workspace:
    """The workspace named by the settings (``SYNTH_STUDIO_WORKSPACE``)."""
    return open_workspace(str(get_settings().workspace_path))


# Whole tables are read from DuckDB when an action needs them, not cached: st.cache_data
# pickles what it keeps, which cost a million-row table 0.8 s on top of its 0.26 s read, and
# held a pickled copy of every table read. Reruns never call these.
def real_table(workspace_path: str, dataset_id: int) -> pd.DataFrame:
    return open_workspace(workspace_path).read_real(dataset_id)


def synthetic_table(workspace_path: str, run_id: int) -> pd.DataFrame:
    return open_workspace(workspace_path).read_synthetic(run_id)


@st.cache_data(show_spinner=False, max_entries=16)
def synthetic_head(workspace_path: str, run_id: int, rows: int) -> pd.DataFrame:
    """A run's first ``rows`` rows, read without the rest.

    A run's rows are independent draws stored in the order drawn, so its first rows are a
    random sample of it: what the figures and the utility check need, at any run size.
    """
    return open_workspace(workspace_path).read_synthetic(run_id, limit=rows)


@st.cache_data(show_spinner=False, max_entries=64)
def example_sql(workspace_path: str, dataset_id: int) -> str:
    """A first query for the dataset, chosen from its first rows (never the whole table)."""
    return example_query(open_workspace(workspace_path).read_real(dataset_id, limit=EXAMPLE_ROWS))
