"""``python -m core.cli bakeoff``: several synthesizers on one table within a time budget.

:func:`run_bakeoff_command` checks the synthesizers, budget and rows, runs
:func:`core.runs.bakeoff.run_bakeoff` in a workspace (a temporary one unless ``--workspace``)
and writes its report with the recommendation.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from core.cli.args import read_options
from core.cli.reporting import show_progress, write_json
from core.data.ingest import ingest_file
from core.errors import InvalidParameterError
from core.synth.registry import get_spec
from core.workspace.store import Workspace


def run_bakeoff_command(args: argparse.Namespace) -> dict[str, Any]:
    from core.runs.bakeoff import run_bakeoff

    keys = [key.strip() for key in args.synthesizers.split(",") if key.strip()]
    if not keys:
        raise InvalidParameterError("--synthesizers needs at least one synthesizer.")
    for key in keys:
        get_spec(key)
    if args.budget_seconds <= 0:
        raise InvalidParameterError("--budget-seconds must be above 0.")
    if args.rows <= 0:
        raise InvalidParameterError(f"--rows must be at least 1; got {args.rows}.")
    with tempfile.TemporaryDirectory(prefix="synth-studio-") as tmp:
        workspace = Workspace(args.workspace or Path(tmp) / "workspace.duckdb")
        try:
            dataset = ingest_file(workspace, args.input, options=read_options(args))
            result = run_bakeoff(
                workspace,
                dataset_id=dataset.id,
                keys=keys,
                rows=args.rows,
                seed=args.seed,
                budget_seconds=args.budget_seconds,
                target=args.target,
                progress=show_progress,
            )
        finally:
            workspace.close()
    report = result.to_dict()
    write_json(args.report, report)
    return report
