"""The conditions of the "Shape the rows" section: every generated row has the picked values.

A column is picked in a multiselect and its value in a selectbox beside it. Compare's
"Generate more of these" hands over values through the session's prefill; :func:`apply_prefill`
writes those it can into the same widget keys, once, and says what it kept and what it left.
"""

from __future__ import annotations

import streamlit as st

from components.state import get_state
from core.runs.shaping_options import ShapeableColumn
from core.synth.scenarios import value_label


def apply_prefill(columns: dict[str, ShapeableColumn], *, key: str) -> str:
    """Fill the conditions from Compare's "Generate more of these", once; say what was done.

    The prefill reads ``{"conditions": {column: value}}``; a value this table cannot be
    shaped by is left out and named.
    """
    prefill = get_state().take_prefill()
    if not prefill:
        return ""
    picked, kept, left = [], [], []
    for column, value in (prefill.get("conditions") or {}).items():
        label = value_label(value)
        shown = columns[column].label_of(label) if column in columns else None
        if shown is not None:
            st.session_state[f"{key}.value.{column}"] = shown
            picked.append(column)
            kept.append(f"{column}={shown}")
        else:
            left.append(f"{column}={label}")
    st.session_state[f"{key}.columns"] = picked
    st.session_state[f"{key}.open"] = True
    said = f"Conditions filled in from Compare: {', '.join(kept)}." if kept else ""
    if left:
        said += f" Left out (not a value this table can be shaped by): {', '.join(left)}."
    return said.strip()


def condition_inputs(
    columns: dict[str, ShapeableColumn], *, disabled: bool, key: str
) -> dict[str, str]:
    """The picked columns and the value each row has in them, up to three selectboxes a row."""
    picked = st.multiselect(
        "Conditions: every row has these values",
        list(columns),
        help="Category columns and numbers with few values. The model draws the other columns "
        "given them.",
        disabled=disabled,
        key=f"{key}.columns",
    )
    slots = st.columns(min(len(picked), 3)) if picked else []
    return {
        column: slots[i % len(slots)].selectbox(
            column, columns[column].values, disabled=disabled, key=f"{key}.value.{column}"
        )
        for i, column in enumerate(picked)
    }
