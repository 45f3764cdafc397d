"""The rebalance inputs of the "Shape the rows" section: a category column and its shares,
equal or typed per category as percentages (added up as typed), drawn against the real ones."""

from __future__ import annotations

import streamlit as st

from core.config import get_settings
from core.errors import InvalidParameterError
from core.evaluate.plots import plot_shares
from core.runs.shaping_options import ShapeableColumn, shares_from_percents

EQUAL, TYPED = "Equal shares", "Typed per category"


def rebalance_inputs(
    columns: dict[str, ShapeableColumn], conditions: dict[str, str], *, disabled: bool, key: str
) -> tuple[str | None, dict[str, float] | None, str]:
    """The column to rebalance, its shares (None: equal) and the line refusing them.

    A column fixed by a condition is not offered; the shares asked are drawn beside the real
    ones as they are typed.
    """
    options = [c for c, col in columns.items() if c not in conditions and len(col.values) > 1]
    column = st.selectbox(
        "Rebalance a category column",
        options,
        index=None,
        placeholder="No rebalancing",
        disabled=disabled,
        key=f"{key}.rebalance",
    )
    if column is None:
        return None, None, ""
    choice = columns[column]
    mode = st.radio("Shares", (EQUAL, TYPED), horizontal=True, key=f"{key}.mode")
    shares, problem = None, ""
    if mode == TYPED:
        slots = st.columns(4)
        percents = {
            value: slots[i % 4].number_input(
                f"{value} (%)",
                min_value=0.0,
                max_value=100.0,
                value=start,
                step=1.0,
                format="%.1f",
                key=f"{key}.share.{column}.{value}",
            )
            for i, (value, start) in enumerate(choice.percents().items())
        }
        try:
            shares = shares_from_percents(percents)
        except InvalidParameterError as err:
            problem = str(err)
            st.warning(problem)  # refused as an error on submit
    asked = shares if mode == TYPED else {v: 1 / len(choice.values) for v in choice.values}
    if not problem:
        figure = plot_shares(
            column,
            before=choice.shares,
            target=asked,
            max_categories=get_settings().plot_max_categories,
        )
        st.plotly_chart(figure, key=f"{key}.plot")
    return column, shares, problem
