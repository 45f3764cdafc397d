"""Step 4, Compare: real vs synthetic per column, correlations, and the quality score."""

import pandas as pd
import streamlit as st

from components.compare import column_figure, correlation_figure
from components.state import get_state
from components.workspace import get_workspace
from core.metadata import TABLE

state = get_state()
workspace = get_workspace()

st.title("Compare")
if state.run_id is None:
    st.info("Generate synthetic data on the Synthesize page first.")
    st.page_link(
        "app_pages/3_synthesize.py", label="Go to Synthesize", icon=":material/auto_awesome:"
    )
    st.stop()

run = workspace.get_run(state.run_id)
dataset = workspace.get_dataset(run.dataset_id)
scores = run.scores or {}
path = str(workspace.path)
st.caption(
    f"Run #{run.id} on **{dataset.name}**: {run.synthesizer}, seed {run.seed}, "
    f"{run.n_rows:,} synthetic rows vs {dataset.n_rows:,} real."
)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


overall, shapes, pairs = st.columns(3)
overall.metric(
    "Quality score",
    _pct(scores.get("quality_score")),
    help="SDMetrics quality: mean of column shapes and pair trends (0 to 100%).",
)
shapes.metric(
    "Column shapes",
    _pct(scores.get("column_shapes")),
    help="How closely each column's distribution matches (0 to 100%).",
)
pairs.metric(
    "Column pair trends",
    _pct(scores.get("column_pair_trends")),
    help="How closely correlations between column pairs match (0 to 100%).",
)
if scores.get("sample_rows"):
    st.caption(f"Scored on {scores['sample_rows']:,} rows per table.")

sdtypes = {
    name: col["sdtype"]
    for name, col in (dataset.metadata or {})
    .get("sdv", {})
    .get("tables", {})
    .get(TABLE, {})
    .get("columns", {})
    .items()
}
columns_tab, correlations_tab, details_tab = st.tabs(
    ["Columns", "Correlations", "Per-column scores"]
)
with columns_tab:
    chosen = st.multiselect(
        "Columns", list(sdtypes), default=list(sdtypes)[:12], key="compare.columns"
    )
    grid = st.columns(2)
    for i, column in enumerate(chosen):
        fig = column_figure(path, dataset.id, run.id, column, sdtypes[column])
        grid[i % 2].plotly_chart(fig, key=f"compare.col.{column}")
with correlations_tab:
    st.plotly_chart(
        correlation_figure(path, dataset.id, run.id, sdtypes),
        key="compare.corr",
    )
with details_tab:
    st.dataframe(pd.DataFrame(scores.get("per_column", [])), hide_index=True)

st.page_link("app_pages/5_export.py", label="Next: export", icon=":material/arrow_forward:")
