"""Step 3, Synthesize: pick a synthesizer and its settings, fit, sample and store a run."""

import streamlit as st

from components.fit_estimate import dataset_shape, epochs_input, without_epochs
from components.param_form import param_inputs
from components.progress import StreamlitProgress
from components.protection_form import protection_inputs
from components.run_inputs import rows_input, run_preview, seed_input
from components.shaping_form import shaping_inputs
from components.shaping_result import shaping_result
from components.step import open_step
from core.errors import StudioError
from core.evaluate.readings import headline_columns, protection_notes
from core.formatting import count, duration, percent
from core.runs.pipeline import synthesize
from core.synth.estimate import plan_fit
from core.synth.registry import REGISTRY

step = open_step("Synthesize")
state, workspace, settings = step
dataset = step.dataset()
key = st.selectbox(
    "Synthesizer",
    list(REGISTRY),
    format_func=lambda k: REGISTRY[k].label,
    key="synthesize.synthesizer",
)
spec = REGISTRY[key]
st.caption(f"{spec.description} Speed: {spec.speed}.")
# Outside the form: the estimate follows the epochs as they are typed (see fit_estimate).
epochs = epochs_input(spec, key="synthesize.param")
sdtypes = dataset.metadata.sdtypes if dataset.metadata else None
plan = plan_fit(spec, shape=dataset_shape(str(workspace.path), dataset.id, sdtypes), epochs=epochs)
st.caption(plan.text, help=plan.estimate.note)
# Beside the form: picked columns show their values and typed shares add up as they change.
shape = shaping_inputs(dataset, spec, workspace_path=str(workspace.path))

with st.form("synthesize.form"):
    params = param_inputs(without_epochs(spec), key="synthesize.param")
    if epochs is not None:
        params["epochs"] = epochs
    rows_col, seed_col = st.columns(2)
    rows = rows_input(rows_col, settings, label="Rows to generate", key="synthesize.rows")
    seed = seed_input(seed_col, settings, key="synthesize.seed")
    protections = protection_inputs(settings)
    go = st.form_submit_button(f"Generate from {dataset.name}", type="primary")

if go and shape.problem:
    st.error(shape.problem)  # refused before anything is recorded
elif go:
    # Any click reruns the page, which ends this script at its next progress update; the
    # pipeline then stops the fit, marks the run failed and keeps none of it.
    stop = st.empty()  # offered while the run lasts, gone when it ends
    stop.button("Stop", icon=":material/stop_circle:", key="synthesize.stop")
    state.generating = f"{spec.label} run on {dataset.name}"
    progress = StreamlitProgress(shaped=shape.shaped)
    try:
        result = synthesize(
            workspace,
            dataset_id=dataset.id,
            key=key,
            rows=rows,
            seed=seed,
            params=params,
            protections=protections,
            progress=progress,
            **shape.arguments(),
        )
    except StudioError as err:
        state.generating = None
        stop.empty()
        progress.done("Stopped.")
        st.error(str(err))
    else:
        state.generating = None
        stop.empty()
        state.run_id = result.run.id
        progress.done(f"Done: {count(result.rows)} rows.")
        run = result.run
        st.success(
            f"Run #{run.id}: {count(result.rows)} rows in "
            f"{duration(run.fit_seconds + run.sample_seconds)}; "
            f"quality {percent(result.quality.overall.value)}."
        )
        st.caption(headline_columns(result.evaluation.to_dict()))
        for line in protection_notes(result.evaluation.protections or {}):
            st.caption(line)

elif state.generating:
    st.warning(f"Stopped: the {state.generating} was marked failed; nothing of it was kept.")
    state.generating = None

if state.run_id is not None:
    shaping_result(workspace, state.run_id, dataset_id=dataset.id)
    run_preview(workspace, state.run_id, dataset_id=dataset.id, rows=settings.preview_rows)
    st.page_link(
        "pages/4_compare.py",
        label="Next: compare real and synthetic",
        icon=":material/arrow_forward:",
    )
