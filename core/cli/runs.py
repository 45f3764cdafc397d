"""``python -m core.cli runs``: the runs a workspace holds, as a table or as JSON."""

from __future__ import annotations

import argparse
import json

from core.errors import NotFoundError
from core.runs.history import history_view, runs_table
from core.workspace.store import Workspace


def run_runs(args: argparse.Namespace) -> None:
    if not args.workspace.is_file():
        raise NotFoundError(f"No workspace at {args.workspace}.")
    workspace = Workspace(args.workspace)
    try:
        table = runs_table(workspace)
    finally:
        workspace.close()
    if args.json:
        records = table.astype(object).where(table.notna(), None).to_dict(orient="records")
        print(json.dumps(records, indent=2, default=str, allow_nan=False))
    elif table.empty:
        print("no runs")
    else:
        print(history_view(table).to_string(index=False))
