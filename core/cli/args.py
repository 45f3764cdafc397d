"""The command line of :mod:`core.cli`: its commands, arguments and their help.

Kept apart from what the commands do, so ``--help`` reads as one place.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from core.config import get_settings
from core.data.formats import DEFAULT_MISSING, TYPE_CHOICES, ReadOptions, parse_markers
from core.errors import InvalidParameterError
from core.synth.registry import REGISTRY
from core.synth.shards import ENGINES

EXIT_ERROR = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core.cli", description="Synth Studio, headless.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    table_help = "CSV, TSV, Excel, Parquet or JSON table"

    syn = commands.add_parser("synthesize", help="fit a synthesizer on a table and sample rows")
    syn.add_argument("input", type=Path, help=table_help)
    syn.add_argument("--synthesizer", required=True, help=f"one of: {', '.join(REGISTRY)}")
    syn.add_argument("--rows", type=int, required=True, help="synthetic rows to generate")
    syn.add_argument("--seed", type=int, default=get_settings().seed, help="random seed")
    syn.add_argument("--epochs", type=int, help="training epochs (neural synthesizers)")
    syn.add_argument("--output", type=Path, required=True, help="OUT.csv or OUT.parquet")
    syn.add_argument("--target", help="column to predict for the utility check")
    syn.add_argument("--report", type=Path, help="write scores and timings as JSON here")
    syn.add_argument("--html", type=Path, help="write the stakeholder HTML report here")
    syn.add_argument(
        "--workspace",
        type=Path,
        help="keep the dataset and run in this workspace (default: a temporary one)",
    )
    syn.add_argument("--name", help="a one-line name for the run (shown by 'runs')")
    syn.add_argument("--notes", help="notes kept with the run")
    reading_arguments(syn)
    _pii_argument(syn)
    _protection_arguments(syn)
    _shaping_arguments(syn)
    syn.add_argument(
        "--strict",
        action="store_true",
        help="exit non-zero and write no output file when the privacy release gate fails",
    )
    syn.add_argument(
        "--engine",
        choices=ENGINES,
        default="local",
        help="local (default): sample in this process; dask: sample shards in parallel on Dask "
        "into OUT.parquet, a directory of Parquet parts",
    )
    syn.add_argument(
        "--workers", type=int, help="worker processes of the local Dask cluster (default: CPUs)"
    )
    syn.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="use the running Dask cluster whose scheduler is at ADDRESS (tcp://host:8786)",
    )
    syn.add_argument(
        "--shard-rows",
        type=int,
        help=f"rows per shard (default {get_settings().shard_rows:,}); with --engine local, "
        "samples the same shards in this process (same rows as the Dask run)",
    )

    ev = commands.add_parser("evaluate", help="score any synthetic table against a real one")
    ev.add_argument("real", type=Path, help=f"the real table ({table_help})")
    ev.add_argument("synthetic", type=Path, help="the synthetic table")
    ev.add_argument("--holdout", type=Path, help="real rows the synthesizer never saw")
    ev.add_argument("--target", help="column to predict for the utility check (needs --holdout)")
    ev.add_argument("--report", type=Path, required=True, help="write the scores as JSON here")
    ev.add_argument("--html", type=Path, help="write the stakeholder HTML report here")
    reading_arguments(ev)
    _pii_argument(ev)

    bake = commands.add_parser("bakeoff", help="rank several synthesizers on one table")
    bake.add_argument("input", type=Path, help=table_help)
    bake.add_argument(
        "--synthesizers", required=True, help=f"comma-separated, from: {', '.join(REGISTRY)}"
    )
    bake.add_argument("--budget-seconds", type=float, required=True, help="total time budget")
    bake.add_argument("--rows", type=int, default=1000, help="synthetic rows per synthesizer")
    bake.add_argument("--seed", type=int, default=get_settings().seed, help="random seed")
    bake.add_argument("--target", help="column to predict for the utility check")
    bake.add_argument("--report", type=Path, required=True, help="write the leaderboard here")
    bake.add_argument("--workspace", type=Path, help="keep the runs in this workspace")
    reading_arguments(bake)

    rules = commands.add_parser(
        "constraints", help="suggest rules found in a table, with the rows that keep each"
    )
    rules.add_argument("input", type=Path, help=table_help)
    rules.add_argument(
        "--json",
        action="store_true",
        help="print the rules as a JSON list in SDV's names (readable by --constraints), with "
        "support_rows, breaking_rows and holds as extra keys",
    )
    reading_arguments(rules)
    _pii_argument(rules)

    runs = commands.add_parser("runs", help="list the runs of a workspace")
    runs.add_argument("--workspace", type=Path, required=True, help="the workspace file")
    runs.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser


def reading_arguments(parser: argparse.ArgumentParser) -> None:
    """How input tables are read: missing-value markers and forced column types."""
    defaults = ", ".join(m for m in DEFAULT_MISSING if m)
    parser.add_argument(
        "--missing",
        metavar="MARKERS",
        help=f"comma-separated text read as a missing value (default: {defaults}; an empty "
        "cell always is); --missing '' reads only empty cells as missing",
    )
    parser.add_argument(
        "--column-type",
        action="append",
        default=[],
        metavar="COLUMN=TYPE",
        help=f"read COLUMN as TYPE, one of {', '.join(t for t in TYPE_CHOICES if t != 'auto')} "
        "(repeatable), e.g. --column-type zip=text",
    )


def read_options(args: argparse.Namespace) -> ReadOptions:
    """The reading options the arguments ask for; a malformed one is one line."""
    types: dict[str, str] = {}
    for item in args.column_type:
        column, sep, kind = item.rpartition("=")
        if not sep or not column:
            raise InvalidParameterError(f"--column-type takes COLUMN=TYPE; got {item!r}.")
        types[column] = kind.strip().lower()
    missing = DEFAULT_MISSING if args.missing is None else ("", *parse_markers(args.missing))
    return ReadOptions(missing=missing, types=types)


def _pii_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pii",
        choices=("detect", "off"),
        default="detect",
        help="detect (default): columns of personal data are found by name and values, faked "
        "and checked for leaks; off: only SDV's own detection by column name applies",
    )


def _protection_arguments(parser: argparse.ArgumentParser) -> None:
    settings = get_settings()
    parser.add_argument(
        "--rare-grouping",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="group categories seen fewer than --rare-min-count times before fitting: text "
        "ones as '(other)', numbers into the nearest frequent value (default: on; the run's "
        "report states what it changed and its cost)",
    )
    parser.add_argument(
        "--rare-min-count",
        type=int,
        metavar="N",
        help=f"threshold of --rare-grouping (default {settings.rare_min_count})",
    )
    parser.add_argument(
        "--clip-extremes",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"pull each number column's values beyond the {settings.clip_min_count}th smallest "
        "and largest in to them before fitting (default: off, as it costs fidelity; the "
        "report states its cost)",
    )


def _shaping_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--condition",
        action="append",
        default=[],
        metavar="COLUMN=VALUE",
        help="generate only rows with this value (repeatable: every condition holds in every "
        "row), e.g. --condition plan=premium; the other columns follow the scenario as the "
        "model learned it, and the report scores them against the real rows of the scenario",
    )
    parser.add_argument(
        "--rebalance",
        metavar="COLUMN",
        help="set the shares of this category column in the extract (equal by default)",
    )
    parser.add_argument(
        "--shares",
        metavar="VALUE=SHARE,...",
        help="target shares of --rebalance, adding up to 1, e.g. yes=0.5,no=0.5 (categories "
        "not named get no rows)",
    )
    parser.add_argument(
        "--constraints",
        type=Path,
        metavar="RULES.json",
        help="rules every row keeps: a JSON list written as SDV names them, e.g. "
        '[{"type": "Inequality", "low_column_name": "checkin", "high_column_name": '
        '"checkout"}] (see the constraints command); kept with the dataset',
    )
    parser.add_argument(
        "--augment",
        action="store_true",
        help="with --target (a category): train on real rows alone and on real plus synthetic "
        "rows, test both on the holdout, and add an augmentation block to the report",
    )
