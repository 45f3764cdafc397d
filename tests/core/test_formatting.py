"""The one formatting helper: scores, shares, durations, counts and display names."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from core import formatting
from core.synth.registry import REGISTRY


@pytest.mark.parametrize(
    ("value", "score", "percent"),
    [
        (0.9360506906784838, "0.94", "93.6%"),
        (0.5, "0.50", "50.0%"),
        (1, "1.00", "100.0%"),
        (None, "n/a", "n/a"),
        (math.nan, "n/a", "n/a"),
        (pd.NA, "n/a", "n/a"),
    ],
)
def test_scores_and_shares_read_rounded(value, score: str, percent: str) -> None:
    assert formatting.score(value) == score
    assert formatting.percent(value) == percent


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.26361171299868147, "0.3 s"),
        (4.6376, "4.6 s"),
        (12.4, "12 s"),
        (89.6, "1 min 30 s"),
        (125, "2 min 5 s"),
        (601, "10 min"),
        (3725, "1 h 2 min"),
        (54_000, "15 h"),
        (None, "n/a"),
    ],
)
def test_durations_read_as_a_person_says_them(seconds, text: str) -> None:
    assert formatting.duration(seconds) == text


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("gaussian_copula", "Gaussian copula"),
        ("KSComplement", "Column shape (KS)"),
        ("TVComplement", "Category frequencies (TV)"),
        ("quality_score", "Quality score"),
        ("batch_size", "Batch size"),
        ("SomeNewMetric", "Some new metric"),
        ("total bill", "total bill"),  # a user's column name stays as written
        ("rownames", "rownames"),
    ],
)
def test_internal_names_are_spelled_out(key: str, shown: str) -> None:
    assert formatting.name(key) == shown


@pytest.mark.parametrize("key", list(REGISTRY))
def test_synthesizer_names_match_the_registry(key: str) -> None:
    assert formatting.name(key) == REGISTRY[key].label


def test_values_of_any_kind_read_as_text() -> None:
    assert formatting.count(43152) == "43,152"
    assert formatting.text(True) == "yes"
    assert formatting.text(0.000200000001) == "0.0002"
    assert formatting.text(300.0) == "300"
    assert formatting.text({"embedding_dim": 128, "lr": [1e-4, 2e-4]}) == (
        "Embedding size: 128; lr: 0.0001, 0.0002"
    )
    assert formatting.text(None) == "n/a"


def test_per_column_rows_read_as_people_read_them():
    # Setup: a stored per-column row as the quality and coverage checks write it
    rows = [
        {"column": "total_bill", "metric": "KSComplement", "score": 0.8719672131147541},
        {"column": "day", "sdtype": "categorical", "coverage": 1.0, "rare_categories": 3},
        {"column": "tip", "metric": "RangeCoverage", "clipped_to": None},
    ]

    # Run
    shown = formatting.readable_rows(rows)

    # Assert: headers and metric names spelled out, the user's column names as written
    assert shown[0] == {"Column": "total_bill", "Metric": "Column shape (KS)", "Score": "0.87"}
    assert shown[1]["Sdtype"] == "Categorical" and shown[1]["Coverage"] == "1.00"
    assert shown[1]["Rare categories"] == "3"
    assert shown[2]["Clipped to"] == ""
