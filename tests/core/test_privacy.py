"""Privacy metrics and the release gate, with canaries both ways on plotly's gapminder.

Gapminder (1,704 country-years, six continuous columns) is shuffled with a seed and cut in
three: training rows, holdout rows, and fresh real rows no check has seen. A copy of the
training rows must fail the gate; the fresh rows are what an ideal synthesizer would produce,
so their DCR share must sit within three standard errors of 0.5 and the gate must pass.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from core.data.demos import DEMOS
from core.errors import InvalidParameterError
from core.privacy.checks import (
    GateResult,
    PrivacyResult,
    compute_privacy,
    count_pii_leaks,
    dcr_share,
    release_gate,
)

SDTYPES = {
    "country": "categorical",
    "continent": "categorical",
    "year": "numerical",
    "lifeExp": "numerical",
    "pop": "numerical",
    "gdpPercap": "numerical",
    "iso_alpha": "categorical",
    "iso_num": "numerical",
    "centroid_lon": "numerical",
    "centroid_lat": "numerical",
}


@pytest.fixture(scope="module")
def thirds() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Training, holdout and fresh real rows: 568 each, disjoint."""
    df = pd.read_csv(DEMOS["gapminder"].path)
    shuffled = df.sample(frac=1.0, random_state=7).reset_index(drop=True)
    third = len(df) // 3
    return shuffled[:third], shuffled[third : 2 * third], shuffled[2 * third : 3 * third]


def test_canary_copy_of_training_rows_fails(thirds: tuple) -> None:
    # Setup
    train, holdout, _ = thirds

    # Run
    result = compute_privacy(train=train, holdout=holdout, synthetic=train, sdtypes=SDTYPES)
    gate = release_gate(result)

    # Assert
    assert result.dcr_share.value >= 0.9
    assert result.exact_match_share.value == 1.0
    assert result.exact_match_baseline.value == 0.0
    assert result.nndr.value == 0.0
    assert not gate.passed
    assert set(gate.failing) == {"dcr_share", "exact_matches"}


def test_canary_fresh_real_rows_pass(thirds: tuple) -> None:
    # Setup
    train, holdout, fresh = thirds

    # Run
    result = compute_privacy(train=train, holdout=holdout, synthetic=fresh, sdtypes=SDTYPES)
    gate = release_gate(result)

    # Assert
    n = result.synthetic_rows
    assert result.train_rows == result.holdout_rows == n == len(fresh)
    assert abs(result.dcr_share.value - 0.5) <= 3 * math.sqrt(0.25 / n)
    assert result.exact_match_share.value == 0.0
    assert abs(result.nndr.value - result.nndr_baseline.value) < 0.15
    assert gate.passed, gate.statement()
    assert gate.statement().startswith("No known leakage found by these tests.")


def test_training_and_holdout_are_cut_to_equal_size(thirds: tuple) -> None:
    # Setup: a larger training table and a capped sample size.
    train, holdout, fresh = thirds
    bigger = pd.concat([train, fresh], ignore_index=True)

    # Run
    result = compute_privacy(
        train=bigger, holdout=holdout, synthetic=fresh, sdtypes=SDTYPES, max_rows=300, seed=3
    )

    # Assert
    assert (result.train_rows, result.holdout_rows, result.synthetic_rows) == (300, 300, 300)


def test_ties_count_half() -> None:
    # Setup: training and holdout are the same rows, so every distance ties.
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=100), "c": rng.choice(["a", "b"], 100)})
    synthetic = pd.DataFrame({"x": rng.normal(size=120), "c": rng.choice(["a", "b"], 120)})
    sdtypes = {"x": "numerical", "c": "categorical"}

    # Run
    result = compute_privacy(train=real, holdout=real, synthetic=synthetic, sdtypes=sdtypes)

    # Assert
    assert result.dcr_share.value == 0.5
    assert dcr_share(np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 2.0, 1.0, 3.0])) == 0.5
    assert dcr_share(np.array([0.0, 1.0]), np.array([1.0, 1.0])) == 0.75


@pytest.mark.parametrize(
    ("sizes", "named"),
    [
        ((99, 500, 100), "99 synthetic"),
        ((500, 89, 100), "89 training"),
        ((500, 500, 9), "9 holdout"),
    ],
)
def test_small_tables_are_refused(thirds: tuple, sizes: tuple[int, int, int], named: str) -> None:
    # Setup
    train, holdout, fresh = thirds
    synthetic_rows, train_rows, holdout_rows = sizes

    # Run / Assert
    with pytest.raises(InvalidParameterError) as caught:
        compute_privacy(
            train=train[:train_rows],
            holdout=holdout[:holdout_rows],
            synthetic=fresh[:synthetic_rows],
            sdtypes=SDTYPES,
        )
    message = str(caught.value)
    assert named in message and "\n" not in message
    assert "at least 100 synthetic, 90 training and 10 holdout rows" in message


def test_personal_data_is_left_out_of_distances_and_checked_for_leaks(thirds: tuple) -> None:
    # Setup: an email column; the "synthetic" rows repeat two real emails.
    train, holdout, fresh = (t.copy() for t in thirds)
    for frame, prefix in ((train, "t"), (holdout, "h"), (fresh, "s")):
        frame["email"] = [f"{prefix}{i}@mail.test" for i in range(len(frame))]
    fresh.loc[fresh.index[:2], "email"] = ["T0@MAIL.TEST ", "h5@mail.test"]
    sdtypes = {**SDTYPES, "email": "email"}

    # Run
    result = compute_privacy(
        train=train, holdout=holdout, synthetic=fresh, sdtypes=sdtypes, pii_columns=["email"]
    )
    gate = release_gate(result)

    # Assert
    assert "email" not in result.columns_used
    assert result.pii_leaks == 2
    assert count_pii_leaks(train, fresh, ["email", "absent"]) == 1
    assert gate.failing == ["pii_leaks"]
    assert "2 real personal-data value(s)" in gate.checks[2].reason
    assert release_gate(result, pii_leaks=0).passed


def test_gate_thresholds_and_report_shape(thirds: tuple) -> None:
    # Setup
    train, holdout, fresh = thirds
    result = compute_privacy(train=train, holdout=holdout, synthetic=fresh, sdtypes=SDTYPES)

    # Run
    strict = release_gate(result, max_dcr_share=0.3)
    summary = result.to_dict(gate=strict)
    default = json.loads(json.dumps(result.to_dict()))

    # Assert
    assert isinstance(result, PrivacyResult) and isinstance(strict, GateResult)
    assert strict.failing == ["dcr_share"]
    assert strict.statement().startswith("Possible leakage found:")
    assert summary["gate"]["passed"] is False and summary["gate"]["failing"] == ["dcr_share"]
    assert set(default) >= {
        "dcr_share",
        "exact_match_share",
        "nndr",
        "pii_columns",
        "gate",
        "train_rows",
        "holdout_rows",
        "synthetic_rows",
    }
    assert default["gate"] == {**default["gate"], "passed": True, "failing": []}
    for check in strict.checks:
        assert check.reason.endswith(".") and "\n" not in check.reason
    for text in (strict.statement(), release_gate(result).statement()):
        assert "anonym" not in text.lower()
    assert all(0.0 <= s.value <= 1.0 and (s.low, s.high) == (0.0, 1.0) for s in result.scores())


def test_missing_columns_are_refused(thirds: tuple) -> None:
    # Setup
    train, holdout, fresh = thirds

    # Run / Assert
    with pytest.raises(InvalidParameterError, match="synthetic table lacks column"):
        compute_privacy(
            train=train, holdout=holdout, synthetic=fresh.drop(columns="pop"), sdtypes=SDTYPES
        )
    with pytest.raises(InvalidParameterError, match="No number, date or category"):
        compute_privacy(train=train, holdout=holdout, synthetic=fresh, sdtypes={"country": "id"})
