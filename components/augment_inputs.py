"""The augmentation switch of the "Shape the rows" section and the column it predicts.

Ticked, the run trains one classifier on the real rows alone and one on real plus synthetic
rows and tests both on the holdout; only a column with classes can be the target.
"""

from __future__ import annotations

import streamlit as st

from core.runs.shaping_options import ShapeableColumn


def augment_inputs(columns: dict[str, ShapeableColumn], *, key: str) -> tuple[bool, str | None]:
    """Whether to measure augmentation, and the target column picked (None when none is)."""
    augment = st.checkbox(
        "Measure whether the synthetic rows help a model (mix with real)",
        help="Trains one classifier on the real rows alone and one on real plus synthetic "
        "rows, and tests both on the holdout neither saw.",
        key=f"{key}.augment",
    )
    targets = [c.name for c in columns.values() if c.classes]
    target = st.selectbox("Target column", targets, disabled=not augment, key=f"{key}.target")
    return augment, target
