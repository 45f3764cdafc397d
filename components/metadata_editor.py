"""The editable metadata table: one row per column, type / key / personal-data role, and why."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd
import streamlit as st

from core.data.metadata import ColumnMeta, sdtype_options
from core.data.personal import ROLE_HELP
from core.meta import ROLES


def metadata_editor(columns: list[ColumnMeta], *, key: str) -> list[ColumnMeta]:
    """Show the columns for editing and return them as edited (names and reasons fixed)."""
    frame = pd.DataFrame([asdict(c) for c in columns])
    edited = st.data_editor(
        frame,
        key=key,
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        disabled=["name", "reason", "role_reason"],
        column_order=["name", "sdtype", "primary_key", "role", "reason", "role_reason"],
        column_config={
            "name": st.column_config.TextColumn("Column"),
            "sdtype": st.column_config.SelectboxColumn(
                "Type",
                options=sdtype_options(columns),
                required=True,
                help="How the synthesizer treats the column.",
            ),
            "primary_key": st.column_config.CheckboxColumn(
                "Primary key", help="Unique row identifier; generated, not learned."
            ),
            "role": st.column_config.SelectboxColumn(
                "Personal data",
                options=list(ROLES),
                required=True,
                help="; ".join(f"{role}: {text}" for role, text in ROLE_HELP.items()),
            ),
            "reason": st.column_config.TextColumn("Why this type", width="medium"),
            "role_reason": st.column_config.TextColumn("Why this role", width="large"),
        },
    )
    return [
        ColumnMeta(
            name=row["name"],
            sdtype=row["sdtype"],
            role=row["role"],
            primary_key=bool(row["primary_key"]),
            reason=row["reason"],
            role_reason=row["role_reason"] or "",
        )
        for row in edited.to_dict("records")
    ]
