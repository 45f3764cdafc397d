"""Check that synthetic rows are well formed, with the SDMetrics diagnostic report.

Unlike quality, the diagnostic should be 1.0 for any sound synthesizer: values inside the real
ranges, only known categories, the same columns. Anything lower points at a bug or a missing
constraint, not at "a bit less realistic" data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sdv.metadata import Metadata

from core.errors import StudioError
from core.evaluate.sdmetrics import Score, json_float, run_report, tidy

_VALIDITY = "Data Validity"
_STRUCTURE = "Data Structure"
_PER_COLUMN = {"Column": "column", "Metric": "metric", "Score": "score"}


@dataclass(frozen=True)
class DiagnosticResult:
    """The SDMetrics diagnostic report of one synthetic table against its real table."""

    overall: Score
    data_validity: Score
    data_structure: Score
    per_column: pd.DataFrame  # column, metric, score: one row per column validity check

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe summary for the workspace: NaN scores become ``None``."""
        return {
            "diagnostic_score": json_float(self.overall.value),
            "data_validity": json_float(self.data_validity.value),
            "data_structure": json_float(self.data_structure.value),
            "per_column": [
                {"column": str(column), "metric": str(metric), "score": json_float(score)}
                for column, metric, score in self.per_column[list(_PER_COLUMN.values())].itertuples(
                    index=False, name=None
                )
            ],
        }


def run_diagnostic(
    *, real: pd.DataFrame, synthetic: pd.DataFrame, metadata: Metadata
) -> DiagnosticResult:
    """Run the SDMetrics diagnostic report on the whole real table.

    The real table is never subsampled: that would narrow the ranges that synthetic values are
    checked against. The scores are shares of synthetic values, so a run sampled in batches
    passes its evaluation sample (its first rows, independent draws).

    Args:
        real: The real (training) table.
        synthetic: The synthetic table or its evaluation sample, with the columns of ``real``.
        metadata: SDV metadata of the single studio table.

    Returns:
        The overall score, Data Validity and Data Structure, and per-column validity details.

    Raises:
        StudioError: a table is empty or SDMetrics fails on the tables.
    """
    for label, frame in (("real", real), ("synthetic", synthetic)):
        if frame.empty:
            raise StudioError(f"The {label} table has no rows; there is nothing to diagnose.")
    report = run_report(
        "diagnostic", real=real, synthetic=synthetic, metadata=metadata, details=(_VALIDITY,)
    )
    per_column = tidy(report.details[_VALIDITY], _PER_COLUMN)
    return DiagnosticResult(
        overall=report.overall_score(
            "Diagnostic score", "Average of data validity and data structure; 1.0 is expected."
        ),
        data_validity=report.property_score(
            _VALIDITY,
            "Share of synthetic values that respect the real column: numbers and dates "
            "inside the real range (BoundaryAdherence), only known categories "
            "(CategoryAdherence), unique keys.",
        ),
        data_structure=report.property_score(
            _STRUCTURE, "Whether the synthetic table has the same columns as the real one."
        ),
        per_column=per_column.reset_index(drop=True),
    )
