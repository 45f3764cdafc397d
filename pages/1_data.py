"""Step 1, Data: bring a table (upload or demo) or reopen one from the workspace."""

import tempfile
from pathlib import Path

import streamlit as st

from components.step import open_step
from components.upload_form import read_options, upload_columns
from core.data.demos import DEMOS, load_demo
from core.data.ingest import accepted_extensions, ingest_file
from core.data.personal import direct_in_sample, mask_direct
from core.errors import StudioError

step = open_step("Data")
state, workspace, settings = step
source = st.radio(
    "Where is your table?",
    ["Demo dataset", "Upload a file", "Workspace"],
    horizontal=True,
    key="data.source",
)

try:
    if source == "Demo dataset":
        key = st.selectbox(
            "Demo dataset", list(DEMOS), format_func=lambda k: DEMOS[k].label, key="data.demo"
        )
        st.caption(DEMOS[key].description)
        if st.button("Use this dataset", type="primary", key="data.use_demo"):
            state.select_dataset(load_demo(workspace, key).id)
    elif source == "Upload a file":
        upload = st.file_uploader(
            f"CSV, TSV, Excel, Parquet or JSON, up to {settings.max_upload_mb} MB",
            type=accepted_extensions(),
            key="data.upload",
        )
        if upload is not None:
            columns = upload_columns(upload.file_id, upload.name, upload.getbuffer())
            with st.form("data.load_form", border=False):
                with st.expander("Reading options: missing values and column types"):
                    options = read_options(columns, key=f"data.options.{upload.file_id}")
                load = st.form_submit_button("Load file", type="primary", key="data.load")
            if load:
                with tempfile.TemporaryDirectory() as tmp, st.spinner("Reading the file…"):
                    path = Path(tmp) / "upload.bin"
                    path.write_bytes(upload.getbuffer())
                    dataset = ingest_file(
                        workspace, path, display_name=upload.name, options=options
                    )
                state.select_dataset(dataset.id)
    else:
        datasets = workspace.list_datasets()
        if not datasets:
            st.info("The workspace has no datasets yet: load a demo or upload a file.")
        else:
            by_id = {d.id: d for d in datasets}
            chosen = st.selectbox(
                "Dataset",
                list(by_id),
                index=len(datasets) - 1,
                key="data.existing",
                format_func=lambda i: f"#{i} {by_id[i].name} ({by_id[i].source})",
            )
            if st.button("Open", type="primary", key="data.open"):
                state.select_dataset(chosen)
except StudioError as err:
    st.error(str(err))

if state.dataset_id is None:
    st.info("Choose a table above to begin.")
    st.stop()

dataset = workspace.get_dataset(state.dataset_id)
st.subheader(dataset.name)
rows, columns, source_col = st.columns(3)
rows.metric("Rows", f"{dataset.n_rows:,}")
columns.metric("Columns", dataset.n_columns)
source_col.metric("Source", dataset.source)
preview, types = st.columns([3, 1])
rows_shown = workspace.read_real(dataset.id, limit=settings.preview_rows)
# Direct identifiers (names, emails...) are masked: the metadata's, or found in these rows.
hidden = dataset.metadata.direct_columns if dataset.metadata else direct_in_sample(rows_shown)
preview.dataframe(mask_direct(rows_shown, hidden), height=320)
types.dataframe(workspace.column_types(dataset.id), hide_index=True, height=320)
st.page_link(
    "pages/2_metadata.py", label="Next: check the metadata", icon=":material/arrow_forward:"
)
