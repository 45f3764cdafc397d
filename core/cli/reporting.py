"""What the commands share: the progress line, the release verdict and the reports they write.

:func:`show_progress` prints a stage's progress on one stderr line when it is a terminal;
:func:`add_release` adds the privacy release verdict to a report and warns when the gate fails;
:func:`write_json` and :func:`write_html` write the JSON report and the stakeholder HTML report.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from core.export.report_figures import build_report, report_figures
from core.meta import StudioMetadata
from core.privacy.gate import ReleaseStatus, release_block, release_status


def add_release(report: dict[str, Any], scores: dict[str, Any]) -> ReleaseStatus:
    """Add the release verdict to the report; warn on stderr when the gate fails."""
    status = release_status(scores)
    report["release"] = release_block(status)
    if not status.passed:
        why = " ".join(c.reason for c in status.checks if not c.passed) or status.error
        print(f"warning: release gate failed ({', '.join(status.failing)}): {why}", file=sys.stderr)
    return status


def show_progress(stage: str, done: float, total: float | None) -> None:
    if sys.stderr.isatty() and total:
        print(f"\r{stage}: {done:.0f}/{total:.0f}   ", end="", file=sys.stderr, flush=True)


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, allow_nan=False))


def write_html(
    path: Path,
    *,
    title: str,
    summary: dict[str, Any],
    synthesizer: str,
    params: dict[str, Any],
    scores: dict[str, Any],
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: StudioMetadata,
    seed: int,
    run_name: str = "",
    run_notes: str = "",
) -> None:
    html = build_report(
        title=title,
        dataset_summary=summary,
        synthesizer=synthesizer,
        params=params,
        evaluation_scores=scores,
        figures=report_figures(real, synthetic, metadata.sdtypes, seed=seed),
        run_name=run_name,
        run_notes=run_notes,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
