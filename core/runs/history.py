"""Run history as tables: what the Runs page and ``cli runs`` show."""

from __future__ import annotations

from typing import Any

import pandas as pd

from core.evaluate.stored import StoredScores
from core.synth.scenarios import describe_shaping
from core.workspace.records import RunInfo
from core.workspace.store import Workspace

SCORE_KEYS = ("quality_score", "column_shapes", "column_pair_trends")


def run_row(run: RunInfo, dataset_name: str) -> dict[str, Any]:
    """One run as a flat, JSON-safe record."""
    scores = StoredScores.of(run.scores)
    return {
        "run": run.id,
        "dataset": dataset_name,
        "synthesizer": run.synthesizer,
        "status": run.status,
        "rows": run.n_rows,
        "seed": run.seed,
        "shaping": describe_shaping(run.shaping),  # conditions, rebalance, rules; "" for none
        **{key: scores.value(key) for key in SCORE_KEYS},
        "fit_seconds": run.fit_seconds,
        "sample_seconds": run.sample_seconds,
        "created": run.created.isoformat(timespec="seconds"),
        "error": run.error,
    }


def runs_table(workspace: Workspace, dataset_id: int | None = None) -> pd.DataFrame:
    """Every run (newest first) with its dataset name, scores, timings and status."""
    names = {d.id: d.name for d in workspace.list_datasets()}
    rows = [run_row(r, names.get(r.dataset_id, "?")) for r in workspace.list_runs(dataset_id)]
    columns = [
        "run",
        "dataset",
        "synthesizer",
        "status",
        "rows",
        "seed",
        "shaping",
        *SCORE_KEYS,
        "fit_seconds",
        "sample_seconds",
        "created",
        "error",
    ]
    return pd.DataFrame(rows, columns=columns).iloc[::-1].reset_index(drop=True)


def compare_runs(workspace: Workspace, left: int, right: int) -> pd.DataFrame:
    """Two runs side by side: settings, scores and timings, one row per field."""
    names = {d.id: d.name for d in workspace.list_datasets()}
    records = {}
    for run_id in (left, right):
        run = workspace.get_run(run_id)
        record = run_row(run, names.get(run.dataset_id, "?"))
        record.update({f"param: {k}": v for k, v in run.params.items()})
        records[f"run #{run_id}"] = record
    return pd.DataFrame(records).astype(str)
