"""The Synthesize form's live fit estimate: the epochs input it follows, and the table's shape.

Inputs inside an ``st.form`` do not rerun the page until the form is submitted, so an estimate
drawn inside the form kept showing the default epochs' time (15 h on diamonds) after 3 epochs
were typed. The epochs input, the only setting the estimate depends on besides the
synthesizer, sits outside the form and reruns the page as it changes; the other settings stay
batched in the form.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from components.workspace import open_workspace
from core.synth.estimate import TableShape, guess_sdtypes, table_shape
from core.synth.registry import SynthesizerSpec


def epochs_input(spec: SynthesizerSpec, *, key: str) -> int | None:
    """The epochs input of a synthesizer trained in epochs, outside any form; else None.

    Its widget key is the one the parameter form would give it (``{key}.{spec}.epochs``).
    """
    param = next((p for p in spec.params if p.name == "epochs"), None)
    if param is None:
        return None
    return int(
        st.number_input(
            param.label,
            min_value=int(param.low),
            max_value=int(param.high),
            value=int(param.default),
            step=int(param.step or 1),
            help=f"{param.help} The estimate below follows it.",
            key=f"{key}.{spec.key}.{param.name}",
        )
    )


def without_epochs(spec: SynthesizerSpec) -> SynthesizerSpec:
    """``spec`` with its other parameters only, for the form below the epochs input."""
    return dataclasses.replace(spec, params=tuple(p for p in spec.params if p.name != "epochs"))


@st.cache_data(show_spinner=False, max_entries=64)
def dataset_shape(
    workspace_path: str, dataset_id: int, sdtypes: dict[str, str] | None
) -> TableShape:
    """The dataset's rows, learned columns and distinct values (one DuckDB pass, cached).

    ``sdtypes`` are the dataset's metadata (part of the cache key: an edit re-reads); before
    the metadata is detected, they are guessed from the column types.
    """
    workspace = open_workspace(workspace_path)
    rows = workspace.get_dataset(dataset_id).n_rows
    distinct = workspace.distinct_counts(dataset_id)
    if sdtypes is None:
        types = dict(workspace.column_types(dataset_id).itertuples(index=False))
        sdtypes = guess_sdtypes(types, distinct=distinct, rows=rows)
    return table_shape(rows=rows, sdtypes=sdtypes, distinct=distinct)
