"""Static tables that fit the page: every cell wraps instead of widening the table.

``st.table`` reads Markdown in its cells; text from a user's data (column names, values in an
error message) is escaped, so it shows exactly as written.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from core.workspace.records import RunInfo

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$])")


def plain(text: object) -> str:
    """``text`` with Markdown's special characters escaped."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def static_table(frame: pd.DataFrame) -> None:
    """``frame`` as a wrapping table without its index, every cell shown as written."""
    shown = frame.copy()
    shown.columns = [plain(c) for c in shown.columns]
    st.table(shown.map(plain), hide_index=True)


def run_title(run: RunInfo) -> str:
    """ "Run #12", then the run's name when it has one, for Markdown (the name escaped)."""
    return f"Run #{run.id}, {plain(run.name)}" if run.name else f"Run #{run.id}"
