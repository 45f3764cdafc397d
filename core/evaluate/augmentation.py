"""Augmentation, proven on the holdout: does adding synthetic rows help a model on real data?

The same classifier (the utility check's gradient boosting on the same features) is trained
twice: on the real training rows alone, and on the real training rows plus the synthetic rows
(typically rows of a rare class, from a rebalance or a condition). Both are tested on the real
holdout neither saw. Reported for each: balanced accuracy (the mean of the classes' recalls)
and the recall of the minority class (the rarest class of the real training rows), each with a
95% bootstrap interval over the holdout rows, and the difference with its paired interval. The
verdict says plainly when the synthetic rows do not help: the difference's interval holds 0.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import make_pipeline

from core.errors import InvalidParameterError, StudioError
from core.evaluate.features import as_labels, build_encoder, kinds_from_dtypes, prepare_features
from core.evaluate.sdmetrics import json_float
from core.evaluate.utility import MIN_ROWS, cap_rows, infer_task, require_target

BOOTSTRAP = 1000
LEVEL = 0.95


@dataclass(frozen=True)
class Interval:
    """A measure on the holdout and its bootstrap interval."""

    value: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float | None]:
        return {
            "value": json_float(self.value),
            "low": json_float(self.low),
            "high": json_float(self.high),
        }


@dataclass(frozen=True)
class AugmentationResult:
    """Real-only and augmented models on the holdout (measures in [0, 1])."""

    target: str
    minority_class: str
    real_only: dict[str, Interval]  # balanced_accuracy, minority_recall
    augmented: dict[str, Interval]
    difference: dict[str, Interval]  # augmented minus real-only, paired bootstrap
    synthetic_rows_added: int
    synthetic_class_rows: dict[str, int]
    train_rows: int
    holdout_rows: int
    holdout_minority_rows: int
    model: str

    @property
    def helps(self) -> bool | None:
        """True when the minority recall rises beyond noise, False when it falls, else None."""
        change = self.difference["minority_recall"]
        if change.low > 0:
            return True
        if change.high < 0:
            return False
        return None

    @property
    def verdict(self) -> str:
        before, after = self.real_only["minority_recall"], self.augmented["minority_recall"]
        change = self.difference["minority_recall"]
        balanced = self.difference["balanced_accuracy"]
        said = (
            f"Minority class '{self.minority_class}' recall on the holdout: {before.value:.2f} "
            f"with real rows only, {after.value:.2f} with {self.synthetic_rows_added:,} "
            f"synthetic rows added (difference {change.value:+.2f}, 95% interval "
            f"{change.low:+.2f} to {change.high:+.2f}; balanced accuracy {balanced.value:+.2f})."
        )
        if self.helps is True:
            return said + " The synthetic rows help."
        if self.helps is False:
            return said + " The synthetic rows hurt: do not add them."
        return said + " The synthetic rows do not help measurably: the interval holds 0."

    def to_dict(self) -> dict[str, Any]:
        def measures(group: dict[str, Interval]) -> dict[str, Any]:
            out: dict[str, Any] = {k: json_float(v.value) for k, v in group.items()}
            out["intervals"] = {k: v.to_dict() for k, v in group.items()}
            return out

        return {
            "target": self.target,
            "minority_class": self.minority_class,
            "real_only": measures(self.real_only),
            "augmented": measures(self.augmented),
            "difference": measures(self.difference),
            "synthetic_rows_added": int(self.synthetic_rows_added),
            "synthetic_class_rows": dict(self.synthetic_class_rows),
            "train_rows": int(self.train_rows),
            "holdout_rows": int(self.holdout_rows),
            "holdout_minority_rows": int(self.holdout_minority_rows),
            "model": self.model,
            "bootstrap": BOOTSTRAP,
            "level": LEVEL,
            "helps": self.helps,
            "verdict": self.verdict,
        }


def compute_augmentation(
    *,
    real_train: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame,
    target: str,
    max_rows: int,
    seed: int = 0,
) -> AugmentationResult:
    """Train on real rows alone and on real plus synthetic rows; test both on the holdout.

    Args:
        real_train: The real training rows.
        synthetic: The synthetic rows to add (each side learns from at most ``max_rows``).
        holdout: Real rows neither model saw.
        target: A category column to predict.
        max_rows: Rows each of the real and synthetic parts contributes, at most (seeded).
        seed: Seed of the models, the caps and the bootstrap.

    Raises:
        InvalidParameterError: the target is not a category, is missing from a table, or the
            real training rows or the holdout lack a class or rows.
    """
    require_target(target, real_train=real_train, synthetic=synthetic, holdout=holdout)
    if infer_task(real_train[target]) != "classification":
        raise InvalidParameterError(
            f"Augmentation predicts a category; '{target}' holds numbers, so choose a category."
        )
    real_train = cap_rows(real_train[real_train[target].notna()], max_rows, seed=seed)
    synthetic = cap_rows(synthetic[synthetic[target].notna()], max_rows, seed=seed)
    holdout = holdout[holdout[target].notna()]
    labels = {
        "real": as_labels(real_train[target]).to_numpy(),
        "synthetic": as_labels(synthetic[target]).to_numpy(),
        "holdout": as_labels(holdout[target]).to_numpy(),
    }
    classes = pd.Series(labels["real"]).value_counts()
    if len(classes) < 2 or len(labels["holdout"]) < MIN_ROWS:
        raise InvalidParameterError(
            f"Augmentation needs two classes of '{target}' in the training rows and at least "
            f"{MIN_ROWS} holdout rows."
        )
    minority = str(classes.index[-1])
    if not (labels["holdout"] == minority).any():
        raise InvalidParameterError(
            f"The holdout has no row of the minority class '{minority}', so its recall "
            "cannot be measured; use a bigger table."
        )
    features = [c for c in real_train.columns if c != target]
    kinds = kinds_from_dtypes(real_train[features])
    mixed = pd.concat([real_train[features], synthetic[features]], ignore_index=True)
    mixed_labels = np.concatenate([labels["real"], labels["synthetic"]])
    x_test = prepare_features(holdout, kinds)
    predicted = {
        "real_only": _fit(kinds, real_train, labels["real"], seed=seed).predict(x_test),
        "augmented": _fit(kinds, mixed, mixed_labels, seed=seed).predict(x_test),
    }
    truth = labels["holdout"]
    intervals = _bootstrap(truth, predicted, minority=minority, seed=seed)
    return AugmentationResult(
        target=str(target),
        minority_class=minority,
        real_only=intervals["real_only"],
        augmented=intervals["augmented"],
        difference=intervals["difference"],
        synthetic_rows_added=len(synthetic),
        synthetic_class_rows={
            str(k): int(v) for k, v in pd.Series(labels["synthetic"]).value_counts().items()
        },
        train_rows=len(real_train),
        holdout_rows=len(holdout),
        holdout_minority_rows=int((truth == minority).sum()),
        model=HistGradientBoostingClassifier.__name__,
    )


def _fit(kinds: dict[str, Any], frame: pd.DataFrame, labels: np.ndarray, *, seed: int) -> Any:
    model = make_pipeline(build_encoder(kinds), HistGradientBoostingClassifier(random_state=seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return model.fit(prepare_features(frame, kinds), labels)
        except ValueError as err:
            raise StudioError(f"Could not train the augmentation model: {err}") from err


def _measures(
    truth: np.ndarray, predicted: np.ndarray, minority: int, classes: int
) -> tuple[float, float]:
    """Balanced accuracy and the minority class's recall of class codes (as scikit-learn's
    ``balanced_accuracy_score`` and ``recall_score``, counted with numpy for the bootstrap)."""
    counts = np.bincount(truth, minlength=classes)
    hits = np.bincount(truth[truth == predicted], minlength=classes)
    present = counts > 0
    balanced = float((hits[present] / counts[present]).mean())
    recall = float(hits[minority] / counts[minority]) if counts[minority] else 0.0
    return balanced, recall


def _bootstrap(
    truth: np.ndarray, predicted: dict[str, np.ndarray], *, minority: str, seed: int
) -> dict[str, dict[str, Interval]]:
    """Each model's measures and their difference, with percentile intervals.

    Both models are scored on the same resampled holdout rows, so the difference's interval is
    paired: it reflects the models' disagreement, not the holdout's luck twice.
    """
    names = ("balanced_accuracy", "minority_recall")
    codes, uniques = pd.factorize(np.concatenate([truth, *predicted.values()]))
    size, target = len(uniques), int(np.flatnonzero(uniques == minority)[0])
    real = codes[: len(truth)]
    coded = {k: codes[len(truth) * (i + 1) : len(truth) * (i + 2)] for i, k in enumerate(predicted)}
    point = {k: _measures(real, p, target, size) for k, p in coded.items()}
    rng = np.random.default_rng(seed)
    draws = {k: np.empty((BOOTSTRAP, 2)) for k in predicted}
    for b in range(BOOTSTRAP):
        rows = rng.integers(0, len(truth), len(truth))
        for k, p in coded.items():
            draws[k][b] = _measures(real[rows], p[rows], target, size)
    tails = (100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2)

    def interval(value: float, samples: np.ndarray) -> Interval:
        low, high = np.percentile(samples, tails)
        return Interval(value, float(low), float(high))

    out: dict[str, dict[str, Interval]] = {
        k: {n: interval(point[k][i], draws[k][:, i]) for i, n in enumerate(names)}
        for k in predicted
    }
    out["difference"] = {
        n: interval(
            point["augmented"][i] - point["real_only"][i],
            draws["augmented"][:, i] - draws["real_only"][:, i],
        )
        for i, n in enumerate(names)
    }
    return out
