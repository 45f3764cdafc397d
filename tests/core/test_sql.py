"""Query parity: one SELECT on the real and the synthetic table, compared; nothing else runs."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data.demos import DEMOS
from core.data.sql import example_query, run_parity
from core.data.sql_compare import (
    BOTH,
    DIFF_SUFFIX,
    PRESENCE,
    REAL_ONLY,
    REAL_SUFFIX,
    REL_DIFF_SUFFIX,
    ROW,
    SCALED_SUFFIX,
    SYNTHETIC_ONLY,
    SYNTHETIC_SUFFIX,
)
from core.errors import InvalidParameterError

BY_DAY = "SELECT day, avg(tip) AS tip, count(*) AS n FROM data GROUP BY day ORDER BY day"


@pytest.fixture
def tips() -> pd.DataFrame:
    """Plotly's tips table: 244 rows, 7 columns, four days."""
    return pd.read_csv(DEMOS["tips"].path)


@pytest.fixture
def shifted(tips: pd.DataFrame) -> pd.DataFrame:
    """A stand-in synthetic table: tips with every tip raised by 10% and rows shuffled."""
    out = tips.sample(frac=1, random_state=3).reset_index(drop=True)
    out["tip"] = out["tip"] * 1.1
    return out


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory, to prove a refused query leaves nothing on disk."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_group_by_gives_both_results_and_one_difference_row_per_group(
    tips: pd.DataFrame, shifted: pd.DataFrame
) -> None:
    # Setup
    expected = tips.groupby("day")["tip"].mean()

    # Run
    result = run_parity(query=BY_DAY, real=tips, synthetic=shifted)

    # Assert
    assert list(result.real["day"]) == list(result.synthetic["day"]) == sorted(expected.index)
    assert np.allclose(result.real["tip"], expected.sort_index())
    assert not result.truncated
    diff = result.difference
    assert diff is not None
    assert list(diff["day"]) == ["Fri", "Sat", "Sun", "Thur"]
    assert list(diff.columns[:2]) == ["day", PRESENCE]
    assert set(diff[PRESENCE]) == {BOTH}
    assert np.allclose(diff["tip" + REAL_SUFFIX], expected.sort_index())
    assert np.allclose(diff["tip" + DIFF_SUFFIX], expected.sort_index() * 0.1)
    assert np.allclose(diff["tip" + REL_DIFF_SUFFIX], 0.1)
    assert (diff["n" + DIFF_SUFFIX] == 0).all()
    assert result.summary == (
        "Real: 4 rows, synthetic: 4 rows; paired on day: 4 in both, 0 only in real, "
        "0 only in synthetic; largest relative difference 10.0% in tip. Counts and sums (n) "
        "are compared per row of each table: synthetic values scaled by 244/244 real/synthetic "
        "rows."
    )


def test_a_copy_shows_no_difference(tips: pd.DataFrame) -> None:
    # Setup
    query = (
        "SELECT sex, smoker, avg(total_bill) AS bill, sum(size) AS people FROM data GROUP BY ALL"
    )

    # Run
    result = run_parity(query=query, real=tips, synthetic=tips.copy())

    # Assert
    diff = result.difference
    assert diff is not None and len(diff) == 4
    assert set(diff[PRESENCE]) == {BOTH}
    value_columns = [c for c in diff.columns if c.endswith((DIFF_SUFFIX, REL_DIFF_SUFFIX))]
    assert len(value_columns) == 4
    assert (diff[value_columns] == 0).all().all()
    assert "; no numeric difference." in result.summary


def test_counts_and_sums_are_compared_per_row_of_each_table(tips: pd.DataFrame) -> None:
    # Setup: every row three times, so counts and sums triple and nothing else changes
    tripled = pd.concat([tips] * 3, ignore_index=True)
    query = (
        "SELECT day, count(*) AS n, sum(tip) AS tips, avg(tip) AS tip, count(tip)::INT AS m "
        "FROM data WHERE size > 1 GROUP BY day ORDER BY day"
    )
    real_n = tips[tips["size"] > 1].groupby("day").size()

    # Run
    result = run_parity(query=query, real=tips, synthetic=tripled)

    # Assert: raw values as queried, compared after scaling by 244/732
    diff = result.difference
    assert diff is not None
    assert result.scaled == ("n", "tips", "m") and result.scale == pytest.approx(1 / 3)
    assert list(diff["n" + SYNTHETIC_SUFFIX]) == list(3 * real_n.sort_index())
    assert np.allclose(diff["n" + SCALED_SUFFIX], real_n.sort_index())
    for column in ("n", "tips", "tip", "m"):
        assert np.allclose(diff[column + DIFF_SUFFIX], 0)
        assert np.allclose(diff[column + REL_DIFF_SUFFIX], 0)
    assert "tip" + SCALED_SUFFIX not in diff.columns  # a mean does not grow with the table
    assert result.summary.endswith(
        "no numeric difference. Counts and sums (n, tips, m) are compared per row of each "
        "table: synthetic values scaled by 244/732 real/synthetic rows."
    )


def test_the_whole_table_count_is_not_a_difference(tips: pd.DataFrame) -> None:
    # Setup: a synthetic table of another size, drawn from the same rows
    synthetic = tips.sample(n=7_800, replace=True, random_state=1)

    # Run
    result = run_parity(query="SELECT count(*) FROM data", real=tips, synthetic=synthetic)

    # Assert: 244 against 7,800 rows is a size, not a 3,097% difference
    diff = result.difference
    assert diff is not None
    assert diff["count_star()" + SYNTHETIC_SUFFIX].iloc[0] == 7_800
    assert diff["count_star()" + REL_DIFF_SUFFIX].iloc[0] == pytest.approx(0)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT count(DISTINCT day) AS n FROM data",  # distinct values do not grow in step
        "SELECT day, count(*) / sum(count(*)) OVER () AS n FROM data GROUP BY day",  # a share
        "WITH t AS (SELECT day FROM data GROUP BY day) SELECT count(*) AS n FROM t",  # groups
        "SELECT count(*) AS n FROM data a JOIN data b USING (day)",  # grows with the square
        "SELECT * FROM (SELECT count(*) AS n FROM data)",
    ],
)
def test_other_aggregates_are_compared_as_they_are(tips: pd.DataFrame, query: str) -> None:
    # Setup
    synthetic = pd.concat([tips] * 2, ignore_index=True)

    # Run
    result = run_parity(query=query, real=tips, synthetic=synthetic)

    # Assert
    assert result.scaled == ()
    assert result.difference is not None
    assert "n" + SCALED_SUFFIX not in result.difference.columns
    assert "per row of each table" not in result.summary


def test_a_category_missing_on_one_side_is_flagged(tips: pd.DataFrame) -> None:
    # Setup: synthetic never produces Thursday and invents a Monday instead of Friday
    synthetic = tips[tips["day"] != "Thur"].replace({"day": {"Fri": "Mon"}})

    # Run
    result = run_parity(query=BY_DAY, real=tips, synthetic=synthetic)

    # Assert
    diff = result.difference
    assert diff is not None
    assert list(zip(diff["day"], diff[PRESENCE], strict=True)) == [
        ("Fri", REAL_ONLY),
        ("Sat", BOTH),
        ("Sun", BOTH),
        ("Thur", REAL_ONLY),
        ("Mon", SYNTHETIC_ONLY),
    ]
    thursday = diff.set_index("day").loc["Thur"]
    assert np.isnan(thursday["tip" + SYNTHETIC_SUFFIX]) and np.isnan(thursday["tip" + DIFF_SUFFIX])
    assert "2 only in real, 1 only in synthetic" in result.summary


def test_results_without_a_text_column_pair_by_row_position(
    tips: pd.DataFrame, shifted: pd.DataFrame
) -> None:
    # Setup
    query = "SELECT avg(tip) AS tip, count(*) AS n FROM data"

    # Run
    result = run_parity(query=query, real=tips, synthetic=shifted)

    # Assert
    diff = result.difference
    assert diff is not None
    assert list(diff[ROW]) == [1]
    assert diff["tip" + REL_DIFF_SUFFIX].iloc[0] == pytest.approx(0.1)
    assert "paired on row position" in result.summary


def test_rows_that_repeat_on_their_keys_are_shown_but_not_paired(tips: pd.DataFrame) -> None:
    # Run
    result = run_parity(query="SELECT day, tip FROM data", real=tips, synthetic=tips)

    # Assert
    assert len(result.real) == len(result.synthetic) == 244
    assert result.difference is None
    assert "GROUP BY them to compare" in result.summary


def test_different_columns_give_no_difference(tips: pd.DataFrame) -> None:
    # Run
    result = run_parity(query="FROM data LIMIT 3", real=tips, synthetic=tips.drop(columns="size"))

    # Assert
    assert result.difference is None
    assert result.summary.endswith("the results have different columns, so they are not compared.")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("INSERT INTO data SELECT * FROM data", "not INSERT"),
        ("UPDATE data SET tip = 0", "not UPDATE"),
        ("DELETE FROM data", "not DELETE"),
        ("CREATE TABLE copied AS SELECT * FROM data", "not CREATE"),
        ("DROP TABLE data", "not DROP"),
        ("COPY data TO 'x.csv'", "not COPY"),
        ("COPY data TO '/tmp/x.csv'", "not COPY"),
        ("EXPORT DATABASE 'exported'", "not EXPORT"),
        ("ATTACH 'other.duckdb' AS other", "not ATTACH"),
        ("INSTALL httpfs", "not INSTALL"),
        ("LOAD httpfs", "not LOAD"),
        ("PRAGMA version", "not PRAGMA"),
        ("SET enable_external_access = true", "not SET"),
        ("CALL pragma_version()", "not CALL"),
        ("-- looks harmless\nEXPLAIN ANALYZE SELECT 1", "not EXPLAIN"),
        ("SET enable_external_access=true; SELECT 1", "one statement at a time"),
        ("SELECT 1; SELECT 2", "one statement at a time"),
        ("SELECT * FROM read_csv('/etc/passwd')", "file system operations are disabled"),
        ("SELECT * FROM read_text('/etc/hostname')", "file system operations are disabled"),
        ("SELECT * FROM read_blob('/etc/hostname')", "file system operations are disabled"),
        ("SELECT * FROM glob('/etc/*')", "file system operations are disabled"),
        ("SELECT * FROM 'https://example.com/x.csv'", "file system operations are disabled"),
        ("SELECT * FROM read_parquet('s3://bucket/x.parquet')", "disabled"),
        ("SELECT * FROM query('ATTACH ''other.duckdb''')", "single SELECT"),
        ("SELECT * FROM secret", "Table with name secret does not exist"),
        ("SELECT * FROM frame", "Table with name frame does not exist"),
        ("SELECT * FROM incoming", "Table with name incoming does not exist"),
        ("SELEC tip FROM data", "Parser Error"),
        ("SELECT tipp FROM data", 'Candidate bindings: "tip"'),
        ("   -- only a comment", "Type a SELECT query"),
    ],
)
def test_anything_but_one_contained_select_is_refused_in_one_line(
    tips: pd.DataFrame, sandbox: Path, query: str, message: str
) -> None:
    # Setup: a Python variable the query must not be able to read through a replacement scan
    secret = tips.head(1)  # noqa: F841
    outside = Path("/tmp/x.csv").exists()

    # Run
    with pytest.raises(InvalidParameterError) as caught:
        run_parity(query=query, real=tips, synthetic=tips)

    # Assert
    text = str(caught.value)
    assert message in text
    assert "\n" not in text and len(text) < 300
    assert list(sandbox.iterdir()) == []
    assert Path("/tmp/x.csv").exists() == outside


def test_a_long_query_is_stopped_at_the_time_budget(tips: pd.DataFrame) -> None:
    # Setup: 244**4 (3.5 billion) row combinations
    query = (
        "SELECT count(*) FROM data a, data b, data c, data d WHERE a.tip + b.tip > c.tip + d.tip"
    )
    start = time.monotonic()

    # Run
    with pytest.raises(InvalidParameterError) as caught:
        run_parity(query=query, real=tips, synthetic=tips, timeout_seconds=0.3)

    # Assert
    assert time.monotonic() - start < 5
    assert str(caught.value) == (
        "The query ran past 0.3 s and was stopped; filter, aggregate or add a LIMIT."
    )


def test_results_above_max_rows_are_cut_and_flagged(tips: pd.DataFrame) -> None:
    # Run
    cut = run_parity(query="SELECT * FROM data", real=tips, synthetic=tips, max_rows=50)
    fits = run_parity(query="SELECT * FROM data", real=tips, synthetic=tips, max_rows=244)

    # Assert
    assert cut.truncated and len(cut.real) == len(cut.synthetic) == 50
    assert "(each cut to the first 50)" in cut.summary
    assert not fits.truncated and len(fits.real) == 244


def test_bounds_of_the_limits_are_checked(tips: pd.DataFrame) -> None:
    # Run / Assert
    with pytest.raises(InvalidParameterError, match="max_rows"):
        run_parity(query="SELECT 1", real=tips, synthetic=tips, max_rows=0)
    with pytest.raises(InvalidParameterError, match="timeout_seconds"):
        run_parity(query="SELECT 1", real=tips, synthetic=tips, timeout_seconds=0)


def test_example_query_groups_on_the_first_category_and_runs(tips: pd.DataFrame) -> None:
    # Run
    query = example_query(tips)
    result = run_parity(query=query, real=tips, synthetic=tips)

    # Assert
    assert query.startswith("SELECT sex,\n")
    assert "GROUP BY sex" in query
    assert list(result.real.columns) == ["sex", "share", "avg_total_bill", "avg_tip", "avg_size"]
    assert result.real["share"].sum() == pytest.approx(1)


def test_example_query_quotes_awkward_names_and_needs_no_category() -> None:
    # Setup
    frame = pd.DataFrame({"Group": ["a", "b"], "order": [1.0, 2.0]})

    # Run
    grouped = example_query(frame)
    numeric_only = example_query(frame[["order"]])

    # Assert
    assert grouped.startswith('SELECT "Group",\n')
    assert 'avg("order") AS avg_order' in grouped
    assert numeric_only == 'SELECT avg("order") AS avg_order\nFROM data'
    assert run_parity(query=grouped, real=frame, synthetic=frame).difference is not None


def test_hidden_columns_are_in_neither_table_and_naming_one_says_why() -> None:
    # Setup: a direct identifier beside an ordinary column
    real = pd.DataFrame({"email": ["ann@example.org", "bob@example.net"], "plan": ["a", "b"]})
    synthetic = pd.DataFrame({"email": ["x@example.com", "y@example.com"], "plan": ["a", "a"]})

    # Run
    everything = run_parity(
        query="SELECT * FROM data", real=real, synthetic=synthetic, hidden=["email"]
    )
    with pytest.raises(InvalidParameterError) as named:
        run_parity(
            query="SELECT \"EMAIL\", plan FROM data WHERE plan = 'a'",
            real=real,
            synthetic=synthetic,
            hidden=["email"],
        )
    with pytest.raises(InvalidParameterError) as other:
        run_parity(query="SELECT nope FROM data", real=real, synthetic=synthetic, hidden=["email"])

    # Assert
    assert list(everything.real.columns) == ["plan"] == list(everything.synthetic.columns)
    assert str(named.value) == (
        "Column 'email' is a direct identifier (personal data): SQL never shows it, on either "
        "side; query the other columns."
    )
    assert "direct identifier" not in str(other.value) and "nope" in str(other.value)
