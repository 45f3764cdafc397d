"""Rules found in the data, as a table to tick: each in plain words with the real rows keeping
and breaking it. Found once per dataset and metadata (``st.cache_data``, keyed by ids and the
dataset's fingerprint; the rows are read only on a miss)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from components.workspace import open_workspace
from core.data.rule_suggestions import Suggestion, suggest_rules
from core.data.rule_types import rule_key
from core.data.rule_words import explain_rule
from core.meta import StudioMetadata
from core.workspace.records import DatasetInfo


@st.cache_data(show_spinner=False, max_entries=16)
def cached_suggestions(
    workspace_path: str, dataset_id: int, fingerprint: str, metadata_json: str
) -> list[Suggestion]:
    """Suggestions of a dataset, cached by its fingerprint and metadata (rules left out)."""
    metadata = StudioMetadata.from_dict(json.loads(metadata_json))
    return suggest_rules(open_workspace(workspace_path).read_real(dataset_id), metadata)


def find_suggestions(
    workspace_path: str, dataset: DatasetInfo, metadata: StudioMetadata
) -> list[Suggestion]:
    """The dataset's suggestions, with a spinner while a table is read and searched."""
    without_rules = json.dumps(metadata.with_rules([]).to_dict(), sort_keys=True)
    with st.spinner(f"Looking for rules in {dataset.n_rows:,} rows…"):
        return cached_suggestions(workspace_path, dataset.id, dataset.fingerprint, without_rules)


def suggestion_table(
    found: Sequence[Suggestion], metadata: StudioMetadata, *, key: str
) -> list[dict[str, Any]]:
    """The suggestions not set yet, with a tick each; returns the ticked rules."""
    kept = sorted(rule_key(r) for r in metadata.rules)
    shown = [s for s in found if rule_key(s.rule) not in kept]
    if not shown:
        st.caption("No other rule holds in the real rows.")
        return []
    frame = pd.DataFrame(
        {
            "add": False,
            "rule": [explain_rule(s.rule, metadata.sdtypes) for s in shown],
            "kind": [s.rule["type"] for s in shown],
            "keeping": [s.support_rows for s in shown],
            "breaking": [s.breaking_rows for s in shown],
            "note": [s.why or ("" if s.holds else "real rows break it") for s in shown],
        }
    )
    # A new key when the rules change, so no tick lands on a row that moved up.
    digest = hashlib.sha1(repr(kept).encode()).hexdigest()[:10]
    edited = st.data_editor(
        frame,
        key=f"{key}.{digest}",
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        disabled=["rule", "kind", "keeping", "breaking", "note"],
        column_config={
            "add": st.column_config.CheckboxColumn(
                "Add", width=64, help="Tick, then Add ticked rules."
            ),
            "rule": st.column_config.TextColumn("Rule", width=310),
            "kind": st.column_config.TextColumn("Kind", width=130),
            "keeping": st.column_config.NumberColumn(
                "Keeping", width=72, format="localized", help="Real rows that keep it."
            ),
            "breaking": st.column_config.NumberColumn(
                "Breaking", width=72, format="localized", help="Real rows that break it."
            ),
            "note": st.column_config.TextColumn("Note"),
        },
    )
    return [s.rule for s, tick in zip(shown, edited["add"], strict=True) if tick]
