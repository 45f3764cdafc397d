"""The stratified training sample and the pipeline fitting on it (the estimate: test_estimate)."""

from __future__ import annotations

import dataclasses
import html

import numpy as np
import pandas as pd
import pytest

from core.config import Settings, get_settings
from core.data.demos import load_demo
from core.data.holdout import split_real
from core.errors import InvalidParameterError
from core.export.report_figures import build_report
from core.runs.pipeline import synthesize
from core.runs.request import RunRequest
from core.synth.training_sample import (
    default_strata,
    fitted_sample_note,
    planned_training_rows,
    training_sample,
)
from core.workspace.store import Workspace


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    """20,000 rows: a skewed category with a 3-row value, a flag with missing values, numbers."""
    rng = np.random.default_rng(0)
    n = 20_000
    plan = rng.choice(["basic", "plus", "pro"], n, p=[0.8, 0.15, 0.05]).astype(object)
    plan[[5, 500, 5000]] = "legacy"
    return pd.DataFrame(
        {
            "plan": plan,
            "active": rng.choice([True, False, None], n, p=[0.6, 0.35, 0.05]),
            "region": rng.choice([f"r{i}" for i in range(40)], n),
            "amount": rng.gamma(2.0, 30.0, n),
            "id": [f"u{i}" for i in range(n)],  # identifier: never a stratum
        }
    )


def _shares(column: pd.Series) -> pd.Series:
    return column.astype(str).value_counts(normalize=True)


def test_sample_keeps_every_categorys_share_and_rare_ones(big: pd.DataFrame) -> None:
    # Run
    sample = training_sample(big, max_rows=2000, strata=None, seed=1)

    # Assert
    assert len(sample.data) == 2000 and sample.total_rows == 20_000 and sample.sampled
    assert set(sample.strata) == {"plan", "active", "region"}
    for column in sample.strata:
        real, kept = _shares(big[column]), _shares(sample.data[column])
        assert set(kept.index) == set(real.index)  # every value present, "legacy" included
        gap = (real - kept.reindex(real.index, fill_value=0)).abs()
        assert gap.drop("legacy", errors="ignore").max() < 0.01
    assert 1 <= (sample.data["plan"] == "legacy").sum() <= 3
    assert sample.data["id"].is_unique and sample.data["id"].isin(big["id"]).all()
    assert "2,000 of 20,000 training rows" in sample.note


def test_tiny_sample_still_has_every_category(big: pd.DataFrame) -> None:
    # Run: 100 rows for 40 regions, 4 plans (one of 3 rows) and 3 flag values
    sample = training_sample(big, max_rows=100, strata=None, seed=5)

    # Assert
    assert len(sample.data) == 100
    for column in ("plan", "active", "region"):
        assert set(sample.data[column].astype(str)) == set(big[column].astype(str))


def test_sample_is_seeded(big: pd.DataFrame) -> None:
    # Run
    one = training_sample(big, max_rows=500, strata=["plan"], seed=1).data
    again = training_sample(big, max_rows=500, strata=["plan"], seed=1).data
    other = training_sample(big, max_rows=500, strata=["plan"], seed=2).data

    # Assert
    pd.testing.assert_frame_equal(one, again)
    assert not one["id"].equals(other["id"])


def test_small_table_is_used_whole(big: pd.DataFrame) -> None:
    # Run
    sample = training_sample(big.head(300), max_rows=300, strata=None, seed=1)

    # Assert
    assert not sample.sampled and sample.data is not None and len(sample.data) == 300
    assert sample.note == "Fits on all 300 training rows."


def test_bad_arguments_are_one_line(big: pd.DataFrame) -> None:
    with pytest.raises(InvalidParameterError, match="Stratum column\\(s\\) nope are not"):
        training_sample(big, max_rows=10, strata=["nope"], seed=1)
    with pytest.raises(InvalidParameterError, match="at least 1"):
        training_sample(big, max_rows=0, strata=None, seed=1)


def test_default_strata_are_the_category_like_columns(big: pd.DataFrame) -> None:
    assert default_strata(big) == ["plan", "active", "region"]


@pytest.mark.parametrize("rows", [25, 244, 10_000])
def test_planned_training_rows_match_the_real_split(rows: int) -> None:
    # Setup
    table = pd.DataFrame({"x": range(rows)})

    # Run / Assert
    assert planned_training_rows(rows) == len(split_real(table, seed=7).train)


def test_pipeline_fits_on_the_sample_and_records_it(workspace: Workspace) -> None:
    # Setup: tips has 195 training rows; cap the fit at 100
    dataset = load_demo(workspace, "tips")
    settings: Settings = dataclasses.replace(get_settings(), train_max_rows=100)

    # Run
    request = RunRequest(dataset_id=dataset.id, key="gaussian_copula", rows=80, seed=3)
    result = synthesize(workspace, request, settings=settings)

    # Assert
    holdout = workspace.get_run(result.run.id).scores["holdout"]
    sample = holdout["training_sample"]
    assert (sample["rows"], sample["of_rows"]) == (100, 195)
    assert {"sex", "smoker", "day", "time"} <= set(sample["strata"])
    assert sample["note"].startswith("Fits on a stratified sample of 100 of 195 training rows")
    assert holdout["train_rows"] == 195  # fidelity is still scored against every training row
    assert result.rows == len(result.sample) == 80
    assert 0.0 <= result.quality.overall.value <= 1.0
    # After the run, the Compare page and the report say so
    note = fitted_sample_note(holdout)
    assert note is not None
    assert note.startswith("Fitted on a sample of 100 of its 195 training rows (stratified on ")
    report = build_report(
        title="t",
        dataset_summary={},
        synthesizer="gaussian_copula",
        params={},
        evaluation_scores=result.run.scores,
        figures={},
    )
    assert html.escape(note) in report


def test_a_run_on_every_training_row_states_no_sample() -> None:
    # Setup
    whole = {"training_sample": {"rows": 195, "of_rows": 195, "strata": [], "seed": 0}}

    # Run / Assert: nothing to say, also for runs recorded before samples were
    assert fitted_sample_note(whole) is None
    assert fitted_sample_note({}) is None
    random = {"training_sample": {"rows": 10, "of_rows": 50, "strata": [], "seed": 4}}
    assert fitted_sample_note(random).startswith(
        "Fitted on a sample of 10 of its 50 training rows (drawn at random, seed 4)"
    )
