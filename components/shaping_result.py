"""How a shaped run came out, read from its stored scores: each scenario's fidelity beside
its baseline (with the warning and the synthesizer to try when poor), the shares a rebalance
reached against those asked, the rows keeping each rule and the augmentation verdict."""

from __future__ import annotations

import streamlit as st

from core.config import get_settings
from core.data.formats import TableFormat
from core.evaluate.plots import plot_rebalance
from core.evaluate.shaping_view import rule_summary, scenario_rows
from core.evaluate.stored import StoredScores
from core.runs.shaping_options import rule_lines, scenario_warning
from core.synth.scenarios import describe_shaping
from core.workspace.store import Workspace


def shaping_result(workspace: Workspace, run_id: int, *, dataset_id: int) -> None:
    """The shaping checks of a finished run of this dataset; nothing for an unshaped run."""
    run = workspace.get_run(run_id)
    if run.dataset_id != dataset_id or run.status != "done":
        return
    scores = StoredScores.of(run.scores)
    scenarios, rules = scenario_rows(scores.scenarios), rule_lines(scores)
    rebalance, augmentation = scores.rebalance, scores.augmentation
    if not (scenarios or rules or rebalance or augmentation or run.shaping):
        return
    st.subheader(f"Run #{run.id}: how its rows were shaped")
    if said := describe_shaping(
        run.shaping, TableFormat.from_dict(workspace.get_dataset(dataset_id).formats)
    ):
        st.caption(f"Asked: {said}.")
    if scenarios:
        st.dataframe(scenarios, hide_index=True, key="synthesize.shape.scenarios")
        st.caption(
            "Fidelity: each scenario's rows against the real rows of the same scenario (column "
            "shapes of the other columns, 0 to 1). Baseline: every real row against them, what "
            "rows that ignore the scenario would score."
        )
    if warning := scenario_warning(scores):
        st.warning(warning)
    if rebalance:
        figure = plot_rebalance(rebalance, max_categories=get_settings().plot_max_categories)
        st.plotly_chart(figure, key="synthesize.shape.reached")
        st.caption(
            f"Shares of {rebalance['column']} reached over all {rebalance['rows']:,} rows: at "
            f"most {rebalance['max_gap_points']:.1f} points from those asked."
        )
    for line in rules:
        st.markdown(line)
    if summary := rule_summary(scores.rules):
        st.caption(summary)
    if augmentation:
        st.info(f"Augmentation: {augmentation['verdict']}")
