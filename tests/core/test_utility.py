"""Train-synthetic-test-real utility on plotly's iris (classes) and tips (regression) data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.data.demos import DEMOS
from core.data.holdout import Split, split_holdout
from core.errors import InvalidParameterError, StudioError
from core.evaluate.utility import UtilityResult, compute_utility, infer_task


@pytest.fixture
def iris_split() -> Split:
    # species_id is the species as a number: a feature that would give the answer away.
    iris = pd.read_csv(DEMOS["iris"].path).drop(columns="species_id")
    return split_holdout(iris, holdout_share=0.2, seed=0)


@pytest.fixture
def tips_split(tips: pd.DataFrame) -> Split:
    return split_holdout(tips, holdout_share=0.2, seed=0)


def _uniform_noise(df: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Each column drawn on its own: numbers uniform over the real range, categories uniform."""
    rng = np.random.default_rng(seed)
    columns = {}
    for column in df.columns:
        values = df[column]
        if pd.api.types.is_float_dtype(values):
            columns[column] = rng.uniform(values.min(), values.max(), len(df))
        else:
            columns[column] = rng.choice(values.unique(), len(df))
    return pd.DataFrame(columns)


def test_copy_of_training_rows_keeps_classification_utility(iris_split: Split) -> None:
    # Setup
    copy = iris_split.train.copy()

    # Run
    result = compute_utility(
        real_train=iris_split.train, synthetic=copy, holdout=iris_split.holdout, target="species"
    )

    # Assert
    assert isinstance(result, UtilityResult)
    assert result.task == "classification"
    assert result.metric == "macro F1"
    assert result.real_score >= 0.8
    assert result.ratio is not None and result.ratio >= 0.8
    assert result.holdout_rows == len(iris_split.holdout)
    assert result.model == "HistGradientBoostingClassifier"


def test_random_rows_lose_classification_utility(iris_split: Split) -> None:
    # Setup
    noise = _uniform_noise(iris_split.train)

    # Run
    result = compute_utility(
        real_train=iris_split.train, synthetic=noise, holdout=iris_split.holdout, target="species"
    )

    # Assert
    assert result.ratio is not None and result.ratio <= 0.6


def test_copy_of_training_rows_keeps_regression_utility(tips_split: Split) -> None:
    # Setup
    copy = tips_split.train.copy()

    # Run
    result = compute_utility(
        real_train=tips_split.train, synthetic=copy, holdout=tips_split.holdout, target="tip"
    )

    # Assert
    assert result.task == "regression"
    assert result.metric == "R²"
    assert result.real_score > 0
    assert result.ratio is not None and result.ratio >= 0.8


@pytest.mark.parametrize("kind", ["uniform", "shuffled target"])
def test_random_rows_lose_regression_utility(tips_split: Split, kind: str) -> None:
    # Setup
    if kind == "uniform":
        synthetic = _uniform_noise(tips_split.train)
    else:
        rng = np.random.default_rng(0)
        synthetic = tips_split.train.assign(tip=rng.permutation(tips_split.train["tip"]))

    # Run
    result = compute_utility(
        real_train=tips_split.train, synthetic=synthetic, holdout=tips_split.holdout, target="tip"
    )

    # Assert
    assert result.ratio is not None and result.ratio <= 0.6


def test_to_dict_is_json_safe(tips_split: Split) -> None:
    # Setup
    result = compute_utility(
        real_train=tips_split.train,
        synthetic=tips_split.train,
        holdout=tips_split.holdout,
        target="size",
    )

    # Run
    summary = json.loads(json.dumps(result.to_dict(), allow_nan=False))

    # Assert
    assert {"real_score", "synthetic_score", "ratio", "task", "metric"} <= set(summary)
    assert summary["task"] == "classification"
    assert summary["metric_range"] == [0.0, 1.0]


def test_no_real_skill_gives_no_ratio() -> None:
    # Setup: a target unrelated to the features, so the real model scores R² <= 0
    rng = np.random.default_rng(0)
    noise = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    noise["target"] = rng.normal(size=200)
    split = split_holdout(noise, seed=0)

    # Run
    result = compute_utility(
        real_train=split.train, synthetic=split.train, holdout=split.holdout, target="target"
    )

    # Assert
    assert result.real_score <= 0
    assert result.ratio is None
    assert "no better than guessing" in result.note
    assert result.to_dict()["ratio"] is None


@pytest.mark.parametrize(
    ("values", "task"),
    [
        (["a", "b", "a"], "classification"),
        ([True, False, True], "classification"),
        ([1, 2, 3, 2], "classification"),
        ([1.0, 2.0, 3.0, np.nan], "classification"),
        ([0.5, 1.25, 3.0], "regression"),
        (list(range(50)), "regression"),
    ],
)
def test_infer_task(values: list, task: str) -> None:
    # Setup
    series = pd.Series(values, name="target")

    # Run / Assert
    assert infer_task(series) == task


def _no_target(split: Split) -> tuple:
    return split.train, split.train.drop(columns="tip"), split.holdout, "tip"


def _constant_target(split: Split) -> tuple:
    train = split.train.assign(smoker="No")
    return train, train, split.holdout, "smoker"


def _class_only_in_holdout(split: Split) -> tuple:
    holdout = split.holdout.copy()
    holdout.loc[0, "species"] = "hybrid"
    return split.train, split.train, holdout, "species"


def _single_class_synthetic(split: Split) -> tuple:
    return split.train, split.train.assign(species="setosa"), split.holdout, "species"


@pytest.mark.parametrize(
    ("table", "make", "error", "match"),
    [
        ("tips_split", _no_target, InvalidParameterError, "not in the synthetic table"),
        ("tips_split", _constant_target, InvalidParameterError, "single value"),
        ("iris_split", _class_only_in_holdout, InvalidParameterError, "only in the holdout"),
        ("iris_split", _single_class_synthetic, StudioError, "single class"),
    ],
)
def test_a_target_the_models_cannot_learn_is_refused(request, table, make, error, match) -> None:
    # Setup
    real_train, synthetic, holdout, target = make(request.getfixturevalue(table))

    # Run / Assert
    with pytest.raises(error, match=match):
        compute_utility(real_train=real_train, synthetic=synthetic, holdout=holdout, target=target)
