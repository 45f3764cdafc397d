"""Score widgets of the Compare page: headline metrics, coverage and the utility check."""

from __future__ import annotations

import streamlit as st

from components import compare
from components.report_options import remember_utility
from core.errors import StudioError
from core.evaluate.coverage import COVERAGE_KEYS
from core.evaluate.readings import (
    HEADLINE_KEYS,
    SCORES,
    headline_columns,
    protection_notes,
    read_range_coverage,
    read_score,
)
from core.evaluate.stored import StoredScores
from core.formatting import readable_rows
from core.synth.training_sample import fitted_sample_note


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def score_metrics(scores: StoredScores) -> None:
    """Quality beside its holdout ceiling, the two halves of quality, and validity."""
    cells = st.columns(5)
    for cell, key in zip(cells, HEADLINE_KEYS, strict=True):
        info, value = SCORES[key], scores.value(key)
        cell.metric(
            info.label,
            _pct(value),
            help=f"{info.meaning.capitalize()}. Reading: {read_score(key, value)}.",
        )
    notes = []
    if scores.sample_rows:
        notes.append(f"scored on up to {scores.sample_rows:,} rows per table")
    used, total = scores.raw.get("columns_used", 0), scores.raw.get("columns_total", 0)
    if scores.scored_columns is None and total > used:  # stored before columns were listed
        notes.append(f"{used} of {total} columns sampled")
    holdout_rows = scores.holdout_rows
    if 0 < holdout_rows < 200:
        notes.append(f"the holdout has only {holdout_rows} rows, so its ceiling is noisy")
    if notes:
        st.caption("; ".join(notes).capitalize() + ".")
    if headline := headline_columns(scores):
        st.caption(headline)
    if sampled := fitted_sample_note(dict(scores.holdout)):
        st.caption(sampled)


def coverage_panel(scores: StoredScores) -> None:
    """Coverage of the real data and copying of real rows, each with its reading."""
    coverage = scores.coverage
    if not coverage:
        st.info("This run was scored before coverage was measured.")
        return
    cells = st.columns(4)
    for i, key in enumerate(COVERAGE_KEYS):
        value = coverage.get(key)
        reading = read_range_coverage(coverage) if key == "range_coverage" else None
        cells[i % 4].metric(
            SCORES[key].label,
            _pct(value),
            help=reading or read_score(key, value),
        )
    if coverage.get("range_clipped_columns"):
        st.caption(f"Range coverage: {read_range_coverage(coverage)}.")
    st.caption(
        f"Near-duplicates searched on {coverage.get('near_duplicate_sample_rows', 0):,} rows "
        "per table."
    )
    st.dataframe(readable_rows(coverage.get("per_column", [])), hide_index=True)


def protections_panel(scores: StoredScores) -> None:
    """What the protections changed in the training rows before fitting, and their cost."""
    notes = protection_notes(dict(scores.protections))
    if not notes:
        return
    with st.expander("Protections before fitting: what they changed and cost", expanded=False):
        for line in notes:
            st.markdown(f"- {line}")


def utility_panel(
    path: str, dataset_id: int, run_id: int, columns: list[str], *, holdout_rows: int
) -> None:
    """Train on synthetic, test on the real holdout, for a target the user picks."""
    if not holdout_rows:
        st.info("This table is too small to keep holdout rows, so utility cannot be tested.")
        return
    target = st.selectbox(
        "Column to predict",
        columns,
        index=None,
        key="compare.target",
        placeholder="Choose a target column",
    )
    if target is None:
        return
    try:
        with st.spinner("Training on real and on synthetic rows…"):
            result = compare.utility_scores(path, dataset_id, run_id, target)
    except StudioError as err:
        st.error(str(err))
        return
    remember_utility(run_id, result)
    real_cell, synth_cell, ratio_cell = st.columns(3)
    real_cell.metric(f"Trained on real ({result['metric']})", f"{result['real_score']:.3f}")
    synth_cell.metric(
        f"Trained on synthetic ({result['metric']})", f"{result['synthetic_score']:.3f}"
    )
    ratio = result.get("ratio")
    ratio_cell.metric(
        "Ratio", "n/a" if ratio is None else f"{ratio:.2f}", help=read_score("utility_ratio", ratio)
    )
    st.caption(
        f"{result['task'].capitalize()} with {result['model']}, tested on "
        f"{result['holdout_rows']:,} holdout rows. {result.get('note') or ''}"
    )
