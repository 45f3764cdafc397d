"""Coverage and copying: does the synthetic table reach all of the real one, and no closer?

Coverage asks whether every real category and the whole real range show up in the synthetic
table (SDMetrics ``CategoryCoverage``, ``RangeCoverage``, ``MissingValueSimilarity``), with
rare categories counted apart because a synthesizer drops those first. Copying asks how many
synthetic rows repeat each other, repeat a real row exactly, or sit closer to a real row than
real rows usually sit to each other.

Only modelled columns are compared (numerical, datetime, categorical, boolean, ordinal): ids
and personal data are replaced by fake values when sampling, so they never match. The rare
categories and rare pairs of categories are listed with whether the extract has them
(:mod:`core.evaluate.rare`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sdmetrics.single_column import CategoryCoverage, RangeCoverage
from sklearn.neighbors import NearestNeighbors

from core.errors import StudioError
from core.evaluate.features import as_labels, as_seconds, build_encoder, prepare_features
from core.evaluate.rare import RARE_SHARE, RareCounter, RareCoverage
from core.evaluate.sdmetrics import Score, json_float
from core.evaluate.tally import ColumnFacts, SyntheticTally, as_float, count_in, row_hashes
from core.evaluate.utility import cap_rows

NEAR_PERCENTILE = 5.0
_PER_COLUMN = [
    "column",
    "sdtype",
    "metric",
    "coverage",
    "real_missing",
    "synthetic_missing",
    "missing_similarity",
    "rare_categories",
    "rare_covered",
    "clipped_to",
    "coverage_within_clipping",
]


# The stored names of the scores, each a field of CoverageResult, in the order of its
# scores(); their labels and readings are in core.evaluate.readings.SCORES.
COVERAGE_KEYS = (
    "category_coverage",
    "range_coverage",
    "missing_value_similarity",
    "rare_category_coverage",
    "duplicate_share",
    "exact_copy_share",
    "near_duplicate_share",
)


@dataclass(frozen=True)
class CoverageResult:
    """How much of the real table the synthetic one reaches, and how much it copies.

    The four coverage scores are higher-is-better in [0, 1]; the three ``*_share`` scores are
    shares of synthetic rows in [0, 1] where lower is better.
    """

    category_coverage: Score
    range_coverage: Score
    missing_value_similarity: Score
    rare_category_coverage: Score
    duplicate_share: Score
    exact_copy_share: Score
    near_duplicate_share: Score
    duplicate_rows: int
    exact_copy_rows: int
    near_duplicate_threshold: float  # distance below which a synthetic row is a near-duplicate
    near_duplicate_sample_rows: int  # rows of each table used for the nearest-neighbour search
    rare_threshold: float
    per_column: pd.DataFrame  # one row per compared column, columns as in _PER_COLUMN
    clipped_columns: tuple[str, ...] = ()  # ranges the studio narrowed before fitting
    range_coverage_within_clipping: float = math.nan  # range coverage of what was shown
    rare: RareCoverage | None = None  # the rare categories and pairs, and which the extract has

    def scores(self) -> list[Score]:
        """Every aggregate score, coverage first."""
        return [getattr(self, key) for key in COVERAGE_KEYS]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe summary: NaN becomes ``None``."""
        summary: dict[str, Any] = {
            key: json_float(score.value)
            for key, score in zip(COVERAGE_KEYS, self.scores(), strict=True)
        }
        summary.update(
            {
                "duplicate_rows": int(self.duplicate_rows),
                "exact_copy_rows": int(self.exact_copy_rows),
                "near_duplicate_threshold": json_float(self.near_duplicate_threshold),
                "near_duplicate_sample_rows": int(self.near_duplicate_sample_rows),
                "rare_threshold": float(self.rare_threshold),
                "range_clipped_columns": list(self.clipped_columns),
                "range_coverage_within_clipping": json_float(self.range_coverage_within_clipping),
                "per_column": [
                    {k: _json_value(v) for k, v in row.items()}
                    for row in self.per_column.to_dict(orient="records")
                ],
            }
        )
        if self.rare is not None:
            summary["rare"] = self.rare.summary()
        return summary


def compute_coverage(
    *,
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    sdtypes: dict[str, str],
    rare_threshold: float = RARE_SHARE,
    max_rows: int = 2000,
    seed: int = 0,
    tally: SyntheticTally | None = None,
    clipped: dict[str, Any] | None = None,
    rare: RareCounter | None = None,
    rare_min_count: int = 5,
    skip: frozenset[str] = frozenset(),
) -> CoverageResult:
    """Measure coverage of the real table and copying of real rows.

    Args:
        real: The real (training) table.
        synthetic: The synthetic table, or with ``tally``, its evaluation sample.
        sdtypes: SDV sdtype per column; only modelled sdtypes are compared.
        rare_threshold: A category is rare when its share of real rows is below this.
        max_rows: Each table is randomly cut to at most this many rows (seeded) for the
            nearest-neighbour search; every other measure uses all rows.
        seed: Seed of that cut.
        tally: Facts about every synthetic row when they were sampled in batches (see
            :mod:`core.evaluate.tally`); made from ``synthetic`` when not given.
        clipped: ``(low, high)`` bounds of the columns the studio clipped before fitting;
            their range coverage is also measured against the clipped range, the one the
            synthesizer was shown, so a narrowed range is not read as a poor synthesizer.
        rare: The rare categories and pairs of ``real`` counted over every synthetic row
            (see :mod:`core.evaluate.rare`); made from ``synthetic`` when not given.
        rare_min_count: Rare items in fewer real rows are counted, never named.
        skip: Columns never listed (direct identifiers).

    Returns:
        Aggregate scores, counts and one detail row per compared column.

    Raises:
        StudioError: a table is empty, the synthetic table lacks a column, or no column
            can be compared.
    """
    if not 0.0 < rare_threshold < 1.0:
        raise StudioError(f"The rare-category threshold must be in (0, 1), got {rare_threshold}.")
    for label, frame in (("real", real), ("synthetic", synthetic)):
        if frame.empty:
            raise StudioError(f"The {label} table has no rows; there is nothing to compare.")
    tally = tally or SyntheticTally.of(synthetic, sdtypes=sdtypes, columns=real.columns)
    kinds = tally.kinds
    if not kinds:
        raise StudioError("No numerical, date or category column to compare coverage on.")
    n = tally.rows
    clipped = clipped or {}
    rows = [
        _column_row(
            real[c],
            tally.facts[c],
            n,
            sdtypes[c],
            rare_threshold=rare_threshold,
            clip=clipped.get(c) if tally.facts[c].kind != "categorical" else None,
        )
        for c in kinds
    ]
    per_column = pd.DataFrame(rows, columns=_PER_COLUMN)
    categorical = per_column[per_column["metric"] == CategoryCoverage.__name__]
    numeric = per_column[per_column["metric"] == RangeCoverage.__name__]
    rare_total = int(per_column["rare_categories"].sum())

    duplicate_rows = tally.duplicate_rows
    exact_copy_rows = count_in(tally.hashes, row_hashes(real, kinds))
    near_share, threshold, sample_rows = _near_duplicates(
        real, synthetic, kinds, max_rows=max_rows, seed=seed
    )
    if rare is None:
        rare = RareCounter(
            real, sdtypes, threshold=rare_threshold, min_count=rare_min_count, skip=skip
        )
        rare.add(synthetic)
    return CoverageResult(
        category_coverage=Score(
            name="Category coverage",
            value=_mean(categorical["coverage"]),
            description="Share of real categories that appear in the synthetic table "
            "(CategoryCoverage, averaged over category columns).",
        ),
        range_coverage=Score(
            name="Range coverage",
            value=_mean(numeric["coverage"]),
            description="Share of the real min-max range the synthetic values span "
            "(RangeCoverage, averaged over number and date columns).",
        ),
        missing_value_similarity=Score(
            name="Missing values",
            value=_mean(per_column["missing_similarity"]),
            description="1 minus the gap between real and synthetic missing-value rates "
            "(MissingValueSimilarity, averaged over columns).",
        ),
        rare_category_coverage=Score(
            name="Rare category coverage",
            value=(
                float(per_column["rare_covered"].sum()) / rare_total if rare_total else math.nan
            ),
            description=f"Share of rare real categories (under {rare_threshold:.0%} of rows) "
            "that appear in the synthetic table; NaN when there are none.",
        ),
        duplicate_share=Score(
            name="Duplicate rows",
            value=duplicate_rows / n,
            description="Share of synthetic rows that repeat an earlier synthetic row "
            "(lower is better, unless the real table repeats rows too).",
        ),
        exact_copy_share=Score(
            name="Exact copies",
            value=exact_copy_rows / n,
            description="Share of synthetic rows identical to a real row (lower is better).",
        ),
        near_duplicate_share=Score(
            name="Near-duplicates",
            value=near_share,
            description=(
                "Share of synthetic rows closer to their nearest real row than "
                f"{NEAR_PERCENTILE:.0f}% of real rows are to theirs (exact matches included); "
                f"about {NEAR_PERCENTILE / 100:.2f} is what a fresh real sample gives, "
                "much higher means memorised rows."
            ),
        ),
        duplicate_rows=duplicate_rows,
        exact_copy_rows=exact_copy_rows,
        near_duplicate_threshold=threshold,
        near_duplicate_sample_rows=sample_rows,
        rare_threshold=rare_threshold,
        per_column=per_column,
        clipped_columns=tuple(
            str(c) for c in per_column["column"][per_column["clipped_to"].notna()]
        ),
        range_coverage_within_clipping=_mean(
            pd.to_numeric(numeric["coverage_within_clipping"]).fillna(numeric["coverage"])
        ),
        rare=rare.result(),
    )


def _column_row(
    real: pd.Series,
    synthetic: ColumnFacts,
    rows: int,
    sdtype: str,
    *,
    rare_threshold: float,
    clip: Any = None,
) -> dict[str, Any]:
    real_missing = float(real.isna().mean())
    synthetic_missing = synthetic.missing / rows if rows else math.nan
    row: dict[str, Any] = {
        "column": real.name,
        "sdtype": sdtype,
        "real_missing": real_missing,
        "synthetic_missing": synthetic_missing,
        # MissingValueSimilarity's formula, on the counts of every synthetic row.
        "missing_similarity": 1.0 - abs(real_missing - synthetic_missing),
        "rare_categories": 0,
        "rare_covered": 0,
        "clipped_to": None,
        "coverage_within_clipping": None,
    }
    if synthetic.kind == "categorical":
        # Labels of the distinct values only: a million rows hold a few thousand categories.
        counts = real.value_counts(dropna=True)
        counts = counts[counts > 0]  # a categorical dtype lists unseen categories too
        shares = counts.groupby(as_labels(counts.index.to_series()).to_numpy()).sum()
        shares = shares / shares.sum() if len(shares) else shares
        real_labels = pd.Series(shares.index, dtype=object)
        synthetic_labels = pd.Series(as_labels(synthetic.values()).unique())
        row["metric"] = CategoryCoverage.__name__
        # SDMetrics divides by the number of real categories, so an empty column has none.
        row["coverage"] = (
            float(CategoryCoverage.compute(real_labels, synthetic_labels))
            if len(real_labels)
            else math.nan
        )
        rare = shares.index[shares < rare_threshold]
        row["rare_categories"] = len(rare)
        row["rare_covered"] = int(rare.isin(synthetic_labels).sum())
        return row
    convert = as_seconds if synthetic.kind == "datetime" else as_float
    real_values, synthetic_values = convert(real).dropna(), synthetic.values()
    row["metric"] = RangeCoverage.__name__
    if real_values.empty:
        row["coverage"] = math.nan
    elif synthetic_values.empty:
        row["coverage"] = 0.0
    else:
        # NaN when the real column is constant: there is no range to cover.
        row["coverage"] = float(RangeCoverage.compute(real_values, synthetic_values))
        if clip is not None:
            low, high = float(clip[0]), float(clip[1])
            row["clipped_to"] = f"[{low:g}, {high:g}]"
            row["coverage_within_clipping"] = float(
                RangeCoverage.compute(real_values.clip(low, high), synthetic_values)
            )
    return row


def _near_duplicates(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    kinds: dict[str, str],
    *,
    max_rows: int,
    seed: int,
) -> tuple[float, float, int]:
    real_used = cap_rows(real, max_rows, seed=seed)
    synthetic_used = cap_rows(synthetic, max_rows, seed=seed)
    sample_rows = max(len(real_used), len(synthetic_used))
    if len(real_used) < 2:
        return math.nan, math.nan, sample_rows
    encoder = build_encoder(kinds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        real_x = encoder.fit_transform(prepare_features(real_used, kinds))
        synthetic_x = encoder.transform(prepare_features(synthetic_used, kinds))
    search = NearestNeighbors(n_neighbors=2).fit(real_x)
    # The nearest real row to a real row is itself; its second neighbour is the reference.
    real_distances = search.kneighbors(real_x, n_neighbors=2)[0][:, 1]
    threshold = float(np.percentile(real_distances, NEAR_PERCENTILE))
    synthetic_distances = search.kneighbors(synthetic_x, n_neighbors=1)[0][:, 0]
    near = (synthetic_distances < threshold) | (synthetic_distances == 0.0)
    return float(near.mean()), threshold, sample_rows


def _mean(values: pd.Series) -> float:
    present = pd.to_numeric(values, errors="coerce").dropna()
    return float(present.mean()) if len(present) else math.nan


def _json_value(value: Any) -> Any:
    if isinstance(value, (np.bool_, np.integer, np.floating)):
        value = value.item()  # the Python bool, int or float it holds
    if isinstance(value, float):
        return json_float(value)
    if value is None or isinstance(value, (str, bool, int)):
        return value
    return str(value)
