"""A rule written by hand: its kind, then the columns (of the types it reads) and settings."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.data.rule_types import RULE_KINDS, RULE_TYPES
from core.data.rules import columns_for_rules
from core.meta import StudioMetadata

# Parameters that name one column, with their labels, per rule type.
_ONE_COLUMN = {
    "Inequality": (("low_column_name", "Low column"), ("high_column_name", "High column")),
    "Range": (
        ("low_column_name", "Low column"),
        ("middle_column_name", "Middle column"),
        ("high_column_name", "High column"),
    ),
    "FixedIncrements": (("column_name", "Column"),),
}
# SDV's defaults: an Inequality allows ties, a Range does not.
_STRICT = {"Inequality": False, "Range": True}


def rule_form(metadata: StudioMetadata, *, key: str) -> dict[str, Any] | None:
    """The rule the user submits (not checked yet), or None before a submit."""
    kind = st.selectbox("Kind of rule", RULE_TYPES, format_func=RULE_KINDS.get, key=f"{key}.kind")
    columns = columns_for_rules(metadata)[kind]
    wanted = len(_ONE_COLUMN[kind]) if kind in _ONE_COLUMN else 2  # a set needs two
    if len(columns) < wanted:
        st.caption(f"This table has too few columns of the types a {kind} rule reads.")
        return None
    rule: dict[str, Any] = {"type": kind}
    with st.form(f"{key}.{kind}.form", border=False):
        for i, (name, label) in enumerate(_ONE_COLUMN.get(kind, ())):
            rule[name] = st.selectbox(label, columns, index=i, key=f"{key}.{kind}.{name}")
        if kind in _STRICT:
            rule["strict_boundaries"] = st.checkbox(
                "Strictly (no ties)", value=_STRICT[kind], key=f"{key}.{kind}.strict"
            )
        elif kind == "FixedIncrements":
            rule["increment_value"] = st.number_input(
                "Step (a whole number)", min_value=1, value=1, step=1, key=f"{key}.{kind}.step"
            )
        else:
            rule["column_names"] = st.multiselect(
                "Columns (two or more)", columns, key=f"{key}.{kind}.columns"
            )
        submitted = st.form_submit_button("Add this rule")
    return rule if submitted else None
