"""The only code that touches ``st.session_state`` for app data."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

_KEY = "studio.state"


@dataclass
class StudioState:
    """Ids and small choices of one browser session; the data lives in the workspace."""

    dataset_id: int | None = None
    run_id: int | None = None

    def select_dataset(self, dataset_id: int) -> None:
        if dataset_id != self.dataset_id:
            self.dataset_id = dataset_id
            self.run_id = None


def get_state() -> StudioState:
    if _KEY not in st.session_state:
        st.session_state[_KEY] = StudioState()
    return st.session_state[_KEY]
