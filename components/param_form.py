"""A synthesizer's parameter form, built by iterating its registry entry."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.synth.registry import SynthesizerSpec


def param_inputs(spec: SynthesizerSpec, *, key: str) -> dict[str, Any]:
    """One input per parameter, with its default, bounds and help; returns the values."""
    values: dict[str, Any] = {}
    for param in spec.params:
        widget_key = f"{key}.{spec.key}.{param.name}"
        if param.kind == "choice":
            values[param.name] = st.selectbox(
                param.label,
                param.choices,
                index=param.choices.index(param.default),
                help=param.help,
                key=widget_key,
            )
        elif param.kind == "int":
            values[param.name] = st.number_input(
                param.label,
                min_value=int(param.low),
                max_value=int(param.high),
                value=int(param.default),
                step=int(param.step or 1),
                help=param.help,
                key=widget_key,
            )
        else:
            values[param.name] = st.number_input(
                param.label,
                min_value=float(param.low),
                max_value=float(param.high),
                value=float(param.default),
                format="%.6f",
                help=param.help,
                key=widget_key,
            )
    return values
