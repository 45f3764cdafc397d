"""The Runs page's tables: wrapping to the page, long unbroken words included.

``static_table`` wraps at spaces; a word wider than its column (a name written like a file
name) still pushed the table past the page: a 75-character name without spaces scrolled it 128
pixels sideways. The columns that hold such text may break a word anywhere; the others keep
theirs whole ("1,500", "Quality"), as breaking every column's words squeezes the short ones.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from components.tables import static_table

# Streamlit's own rules for text in a cell are more specific than a class and a tag.
_BREAK_ANYWHERE = "{cells} {{ overflow-wrap: anywhere !important; }}"


def fitted_table(frame: pd.DataFrame, *, key: str, long_text: Iterable[str]) -> None:
    """``frame`` as a static table no wider than the page; ``long_text`` names the columns
    whose words may be broken to fit."""
    positions = [frame.columns.get_loc(column) + 1 for column in long_text]
    cells = ", ".join(f".st-key-{key} td:nth-child({n}) *" for n in positions)
    with st.container(key=key):
        if cells:
            st.html(f"<style>{_BREAK_ANYWHERE.format(cells=cells)}</style>")
        static_table(frame)


def facts_table(facts: pd.DataFrame, *, key: str) -> None:
    """Facts by name (the index) beside one or more runs' values, one line per fact."""
    shown = facts.map(lambda cell: str(cell).replace("\n", " / ")).rename_axis("").reset_index()
    fitted_table(shown, key=key, long_text=shown.columns[1:])
