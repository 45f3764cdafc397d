"""Step 2, Metadata: the guard, the editor's rows, and saving valid and invalid edits.

AppTest cannot type into ``st.data_editor``; a keyed editor is driven by assigning its edit state
(``edited_rows`` by row position) on ``at.session_state`` before the form is submitted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from core.workspace.records import DatasetInfo
from core.workspace.store import Workspace

PAGE = "pages/2_metadata.py"
TIPS_COLUMNS = ["total_bill", "tip", "sex", "smoker", "day", "time", "size"]


def _edits(edited_rows: dict[int, dict[str, Any]]) -> dict[str, Any]:
    return {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}


def _sdtype(workspace: Workspace, dataset_id: int, column: str) -> str:
    metadata = workspace.get_dataset(dataset_id).metadata
    return metadata.columns[column]["sdtype"]


def test_editor_shows_one_row_per_column(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id)

    # Assert
    editor = at.data_editor(key=f"metadata.editor.{tips.id}")
    assert editor.editing_mode == "fixed"
    rows = editor.value
    assert list(rows["name"]) == TIPS_COLUMNS
    assert dict(zip(rows["name"], rows["sdtype"], strict=True))["sex"] == "categorical"
    assert not rows["primary_key"].any()
    assert workspace.get_dataset(tips.id).metadata is not None  # detected and stored on first view
    assert "**tips**" in at.caption[0].value


def test_valid_edit_is_saved(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id)
    editor = at.data_editor[0]
    size_row = list(editor.value["name"]).index("size")
    at.session_state[editor.key] = _edits({size_row: {"sdtype": "numerical"}})

    # Run
    at.form_submit_button[0].click().run()

    # Assert
    assert not at.exception
    assert not at.error
    assert at.success[0].value == "Metadata saved."
    assert _sdtype(workspace, tips.id, "size") == "numerical"
    assert workspace.get_dataset(tips.id).metadata.reasons["size"] == "set by you"


def test_save_without_change_keeps_metadata(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id)
    before = workspace.get_dataset(tips.id).metadata

    # Run
    at.form_submit_button[0].click().run()

    # Assert
    assert not at.exception
    assert at.success[0].value == "Metadata saved."
    assert workspace.get_dataset(tips.id).metadata == before


def test_primary_key_on_repeating_column_is_refused(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id)
    before = workspace.get_dataset(tips.id).metadata
    editor = at.data_editor[0]
    sex_row = list(editor.value["name"]).index("sex")
    at.session_state[editor.key] = _edits({sex_row: {"primary_key": True}})

    # Run
    at.form_submit_button[0].click().run()

    # Assert
    assert not at.exception
    assert not at.success
    [error] = at.error
    assert "sex" in error.value
    assert "repeating values" in error.value
    assert "\n" not in error.value
    assert workspace.get_dataset(tips.id).metadata == before


def test_two_primary_keys_are_refused(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id)
    before = workspace.get_dataset(tips.id).metadata
    at.session_state[at.data_editor[0].key] = _edits(
        {0: {"primary_key": True}, 1: {"primary_key": True}}
    )

    # Run
    at.form_submit_button[0].click().run()

    # Assert
    assert not at.exception
    [error] = at.error
    assert error.value == "Only one primary key is allowed; total_bill, tip are all ticked."
    assert workspace.get_dataset(tips.id).metadata == before


def test_personal_data_is_named_and_its_locale_saved(
    shown: Callable[..., AppTest], workspace: Workspace
) -> None:
    # Setup
    people = pd.DataFrame(
        {
            "email": [f"person{i}@example.org" for i in range(60)],
            "score": [i % 7 for i in range(60)],
        }
    )
    dataset = workspace.add_dataset(
        name="people", source="people.csv", fingerprint="people-1", frame=people
    )
    at = shown(PAGE, dataset_id=dataset.id)
    assert "Direct identifiers (email): replaced by fakes" in at.caption[1].value
    rows = at.data_editor[0].value
    reasons = dict(zip(rows["name"], rows["reason"], strict=True))
    assert "fake values" in reasons["email"]
    roles = dict(zip(rows["name"], rows["role"], strict=True))
    assert roles == {"email": "direct identifier", "score": "not personal"}

    # Run
    at.selectbox(key=f"metadata.locale.{dataset.id}").set_value("de_DE")
    at.form_submit_button[0].click().run()

    # Assert
    assert not at.exception
    assert at.success[0].value == "Metadata saved."
    stored = workspace.get_dataset(dataset.id).metadata
    assert stored.locale == "de_DE"
    assert stored.columns["email"]["pii"] is True


def test_a_column_moves_between_the_three_roles(
    shown: Callable[..., AppTest], workspace: Workspace
) -> None:
    # Setup: customers with emails, a city (quasi-identifier) and a plan
    people = pd.DataFrame(
        {
            "email": [f"person{i % 30}@example.org" for i in range(60)],  # not a key
            "city": ["Lyon", "Oslo", "Lima"] * 20,
            "plan": ["basic", "pro"] * 30,
        }
    )
    dataset = workspace.add_dataset(name="people", source="p.csv", fingerprint="p2", frame=people)
    at = shown(PAGE, dataset_id=dataset.id)
    rows = at.data_editor[0].value
    assert dict(zip(rows["name"], rows["role"], strict=True))["city"] == "quasi-identifier"
    assert "Quasi-identifiers (city): learned like any column" in at.caption[1].value
    position = {name: i for i, name in enumerate(rows["name"])}

    # Run: email becomes not personal, plan a direct identifier
    at.session_state[at.data_editor[0].key] = _edits(
        {
            position["email"]: {"role": "not personal"},
            position["plan"]: {"role": "direct identifier"},
        }
    )
    at.form_submit_button[0].click().run()

    # Assert
    assert not at.exception
    assert at.success[0].value == "Metadata saved."
    stored = workspace.get_dataset(dataset.id).metadata
    columns = stored.columns
    assert columns["email"]["sdtype"] == "categorical" and "pii" not in columns["email"]
    assert columns["plan"] == {"sdtype": "unknown", "pii": True}
    assert stored.roles["plan"]["role"] == "direct identifier"
