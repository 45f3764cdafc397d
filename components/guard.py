"""The pages' one guard: a step that needs a dataset or a run says where to get it, then stops."""

from __future__ import annotations

from typing import NamedTuple, NoReturn

import streamlit as st

from components.state import StudioState


class Step(NamedTuple):
    """A page a guard sends to: its path under ``app.py`` (as registered there) and its label."""

    path: str
    title: str
    icon: str


DATA = Step("pages/1_data.py", "Data", ":material/table_view:")
SYNTHESIZE = Step("pages/3_synthesize.py", "Synthesize", ":material/auto_awesome:")


def need_dataset(state: StudioState) -> int:
    """The selected dataset's id; without one, point to the Data page and stop the page."""
    if state.dataset_id is None:
        stop_with("Choose a dataset on the Data page first.", go_to=DATA)
    return state.dataset_id


def need_run(state: StudioState) -> int:
    """The selected run's id; without one, point to the Synthesize page and stop the page."""
    if state.run_id is None:
        stop_with("Generate synthetic data on the Synthesize page first.", go_to=SYNTHESIZE)
    return state.run_id


def stop_with(message: str, *, go_to: Step) -> NoReturn:
    """Say what is missing and link to the step that provides it; nothing below is drawn."""
    st.info(message)
    st.page_link(go_to.path, label=f"Go to {go_to.title}", icon=go_to.icon)
    st.stop()
