"""Step 8, SQL: the guard, the prefilled example, a query on both tables, a refused query."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.data.sql_compare import PRESENCE
from core.runs.pipeline import synthesize
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace

PAGE = "pages/8_sql.py"


@pytest.fixture
def tips_sql(shown: Callable[..., AppTest], tips: DatasetInfo, tips_run: RunInfo) -> AppTest:
    """The SQL page on tips and its run, shown once."""
    return shown(PAGE, dataset_id=tips.id, run_id=tips_run.id)


def _ask(at: AppTest, query: str) -> None:
    """Type ``query`` and run it on both tables."""
    at.text_area(key="sql.query").input(query)
    at.button(key="sql.run").click().run()


def test_example_is_prefilled_and_nothing_runs_before_submit(
    tips_sql: AppTest, tips_run: RunInfo
) -> None:
    # Run
    at = tips_sql

    # Assert
    query = at.text_area(key="sql.query").value
    assert query.startswith("SELECT sex,\n") and "GROUP BY sex" in query
    assert at.caption[0].value.startswith(f"Run #{tips_run.id} on **tips**: one SELECT runs")
    assert at.button(key="sql.run").label == "Run on both"
    assert not at.dataframe


def test_a_query_shows_both_results_and_their_difference(tips_sql: AppTest) -> None:
    # Run
    at = tips_sql
    _ask(at, "SELECT day, avg(tip) AS tip FROM data GROUP BY day ORDER BY day")

    # Assert
    assert not at.exception
    assert not at.error
    assert [s.value for s in at.subheader] == ["Real", "Synthetic", "Difference"]
    real, synthetic, difference = (df.value for df in at.dataframe)
    assert list(real["day"]) == ["Fri", "Sat", "Sun", "Thur"]
    assert list(synthetic.columns) == ["day", "tip"]
    assert set(difference["day"]) == set(real["day"]) | set(synthetic["day"])
    assert {"day", PRESENCE, "tip real", "tip synthetic", "tip diff", "tip rel diff"} == set(
        difference.columns
    )
    assert any(c.value.startswith("Real: 4 rows, synthetic: ") for c in at.caption)


def test_a_count_is_compared_per_row_of_each_table(tips_sql: AppTest) -> None:
    # Run: 244 real rows against 200 synthetic ones
    at = tips_sql
    _ask(at, "SELECT count(*) AS n FROM data")

    # Assert: the synthetic count scaled to the real table's size before subtracting
    assert not at.exception and not at.error
    difference = at.dataframe[2].value
    assert difference["n synthetic"].iloc[0] == 200
    assert difference["n synthetic scaled"].iloc[0] == 244
    assert difference["n rel diff"].iloc[0] == 0
    [summary] = [c.value for c in at.caption if c.value.startswith("Real: 1 row")]
    assert summary.endswith("synthetic values scaled by 244/200 real/synthetic rows.")


def test_a_refused_query_is_one_error_line(tips_sql: AppTest) -> None:
    # Run
    at = tips_sql
    _ask(at, "SELECT * FROM read_csv('/etc/passwd')")

    # Assert
    assert not at.exception
    [error] = at.error
    assert "file system operations are disabled" in error.value
    assert "\n" not in error.value
    assert not at.dataframe


def test_direct_identifiers_are_left_out_and_named(
    shown: Callable[..., AppTest], workspace: Workspace
) -> None:
    # Setup: a table with emails and names; its run
    real = pd.DataFrame(
        {
            "email": [f"person{i}@example.org" for i in range(150)],
            "plan": ["basic", "plus", "pro"] * 50,
            "spend": [float(i % 40) for i in range(150)],
        }
    )
    dataset = workspace.add_dataset(name="people", source="p.csv", fingerprint="p", frame=real)
    run = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=100, seed=1)
    at = shown(PAGE, dataset_id=dataset.id, run_id=run.run.id)

    # Run
    at.text_area(key="sql.query").set_value("SELECT * FROM data")
    at.button(key="sql.run").click().run()
    everything = [frame.value for frame in at.dataframe]
    at.text_area(key="sql.query").set_value("SELECT email FROM data")
    at.button(key="sql.run").click().run()

    # Assert
    assert not at.exception
    assert "Direct identifiers are left out of both: email." in at.caption[0].value
    assert all("email" not in frame.columns for frame in everything)
    assert "plan" in everything[0].columns
    [error] = at.error
    assert "'email' is a direct identifier" in error.value and "\n" not in error.value
