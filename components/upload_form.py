"""The upload form's reading options: missing-value markers and a type for each column."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from core.data.formats import DEFAULT_MISSING, TYPE_CHOICES, ReadOptions, parse_markers
from core.data.ingest import ColumnPreview, preview_columns


@st.cache_data(show_spinner=False, max_entries=8)
def upload_columns(file_id: str, name: str, _data: memoryview) -> list[ColumnPreview]:
    """The uploaded file's columns and detected types, sniffed once per upload."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.bin"
        path.write_bytes(_data)
        return preview_columns(path, display_name=name)


def read_options(columns: list[ColumnPreview], *, key: str) -> ReadOptions:
    """Markers and forced types as the user sets them; call inside the upload ``st.form``."""
    markers = st.text_input(
        "Missing-value markers",
        value=", ".join(m for m in DEFAULT_MISSING if m),
        key=f"{key}.missing",
        help="Cells holding exactly one of these (comma-separated) are read as missing; an "
        "empty cell always is. Clear a marker that is a real value in your data (NA for "
        "North America or Namibia).",
    )
    frame = pd.DataFrame(
        {
            "column": [c.name for c in columns],
            "detected": [c.detected for c in columns],
            "load_as": ["auto"] * len(columns),
        }
    )
    edited = st.data_editor(
        frame,
        key=f"{key}.types",
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        disabled=["column", "detected"],
        column_config={
            "column": st.column_config.TextColumn("Column"),
            "detected": st.column_config.TextColumn("Read as"),
            "load_as": st.column_config.SelectboxColumn(
                "Load as",
                options=list(TYPE_CHOICES),
                required=True,
                help="auto keeps the detected type; text keeps codes such as postal codes "
                "exactly as written.",
            ),
        },
    )
    forced = {
        str(row["column"]): str(row["load_as"])
        for row in edited.to_dict("records")
        if row["load_as"] != "auto"
    }
    return ReadOptions(missing=("", *parse_markers(markers)), types=forced)
