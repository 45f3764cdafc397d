"""The rules every extract keeps: those set (each removable), suggestions found in the data with
the real rows keeping and breaking each (ticked, then added), and a rule written by hand.

Every add goes through :func:`core.data.rules.add_rules`: a rule the real rows break, an unknown
or faked column or a type the rule cannot read is one line and saves nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from components.rule_form import rule_form
from components.state import StudioState
from components.workspace import open_workspace, real_table
from core.data.rule_suggestions import Suggestion, suggest_rules
from core.data.rules import add_rules, explain_rule, remove_rule, rule_key
from core.errors import StudioError
from core.meta import StudioMetadata
from core.synth.registry import REGISTRY
from core.workspace.records import DatasetInfo
from core.workspace.store import Workspace

# Tables up to this many cells are searched for rules on first view (well under a second);
# larger ones wait for the switch.
AUTO_CELLS = 2_000_000


@st.cache_data(show_spinner=False, max_entries=16)
def cached_suggestions(
    workspace_path: str, dataset_id: int, fingerprint: str, metadata_json: str
) -> list[Suggestion]:
    """Suggestions of a dataset, cached by its fingerprint and metadata (not its rules)."""
    metadata = StudioMetadata.from_dict(json.loads(metadata_json))
    return suggest_rules(open_workspace(workspace_path).read_real(dataset_id), metadata)


def rules_editor(
    workspace: Workspace, dataset: DatasetInfo, metadata: StudioMetadata, state: StudioState
) -> None:
    """The Rules section of the Metadata page."""
    st.subheader("Rules")
    keep = [s.label for s in REGISTRY.values() if s.rules]
    cannot = [s.label for s in REGISTRY.values() if not s.rules]
    refused = f"; {_and(cannot)} cannot keep rules, so Synthesize refuses it while there are any"
    st.caption(
        f"Every synthetic row keeps these rules: on Synthesize, {_and(keep)} keep them"
        f"{refused if cannot else ''}."
    )
    sdtypes = metadata.sdtypes
    if not metadata.rules:
        st.caption("No rules yet: tick a suggestion or write one below.")
    for i, rule in enumerate(metadata.rules):
        text, kind, remove = st.columns([6, 2, 1], vertical_alignment="center")
        text.markdown(explain_rule(rule, sdtypes))
        kind.caption(rule["type"])
        if remove.button("Remove", key=f"rules.remove.{dataset.id}.{i}"):
            _save(workspace, dataset, remove_rule(metadata, rule), state, "Rule removed.")

    st.markdown("**Found in the data**")
    auto = dataset.n_rows * dataset.n_columns <= AUTO_CELLS
    if not st.toggle("Look for rules in the data", value=auto, key=f"rules.find.{dataset.id}"):
        st.caption(f"Reads all {dataset.n_rows:,} rows once; kept for this dataset.")
    else:
        with st.spinner(f"Looking for rules in {dataset.n_rows:,} rows…"):
            found = cached_suggestions(
                str(workspace.path),
                dataset.id,
                dataset.fingerprint,
                json.dumps(metadata.with_rules([]).to_dict(), sort_keys=True),
            )
        with st.container(key="rules-suggestions"):
            ticked = _suggestion_table(found, metadata, key=f"rules.suggestions.{dataset.id}")
            if st.button("Add ticked rules", disabled=not ticked, key=f"rules.add.{dataset.id}"):
                _add(workspace, dataset, metadata, ticked, state)

    with st.expander("Write a rule by hand"):
        rule = rule_form(metadata, key=f"rules.hand.{dataset.id}")
    if rule is not None:
        _add(workspace, dataset, metadata, [rule], state)


def _and(names: Sequence[str]) -> str:
    return f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else "".join(names)


def _suggestion_table(
    found: Sequence[Suggestion], metadata: StudioMetadata, *, key: str
) -> list[dict[str, Any]]:
    """The suggestions not set yet, with a tick each; returns the ticked rules."""
    kept = {rule_key(r) for r in metadata.rules}
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
    edited = st.data_editor(
        frame,
        # A new key when the rules change, so ticks never land on a row that moved up.
        key=f"{key}.{hashlib.sha1(repr(sorted(kept)).encode()).hexdigest()[:10]}",
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
                "Keeping", width=72, format="%d", help="Real rows that keep it."
            ),
            "breaking": st.column_config.NumberColumn(
                "Breaking", width=72, format="%d", help="Real rows that break it."
            ),
            "note": st.column_config.TextColumn("Note"),
        },
    )
    return [s.rule for s, tick in zip(shown, edited["add"], strict=True) if tick]


def _add(
    workspace: Workspace,
    dataset: DatasetInfo,
    metadata: StudioMetadata,
    rules: Sequence[Mapping[str, Any]],
    state: StudioState,
) -> None:
    try:
        updated = add_rules(metadata, rules, real_table(str(workspace.path), dataset.id))
    except StudioError as err:
        st.error(str(err))
        return
    added = len(updated.rules) - len(metadata.rules)
    message = f"Added {added} rule(s)." if added else "Already a rule of this dataset."
    _save(workspace, dataset, updated, state, message)


def _save(
    workspace: Workspace,
    dataset: DatasetInfo,
    metadata: StudioMetadata,
    state: StudioState,
    message: str,
) -> None:
    workspace.set_metadata(dataset.id, metadata)
    state.flash = message
    st.rerun()
