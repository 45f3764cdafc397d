"""The opening of every step page: run inside the router, draw the title, and hand the page
the session's state, its workspace and the settings, with the guarded selection it works on."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from components.guard import need_dataset, need_run
from components.routing import inside_router
from components.state import StudioState, get_state
from components.workspace import get_workspace
from core.config import Settings, get_settings
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace


class Step(NamedTuple):
    """What a step page works with: ``state, workspace, settings = open_step(...)``."""

    state: StudioState
    workspace: Workspace
    settings: Settings

    def dataset(self) -> DatasetInfo:
        """The selected dataset; without one, the guard points to the Data page and stops."""
        return self.workspace.get_dataset(need_dataset(self.state))

    def run(self) -> tuple[RunInfo, DatasetInfo]:
        """The selected run and its dataset; without one, the guard points to Synthesize."""
        run = self.workspace.get_run(need_run(self.state))
        return run, self.workspace.get_dataset(run.dataset_id)


def open_step(title: str) -> Step:
    """The first line of a step page: the router's frame around it, then its title."""
    inside_router()
    step = Step(get_state(), get_workspace(), get_settings())
    st.title(title)
    return step
