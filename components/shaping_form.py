"""The Synthesize page's "Shape the rows" section: conditions, a rebalance and augmentation.

It sits beside the form, not inside it: a column picked here shows its values at once, and
the shares typed for a rebalance are added up (and drawn) as they are typed, which inputs
inside an ``st.form`` would only do on submit. The choices come from the real rows through
:mod:`core.runs.shaping_options`, so only what the pipeline accepts is offered. The conditions
(and their prefill from Compare) are in :mod:`components.shape_conditions`, the rebalance in
:mod:`components.share_inputs`, the augmentation switch in :mod:`components.augment_inputs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from components.augment_inputs import augment_inputs
from components.shape_conditions import apply_prefill, condition_inputs
from components.share_inputs import rebalance_inputs
from components.workspace import open_workspace
from core.data.formats import TableFormat
from core.meta import StudioMetadata
from core.runs.shaping_options import (
    ShapeableColumn,
    form_metadata,
    refusal,
    rules_line,
    shapeable_columns,
    unable_to_condition,
)
from core.synth.registry import SynthesizerSpec
from core.workspace.records import DatasetInfo

KEY = "synthesize.shape"


@dataclass(frozen=True)
class ShapeRequest:
    """What the section asks of a run; ``problem`` is the one line that refuses it."""

    conditions: dict[str, str] = field(default_factory=dict)
    rebalance: str | None = None
    shares: dict[str, float] | None = None
    augment: bool = False
    target: str | None = None
    problem: str = ""

    @property
    def shaped(self) -> bool:
        return bool(self.conditions or self.rebalance)

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments of :func:`core.runs.pipeline.synthesize`."""
        return {
            "conditions": self.conditions or None,
            "rebalance": self.rebalance,
            "shares": self.shares,
            "augment": self.augment,
            "target": self.target,
        }


@st.cache_data(show_spinner=False, max_entries=16)
def _columns(
    workspace_path: str, dataset_id: int, metadata: dict | None, formats: dict | None
) -> list[ShapeableColumn]:
    real = open_workspace(workspace_path).read_real(dataset_id)
    known = StudioMetadata.from_dict(metadata) if metadata else None
    return shapeable_columns(real, form_metadata(real, known), TableFormat.from_dict(formats))


def shaping_inputs(
    dataset: DatasetInfo, spec: SynthesizerSpec, *, workspace_path: str
) -> ShapeRequest:
    """The section, in an expander; returns what it asks of the run."""
    metadata = dataset.metadata.to_dict() if dataset.metadata else None
    columns = {c.name: c for c in _columns(workspace_path, dataset.id, metadata, dataset.formats)}
    prefilled = apply_prefill(columns, key=KEY)
    refused = refusal(spec)
    # Keyed and tracked: it stays as the person left it across reruns, and opens for a prefill.
    with st.expander("Shape the rows", key=f"{KEY}.open", on_change="rerun"):
        if prefilled:
            st.info(prefilled)
        st.caption(
            "Generate rows of a scenario, rebalance a category, or measure whether the rows "
            f"help a model. {' and '.join(unable_to_condition())} cannot condition."
        )
        if refused:
            st.warning(refused)
        if rules := rules_line(dataset.metadata, spec):
            st.caption(rules)
        conditions = condition_inputs(columns, disabled=bool(refused), key=KEY)
        rebalance, shares, problem = rebalance_inputs(
            columns, conditions, disabled=bool(refused), key=KEY
        )
        augment, target = augment_inputs(columns, key=KEY)
    shaped = bool(conditions or rebalance)
    return ShapeRequest(
        conditions=conditions,
        rebalance=rebalance,
        shares=shares,
        augment=augment and target is not None,
        target=target if augment else None,
        problem=refused if shaped and refused else problem,
    )
