"""``python -m core.cli evaluate``: score a synthetic table against the real one, no fit.

:func:`run_evaluate` reads the real, synthetic and optional holdout tables, checks the
columns and ``--target``, scores them as the studio does (the leak check covers personal
columns found with ``--pii detect``) and writes the JSON and optional HTML reports.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from core.cli.args import read_options
from core.cli.reporting import add_release, show_progress, write_html, write_json
from core.data.ingest import ingest_file
from core.data.metadata import detect_metadata
from core.data.pii import detect_pii
from core.data.roles import fake_pii_metadata
from core.errors import InvalidParameterError
from core.runs.assess import evaluate
from core.workspace.store import Workspace


def run_evaluate(args: argparse.Namespace) -> dict[str, Any]:
    if args.target and not args.holdout:
        raise InvalidParameterError("--target needs --holdout: utility is tested on real rows.")
    options = read_options(args)
    with tempfile.TemporaryDirectory(prefix="synth-studio-") as tmp:
        workspace = Workspace(Path(tmp) / "workspace.duckdb")
        try:
            tables = {
                role: workspace.read_real(ingest_file(workspace, path, options=options).id)
                for role, path in (
                    ("real", args.real),
                    ("synthetic", args.synthetic),
                    ("holdout", args.holdout),
                )
                if path is not None
            }
        finally:
            workspace.close()
    real, synthetic = tables["real"], tables["synthetic"]
    missing = [str(c) for c in real.columns if c not in synthetic.columns]
    if missing:
        raise InvalidParameterError(
            f"The synthetic table lacks column(s) {', '.join(missing)} of the real one."
        )
    if args.target and args.target not in real.columns:
        raise InvalidParameterError(f"--target '{args.target}' is not a column of the real table.")
    metadata = detect_metadata(real)
    if args.pii == "detect" and (findings := detect_pii(real)):
        metadata = fake_pii_metadata(metadata, findings)  # marks them for the leak check
    scores = evaluate(
        real_train=real,
        synthetic=synthetic[list(real.columns)],
        metadata=metadata,
        holdout=tables.get("holdout"),
        target=args.target,
        progress=show_progress,
    ).to_dict()
    report = {
        "real": str(args.real),
        "synthetic": str(args.synthetic),
        "rows": len(synthetic),
        "columns": real.shape[1],
        **{k: v for k, v in scores.items() if k != "per_column"},
    }
    add_release(report, scores)
    write_json(args.report, report)
    if args.html:
        write_html(
            args.html,
            title=f"Evaluation of {args.synthetic.name}",
            synthesizer="(not fitted here)",
            summary={"real": args.real.name, "rows": len(real), "columns": real.shape[1]},
            params={},
            scores=scores,
            real=real,
            synthetic=synthetic,
            metadata=metadata,
            seed=0,
        )
    return report
