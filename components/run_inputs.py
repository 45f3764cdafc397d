"""The rows and seed inputs of a run, the same on the Synthesize and Bake-off forms, and the
preview of a run's first rows."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.config import Settings
from core.formatting import count, name
from core.workspace.store import Workspace

SEED_MAX = 2**31 - 1


def rows_input(slot: DeltaGenerator, settings: Settings, *, label: str, key: str) -> int:
    """How many synthetic rows to draw, within the studio's cap."""
    return int(
        slot.number_input(
            label,
            min_value=1,
            max_value=settings.max_rows,
            value=min(settings.default_rows, settings.max_rows),
            step=100,
            key=key,
        )
    )


def seed_input(slot: DeltaGenerator, settings: Settings, *, key: str) -> int:
    """The run's seed, from the studio's default."""
    return int(
        slot.number_input(
            "Seed",
            min_value=0,
            max_value=SEED_MAX,
            value=settings.seed,
            help="The same seed and settings give the same rows.",
            key=key,
        )
    )


def run_preview(workspace: Workspace, run_id: int, *, dataset_id: int, rows: int) -> None:
    """The first synthetic rows of a finished run of this dataset, as they are stored.

    Drawn right after a run (and on later visits while it is selected), so the rows can be
    looked at before going on to Compare; faked personal-data columns show their fakes only.
    """
    run = workspace.get_run(run_id)
    if run.dataset_id != dataset_id or run.status != "done":
        return
    first = workspace.read_synthetic(run.id, limit=rows)
    st.subheader(f"Run #{run.id} ({name(run.synthesizer)}): the first synthetic rows")
    st.caption(
        f"{count(len(first))} of its {count(run.n_rows)} rows, stored with the real table's "
        "types; the Export page downloads them all once the release checks pass."
    )
    st.dataframe(first, hide_index=True, key="synthesize.preview")
