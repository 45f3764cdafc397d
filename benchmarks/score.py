"""An independent fidelity score of a synthetic CSV file against the real CSV file it imitates.

Independent of the studio: nothing here imports ``core``. Both files are read by pandas the
same way (its default missing markers), SDV detects the metadata from the real file alone, and
``sdv.evaluation.evaluate_quality`` scores the synthetic rows against every real row. What a
user would call a broken extract must cost score, never be skipped:

- a column missing from the extract is scored as all-missing;
- a column SDMetrics cannot score because the extract has no usable value in it (all
  missing, dates in another format than the input's, text in a number column) scores 0,
  where SDMetrics alone would leave it out of the average;
- date columns are parsed in both files with the format SDV detected in the real one, so
  ``2012-01-01`` does not pass for ``2012/01/01``; numbers are parsed as numbers, and a value
  that is not one counts as missing.

Columns of another sdtype than numerical, categorical, boolean or datetime (SDV's ordinal, id
and personal-data guesses) are scored as categorical when at most half their values are
distinct, as numerical when they hold numbers (latitude, longitude), and are left out
otherwise (keys, free text); so are mostly unique text columns of any sdtype. The left-out
columns are listed with the score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sdv.metadata import Metadata

TABLE = "t"
SCORED = ("numerical", "categorical", "boolean", "datetime")
MAX_DISTINCT_SHARE = 0.5  # above this share of distinct values a text column is a key or free text


@dataclass(frozen=True)
class Fidelity:
    """SDMetrics' quality score of a synthetic table against the whole real one (each 0..1).

    ``score`` is the mean of ``column_shapes`` and ``column_pair_trends``, as SDMetrics
    computes it, with incomputable comparisons counted 0 (``zeroed`` names them);
    ``sdmetrics_score`` is SDMetrics' own overall score, which leaves them out.
    """

    score: float
    column_shapes: float
    column_pair_trends: float
    sdmetrics_score: float
    columns: tuple[str, ...]  # the columns scored
    left_out: tuple[str, ...]  # keys and free text, not scored
    missing: tuple[str, ...]  # scored columns the extract does not have
    zeroed: tuple[str, ...]  # columns (or pairs "a/b") SDMetrics could not score, counted 0
    real_rows: int
    synthetic_rows: int


def read_csv(path: Path | str) -> pd.DataFrame:
    """Read a CSV file as every side of the comparison does: pandas defaults, types inferred."""
    return pd.read_csv(path, low_memory=False)


def scoring_metadata(real: pd.DataFrame) -> tuple[Metadata, tuple[str, ...]]:
    """SDV's metadata detected from ``real``, reduced to the columns that can be scored.

    Returns ``(metadata, left_out)``: the metadata of the scored columns (no primary key) and
    the names of the columns left out.
    """
    from sdv.metadata import Metadata

    detected = Metadata.detect_from_dataframes({TABLE: real}).to_dict()["tables"][TABLE]
    columns: dict[str, dict] = {}
    left_out: list[str] = []
    for name, info in detected["columns"].items():
        sdtype = _scored_sdtype(real[name], info["sdtype"])
        if sdtype is None:
            left_out.append(name)
        elif sdtype == info["sdtype"]:
            columns[name] = info
        else:
            columns[name] = {"sdtype": sdtype}
    metadata = Metadata.load_from_dict({"tables": {TABLE: {"columns": columns}}})
    return metadata, tuple(left_out)


def _scored_sdtype(values: pd.Series, sdtype: str) -> str | None:
    present = values.dropna()
    if present.empty:
        return None  # nothing to compare with
    mostly_unique = present.nunique() > MAX_DISTINCT_SHARE * len(present)
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if sdtype in SCORED:
        return None if sdtype == "categorical" and mostly_unique and not numeric else sdtype
    if sdtype == "id":
        return None
    if not mostly_unique:
        return "categorical"
    return "numerical" if numeric else None


def align(
    real: pd.DataFrame, synthetic: pd.DataFrame, metadata: Metadata
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    """Both tables cut to the scored columns, dates and numbers parsed the same way in both.

    Returns ``(real, synthetic, missing)``; a column the extract lacks comes back all-missing
    and is named in ``missing``.
    """
    columns = metadata.to_dict()["tables"][TABLE]["columns"]
    missing = tuple(c for c in columns if c not in synthetic.columns)
    real = real[list(columns)].copy()
    synthetic = synthetic.reindex(columns=list(columns))  # a missing column: all NaN
    for name, info in columns.items():
        if info["sdtype"] == "datetime":
            fmt = info.get("datetime_format")
            real[name] = _dates(real[name], fmt)
            synthetic[name] = _dates(synthetic[name], fmt)
        elif info["sdtype"] == "numerical":
            synthetic[name] = pd.to_numeric(synthetic[name], errors="coerce")
    return real, synthetic, missing


def _dates(values: pd.Series, fmt: str | None) -> pd.Series:
    # Exactly the input's format: a date written another way is no date of this column.
    text = values.astype("string")
    return pd.to_datetime(text, format=fmt, errors="coerce").astype("datetime64[ns]")


def score_frames(real: pd.DataFrame, synthetic: pd.DataFrame) -> Fidelity:
    """Score ``synthetic`` against all of ``real`` (both as :func:`read_csv` returns them)."""
    from sdv.evaluation import evaluate_quality

    metadata, left_out = scoring_metadata(real)
    real_cols, synthetic_cols, missing = align(real, synthetic, metadata)
    # The datetime columns are parsed already; SDMetrics must not parse them again.
    plain = metadata.to_dict()
    for info in plain["tables"][TABLE]["columns"].values():
        info.pop("datetime_format", None)
    metadata = type(metadata).load_from_dict(plain)
    report = evaluate_quality(real_cols, synthetic_cols, metadata, verbose=False)
    shapes = report.get_details("Column Shapes")
    pairs = report.get_details("Column Pair Trends")
    # An incomputable shape has no value at all; an incomputable pair carries an error. A pair
    # SDMetrics leaves out because the real association is too weak has neither, and stays out.
    shape_failed = shapes["Score"].isna()
    pair_failed = pairs["Score"].isna() & _has_error(pairs)
    shapes_score = float(shapes["Score"].fillna(0.0).mean())
    pair_scores = pairs["Score"].where(~pair_failed, 0.0)
    trends = float(pair_scores.mean()) if pair_scores.notna().any() else math.nan
    zeroed = list(shapes.loc[shape_failed, "Column"])
    zeroed += [f"{a}/{b}" for a, b in pairs.loc[pair_failed, ["Column 1", "Column 2"]].values]
    return Fidelity(
        score=float(np.nanmean([shapes_score, trends])),
        column_shapes=shapes_score,
        column_pair_trends=trends,
        sdmetrics_score=float(report.get_score()),
        columns=tuple(real_cols.columns),
        left_out=left_out,
        missing=missing,
        zeroed=tuple(zeroed),
        real_rows=len(real),
        synthetic_rows=len(synthetic),
    )


def _has_error(details: pd.DataFrame) -> pd.Series:
    if "Error" not in details:
        return pd.Series(False, index=details.index)
    return details["Error"].notna()


def score_files(real: Path | str, synthetic: Path | str) -> Fidelity:
    """Score the synthetic CSV file against the real CSV file it imitates."""
    return score_frames(read_csv(real), read_csv(synthetic))
