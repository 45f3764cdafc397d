"""The only code that touches ``st.session_state`` for app data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from core.errors import NotFoundError
from core.workspace.store import Workspace

_KEY = "studio.state"


@dataclass
class StudioState:
    """Ids and small choices of one browser session; the data lives in the workspace."""

    dataset_id: int | None = None
    run_id: int | None = None
    flash: str | None = None  # a message to show once after a rerun
    bakeoff: Any = None  # the last bake-off's summary (core.runs.bakeoff.BakeoffResult), no data
    # The run under way ("CTGAN on tips"), cleared when it ends; still set on the next rerun
    # means a click (Stop, or any other) interrupted it.
    generating: str | None = None
    # Compare's "Generate more of these": {"conditions": {column: value}}, read once by
    # Synthesize to fill in its conditions.
    shaping_prefill: dict[str, Any] | None = None
    report_columns: dict[int, list[str]] = field(default_factory=dict)  # run id -> picked
    utility_results: dict[int, dict[str, Any]] = field(default_factory=dict)  # run id -> result

    def drop_missing(self, workspace: Workspace) -> None:
        """Forget ids whose dataset or run was deleted (in this or another session)."""
        try:
            if self.dataset_id is not None:
                workspace.get_dataset(self.dataset_id)
        except NotFoundError:
            self.dataset_id, self.run_id = None, None
        try:
            if self.run_id is not None and workspace.get_run(self.run_id).status != "done":
                self.run_id = None
        except NotFoundError:
            self.run_id = None

    def pop_flash(self) -> str | None:
        message, self.flash = self.flash, None
        return message

    def take_prefill(self) -> dict[str, Any] | None:
        """Compare's prefill for Synthesize's conditions, handed over once."""
        prefill, self.shaping_prefill = self.shaping_prefill, None
        return prefill

    def select_dataset(self, dataset_id: int) -> None:
        if dataset_id != self.dataset_id:
            self.dataset_id = dataset_id
            self.run_id = None


def get_state() -> StudioState:
    """This session's state; a new session (a reload) starts from the ids in the URL."""
    if _KEY not in st.session_state:
        st.session_state[_KEY] = StudioState(
            dataset_id=_int_param("dataset"), run_id=_int_param("run")
        )
    return st.session_state[_KEY]


def sync_url(state: StudioState) -> None:
    """Mirror the selected ids into the URL so a reload or restart picks up where it was.

    The frame calls this on every run because switching pages clears the query string.
    """
    wanted = {
        name: str(value)
        for name, value in (("dataset", state.dataset_id), ("run", state.run_id))
        if value is not None
    }
    if dict(st.query_params) != wanted:
        st.query_params.clear()
        st.query_params.update(wanted)


def _int_param(name: str) -> int | None:
    value = st.query_params.get(name)
    return int(value) if value and value.isdigit() else None
