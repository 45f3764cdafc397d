"""Rare categories and combinations of the real rows, whether the extract has them, and a
button per item that opens Synthesize with the item's condition filled in."""

from __future__ import annotations

import streamlit as st

from components.state import get_state
from core.evaluate.shaping_view import rare_note, rare_rows
from core.evaluate.stored import StoredScores

SYNTHESIZE_PAGE = "pages/3_synthesize.py"


def rare_panel(scores: StoredScores) -> None:
    """Each stored rare item with its real and extract rows and "Generate more of these"."""
    rare = scores.rare
    st.markdown("**Rare categories and combinations**")
    if not rare:
        st.caption("This run was scored before rare items were listed.")
        return
    st.caption(rare_note(rare))
    rows = rare_rows(rare)
    if not rows:
        return
    with st.container(height=min(420, 60 + 48 * len(rows)), key="compare.rare"):
        for i, row in enumerate(rows):
            label, counts, button = st.columns([4, 3, 2], vertical_alignment="center")
            label.markdown(f"`{row.label}` ({row.kind})")
            mark = (
                ":material/check_circle: in the extract"
                if row.in_extract
                else ":material/cancel: missing from the extract"
            )
            counts.caption(f"{row.real_rows:,} real, {row.synthetic_rows:,} extract rows: {mark}")
            if button.button("Generate more of these", key=f"compare.rare.{i}"):
                get_state().shaping_prefill = {"conditions": dict(row.condition)}
                st.switch_page(SYNTHESIZE_PAGE)
