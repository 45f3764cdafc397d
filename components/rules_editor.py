"""The rules every extract keeps: those set (each removable), suggestions found in the data with
the real rows keeping and breaking each (ticked, then added), and a rule written by hand.

Every add goes through :func:`core.data.rules.add_rules`: a rule the real rows break, an unknown
or faked column or a type the rule cannot read is one line and saves nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from components.rule_form import rule_form
from components.rule_suggestions import find_suggestions, suggestion_table
from components.state import StudioState
from components.workspace import real_table
from core.data.rule_words import explain_rule
from core.data.rules import add_rules, remove_rule
from core.errors import StudioError
from core.meta import StudioMetadata
from core.synth.registry import REGISTRY
from core.workspace.records import DatasetInfo
from core.workspace.store import Workspace

# Tables up to this many cells are searched for rules on first view (well under a second);
# larger ones wait for the switch.
AUTO_CELLS = 2_000_000


def rules_editor(
    workspace: Workspace, dataset: DatasetInfo, metadata: StudioMetadata, state: StudioState
) -> None:
    """The Rules section of the Metadata page."""
    st.subheader("Rules")
    if message := state.pop_flash():
        st.success(message)
    keep = [s.label for s in REGISTRY.values() if s.rules]
    cannot = [s.label for s in REGISTRY.values() if not s.rules]
    refused = f"; {_and(cannot)} cannot keep rules, so Synthesize refuses it while there are any"
    st.caption(
        f"Every synthetic row keeps these rules: on Synthesize, {_and(keep)} keep them"
        f"{refused if cannot else ''}."
    )
    if not metadata.rules:
        st.caption("No rules yet: tick a suggestion or write one below.")
    for i, rule in enumerate(metadata.rules):
        text, kind, remove = st.columns([6, 2, 1], vertical_alignment="center")
        text.markdown(explain_rule(rule, metadata.sdtypes))
        kind.caption(rule["type"])
        if remove.button("Remove", key=f"rules.remove.{dataset.id}.{i}"):
            _save(workspace, dataset, remove_rule(metadata, rule), state, "Rule removed.")

    st.markdown("**Found in the data**")
    auto = dataset.n_rows * dataset.n_columns <= AUTO_CELLS
    if not st.toggle("Look for rules in the data", value=auto, key=f"rules.find.{dataset.id}"):
        st.caption(f"Reads all {dataset.n_rows:,} rows once; kept for this dataset.")
    else:
        found = find_suggestions(str(workspace.path), dataset, metadata)
        with st.container(key="rules-suggestions"):
            ticked = suggestion_table(found, metadata, key=f"rules.suggestions.{dataset.id}")
            if st.button("Add ticked rules", disabled=not ticked, key=f"rules.add.{dataset.id}"):
                _add(workspace, dataset, metadata, ticked, state)

    with st.expander("Write a rule by hand"):
        rule = rule_form(metadata, key=f"rules.hand.{dataset.id}")
        if rule is not None:
            _add(workspace, dataset, metadata, [rule], state)


def _and(names: Sequence[str]) -> str:
    return f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else "".join(names)


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
    message = {0: "Already a rule of this dataset.", 1: "Added 1 rule."}.get(
        added, f"Added {added} rules."
    )
    _save(workspace, dataset, updated, state, message)


def _save(
    workspace: Workspace,
    dataset: DatasetInfo,
    metadata: StudioMetadata,
    state: StudioState,
    message: str,
) -> None:
    # Saved, then the page is drawn again so the list above shows the change.
    workspace.set_metadata(dataset.id, metadata)
    state.flash = message
    st.rerun()
