"""Step 7, Profile: ydata-profiling reports of the real table, of a run's synthetic table, and of
the two side by side. Built on a click, kept beside the workspace, shown again without rework."""

import streamlit as st

from components.profile_build import build_profile
from components.step import open_step
from core.data.profile import ProfileCache, ProfileSettings, cache_key, plan_profile
from core.runs.pipeline import ensure_metadata

step = open_step("Profile")
state, workspace, settings = step
dataset = step.dataset()
run = workspace.get_run(state.run_id) if state.run_id is not None else None
path = str(workspace.path)
settings = ProfileSettings()
cache = ProfileCache(workspace.path.with_name(workspace.path.stem + ".profiles"))
# Direct identifiers are left out of every profile: a report prints rows and frequent values.
# Detected (and stored) here when the Metadata page has not been opened yet.
hidden = (dataset.metadata or ensure_metadata(workspace, dataset)).direct_columns

labels = {"real": "Real data"}
if run is not None:
    labels |= {"synthetic": f"Synthetic data (run #{run.id})", "compare": "Real vs synthetic"}
choice = st.radio(
    "Profile of", list(labels), format_func=labels.get, horizontal=True, key="profile.kind"
)

# Run ids restart in a recreated workspace file; its creation time keeps old reports out.
fingerprint = dataset.fingerprint if run is None else f"{dataset.fingerprint}@{run.created}"
kind = "real" if choice == "real" else f"{choice}-run-{run.id}"
key = cache_key(kind, fingerprint, settings, hidden)
rows = {"real": [dataset.n_rows]}
if run is not None:
    rows |= {"synthetic": [run.n_rows], "compare": [dataset.n_rows, run.n_rows]}
plans = [plan_profile(n, dataset.n_columns - len(hidden), settings) for n in rows[choice]]
file_name = f"{dataset.name}_{kind}_profile.html"

html, built = cache.get(key), "from the cache"
if html is None:
    prompt = st.empty()
    with prompt.container():
        st.caption("No profile of this yet: building one takes seconds to minutes.")
        clicked = st.button("Build profile", type="primary", key="profile.build")
    if clicked:
        prompt.empty()  # answered: neither the line nor the button stays above the report
        result = build_profile(
            choice, path=path, dataset=dataset, run=run, settings=settings, hidden=hidden
        )
        if result is None:
            st.button("Try again", key="profile.retry")  # a rerun brings the prompt back
        else:
            cache.put(key, result.html)
            html, built = result.html, f"built in {result.seconds:.1f} s"
if html is not None:
    sample_rows, total_rows = sum(p.sample_rows for p in plans), sum(p.total_rows for p in plans)
    mode = "minimal mode" if any(p.minimal for p in plans) else "full mode"
    left_out = f" Direct identifiers left out: {', '.join(hidden)}." if hidden else ""
    st.caption(f"{sample_rows:,} of {total_rows:,} rows profiled, {mode}, {built}.{left_out}")
    st.download_button(
        "Download the profile (HTML)",
        data=html,
        file_name=file_name,
        mime="text/html",
        key="profile.download",
    )
    st.iframe(html, height=900)
