"""Step 8, SQL: one read-only query on the real table and on the run's synthetic table, side by
side."""

import streamlit as st

from components.step import open_step
from components.tables import run_title
from components.workspace import example_sql, real_table, synthetic_table
from core.data.sql import MAX_ROWS, TIMEOUT_SECONDS, run_parity
from core.data.sql_compare import REL_DIFF_SUFFIX, SCALED_SUFFIX
from core.errors import StudioError

step = open_step("SQL")
state, workspace, settings = step
run, dataset = step.run()
path = str(workspace.path)
hidden = dataset.metadata.direct_columns if dataset.metadata else []
# Counts come from the workspace's records: the tables themselves are read only for a query.
st.caption(
    f"{run_title(run)} on **{dataset.name}**: one SELECT runs on the real table "
    f"({dataset.n_rows:,} rows) and on the synthetic one ({run.n_rows:,} rows); in both it is "
    f"called `data`. Read-only, no files or network, the first {MAX_ROWS:,} rows of each "
    f"result, {TIMEOUT_SECONDS:g} s at most."
    + (f" Direct identifiers are left out of both: {', '.join(hidden)}." if hidden else "")
)

with st.form("sql.form"):
    query = st.text_area("Query", value=example_sql(path, dataset.id), height=180, key="sql.query")
    submitted = st.form_submit_button("Run on both", type="primary", key="sql.run")
if not submitted:
    st.stop()

try:
    with st.spinner("Running the query on both tables…"):
        result = run_parity(
            query=query,
            real=real_table(path, dataset.id),
            synthetic=synthetic_table(path, run.id),
            hidden=hidden,
        )
except StudioError as err:
    st.error(str(err))
    st.stop()

st.caption(result.summary)
left, right = st.columns(2)
with left:
    st.subheader("Real")
    st.dataframe(result.real, hide_index=True, key="sql.real")
with right:
    st.subheader("Synthetic")
    st.dataframe(result.synthetic, hide_index=True, key="sql.synthetic")

st.subheader("Difference")
if result.difference is None:
    st.info("Nothing to subtract: give both results the same columns, one row per group.")
else:
    # A count or sum is compared per row of each table: its synthetic value is scaled first.
    scaled = f"Synthetic value × {result.scale:.4g} (real rows / synthetic rows)."
    config = {
        c: st.column_config.NumberColumn(format="percent")
        if c.endswith(REL_DIFF_SUFFIX)
        else st.column_config.NumberColumn(help=scaled)
        for c in result.difference.columns
        if c.endswith((REL_DIFF_SUFFIX, SCALED_SUFFIX))
    }
    st.dataframe(result.difference, hide_index=True, column_config=config, key="sql.difference")
