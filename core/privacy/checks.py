"""Privacy checks of a synthetic table against the real rows it was trained on, and a gate.

The yardstick is the holdout: real rows the synthesizer never saw. A synthesizer that
generalises produces rows that are no closer to its training rows than to unseen real rows; one
that memorised records puts its rows on top of training rows. After mostlyai-qa and SDMetrics:

- **DCR share** (distance to closest record): the share of synthetic rows whose nearest
  training row is closer than their nearest holdout row, ties counting half. Training and
  holdout rows are cut to the same number, so 0.5 is what unseen real rows give; values near
  1 mean copied or memorised rows.
- **Exact-match share**: synthetic rows identical to a training row on every compared column,
  next to the same rate for the holdout rows (real data repeats itself too).
- **NNDR** (nearest-neighbour distance ratio): the median over synthetic rows of the distance
  to the nearest training row divided by the distance to the second nearest; near 0 means a
  synthetic row singles out one training row. The holdout's own NNDR is the baseline.
- **PII leaks**: real values of personal-data columns found in the synthetic table.

Distances are Euclidean on the encoding shared with coverage and utility
(``core.evaluate.features.build_encoder``): numbers and dates standardised (median-imputed),
categories
one-hot (one column each for the 50 most frequent, the rest sharing one), fitted on the
training and holdout rows together. Ids and personal-data columns are left out: they are
faked, so they never match.

What passing shows: no known leakage found by these tests. It does not prove that no
person can be re-identified: an attacker with outside information, a rare combination of
values, or a column these tests do not compare may still reveal someone.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from core.errors import InvalidParameterError
from core.evaluate.features import build_encoder, prepare_features
from core.evaluate.sdmetrics import Score, json_float
from core.evaluate.tally import SyntheticTally, count_in, normalised, row_hashes
from core.evaluate.utility import cap_rows
from core.privacy.gate import release_status

MIN_SYNTHETIC_ROWS = 100
MIN_TRAIN_ROWS = 90
MIN_HOLDOUT_ROWS = 10
MAX_DISTANCE_CATEGORIES = 50
MAX_DCR_SHARE = 0.55
# Two distances this close are a tie (both exact matches, or the same row twice).
_TIE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class PrivacyResult:
    """Distance, copy and personal-data checks of one synthetic table.

    Every score is in [0, 1]. ``dcr_share`` is ideal at 0.5; ``exact_match_share`` should not
    exceed ``exact_match_baseline`` (the holdout's rate); ``nndr`` should not fall far below
    ``nndr_baseline``. The ``*_rows`` fields are the rows used for distances; exact matches
    and PII leaks use every row.
    """

    dcr_share: Score
    exact_match_share: Score
    exact_match_baseline: Score
    nndr: Score
    nndr_baseline: Score
    pii_leaks: int
    pii_columns: tuple[str, ...]
    columns_used: tuple[str, ...]
    train_rows: int
    holdout_rows: int
    synthetic_rows: int

    def scores(self) -> list[Score]:
        """Every score, DCR share first."""
        return [
            self.dcr_share,
            self.exact_match_share,
            self.exact_match_baseline,
            self.nndr,
            self.nndr_baseline,
        ]

    def to_dict(self, *, gate: GateResult | None = None) -> dict[str, Any]:
        """A JSON-safe summary for REPORT.json (``privacy``), with the gate's verdict.

        Args:
            gate: The gate to report; by default :func:`release_gate` with its defaults.
        """
        gate = gate or release_gate(self)
        return {
            "dcr_share": json_float(self.dcr_share.value),
            "exact_match_share": json_float(self.exact_match_share.value),
            "exact_match_baseline": json_float(self.exact_match_baseline.value),
            "nndr": json_float(self.nndr.value),
            "nndr_baseline": json_float(self.nndr_baseline.value),
            "pii_leaks": int(self.pii_leaks),
            "pii_columns": list(self.pii_columns),
            "columns_used": list(self.columns_used),
            "train_rows": int(self.train_rows),
            "holdout_rows": int(self.holdout_rows),
            "synthetic_rows": int(self.synthetic_rows),
            "gate": gate.to_dict(),
        }


@dataclass(frozen=True)
class GateCheck:
    """One release check: its measured value, the threshold it is held to, and why."""

    name: str
    passed: bool
    value: float
    threshold: float
    reason: str


@dataclass(frozen=True)
class GateResult:
    """Whether a synthetic table passes every release check."""

    passed: bool
    checks: list[GateCheck] = field(default_factory=list)

    @property
    def failing(self) -> list[str]:
        """Names of the checks that failed."""
        return [check.name for check in self.checks if not check.passed]

    def statement(self) -> str:
        """What the checks found, and what they do not prove, in plain sentences."""
        return release_status({"privacy": {"gate": self.to_dict()}}).statement

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe summary: verdict, failing check names and every check."""
        return {
            "passed": bool(self.passed),
            "failing": self.failing,
            "checks": [
                {
                    "name": c.name,
                    "passed": bool(c.passed),
                    "value": json_float(c.value),
                    "threshold": json_float(c.threshold),
                    "reason": c.reason,
                }
                for c in self.checks
            ],
        }


def compute_privacy(
    *,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    sdtypes: dict[str, str],
    pii_columns: Sequence[str] = (),
    max_rows: int = 2000,
    seed: int = 0,
    tally: SyntheticTally | None = None,
) -> PrivacyResult:
    """Measure how close the synthetic rows sit to the training rows, against the holdout.

    Args:
        train: The real rows the synthesizer was fitted on.
        holdout: Real rows kept aside before fitting.
        synthetic: The synthetic rows, or with ``tally``, their evaluation sample.
        sdtypes: SDV sdtype per column; numerical, datetime, categorical, boolean and
            ordinal columns are compared, ids and personal data are not.
        pii_columns: Personal-data columns: left out of distances, checked for leaked values.
        max_rows: Training and holdout are both cut to ``min(len(train), len(holdout),
            max_rows)`` rows, and the synthetic table to at most ``max_rows``, seeded.
        seed: Seed of those cuts.
        tally: Facts about every synthetic row when they were sampled in batches (see
            :mod:`core.evaluate.tally`): exact matches and leaks count every row, not the sample.

    Returns:
        DCR share, exact-match shares, NNDR, leaked PII values and the sample sizes.

    Raises:
        InvalidParameterError: a table is below its minimum size (100 synthetic, 90
            training, 10 holdout rows), a table lacks a compared column, or no column can be
            compared.
    """
    pii = tuple(str(c) for c in pii_columns)
    tally = tally or SyntheticTally.of(
        synthetic,
        sdtypes=sdtypes,
        columns=train.columns,
        pii_columns=pii,
        real_pii=pd.concat([train, holdout], ignore_index=True),
    )
    sizes = {"synthetic": tally.rows, "training": len(train), "holdout": len(holdout)}
    minimums = {
        "synthetic": MIN_SYNTHETIC_ROWS,
        "training": MIN_TRAIN_ROWS,
        "holdout": MIN_HOLDOUT_ROWS,
    }
    short = [f"{sizes[k]} {k}" for k in sizes if sizes[k] < minimums[k]]
    if short:
        raise InvalidParameterError(
            f"Privacy checks need at least {MIN_SYNTHETIC_ROWS} synthetic, {MIN_TRAIN_ROWS} "
            f"training and {MIN_HOLDOUT_ROWS} holdout rows; got {' and '.join(short)} rows."
        )
    if max_rows < MIN_SYNTHETIC_ROWS:
        raise InvalidParameterError(
            f"max_rows must be at least {MIN_SYNTHETIC_ROWS}, got {max_rows}."
        )
    kinds = tally.privacy_kinds
    if not kinds:
        raise InvalidParameterError(
            "No number, date or category column to compare; privacy checks need one."
        )
    for label, frame in (("holdout", holdout), ("synthetic", synthetic)):
        lacking = [str(c) for c in kinds if c not in frame.columns]
        if lacking:
            raise InvalidParameterError(f"The {label} table lacks column(s) {', '.join(lacking)}.")

    reference_rows = min(len(train), len(holdout), max_rows)
    train_used = cap_rows(train, reference_rows, seed=seed)
    holdout_used = cap_rows(holdout, reference_rows, seed=seed + 1)
    synthetic_used = cap_rows(synthetic, max_rows, seed=seed + 2)
    train_x, holdout_x, synthetic_x = _encode(kinds, train_used, holdout_used, synthetic_used)

    by_train = NearestNeighbors(n_neighbors=2).fit(train_x)
    by_holdout = NearestNeighbors(n_neighbors=1).fit(holdout_x)
    to_train = by_train.kneighbors(synthetic_x, n_neighbors=2)[0]
    to_holdout = by_holdout.kneighbors(synthetic_x, n_neighbors=1)[0][:, 0]
    holdout_to_train = by_train.kneighbors(holdout_x, n_neighbors=2)[0]

    train_hashes = row_hashes(train, kinds)
    exact = count_in(tally.privacy_hashes, train_hashes) / tally.rows
    exact_baseline = count_in(row_hashes(holdout, kinds), train_hashes) / len(holdout)
    leaks = tally.pii_leaks
    return PrivacyResult(
        dcr_share=Score(
            name="DCR share",
            value=dcr_share(to_train[:, 0], to_holdout),
            description="Share of synthetic rows closer to a training row than to a holdout "
            "row (ties count half); 0.5 is what unseen real rows give, near 1 means copies.",
        ),
        exact_match_share=Score(
            name="Exact matches",
            value=exact,
            description="Share of synthetic rows identical to a training row on every "
            "compared column (lower is better).",
        ),
        exact_match_baseline=Score(
            name="Exact matches, holdout",
            value=exact_baseline,
            description="Share of holdout rows identical to a training row: how often real "
            "data repeats itself, the level synthetic rows should not exceed.",
        ),
        nndr=Score(
            name="NNDR",
            value=_median_nndr(to_train),
            description="Median ratio of the distance to the nearest and to the second "
            "nearest training row; near 0 means rows single out one training record.",
        ),
        nndr_baseline=Score(
            name="NNDR, holdout",
            value=_median_nndr(holdout_to_train),
            description="The same ratio for holdout rows: what unseen real rows give.",
        ),
        pii_leaks=leaks,
        pii_columns=pii,
        columns_used=tuple(str(c) for c in kinds),
        train_rows=len(train_used),
        holdout_rows=len(holdout_used),
        synthetic_rows=len(synthetic_used),
    )


def dcr_share(to_train: np.ndarray, to_holdout: np.ndarray) -> float:
    """Share of rows nearer to training than to holdout rows; equal distances count half."""
    to_train, to_holdout = np.asarray(to_train, float), np.asarray(to_holdout, float)
    ties = np.isclose(to_train, to_holdout, rtol=_TIE_TOLERANCE, atol=_TIE_TOLERANCE)
    closer = (to_train < to_holdout) & ~ties
    return float((closer + 0.5 * ties).mean())


def count_pii_leaks(real: pd.DataFrame, synthetic: pd.DataFrame, pii_columns: Iterable[str]) -> int:
    """Distinct real values of personal-data columns that appear in the same synthetic column.

    Values are compared as trimmed, case-folded text, so ``" Ann@X.org"`` matches
    ``"ann@x.org"``. Columns missing from either table are skipped.
    """
    leaks = 0
    for column in pii_columns:
        if column not in real.columns or column not in synthetic.columns:
            continue
        leaks += len(normalised(real[column]) & normalised(synthetic[column]))
    return leaks


def release_gate(
    privacy: PrivacyResult,
    *,
    pii_leaks: int | None = None,
    max_dcr_share: float = MAX_DCR_SHARE,
    exact_match_margin: float = 0.0,
    max_pii_leaks: int = 0,
) -> GateResult:
    """Hold the privacy results to release thresholds.

    Args:
        privacy: The result of :func:`compute_privacy`.
        pii_leaks: Real personal-data values found in the synthetic table (see
            :func:`count_pii_leaks`); by default the count ``compute_privacy`` made.
        max_dcr_share: Highest DCR share accepted (0.5 is ideal).
        exact_match_margin: Exact-match share accepted above the holdout's own rate.
        max_pii_leaks: Most leaked values accepted.

    Returns:
        Passed when every check passes; each check says why in a sentence.
    """
    leaks = privacy.pii_leaks if pii_leaks is None else int(pii_leaks)
    dcr = privacy.dcr_share.value
    exact = privacy.exact_match_share.value
    exact_limit = privacy.exact_match_baseline.value + exact_match_margin
    dcr_ok = not math.isnan(dcr) and dcr <= max_dcr_share
    checks = [
        GateCheck(
            name="dcr_share",
            passed=dcr_ok,
            value=dcr,
            threshold=max_dcr_share,
            reason=(
                f"{dcr:.0%} of synthetic rows are closer to a training row than to an unseen "
                f"real row, "
                + (
                    f"within the {max_dcr_share:.0%} allowed (50% is what unseen real rows give)."
                    if dcr_ok
                    else f"above the {max_dcr_share:.0%} allowed: the synthetic rows sit close "
                    "to the training rows, a sign of memorised records."
                )
            ),
        ),
        GateCheck(
            name="exact_matches",
            passed=exact <= exact_limit,
            value=exact,
            threshold=exact_limit,
            reason=(
                f"{exact:.1%} of synthetic rows copy a training row exactly, "
                + (
                    f"no more than the {exact_limit:.1%} of unseen real rows that do."
                    if exact <= exact_limit
                    else f"more than the {exact_limit:.1%} of unseen real rows that do."
                )
            ),
        ),
        GateCheck(
            name="pii_leaks",
            passed=leaks <= max_pii_leaks,
            value=float(leaks),
            threshold=float(max_pii_leaks),
            reason=(
                "No real personal-data value was found in the synthetic table."
                if leaks == 0
                else f"{leaks} real personal-data value(s) appear in the synthetic table."
            ),
        ),
    ]
    return GateResult(passed=all(c.passed for c in checks), checks=checks)


def _encode(
    kinds: dict[str, Any], train: pd.DataFrame, holdout: pd.DataFrame, synthetic: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Fitted on training and holdout together so neither side sets the scale alone.
    encoder = build_encoder(kinds, max_categories=MAX_DISTANCE_CATEGORIES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        encoder.fit(prepare_features(pd.concat([train, holdout], ignore_index=True), kinds))
        return tuple(
            np.asarray(encoder.transform(prepare_features(frame, kinds)), dtype=float)
            for frame in (train, holdout, synthetic)
        )


def _median_nndr(distances: np.ndarray) -> float:
    nearest, second = distances[:, 0], distances[:, 1]
    # A row on top of two identical training rows (0 / 0) singles them out: ratio 0.
    ratio = np.divide(nearest, second, out=np.zeros_like(nearest), where=second > 0)
    return float(np.median(ratio))
