"""Machine-learning utility: train on synthetic, test on real (TSTR).

One model is trained on the real training rows and an identical one on the synthetic rows;
both are scored on the real holdout that neither saw. The ratio of the two scores says how much
of the real data's predictive value the synthetic data keeps for that target.

The models read their features as every check does (:mod:`core.evaluate.features`), so every
score, distance and projection sees columns the same way.
"""

from __future__ import annotations

import math
import warnings
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import f1_score, r2_score
from sklearn.pipeline import Pipeline, make_pipeline
from threadpoolctl import threadpool_limits

from core.errors import InvalidParameterError, StudioError
from core.evaluate.features import (
    Kind,
    as_labels,
    build_encoder,
    kinds_from_dtypes,
    prepare_features,
)
from core.evaluate.sdmetrics import json_float

Task = Literal["classification", "regression"]

MAX_CLASSES_AS_INTEGERS = 20
MIN_ROWS = 10
# Below this many training rows one thread is as fast, and OpenMP threads spin-waiting on a
# busy machine made a 0.5 s fit take 20 s.
SINGLE_THREAD_ROWS = 50_000

_METRICS: dict[Task, str] = {"classification": "macro F1", "regression": "R²"}


@dataclass(frozen=True)
class UtilityResult:
    """Scores of the same model trained on real and on synthetic rows, tested on the holdout.

    ``real_score`` and ``synthetic_score`` are macro F1 in [0, 1] for classification and R² in
    (-inf, 1] for regression. ``ratio`` is ``synthetic_score / real_score`` (R² clipped at 0)
    in [0, inf): about 1 means the synthetic data is as useful as the real data for this
    target, above 1 deserves suspicion. It is ``None`` when the real model scores 0 or less,
    and ``note`` says why.
    """

    task: Task
    metric: str
    real_score: float
    synthetic_score: float
    ratio: float | None
    model: str
    holdout_rows: int
    target: str = ""
    note: str = ""

    @property
    def score_range(self) -> tuple[float, float]:
        """The range of ``real_score`` and ``synthetic_score``."""
        return (0.0, 1.0) if self.task == "classification" else (-math.inf, 1.0)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe summary: the scores, ratio, task, metric and what was trained."""
        low, high = self.score_range
        return {
            "task": self.task,
            "metric": self.metric,
            "real_score": json_float(self.real_score),
            "synthetic_score": json_float(self.synthetic_score),
            "ratio": json_float(self.ratio),
            "metric_range": [json_float(low), high],
            "model": self.model,
            "holdout_rows": int(self.holdout_rows),
            "target": self.target,
            "note": self.note,
        }


def compute_utility(
    *,
    real_train: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame,
    target: str,
    seed: int = 0,
) -> UtilityResult:
    """Train on real and on synthetic rows, test both on the real holdout.

    Args:
        real_train: The real rows the synthesizer was fitted on.
        synthetic: The synthetic rows.
        holdout: Real rows kept aside before fitting (see ``core.data.holdout.split_holdout``).
        target: The column to predict. Text, booleans and whole numbers with at most 20
            distinct values are classes; other numbers are a regression target.
        seed: ``random_state`` of both models.

    Returns:
        Both scores, their ratio and the task; every other column is a feature.

    Raises:
        InvalidParameterError: the target is missing, a date, or constant; a table is too
            small or lacks feature columns; the holdout has a class the training rows lack;
            the synthetic target has a single class.
    """
    require_target(target, real_train=real_train, synthetic=synthetic, holdout=holdout)
    features = [c for c in real_train.columns if c != target]
    if not features:
        raise InvalidParameterError("Utility needs at least one column besides the target.")
    for label, frame in (("synthetic", synthetic), ("holdout", holdout)):
        lacking = [str(c) for c in features if c not in frame.columns]
        if lacking:
            raise InvalidParameterError(f"The {label} table lacks column(s) {', '.join(lacking)}.")
    task = infer_task(real_train[target])
    frames = {
        label: frame[frame[target].notna()]
        for label, frame in (
            ("real training", real_train),
            ("synthetic", synthetic),
            ("holdout", holdout),
        )
    }
    for label, frame in frames.items():
        if len(frame) < MIN_ROWS:
            raise InvalidParameterError(
                f"The {label} table has {len(frame)} rows with a '{target}' value; "
                f"utility needs at least {MIN_ROWS}."
            )
    labels = {label: _target_values(frame[target], task) for label, frame in frames.items()}
    _check_target(labels, task=task, target=target)
    kinds = kinds_from_dtypes(real_train[features])
    rows = max(len(frames["real training"]), len(frames["synthetic"]))
    with _threads(rows):
        models = {
            label: _fit(task, kinds, frames[label], labels[label], label=label, seed=seed)
            for label in ("real training", "synthetic")
        }
        x_test = prepare_features(frames["holdout"], kinds)
        real_score, synthetic_score = (
            _score(task, labels["holdout"], models[label].predict(x_test))
            for label in ("real training", "synthetic")
        )
    ratio, note = _ratio(task, real_score, synthetic_score)
    return UtilityResult(
        task=task,
        metric=_METRICS[task],
        real_score=real_score,
        synthetic_score=synthetic_score,
        ratio=ratio,
        model=type(models["real training"][-1]).__name__,
        holdout_rows=len(frames["holdout"]),
        target=str(target),
        note=note,
    )


def require_target(
    target: str, *, real_train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame
) -> None:
    """Refuse, in one line naming the table, a target missing from any of the three tables."""
    for label, frame in (
        ("real training", real_train),
        ("synthetic", synthetic),
        ("holdout", holdout),
    ):
        if target not in frame.columns:
            raise InvalidParameterError(f"Target column '{target}' is not in the {label} table.")


def cap_rows(frame: pd.DataFrame, rows: int, *, seed: int) -> pd.DataFrame:
    """``frame``, or a seeded sample of ``rows`` of its rows when it has more."""
    return frame if len(frame) <= rows else frame.sample(n=rows, random_state=seed)


def infer_task(target: pd.Series) -> Task:
    """Classification for text, booleans and at most 20 distinct whole numbers; else regression.

    Raises:
        InvalidParameterError: the target holds dates.
    """
    if pd.api.types.is_datetime64_any_dtype(target):
        raise InvalidParameterError(
            f"Column '{target.name}' holds dates; choose a category or a number as the target."
        )
    if pd.api.types.is_bool_dtype(target) or not pd.api.types.is_numeric_dtype(target):
        return "classification"
    values = target.dropna().astype(float)
    whole = bool(np.all(np.isfinite(values) & (values == np.round(values))))
    if whole and values.nunique() <= MAX_CLASSES_AS_INTEGERS:
        return "classification"
    return "regression"


def _target_values(series: pd.Series, task: Task) -> np.ndarray:
    if task == "classification":
        return as_labels(series).to_numpy()
    return pd.to_numeric(series, errors="coerce").astype(float).to_numpy()


def _check_target(labels: dict[str, np.ndarray], *, task: Task, target: str) -> None:
    train = labels["real training"]
    if len(pd.unique(train)) < 2:
        raise InvalidParameterError(
            f"Target '{target}' has a single value in the real training rows; "
            "there is nothing to predict, choose another target."
        )
    if task == "regression":
        if not np.isfinite(labels["synthetic"]).all():
            raise InvalidParameterError(
                f"The synthetic '{target}' has values that are not numbers; sample it again."
            )
        return
    if len(pd.unique(labels["synthetic"])) < 2:
        raise InvalidParameterError(
            f"The synthetic '{target}' has a single class; a classifier cannot learn from it."
        )
    unseen = sorted(set(labels["holdout"]) - set(train))
    if unseen:
        raise InvalidParameterError(
            f"Class(es) {', '.join(unseen[:5])} of '{target}' occur only in the holdout; "
            "use a different split seed or merge rare classes."
        )


def _threads(rows: int) -> AbstractContextManager[Any]:
    if rows < SINGLE_THREAD_ROWS:
        return threadpool_limits(limits=1, user_api="openmp")
    return nullcontext()


def _fit(
    task: Task,
    kinds: dict[str, Kind],
    frame: pd.DataFrame,
    labels: np.ndarray,
    *,
    label: str,
    seed: int,
) -> Pipeline:
    model = _make_model(task, kinds, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return model.fit(prepare_features(frame, kinds), labels)
        except ValueError as err:
            text = " ".join(str(err).split())[:200]
            raise StudioError(f"Could not train on the {label} rows: {text}") from err


def _make_model(task: Task, kinds: dict[str, Kind], *, seed: int) -> Pipeline:
    estimator = (
        HistGradientBoostingClassifier(random_state=seed)
        if task == "classification"
        else HistGradientBoostingRegressor(random_state=seed)
    )
    return make_pipeline(build_encoder(kinds), estimator)


def _score(task: Task, truth: np.ndarray, predicted: np.ndarray) -> float:
    if task == "classification":
        return float(f1_score(truth, predicted, average="macro", zero_division=0.0))
    return float(r2_score(truth, predicted))


def _ratio(task: Task, real_score: float, synthetic_score: float) -> tuple[float | None, str]:
    if real_score <= 0:
        what = "macro F1 of 0" if task == "classification" else f"R² of {real_score:.2f}"
        return None, (
            f"The model trained on real rows scores {what} on the holdout (no better than "
            "guessing), so there is no real performance to compare the synthetic data with."
        )
    # A negative R² means "worse than predicting the mean"; for the ratio that is no skill.
    return max(synthetic_score, 0.0) / real_score, ""


def capped_utility(
    *,
    real_train: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame,
    target: str,
    max_rows: int,
    seed: int = 0,
) -> UtilityResult:
    """The utility check with both models learning from at most ``max_rows`` rows (seeded).

    A run sampled in batches has only its evaluation sample on the synthetic side, and a big
    real table should not give the real-trained model a head start.
    """
    return compute_utility(
        real_train=cap_rows(real_train, max_rows, seed=seed),
        synthetic=cap_rows(synthetic, max_rows, seed=seed),
        holdout=holdout,
        target=target,
        seed=seed,
    )
