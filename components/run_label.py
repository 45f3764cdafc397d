"""A run's name and notes: the form that edits them.

Saving checks them in core (one line on bad input, nothing written) and drops the cached
bundles and reports, which print the name and notes.
"""

from __future__ import annotations

import streamlit as st

from components import compare
from components.bundle import bundle_bytes
from components.state import StudioState
from core.errors import StudioError
from core.workspace.records import NAME_MAX_CHARS, NOTES_MAX_CHARS, RunInfo
from core.workspace.store import Workspace


def run_label_form(workspace: Workspace, state: StudioState, run: RunInfo) -> None:
    """Edit the run's name and notes; a saved change reruns the page with a note saying so."""
    # Keys per run: another run's form starts from that run's own values.
    with st.form(f"runs.label.{run.id}", border=False):
        name = st.text_input(
            "Name",
            value=run.name,
            placeholder=f"Run #{run.id}",
            # No max_chars: a longer name pasted in is refused with a reason, not cut short.
            help=f"One line of at most {NAME_MAX_CHARS} characters, shown in the runs table, "
            "the report and the bundle.",
            key=f"runs.name.{run.id}",
        )
        notes = st.text_area(
            "Notes",
            value=run.notes,
            max_chars=NOTES_MAX_CHARS,
            placeholder="What this run tried, what to remember about it",
            key=f"runs.notes.{run.id}",
        )
        saved = st.form_submit_button("Save name and notes", key=f"runs.save.{run.id}")
    if not saved:
        return
    try:
        labelled = workspace.label_run(run.id, name=name, notes=notes)
    except StudioError as err:
        st.error(str(err))
        return
    bundle_bytes.clear()
    compare.report_html.clear()
    state.flash = f"Saved: run #{run.id} is now named “{labelled.label}”."
    st.rerun()
