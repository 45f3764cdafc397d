"""Synth Studio: router and frame only (page config, navigation, shared sidebar).

``streamlit run app.py`` starts here on every run; the chosen step's page in ``pages/`` runs
inside the frame through ``components.routing.run_page``.
"""

from pathlib import Path

import streamlit as st

from components.routing import run_page
from components.state import StudioState, get_state, sync_url
from components.tables import plain
from components.workspace import get_workspace
from core.errors import NotFoundError, StudioError
from core.workspace.store import Workspace

# A file beside the app, served by the studio itself: a ":material/..:" page icon makes the
# browser fetch the favicon from a font CDN on every rerun, and the studio stays local.
ICON = Path(__file__).parent / "assets" / "favicon.png"
st.set_page_config(page_title="Synth Studio", page_icon=str(ICON), layout="wide")

PAGES = [
    st.Page("pages/1_data.py", title="Data", icon=":material/table_view:", default=True),
    st.Page("pages/2_metadata.py", title="Metadata", icon=":material/label:"),
    st.Page("pages/3_synthesize.py", title="Synthesize", icon=":material/auto_awesome:"),
    st.Page("pages/4_compare.py", title="Compare", icon=":material/compare:"),
    st.Page("pages/5_export.py", title="Export", icon=":material/download:"),
    st.Page("pages/6_runs.py", title="Runs", icon=":material/history:"),
    st.Page("pages/7_profile.py", title="Profile", icon=":material/query_stats:"),
    st.Page("pages/8_sql.py", title="SQL", icon=":material/database:"),
    st.Page("pages/9_bakeoff.py", title="Bake-off", icon=":material/leaderboard:"),
]
page = st.navigation(PAGES)


def show_selection(slot: st.delta_generator.DeltaGenerator, state: StudioState) -> None:
    with slot.container():
        if state.dataset_id is not None:
            dataset = workspace.get_dataset(state.dataset_id)
            st.caption(f"Dataset: **{dataset.name}** ({dataset.n_rows:,} × {dataset.n_columns})")
        if state.run_id is not None:
            try:
                named = workspace.get_run(state.run_id).name
            except NotFoundError:  # deleted by the page that just ran
                named = ""
            st.caption(f"Run: **#{state.run_id}**" + (f" {plain(named)}" if named else ""))


with st.sidebar:
    st.markdown("**Synth Studio**: real table in, checked synthetic table out.")
    try:
        workspace: Workspace = get_workspace()
    except StudioError as err:
        st.error(str(err))
        st.stop()
    state = get_state()
    state.drop_missing(workspace)
    sync_url(state)  # page switches clear the URL; st.stop() below drops later updates
    selection = st.empty()
    show_selection(selection, state)
    st.caption(f"Workspace: `{workspace.path}`")

try:
    run_page(page)
finally:  # the page may have selected a dataset or run: show it now, not one click later
    show_selection(selection, state)
    sync_url(state)
