"""Step 4, Compare: real (training rows) vs synthetic, every score with the holdout ceiling,
and the stakeholder report."""

import pandas as pd
import streamlit as st

from components import compare
from components.rare_panel import rare_panel
from components.report_options import report_download
from components.score_panel import (
    coverage_panel,
    protections_panel,
    score_metrics,
    utility_panel,
)
from components.shaping_panel import shaping_panel
from components.step import open_step
from components.tables import run_title
from core.evaluate.stored import StoredScores
from core.formatting import name, readable_rows

step = open_step("Compare")
state, workspace, settings = step
run, dataset = step.run()
scores = StoredScores.of(run.scores)
path = str(workspace.path)
sdtypes = dataset.metadata.sdtypes
# Only learned columns are drawn or offered: direct identifiers and keys are never plotted.
columns = list(compare.learned_only(sdtypes))
holdout = scores.holdout
st.caption(
    f"{run_title(run)} on **{dataset.name}**: {name(run.synthesizer)}, seed {run.seed}, "
    f"{run.n_rows:,} synthetic rows. Quality compares them with all {dataset.n_rows:,} real "
    f"rows; the figures with the {holdout.get('train_rows', dataset.n_rows):,} rows it was "
    "fitted on."
)
score_metrics(scores)
protections_panel(scores)

# Shown only when the block is slow: the first visit reads both tables (seconds on a million
# rows); later reruns hit the cache.
with st.spinner("Reading the real and synthetic rows…"):
    tabs = st.tabs(
        ["Columns", "Correlations", "Pairs", "Projection", "Coverage", "Utility", "Per-column"]
        + ["Shaping"]
    )
    with tabs[0]:
        chosen = st.multiselect("Columns", columns, default=columns[:12], key="compare.columns")
        grid = st.columns(2)
        for i, column in enumerate(chosen):
            figure = compare.column_figure(path, dataset.id, run.id, column, sdtypes[column])
            grid[i % 2].plotly_chart(figure, key=f"compare.col.{column}")
    with tabs[1]:
        side_by_side, difference = compare.correlation_figures(path, dataset.id, run.id, sdtypes)
        st.plotly_chart(side_by_side, key="compare.corr")
        st.plotly_chart(difference, key="compare.corr_diff")
    with tabs[2]:
        # Opens on the most associated pair worth drawing, never ids or mostly unique text.
        first = compare.first_pair(path, dataset.id, run.id, sdtypes) or (None, None)
        at = [None if c is None else columns.index(c) for c in first]
        left, right = st.columns(2)
        x = left.selectbox("X", columns, index=at[0], key="compare.pair_x")
        y = right.selectbox("Y", columns, index=at[1], key="compare.pair_y")
        if x is None or y is None or x == y:
            st.info("Pick two different columns.")
        else:
            figure = compare.pair_figure(path, dataset.id, run.id, x, y, sdtypes)
            st.plotly_chart(figure, key="compare.pair")
    with tabs[3]:
        projection = compare.projection_figure(path, dataset.id, run.id, sdtypes)
        if projection is None:
            st.info("A projection needs numeric columns.")
        else:
            st.plotly_chart(projection, key="compare.projection")
    with tabs[4]:
        coverage_panel(scores)
    with tabs[5]:
        holdout_rows = holdout.get("holdout_rows", 0)
        utility_panel(path, dataset.id, run.id, columns, holdout_rows=holdout_rows)
    with tabs[6]:
        st.dataframe(pd.DataFrame(readable_rows(scores.per_column)), hide_index=True)
    with tabs[7]:
        shaping_panel(scores)
        rare_panel(scores)

st.subheader("Report")
report_download(
    path, dataset.id, run.id, sdtypes,
    file_name=f"{dataset.name}_run{run.id}_report.html",
    override_at=(run.override or {}).get("at"),
)  # fmt: skip
st.page_link("pages/5_export.py", label="Next: export", icon=":material/arrow_forward:")
