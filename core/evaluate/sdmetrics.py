"""The one place the studio runs SDMetrics' reports, and the score type every check returns.

Both reports (quality and diagnostic) are run the same way: warnings from scipy and SDMetrics
silenced (noise for an analyst), any failure said in one line, and a metric that fails on one
column turned into an error instead of a NaN quietly left out of the average.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from sdv.evaluation import evaluate_quality as sdv_evaluate_quality
from sdv.evaluation import run_diagnostic as sdv_run_diagnostic
from sdv.metadata import Metadata

from core.errors import StudioError, one_line

Kind = Literal["quality", "diagnostic"]
_RUNNERS = {"quality": sdv_evaluate_quality, "diagnostic": sdv_run_diagnostic}
# How each report's failure starts, and what it does to a column.
_FAILED = {
    "quality": ("Quality evaluation failed", "score"),
    "diagnostic": ("Diagnostic failed", "check"),
}


@dataclass(frozen=True)
class Score:
    """One score with its range; ``value`` is NaN when the score does not apply."""

    name: str
    value: float
    low: float = 0.0
    high: float = 1.0
    description: str = ""


@dataclass(frozen=True)
class Report:
    """What the studio reads of one SDMetrics report."""

    overall: float
    properties: Mapping[str, float]
    details: Mapping[str, pd.DataFrame]

    def overall_score(self, name: str, description: str) -> Score:
        """The report's overall score, named and described."""
        return Score(name=name, value=as_float(self.overall), description=description)

    def property_score(self, name: str, description: str) -> Score:
        """The score of the report's property ``name`` (NaN when the report has none)."""
        return Score(name=name, value=as_float(self.properties.get(name)), description=description)


def run_report(
    kind: Kind,
    *,
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Metadata,
    details: tuple[str, ...],
) -> Report:
    """Run SDMetrics' ``kind`` report and read its score, properties and ``details``.

    The first of ``details`` is checked for per-column errors.

    Raises:
        StudioError: SDMetrics failed, or a metric failed on a column (one line).
    """
    failed, verb = _FAILED[kind]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = _RUNNERS[kind](real, synthetic, metadata, verbose=False)
            properties = report.get_properties().set_index("Property")["Score"]
            found = {name: report.get_details(name) for name in details}
            overall = report.get_score()
    except Exception as err:  # SDMetrics raises many types; all mean "could not score"
        raise StudioError(f"{failed}: {one_line(err)}") from err
    _raise_column_errors(found[details[0]], failed=failed, verb=verb)
    return Report(
        overall=as_float(overall),
        properties={str(k): as_float(v) for k, v in properties.items()},
        details=found,
    )


def _raise_column_errors(frame: pd.DataFrame, *, failed: str, verb: str) -> None:
    # A metric that fails on one column is reported as NaN and left out of the average, so
    # the overall score would look fine while hiding a column of the wrong type.
    if "Error" not in frame.columns:
        return
    errors = frame[frame["Error"].notna()]
    if errors.empty:
        return
    columns = ", ".join(str(c) for c in errors["Column"])
    first = " ".join(str(errors["Error"].iloc[0]).split())[:200]
    raise StudioError(
        f"{failed}: could not {verb} column(s) {columns} ({first}); "
        "check that the synthetic columns have the same types as the real ones."
    )


def tidy(details: pd.DataFrame, renames: dict[str, str]) -> pd.DataFrame:
    """SDMetrics details with the studio's column names and float scores.

    SDMetrics returns an empty frame without some columns when a property has no rows.
    """
    frame = details.rename(columns=renames).reindex(columns=list(renames.values()))
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype(float)
    return frame.reset_index(drop=True)


def as_float(value: Any) -> float:
    """``value`` as a float; NaN when it is not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def json_float(value: Any) -> float | None:
    """``value`` as a JSON-safe float: NaN, infinity or not a number become ``None``."""
    number = as_float(value)
    return number if math.isfinite(number) else None
