"""The reproducibility bundle of a run, as a download button.

A finished run does not change, so its zip is built once per run and cached (keyed by the
workspace file and the run id); the Runs page reruns on every click without rebuilding it.
"""

from __future__ import annotations

import streamlit as st

from components.workspace import open_workspace
from core.errors import StudioError
from core.export.bundle import export_bundle
from core.workspace.store import Workspace


@st.cache_data(show_spinner="Building the bundle…", max_entries=16)
def bundle_bytes(workspace_path: str, run_id: int) -> bytes:
    """The zip of :func:`core.export.bundle.export_bundle` for one run (errors are not cached)."""
    return export_bundle(open_workspace(workspace_path), run_id)


def bundle_download(workspace: Workspace, run_id: int, *, key: str = "runs.bundle") -> None:
    """A download button for the run's bundle, or the one-line reason it cannot be built."""
    try:
        data = bundle_bytes(str(workspace.path), int(run_id))
    except StudioError as err:
        st.error(str(err))
        return
    st.download_button(
        "Download reproducibility bundle (.zip)",
        data=data,
        file_name=f"synth_studio_run_{run_id}_bundle.zip",
        mime="application/zip",
        help="Metadata, parameters, seed, library versions, the scores and a Python script "
        "that reruns this run with plain SDV. No model file and no data rows.",
        key=key,
    )
