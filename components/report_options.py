"""The stakeholder report's options on the Compare page: the columns it plots and the utility
result it prints, remembered per run for the session, and its download button.

Both are small user choices kept in the session's state (:class:`components.state.StudioState`),
so leaving Compare and coming back (which drops a widget's own state) keeps them.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components import compare
from components.state import get_state

COLUMNS_KEY = "compare.report.columns"  # the multiselect


def remember_utility(run_id: int, result: dict[str, Any]) -> None:
    """Keep the utility result measured on Compare for this run's report."""
    get_state().utility_results[run_id] = dict(result)


def report_columns_picker(
    path: str, dataset_id: int, run_id: int, sdtypes: dict[str, str], columns: list[str]
) -> list[str]:
    """A multiselect of the learned ``columns`` the report plots, defaulting to the most
    informative ones; identifiers and keys are never among ``columns``."""
    choices = get_state().report_columns
    if run_id not in choices:
        choices[run_id] = compare.default_report_columns(path, dataset_id, run_id, sdtypes)
    picked = st.multiselect(
        "Columns the report plots",
        columns,
        default=[c for c in choices[run_id] if c in columns],
        key=f"{COLUMNS_KEY}.{run_id}",
        help="Defaults to the most informative columns: numbers and dates, then categories "
        "with few values. Direct identifiers and keys are never plotted.",
    )
    choices[run_id] = picked
    return picked


def report_download(
    path: str, dataset_id: int, run_id: int, sdtypes: dict[str, str], *, file_name: str,
    override_at: str | None, key: str = "compare.report", pick: bool = True,
) -> None:  # fmt: skip
    """The report's columns, what else it holds, and its download button (widget ``key``).

    Compare offers it with the columns picker (``pick``); Export without one, with the columns
    picked on Compare, or the default ones worked out only when the report is downloaded, so
    the page never reads the rows to draw a button.
    """
    if pick:
        columns: list[str] | None = report_columns_picker(
            path, dataset_id, run_id, sdtypes, list(compare.learned_only(sdtypes))
        )
    else:
        columns = get_state().report_columns.get(run_id)
        st.caption(
            f"It plots the columns picked on Compare: {', '.join(columns) or 'none'}."
            if columns is not None
            else "It plots the most informative columns; pick others on Compare."
        )
    utility = get_state().utility_results.get(run_id)
    if utility is not None:
        st.caption(
            f"The report includes the utility result for '{utility['target']}' measured on "
            "Compare's Utility tab."
        )
    else:
        st.caption(
            "Pick a column on Compare's Utility tab to add its utility result to the report."
        )
    chosen = None if columns is None else tuple(columns)
    st.download_button(
        "Download the HTML report",
        data=lambda: compare.report_html(
            path, dataset_id, run_id, sdtypes, override_at, chosen, utility
        ),
        file_name=file_name,
        mime="text/html",
        key=key,
        on_click="ignore",  # as on the Export page: a rerun could strand the deferred request
    )
