"""Step 9, Bake-off: several synthesizers on the selected dataset within one time budget, ranked by
quality, utility, privacy and time, with a recommendation. Each entry is a recorded run."""

import streamlit as st

from components.bakeoff import (
    DEFAULT_BUDGET_SECONDS,
    BakeoffProgress,
    default_keys,
    last_result,
    leaderboard_table,
    plan_list,
    remember,
)
from components.run_inputs import rows_input, seed_input
from components.step import open_step
from core.errors import StudioError
from core.formatting import duration
from core.runs.bakeoff import plan_for, run_bakeoff
from core.synth.registry import REGISTRY

step = open_step("Bake-off")
state, workspace, settings = step
dataset = step.dataset()
st.caption(
    "Each synthesizer is fitted as a normal run within its share of the budget (neural ones get "
    "the epochs that fit), then all are ranked. The plan is worked out from the table's shape "
    "before anything runs, so the same settings always give the same plan. Only a run that "
    "passes the privacy gate is recommended."
)
with st.form("bakeoff.form"):
    keys = st.multiselect(
        "Synthesizers",
        list(REGISTRY),
        default=default_keys(),
        format_func=lambda k: REGISTRY[k].label,
        key="bakeoff.synthesizers",
    )
    budget_col, rows_col, seed_col = st.columns(3)
    budget = budget_col.number_input(
        "Time budget (seconds)",
        min_value=1,
        max_value=24 * 3600,
        value=DEFAULT_BUDGET_SECONDS,
        step=30,
        help="For the whole bake-off; split evenly across the synthesizers not yet run.",
        key="bakeoff.budget",
    )
    rows = rows_input(rows_col, settings, label="Rows per synthesizer", key="bakeoff.rows")
    seed = seed_input(seed_col, settings, key="bakeoff.seed")
    target = st.selectbox(
        "Target column (optional)",
        [None, *workspace.column_types(dataset.id)["column"]],
        format_func=lambda c: "none: skip the utility check" if c is None else c,
        help="A column to predict: adds how well a model trained on synthetic rows does.",
        key="bakeoff.target",
    )
    go = st.form_submit_button(f"Run the bake-off on {dataset.name}", type="primary")

if go:
    inputs = {"dataset_id": dataset.id, "keys": keys, "rows": rows, "target": target}
    try:
        plan_list(plan_for(workspace, budget_seconds=float(budget), **inputs))
        progress = BakeoffProgress()
        result = run_bakeoff(
            workspace, seed=seed, budget_seconds=float(budget), progress=progress, **inputs
        )
    except StudioError as err:
        st.error(str(err))
    else:
        progress.done(f"Done in {duration(result.elapsed_seconds)}.")
        remember(result)
        winner = next((e for e in result.entries if e.key == result.winner), None)
        if winner is not None:  # Compare and Export open the recommended run next
            state.run_id = winner.run_id

result = last_result(dataset.id)
if result is not None:
    (st.success if result.winner else st.warning)(result.recommendation)
    leaderboard_table(result)
    kept = {run.id for run in workspace.list_runs(dataset.id) if run.status == "done"}
    done = [e for e in result.entries if e.status == "done" and e.run_id in kept]
    for entry, cell in zip(done, st.columns(max(len(done), 1)), strict=False):
        if cell.button(f"Open #{entry.run_id} ({entry.label})", key=f"bakeoff.open.{entry.run_id}"):
            state.run_id = entry.run_id
            st.switch_page("pages/4_compare.py")
