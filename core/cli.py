"""Headless Synth Studio: the same pipeline as the pages, for scripted extracts.

    python -m core.cli synthesize INPUT --synthesizer gaussian_copula --rows 1000 \
        --output out.csv [--seed 42] [--epochs 10] [--report report.json] [--workspace W]

Errors print one line on stderr and exit non-zero; no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from core.config import get_settings
from core.errors import InvalidParameterError, StudioError
from core.export import format_for_path, write_table
from core.ingest import ingest_file
from core.pipeline import synthesize
from core.synthesizers import REGISTRY, get_spec
from core.workspace import Workspace

EXIT_ERROR = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core.cli", description="Synth Studio, headless.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    syn = commands.add_parser("synthesize", help="fit a synthesizer on a table and sample rows")
    syn.add_argument("input", type=Path, help="CSV, TSV, Excel, Parquet or JSON table")
    syn.add_argument("--synthesizer", required=True, help=f"one of: {', '.join(REGISTRY)}")
    syn.add_argument("--rows", type=int, required=True, help="synthetic rows to generate")
    syn.add_argument("--seed", type=int, default=get_settings().seed, help="random seed")
    syn.add_argument("--epochs", type=int, help="training epochs (neural synthesizers)")
    syn.add_argument("--output", type=Path, required=True, help="OUT.csv or OUT.parquet")
    syn.add_argument("--report", type=Path, help="write scores and timings as JSON here")
    syn.add_argument(
        "--workspace",
        type=Path,
        help="keep the dataset and run in this workspace (default: a temporary one)",
    )
    return parser


def _progress(stage: str, done: float, total: float | None) -> None:
    if sys.stderr.isatty() and total:
        print(f"\r{stage}: {done:.0f}/{total:.0f}", end="", file=sys.stderr, flush=True)


def run_synthesize(args: argparse.Namespace) -> dict[str, Any]:
    spec = get_spec(args.synthesizer)
    if args.rows <= 0:
        raise InvalidParameterError(f"--rows must be at least 1; got {args.rows}.")
    format_for_path(args.output)  # fail before the slow part
    params: dict[str, Any] = {}
    if args.epochs is not None:
        if not spec.has_epochs:
            raise InvalidParameterError(f"--epochs does not apply to {spec.label}.")
        params["epochs"] = args.epochs
    with tempfile.TemporaryDirectory(prefix="synth-studio-") as tmp:
        workspace = Workspace(args.workspace or Path(tmp) / "workspace.duckdb")
        try:
            dataset = ingest_file(workspace, args.input)
            result = synthesize(
                workspace,
                dataset_id=dataset.id,
                key=spec.key,
                rows=args.rows,
                seed=args.seed,
                params=params,
                progress=_progress,
            )
        finally:
            workspace.close()
    write_table(result.synthetic, args.output)
    quality = result.quality.to_dict()
    report = {
        "rows": len(result.synthetic),
        "columns": result.synthetic.shape[1],
        "synthesizer": spec.key,
        "parameters": result.run.params,
        "seed": args.seed,
        "quality_score": quality["quality_score"],
        "column_shapes": quality["column_shapes"],
        "column_pair_trends": quality["column_pair_trends"],
        "evaluation_sample_rows": quality["sample_rows"],
        "fit_seconds": round(result.run.fit_seconds or 0.0, 3),
        "sample_seconds": round(result.run.sample_seconds or 0.0, 3),
        "output": str(args.output),
    }
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report, indent=2))
    return report


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        report = run_synthesize(args)
    except StudioError as err:
        print(f"\nerror: {err}" if sys.stderr.isatty() else f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_ERROR
    if sys.stderr.isatty():
        print(file=sys.stderr)
    score = report["quality_score"]
    shown = "n/a" if score is None else f"{score:.3f}"
    print(f"wrote {report['rows']:,} rows to {report['output']} (quality {shown})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
