"""Step 6, Runs: the history of every run; reopen one or download its reproducibility bundle,
compare two, delete what is no longer needed."""

import streamlit as st

from components.bundle import bundle_download
from components.guard import SYNTHESIZE, stop_with
from components.routing import inside_router
from components.state import get_state
from components.workspace import get_workspace
from core.evaluate.readings import columns_covered
from core.runs.history import compare_runs, runs_table

inside_router()
state = get_state()
workspace = get_workspace()

st.title("Runs")
if message := state.pop_flash():
    st.success(message)
table = runs_table(workspace)
if table.empty:
    stop_with("No runs yet: generate synthetic data on the Synthesize page.", go_to=SYNTHESIZE)

# The headline says what it covers: faked columns count, keys and unique text are listed apart.
covered = {run.id: columns_covered(run.scores or {}) for run in workspace.list_runs()}
table.insert(table.columns.get_loc("quality_score") + 1, "scored_on", table["run"].map(covered))
st.dataframe(
    table,
    hide_index=True,
    column_config={
        **{
            key: st.column_config.ProgressColumn(key.replace("_", " "), min_value=0, max_value=1)
            for key in ("quality_score", "column_shapes", "column_pair_trends")
        },
        "scored_on": st.column_config.TextColumn(
            "scored on",
            help="Columns the quality score covers, replaced (faked) ones included; the "
            "Compare page names the others (keys, mostly unique, empty) and why.",
        ),
    },
    key="runs.table",
)
done = table.loc[table["status"] == "done", "run"].tolist()

open_col, compare_col = st.columns(2)
with open_col:
    st.subheader("Open a run")
    chosen = st.selectbox("Run", done, format_func=lambda r: f"#{r}", key="runs.open")
    if chosen is not None and st.button("Open its comparison", key="runs.open_button"):
        run = workspace.get_run(int(chosen))
        state.select_dataset(run.dataset_id)
        state.run_id = run.id
        st.switch_page("pages/4_compare.py")
    if chosen is not None:
        bundle_download(workspace, int(chosen))
with compare_col:
    st.subheader("Compare two runs")
    pair = st.multiselect(
        "Two runs", done, max_selections=2, key="runs.pair", format_func=lambda r: f"#{r}"
    )
    if len(pair) == 2:
        st.dataframe(compare_runs(workspace, int(pair[0]), int(pair[1])))

with st.expander("Delete runs or datasets"):
    kind = st.radio("Delete", ["a run", "a dataset and all its runs"], key="runs.delete_kind")
    if kind == "a run":
        options = table["run"].tolist()
        target = st.selectbox("Run", options, format_func=lambda r: f"#{r}", key="runs.del_run")
    else:
        datasets = {d.id: d.name for d in workspace.list_datasets()}
        target = st.selectbox(
            "Dataset",
            list(datasets),
            key="runs.del_dataset",
            format_func=lambda i: f"#{i} {datasets[i]}",
        )
    sure = st.checkbox("Yes, delete it: this cannot be undone", key="runs.sure")
    if st.button("Delete", type="primary", disabled=not sure, key="runs.delete"):
        before = workspace.size_bytes()
        if kind == "a run":
            workspace.delete_run(int(target))
            state.run_id = None if state.run_id == target else state.run_id
        else:
            workspace.delete_dataset(int(target))
            if state.dataset_id == target:
                state.dataset_id, state.run_id = None, None
        freed = max(before - workspace.size_bytes(), 0)
        state.flash = f"Deleted. Space freed on disk: {freed / 1e6:.2f} MB."
        st.rerun()
