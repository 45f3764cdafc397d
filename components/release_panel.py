"""The release gate on the Export page: every check with its reason, and the override form."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.tables import static_table
from core.errors import StudioError
from core.formatting import count, name, percent
from core.privacy.gate import ReleaseStatus
from core.workspace.records import RunInfo
from core.workspace.store import Workspace

MIN_REASON_CHARS = 15


def release_panel(status: ReleaseStatus) -> None:
    """The verdict, a table of the checks and what they do not prove."""
    if status.passed:
        st.success("Release checks passed.", icon=":material/verified_user:")
    elif status.override is not None:
        st.warning(status.override_line, icon=":material/gavel:")
    else:
        failing = ", ".join(status.failing) or "privacy not measured"
        st.error(f"Release checks failed: {failing}.", icon=":material/block:")
    if status.checks:
        # A wrapping table: the reasons are sentences, cut off in a grid's narrow column.
        static_table(
            pd.DataFrame(
                {
                    "Check": [name(c.name) for c in status.checks],
                    "Result": ["✅ pass" if c.passed else "❌ fail" for c in status.checks],
                    "Value": [_value(c.name, c.value) for c in status.checks],
                    "Threshold": [_value(c.name, c.threshold) for c in status.checks],
                    "Why": [c.reason for c in status.checks],
                }
            )
        )
    st.caption(status.statement)


def _value(check: str, value: float | None) -> str:
    """A check's value or threshold as read: a count of leaked values, else a share."""
    if value is None:
        return ""
    return count(value) if check == "pii_leaks" else percent(value)


def override_form(workspace: Workspace, run: RunInfo, status: ReleaseStatus) -> None:
    """Ask for a reason to release a failing extract; record it with the run."""
    with st.form("export.override"):
        st.markdown(
            "**Release anyway?** The reason is stored with the run and printed in its report."
        )
        reason = st.text_area("Reason", key="export.override.reason", max_chars=500)
        sure = st.checkbox(
            "I have reviewed the failing checks and take responsibility for this release.",
            key="export.override.confirm",
        )
        submitted = st.form_submit_button("Record override and unlock downloads")
    if not submitted:
        return
    if not sure:
        st.error("Tick the confirmation to record an override.")
    elif len(reason.strip()) < MIN_REASON_CHARS:
        st.error(f"Give a reason of at least {MIN_REASON_CHARS} characters.")
    else:
        try:
            workspace.record_override(run.id, reason=reason, failing=status.failing)
        except StudioError as err:
            st.error(str(err))
        else:
            st.rerun()
