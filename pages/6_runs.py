"""Step 6, Runs: the history of every run; name a run and keep notes on it, reopen one or
download its reproducibility bundle, compare two, delete what is no longer needed."""

import pandas as pd
import streamlit as st

from components.bundle import bundle_download
from components.guard import SYNTHESIZE, stop_with
from components.run_label import run_label_form
from components.run_tables import facts_table, fitted_table
from components.step import open_step
from core.runs.history import compare_runs, history_view, run_facts, runs_table

step = open_step("Runs")
state, workspace, settings = step
if message := state.pop_flash():
    st.success(message)
table = runs_table(workspace)
if table.empty:
    stop_with("No runs yet: generate synthetic data on the Synthesize page.", go_to=SYNTHESIZE)

fitted_table(history_view(table), key="runs-history", long_text=["Name", "Dataset", "Shaping"])
st.caption(
    "Quality: how closely the synthetic rows follow the real ones (0 to 1); the holdout "
    "ceiling is the quality of fresh real rows. Utility: a model trained on synthetic rows "
    "against one trained on real rows, when a target was chosen."
)
ids = table["run"].tolist()
names = dict(zip(ids, table["name"], strict=True))
done = table.loc[table["status"] == "done", "run"].tolist()


def label(run_id: int) -> str:
    return f"#{run_id} {names[run_id]}".strip()


st.subheader("A run")
chosen = st.selectbox(
    "Run",
    ids,
    index=ids.index(state.run_id) if state.run_id in ids else 0,
    format_func=label,
    key="runs.open",
)
run = workspace.get_run(int(chosen))
facts_col, label_col = st.columns([3, 2])
with facts_col:
    dataset = workspace.get_dataset(run.dataset_id)
    facts_table(pd.DataFrame({run.label: run_facts(run, dataset)}), key="runs-facts")
with label_col:
    run_label_form(workspace, state, run)
    if run.status == "done":
        if st.button("Open its comparison", key="runs.open_button"):
            state.select_dataset(run.dataset_id)
            state.run_id = run.id
            st.switch_page("pages/4_compare.py")
        bundle_download(workspace, run.id)

st.subheader("Compare two runs")
pair = st.multiselect("Two runs", done, max_selections=2, key="runs.pair", format_func=label)
if len(pair) == 2:
    facts_table(compare_runs(workspace, int(pair[0]), int(pair[1])), key="runs-compare")

with st.expander("Delete runs or datasets"):
    kind = st.radio("Delete", ["a run", "a dataset and all its runs"], key="runs.delete_kind")
    if kind == "a run":
        target = st.selectbox("Run", ids, format_func=label, key="runs.del_run")
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
