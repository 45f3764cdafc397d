"""Adapts the core progress callback to one ``st.progress`` bar across a run's stages."""

from __future__ import annotations

import time

import streamlit as st

from core.formatting import duration

# Share of the bar each stage fills, and its label. A neural fit's setup (preparing the table,
# learning each column's mixture model, encoding the rows) takes minutes on big tables before
# the first epoch, so it has a share of its own; fitting dominates a run.
_STAGES = {
    "wait": (0.0, 0.0, "Waiting for another session's fit to end"),
    "prepare": (0.0, 0.03, "Preparing the table"),
    "columns": (0.03, 0.12, "Learning each column's distribution"),
    "encode": (0.12, 0.15, "Encoding the rows"),
    "fit": (0.15, 0.75, "Fitting"),
    "sample": (0.75, 0.95, "Sampling"),
    "evaluate": (0.95, 1.0, "Scoring"),
}
_UNITS = {"fit": "epochs", "columns": "columns", "sample": "rows", "evaluate": "checks"}
# A shaped run draws rows until enough meet its conditions (core.synth.scenarios): the count
# is of rows kept, and it may pause on a draw whose rows mostly miss.
_SHAPED_SAMPLE = "Drawing rows that meet the conditions"


class StreamlitProgress:
    """A callable ``Progress`` that draws one bar with a line of text.

    The text ends with the time spent in the current stage, so it moves every update even
    while one column or one epoch takes a while. ``shaped`` names the sampling of a run with
    conditions or a rebalance as the drawing of matching rows.
    """

    def __init__(self, *, shaped: bool = False) -> None:
        self._bar = st.progress(0.0, text="Starting…")
        self._stage = ""
        self._since = time.perf_counter()
        self._labels = {"sample": _SHAPED_SAMPLE} if shaped else {}

    def __call__(self, stage: str, done: float, total: float | None) -> None:
        if stage != self._stage:
            self._stage, self._since = stage, time.perf_counter()
        start, end, label = _STAGES.get(stage, (0.0, 1.0, stage.title()))
        label = self._labels.get(stage, label)
        spent = duration(time.perf_counter() - self._since)
        share = min(max(done / total, 0.0), 1.0) if total else 0.0
        self._bar.progress(
            start + (end - start) * share, text=f"{_text(stage, label, done, total)} · {spent}"
        )

    def done(self, text: str) -> None:
        self._bar.progress(1.0, text=text)


def _text(stage: str, label: str, done: float, total: float | None) -> str:
    if not total:
        return f"{label}…"
    whole = int(done)
    text = f"{label}: {whole:,} of {total:,.0f} {_UNITS.get(stage, '')}".rstrip()
    if stage == "fit" and done > whole:  # within an epoch: how far through its batches
        text += f", {done - whole:.0%} into the {'first' if whole == 0 else 'next'}"
    return text
