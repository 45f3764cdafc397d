"""Builds the Profile page's chosen report on a click, with a progress bar."""

from __future__ import annotations

import streamlit as st

from components.progress import StreamlitProgress
from components.workspace import real_table, synthetic_table
from core.data.profile import ProfileResult, ProfileSettings, compare_html, profile_html
from core.errors import StudioError
from core.workspace.records import DatasetInfo, RunInfo


def build_profile(
    choice: str,
    *,
    path: str,
    dataset: DatasetInfo,
    run: RunInfo | None,
    settings: ProfileSettings,
    hidden: list[str],
) -> ProfileResult | None:
    """The ``choice`` report ("real", "synthetic" or "compare"); None, said in one line, if it
    failed. Direct identifiers (``hidden``) are left out of every table profiled.

    The progress bar goes once the report is built: the page then says how long it took.
    """
    bar = st.empty()
    with bar:
        progress = StreamlitProgress()
    common = {"settings": settings, "progress": progress, "hidden": hidden}
    try:
        if choice == "real":
            result = profile_html(
                real_table(path, dataset.id), title=f"{dataset.name}: real", **common
            )
        elif choice == "synthetic":
            result = profile_html(
                synthetic_table(path, run.id),
                title=f"{dataset.name}: synthetic run #{run.id}",
                **common,
            )
        else:
            result = compare_html(
                real_table(path, dataset.id),
                synthetic_table(path, run.id),
                title=dataset.name,
                labels=("real", f"synthetic run #{run.id}"),
                **common,
            )
    except StudioError as err:
        st.error(str(err))
        return None
    bar.empty()
    return result
