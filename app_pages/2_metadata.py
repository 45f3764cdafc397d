"""Step 2, Metadata: detected column types, key and PII flags, editable and validated."""

import streamlit as st

from components.metadata_editor import metadata_editor
from components.state import get_state
from components.workspace import get_workspace, real_table
from core.errors import StudioError
from core.metadata import apply_edits, columns_of
from core.pipeline import ensure_metadata

state = get_state()
workspace = get_workspace()

st.title("Metadata")
if state.dataset_id is None:
    st.info("Choose a dataset on the Data page first.")
    st.page_link("app_pages/1_data.py", label="Go to Data", icon=":material/table_view:")
    st.stop()

dataset = workspace.get_dataset(state.dataset_id)
with st.spinner("Detecting column types…"):
    metadata = ensure_metadata(workspace, dataset)
st.caption(
    f"**{dataset.name}**: how each column will be modelled. Change a type, tick the "
    "primary key or mark personal data, then save; SDV checks the result against the data."
)

with st.form("metadata.form"):
    edits = metadata_editor(columns_of(metadata), key=f"metadata.editor.{dataset.id}")
    saved = st.form_submit_button("Save metadata", type="primary")

if saved:
    try:
        df = real_table(str(workspace.path), dataset.id)
        workspace.set_metadata(dataset.id, apply_edits(metadata, edits, df))
        st.success("Metadata saved.")
    except StudioError as err:
        st.error(str(err))

st.page_link("app_pages/3_synthesize.py", label="Next: synthesize", icon=":material/arrow_forward:")
