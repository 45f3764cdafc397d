"""Headless Synth Studio: the same pipeline as the pages, for scripted extracts.

    python -m core.cli synthesize INPUT --synthesizer gaussian_copula --rows 1000 \\
        --output out.csv [--seed 42] [--epochs 10] [--target COL] [--report report.json] \\
        [--html report.html] [--workspace W] [--pii {detect,off}] [--strict] \\
        [--engine {local,dask}] [--workers N] [--scheduler ADDRESS] [--shard-rows N] \\
        [--[no-]rare-grouping] [--rare-min-count N] [--[no-]clip-extremes] \\
        [--condition COL=VALUE ...] [--rebalance COL [--shares a=0.5,b=0.5]] \\
        [--constraints RULES.json] [--augment] [--name NAME] [--notes TEXT]
    python -m core.cli evaluate REAL SYNTHETIC [--holdout H] [--target COL] \\
        --report report.json [--html report.html] [--pii {detect,off}]
    python -m core.cli bakeoff INPUT --synthesizers a,b --budget-seconds S --report R.json
    python -m core.cli constraints INPUT [--json]
    python -m core.cli runs --workspace W [--json]

Errors print one line on stderr and exit non-zero; no traceback. ``--strict`` makes a failed
privacy release gate an error: no output file is written (the report still is, to say why).

With ``--engine dask`` (or ``--shard-rows``) the model is fitted as usual and scored on an
evaluation sample of at most ``eval_max_rows`` rows, then the full ``--rows`` are sampled in
shards (parallel on Dask) into ``OUT.parquet/``, a directory of ``part-NNNNN.parquet`` files;
see :mod:`core.synth.shards`.

Each command lives in its own module: :mod:`core.cli.synthesize`, :mod:`core.cli.evaluate`,
:mod:`core.cli.bakeoff`, :mod:`core.cli.constraints` and :mod:`core.cli.runs`, with what they
share (progress, the release verdict, the reports) in :mod:`core.cli.reporting`; the arguments
are in :mod:`core.cli.args`. This module parses, dispatches, and prints the one-line outcome
or error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from core.cli.args import EXIT_ERROR, EXIT_USAGE, build_parser
from core.cli.bakeoff import run_bakeoff_command
from core.cli.constraints import run_constraints
from core.cli.evaluate import run_evaluate
from core.cli.runs import run_runs
from core.cli.synthesize import run_synthesize, shaping_lines
from core.errors import StudioError


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except StudioError as err:  # a setting in the environment that does not parse
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command in ("runs", "constraints"):
            {"runs": run_runs, "constraints": run_constraints}[args.command](args)
            return 0
        commands = {
            "synthesize": run_synthesize,
            "evaluate": run_evaluate,
            "bakeoff": run_bakeoff_command,
        }
        report = commands[args.command](args)
    except StudioError as err:
        print(f"\nerror: {err}" if sys.stderr.isatty() else f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_ERROR
    if sys.stderr.isatty():
        print(file=sys.stderr)
    score = report.get("quality_score")
    shown = "n/a" if score is None else f"{score:.3f}"
    if report.get("columns_total"):  # the headline says what it covers
        shown += f" over {report.get('columns_used', 0)} of {report['columns_total']} columns"
    if args.command == "synthesize":
        print(f"wrote {report['rows']:,} rows to {report['output']} (quality {shown})")
        for line in shaping_lines(report):
            print(line, file=sys.stderr)
    elif args.command == "bakeoff":
        print(f"wrote {args.report}: {report.get('recommendation', '')}")
    else:
        print(f"wrote {args.report} (quality {shown})")
    return 0
