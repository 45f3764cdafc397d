"""Step 5, Export: the release checks, the synthetic table as CSV, Parquet or Excel once they
pass, and beside it the stakeholder report and the reproducibility bundle."""

import streamlit as st

from components.bundle import bundle_download
from components.release_panel import override_form, release_panel
from components.report_options import report_download
from components.step import open_step
from components.tables import run_title
from core.data.formats import TableFormat
from core.evaluate.readings import protection_notes
from core.evaluate.stored import StoredScores
from core.export.writers import EXPORT_FORMATS, export_bytes
from core.privacy.gate import release_status

step = open_step("Export")
state, workspace, settings = step
run, dataset = step.run()
# Only the first rows are read on a rerun; the whole table only when a download is asked for.
preview = workspace.read_synthetic(run.id, limit=settings.preview_rows)
st.caption(f"{run_title(run)} on **{dataset.name}**: {run.n_rows:,} rows × {preview.shape[1]}.")
st.dataframe(preview, hide_index=True)

st.subheader("Release checks")
scores = StoredScores.of(run.scores)
status = release_status(scores, run.override)
release_panel(status)
for line in protection_notes(dict(scores.protections)):
    st.caption(line)
if status.released:
    key = st.radio(
        "Format",
        list(EXPORT_FORMATS),
        format_func=lambda k: EXPORT_FORMATS[k].label,
        horizontal=True,
        key="export.format",
    )
    fmt = EXPORT_FORMATS[key]
    st.download_button(
        f"Download {fmt.label}",
        # Read a batch at a time: only the file's bytes are held, never the whole table too.
        data=lambda: export_bytes(
            workspace.synthetic_chunks(run.id, rows=settings.sample_batch_rows),
            key,
            TableFormat.from_dict(dataset.formats),  # written the way the input file writes it
        ),
        file_name=f"{dataset.name}_synthetic_run{run.id}{fmt.extension}",
        mime=fmt.mime,
        type="primary",
        key="export.download",
        # No rerun on click: the page has nothing to redo, and a rerun drawn while the deferred
        # request was pending left the button spinning twice in the browser test.
        on_click="ignore",
    )
    st.caption(
        "Written the way your file writes its values: the same true / false words, date "
        "patterns, decimals and missing-value marker. Text that a spreadsheet would run as a "
        "formula is written with a leading '."
    )
else:
    override_form(workspace, run, status)
    st.info("Downloads of the rows unlock when the checks pass or an override is recorded.")

st.subheader("Report and bundle")
st.caption(
    "Neither holds a row of data, so both are offered whatever the checks say. The report "
    "shows the scores, the privacy checks and figures of column shapes for stakeholders; the "
    "bundle reruns this run with plain SDV."
)
report_col, bundle_col = st.columns(2)
with report_col:
    report_download(
        str(workspace.path), dataset.id, run.id, dataset.metadata.sdtypes,
        file_name=f"{dataset.name}_run{run.id}_report.html",
        override_at=(run.override or {}).get("at"),
        key="export.report", pick=False,
    )  # fmt: skip
with bundle_col:
    bundle_download(workspace, run.id, key="export.bundle")
