"""Step 2, Metadata: detected column types, key and PII flags, editable and validated; the rules
every extract keeps, found in the data or written by hand."""

import streamlit as st

from components.metadata_editor import metadata_editor
from components.rules_editor import rules_editor
from components.step import open_step
from components.workspace import real_table
from core.data.metadata import apply_edits, columns_of
from core.data.personal import ROLE_HELP
from core.data.roles import COMMON_LOCALES, with_locale
from core.data.rules import check_rules
from core.errors import StudioError
from core.meta import DIRECT, QUASI
from core.runs.pipeline import ensure_metadata

step = open_step("Metadata")
state, workspace, settings = step
dataset = step.dataset()
with st.spinner("Detecting column types…"):
    metadata = ensure_metadata(workspace, dataset)
st.caption(
    f"**{dataset.name}**: how each column will be modelled. Change a type, tick the "
    "primary key or move a column between direct identifier, quasi-identifier and not "
    "personal, then save; SDV checks the result against the data."
)

columns = columns_of(metadata)
by_role = {role: [c.name for c in columns if c.role == role] for role in (DIRECT, QUASI)}
if by_role[DIRECT] or by_role[QUASI]:
    st.caption(
        f"Direct identifiers ({', '.join(by_role[DIRECT]) or 'none'}): {ROLE_HELP[DIRECT]}. "
        f"Quasi-identifiers ({', '.join(by_role[QUASI]) or 'none'}): {ROLE_HELP[QUASI]}. "
        "Move a column if it was classed by mistake."
    )

with st.form("metadata.form"):
    edits = metadata_editor(columns, key=f"metadata.editor.{dataset.id}")
    current = metadata.locale
    locales = list(dict.fromkeys([current, *COMMON_LOCALES]))
    locale = st.selectbox(
        "Locale of fake personal values",
        locales,
        index=0,
        key=f"metadata.locale.{dataset.id}",
        help="Names, addresses and phone numbers are made up in this locale's style.",
    )
    saved = st.form_submit_button("Save metadata", type="primary")

if saved:
    try:
        df = real_table(str(workspace.path), dataset.id)
        updated = apply_edits(metadata, edits, df)
        if locale != current:
            updated = with_locale(updated, locale)
        check_rules(updated.rules, df, updated)  # a new type may no longer fit a rule
        workspace.set_metadata(dataset.id, updated)
        metadata = updated
        st.success("Metadata saved.")
    except StudioError as err:
        st.error(str(err))

rules_editor(workspace, dataset, metadata, state)
st.page_link("pages/3_synthesize.py", label="Next: synthesize", icon=":material/arrow_forward:")
