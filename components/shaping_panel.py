"""How a run was shaped, read from its stored checks: rules, scenarios, shares, augmentation."""

from __future__ import annotations

import streamlit as st

from core.config import get_settings
from core.evaluate.plots import plot_rebalance
from core.evaluate.shaping_view import (
    AUGMENTATION_HOW_TO,
    augmentation_rows,
    rule_rows,
    rule_summary,
    scenario_rows,
)
from core.evaluate.stored import StoredScores


def shaping_panel(scores: StoredScores) -> None:
    """Every shaping block the run stored; a line for each it did not."""
    st.markdown("**Rules**")
    if rows := rule_rows(scores.rules):
        st.dataframe(rows, hide_index=True, key="compare.shaping.rules")
        if summary := rule_summary(scores.rules):
            st.caption(summary)
    else:
        st.caption("No rule was added to this dataset or found in every real row.")
    st.markdown("**Scenarios**")
    if scenarios := scores.scenarios:
        st.dataframe(scenario_rows(scenarios), hide_index=True, key="compare.shaping.scenarios")
        st.caption(
            "Fidelity: each scenario's synthetic rows against its real rows (0 to 1). "
            "Baseline: every real row against them, what writing the condition over a copy "
            "of the table would reach."
        )
        for scenario in scenarios:
            if scenario.get("warning"):
                st.warning(scenario["warning"], icon=":material/warning:")
    else:
        st.caption("This run was not conditioned or rebalanced.")
    if rebalance := scores.rebalance:
        figure = plot_rebalance(rebalance, max_categories=get_settings().plot_max_categories)
        st.plotly_chart(figure, key="compare.shaping.shares")
        st.caption(
            f"Counted over all {rebalance['rows']:,} rows: at most "
            f"{rebalance['max_gap_points']:.2f} points from the shares asked for."
        )
    st.markdown("**Augmentation**")
    if augmentation := scores.augmentation:
        st.dataframe(
            augmentation_rows(augmentation), hide_index=True, key="compare.shaping.augmentation"
        )
        st.info(augmentation["verdict"], icon=":material/model_training:")
    else:
        st.caption(AUGMENTATION_HOW_TO)
        st.page_link("pages/3_synthesize.py", label="Open Synthesize", icon=":material/tune:")
