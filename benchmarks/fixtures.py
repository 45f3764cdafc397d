"""A workspace holding one dataset and one finished, scored run: what the pages open.

Built the way a user builds it: ``ingest_file`` then ``synthesize`` (the studio fits big tables
on its stratified training sample, ``train_max_rows``), so the stored real and synthetic tables,
scores and model are full size.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks.common import Context, run_child, studio_request


def task_build(csv: str, workspace: str) -> dict[str, Any]:
    from core.data.ingest import ingest_file
    from core.runs.pipeline import synthesize
    from core.workspace.store import Workspace

    started = time.perf_counter()
    ws = Workspace(Path(workspace))
    dataset = ingest_file(ws, Path(csv))
    result = synthesize(ws, studio_request(dataset.id, dataset.n_rows))
    ws.close()
    run = result.run
    return {
        "dataset_id": dataset.id,
        "run_id": run.id,
        "model": run.model_path,
        "seconds": time.perf_counter() - started,
        "fit_seconds": run.fit_seconds,
        "sample_seconds": run.sample_seconds,
    }


def studio_workspace(ctx: Context, rows: int) -> dict[str, Any]:
    """Build (once per benchmark run) the workspace of ``rows`` rows; its ids and paths."""
    key = f"workspace_{rows}"
    if key not in ctx.shared:
        data = ctx.dataset(rows)
        path = ctx.folder / f"studio_{rows}.duckdb"
        built = run_child(ctx, "fixtures", "build", csv=str(data.csv), workspace=str(path))
        built["path"] = str(path)
        ctx.log(f"  built a {rows:,}-row workspace with a finished run in {built['seconds']:.0f} s")
        ctx.shared[key] = built
    return ctx.shared[key]
