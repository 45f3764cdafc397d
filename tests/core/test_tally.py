"""The batch-by-batch tally gives the checks the same whole-table facts as the whole table."""

import numpy as np
import pandas as pd
import pytest

from core.evaluate.coverage import compute_coverage
from core.evaluate.tally import SyntheticTally
from core.privacy.checks import compute_privacy

SDTYPES = {
    "amount": "numerical",
    "size": "categorical",
    "city": "categorical",
    "day": "datetime",
    "email": "email",
}


def _table(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "amount": np.round(rng.gamma(2.0, 10.0, rows), 1),
            "size": rng.integers(1, 5, rows).astype(float),  # whole floats: read as 1, 2, ...
            "city": rng.choice(["Oslo", "Lima", "Pune", "Cork"], rows, p=[0.6, 0.3, 0.08, 0.02]),
            "day": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90, rows), "D"),
            "email": [f"user{i % 50}@example.org" for i in rng.integers(0, 10_000, rows)],
        }
    )
    frame.loc[rng.random(rows) < 0.1, "amount"] = np.nan
    frame.loc[rng.random(rows) < 0.05, "city"] = None
    return frame


def _batched(frame: pd.DataFrame, sizes: list[int], **kwargs) -> SyntheticTally:
    tally = SyntheticTally(sdtypes=SDTYPES, columns=list(SDTYPES), sample_rows=50, **kwargs)
    start = 0
    for size in sizes:
        tally.add(frame.iloc[start : start + size].reset_index(drop=True))
        start += size
    assert start == len(frame)
    return tally


def test_coverage_from_batches_equals_coverage_of_the_whole_table() -> None:
    # Setup: real rows, and synthetic rows that copy some real rows and repeat themselves
    real = _table(400, seed=1)
    synthetic = pd.concat([_table(300, seed=2), real.iloc[:20], real.iloc[:5]], ignore_index=True)
    synthetic = synthetic.sample(frac=1.0, random_state=0).reset_index(drop=True)

    # Run: uneven batches, so copies and repeats fall in different batches
    tally = _batched(synthetic, [7, 150, 1, 167])
    batched = compute_coverage(real=real, synthetic=synthetic, sdtypes=SDTYPES, tally=tally)
    whole = compute_coverage(real=real, synthetic=synthetic, sdtypes=SDTYPES)

    # Assert
    assert batched.to_dict() == whole.to_dict()
    assert whole.exact_copy_rows >= 25 and whole.duplicate_rows >= 5
    assert (tally.rows, len(tally.sample)) == (325, 50)
    pd.testing.assert_frame_equal(tally.sample, synthetic.iloc[:50])


def test_privacy_from_batches_counts_every_row_and_every_leak() -> None:
    # Setup: the synthetic table repeats two training rows and two real emails
    real = _table(300, seed=3)
    train, holdout = real.iloc[:200], real.iloc[200:]
    synthetic = _table(240, seed=4)
    synthetic.loc[10:11] = train.iloc[:2].to_numpy()
    synthetic.loc[[5, 230], "email"] = [" USER7@example.org", "user9@example.org"]
    synthetic["email"] = synthetic["email"].where(synthetic.index.isin([5, 10, 11, 230]), "x@y.z")
    pii_real = pd.concat([train, holdout])[["email"]]

    # Run
    tally = _batched(synthetic, [100, 100, 40], pii_columns=["email"], real_pii=pii_real)
    kwargs = {"train": train, "holdout": holdout, "sdtypes": SDTYPES, "pii_columns": ["email"]}
    batched = compute_privacy(synthetic=synthetic, tally=tally, **kwargs)
    whole = compute_privacy(synthetic=synthetic, **kwargs)

    # Assert
    assert batched.to_dict() == whole.to_dict()
    assert whole.exact_match_share.value == pytest.approx(2 / 240)
    # The two planted emails, and those of the two copied training rows
    leaked = {e.strip().casefold() for e in synthetic["email"]} & set(real["email"])
    assert whole.pii_leaks == len(leaked) >= 3


def test_duplicates_are_counted_across_batches_not_within_one() -> None:
    # Setup: two batches that share one row and each hold distinct rows
    frame = _table(60, seed=5).drop_duplicates(subset=["amount", "size", "city", "day"])
    first, second = frame.iloc[:20], pd.concat([frame.iloc[20:40], frame.iloc[[3]]])

    # Run
    tally = SyntheticTally(sdtypes=SDTYPES, columns=list(SDTYPES), sample_rows=10)
    tally.add(first.reset_index(drop=True))
    tally.add(second.reset_index(drop=True))

    # Assert
    assert (tally.rows, tally.duplicate_rows, len(tally.sample)) == (41, 1, 10)
    assert len(tally.hashes) == 41


def test_a_batch_without_a_compared_column_is_refused_in_one_line() -> None:
    tally = SyntheticTally(sdtypes=SDTYPES, columns=list(SDTYPES), sample_rows=10)
    with pytest.raises(Exception, match="synthetic table lacks column\\(s\\) city"):
        tally.add(_table(5, seed=6).drop(columns="city"))
