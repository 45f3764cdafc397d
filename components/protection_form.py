"""The Synthesize form's protection switches: rare-category grouping and clipping."""

from __future__ import annotations

import streamlit as st

from core.config import Settings
from core.privacy.protections import ProtectionSettings

KEY = "synthesize.protect"


def protection_inputs(settings: Settings) -> ProtectionSettings:
    """Switches for the protections a run applies (inside the Synthesize form)."""
    defaults = ProtectionSettings.from_settings(settings)
    st.caption(
        "Protections change the training rows before fitting; the run records what each "
        "changed and its cost in quality."
    )
    rare_col, count_col, clip_col = st.columns(3)
    rare = rare_col.toggle(
        "Group rare categories",
        value=defaults.rare_grouping,
        help="Categories seen fewer times than the threshold are grouped, so they are not "
        "reproduced verbatim: as '(other)' in text columns, into the nearest frequent value in "
        "number columns. Columns of mostly unique values are left alone and named.",
        key=f"{KEY}.rare",
    )
    min_count = count_col.number_input(
        "Rare below (rows)",
        min_value=2,
        max_value=1000,
        value=defaults.rare_min_count,
        help="A category held by fewer training rows than this is rare.",
        key=f"{KEY}.rare_min_count",
    )
    clip = clip_col.toggle(
        "Clip extreme numbers",
        value=defaults.clipping,
        help=f"Values beyond each number column's {defaults.clip_min_count}th smallest and "
        "largest are pulled in to them. Off by default: a narrower range costs fidelity "
        "(the run shows how much).",
        key=f"{KEY}.clip",
    )
    return ProtectionSettings.from_settings(
        settings, rare_grouping=rare, rare_min_count=int(min_count), clipping=clip
    )
