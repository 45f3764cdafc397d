"""Step 1, Data: the guard, loading a demo, reopening from the workspace, uploading a file."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.config import get_settings
from core.data.demos import DEMOS, load_demo
from core.workspace.store import Workspace

PAGE = "pages/1_data.py"


def test_guard_without_dataset(shown: Callable[..., AppTest]) -> None:
    # Run
    at = shown(PAGE)

    # Assert
    assert at.title[0].value == "Data"
    assert at.info[0].value == "Choose a table above to begin."
    assert not at.metric


@pytest.mark.parametrize("key", list(DEMOS))
def test_use_demo_shows_its_size(
    shown: Callable[..., AppTest], workspace: Workspace, key: str
) -> None:
    # Setup
    demo = DEMOS[key]
    expected = pd.read_csv(demo.path)
    at = shown(PAGE)
    at.selectbox(key="data.demo").set_value(key)

    # Run
    at.button(key="data.use_demo").click().run()

    # Assert
    assert not at.exception
    [dataset] = workspace.list_datasets()
    assert at.session_state["studio.state"].dataset_id == dataset.id
    assert at.subheader[0].value == key
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Rows": f"{len(expected):,}",
        "Columns": str(expected.shape[1]),
        "Source": demo.path.name,
    }
    preview, types = at.dataframe
    assert len(preview.value) == min(get_settings().preview_rows, len(expected))
    assert list(types.value["column"]) == list(expected.columns)


def test_using_a_demo_twice_reuses_it(shown: Callable[..., AppTest], workspace: Workspace) -> None:
    # Setup
    at = shown(PAGE)
    at.button(key="data.use_demo").click().run()

    # Run
    at.button(key="data.use_demo").click().run()

    # Assert
    assert not at.exception
    assert len(workspace.list_datasets()) == 1


def test_workspace_option_on_empty_workspace(
    shown: Callable[..., AppTest], workspace: Workspace
) -> None:
    # Setup
    at = shown(PAGE)

    # Run
    at.radio(key="data.source").set_value("Workspace").run()

    # Assert
    assert not at.exception
    assert at.info[0].value == "The workspace has no datasets yet: load a demo or upload a file."
    assert not at.selectbox


def test_workspace_option_lists_and_opens_existing_datasets(
    shown: Callable[..., AppTest], workspace: Workspace
) -> None:
    # Setup
    tips = load_demo(workspace, "tips")
    iris = load_demo(workspace, "iris")
    at = shown(PAGE)
    at.radio(key="data.source").set_value("Workspace").run()
    existing = at.selectbox(key="data.existing")
    listed, preselected = existing.options, existing.value
    existing.set_value(tips.id)

    # Run
    at.button(key="data.open").click().run()

    # Assert
    assert not at.exception
    assert listed == [
        f"#{tips.id} tips (tips.csv.gz)",
        f"#{iris.id} iris (iris.csv.gz)",
    ]
    assert preselected == iris.id  # the newest
    assert at.session_state["studio.state"].dataset_id == tips.id
    assert at.subheader[0].value == "tips"
    assert {m.label: m.value for m in at.metric}["Rows"] == "244"


def test_upload_a_csv(shown: Callable[..., AppTest], workspace: Workspace) -> None:
    # Setup
    at = shown(PAGE)
    at.radio(key="data.source").set_value("Upload a file").run()
    at.file_uploader(key="data.upload").set_value(
        ("people.csv", b"age,city\n31,Oslo\n42,Lima\n27,Pune\n", "text/csv")
    ).run()

    # Run
    at.button(key="data.load").click().run()

    # Assert
    assert not at.exception
    assert not at.error
    [dataset] = workspace.list_datasets()
    assert at.session_state["studio.state"].dataset_id == dataset.id
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Rows": "3", "Columns": "2", "Source": "people.csv"}


def test_upload_an_empty_file_shows_one_line_error(
    shown: Callable[..., AppTest], workspace: Workspace
) -> None:
    # Setup
    at = shown(PAGE)
    at.radio(key="data.source").set_value("Upload a file").run()

    # Run: the file is read for its columns as soon as it is chosen
    at.file_uploader(key="data.upload").set_value(("empty.csv", b"", "text/csv")).run()

    # Assert
    assert not at.exception
    [error] = at.error
    assert "empty.csv" in error.value
    assert "\n" not in error.value
    assert workspace.list_datasets() == []
    assert at.info[0].value == "Choose a table above to begin."


def test_upload_with_a_marker_and_a_forced_type(
    shown: Callable[..., AppTest], workspace: Workspace
) -> None:
    # Setup: "?" marks missing scores; postal codes must stay text
    at = shown(PAGE)
    at.radio(key="data.source").set_value("Upload a file").run()
    upload = ("scores.csv", b"zip,score\n10001,1.5\n90210,?\n60601,3.0\n", "text/csv")
    at.file_uploader(key="data.upload").set_value(upload).run()
    file_id = at.session_state["data.upload"].file_id
    at.text_input(key=f"data.options.{file_id}.missing").set_value("NA, ?")
    editor_key = f"data.options.{file_id}.types"
    at.session_state[editor_key] = {"edited_rows": {0: {"load_as": "text"}}}

    # Run
    at.button(key="data.load").click().run()

    # Assert
    assert not at.exception
    assert not at.error
    [dataset] = workspace.list_datasets()
    real = workspace.read_real(dataset.id)
    assert real["zip"].tolist() == ["10001", "90210", "60601"]
    assert real["score"].isna().tolist() == [False, True, False]


def test_the_preview_masks_direct_identifiers(
    studio: Callable[..., AppTest], workspace: Workspace
) -> None:
    # Setup: emails and phone numbers beside a category; no metadata detected yet
    import pandas as pd

    from core.data.personal import MASK

    people = pd.DataFrame(
        {
            "email": [f"reader{i}@example.org" for i in range(40)],
            "phone": [f"+44 7700 9{i:05d}" for i in range(40)],
            "plan": ["basic", "pro"] * 20,
        }
    )
    dataset = workspace.add_dataset(name="people", source="p.csv", fingerprint="p", frame=people)
    at = studio(dataset_id=dataset.id).switch_page(PAGE)

    # Run
    at.run()

    # Assert
    assert not at.exception
    preview = at.dataframe[0].value
    assert set(preview["email"]) == {MASK} and set(preview["phone"]) == {MASK}
    assert set(preview["plan"]) == {"basic", "pro"}
