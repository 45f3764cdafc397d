"""Adapts the core progress callback to one ``st.progress`` bar across a run's stages."""

from __future__ import annotations

import streamlit as st

# Share of the bar each stage fills, in order; fitting dominates a run.
_STAGES = {
    "fit": (0.0, 0.75, "Fitting"),
    "sample": (0.75, 0.95, "Sampling"),
    "evaluate": (0.95, 1.0, "Scoring"),
}


class StreamlitProgress:
    """A callable ``Progress`` that draws one bar with a line of text."""

    def __init__(self) -> None:
        self._bar = st.progress(0.0, text="Starting…")

    def __call__(self, stage: str, done: float, total: float | None) -> None:
        start, end, label = _STAGES.get(stage, (0.0, 1.0, stage.title()))
        if total:
            share = min(max(done / total, 0.0), 1.0)
            unit = "epochs" if stage == "fit" else "rows" if stage == "sample" else ""
            text = f"{label}: {done:,.0f} of {total:,.0f} {unit}".rstrip()
        else:
            share = 0.0
            text = f"{label}… {done:.0f} s" if stage == "fit" else f"{label}…"
        self._bar.progress(start + (end - start) * share, text=text)

    def done(self, text: str) -> None:
        self._bar.progress(1.0, text=text)
