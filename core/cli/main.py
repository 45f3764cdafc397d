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
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from sdv.single_table.base import BaseSingleTableSynthesizer

from core.cli.args import EXIT_ERROR, EXIT_USAGE, build_parser, read_options
from core.config import get_settings
from core.data.conform import ExtractShape
from core.data.formats import TableFormat
from core.data.ingest import ingest_file
from core.data.metadata import detect_metadata
from core.data.pii import detect_pii
from core.data.roles import fake_pii_metadata
from core.data.rule_suggestions import suggest_rules, suggestion_rows
from core.data.rule_words import describe_rule
from core.data.rules import check_rules, parse_rules
from core.errors import InvalidParameterError, NotFoundError, ReleaseBlockedError, StudioError
from core.export.report_figures import build_report, report_figures
from core.export.writers import format_for_path, write_batches
from core.meta import StudioMetadata
from core.privacy.gate import ReleaseStatus, release_block, release_status
from core.privacy.protections import ProtectionSettings
from core.runs.assess import evaluate
from core.runs.history import history_view, runs_table
from core.runs.pipeline import ensure_metadata, synthesize
from core.synth.redraw import load_run_model
from core.synth.registry import get_spec
from core.synth.scenarios import parse_conditions, parse_shares
from core.synth.shards import sample_sharded
from core.workspace.records import clean_run_name, clean_run_notes
from core.workspace.store import Workspace


def _release(report: dict[str, Any], scores: dict[str, Any]) -> ReleaseStatus:
    """Add the release verdict to the report; warn on stderr when the gate fails."""
    status = release_status(scores)
    report["release"] = release_block(status)
    if not status.passed:
        why = " ".join(c.reason for c in status.checks if not c.passed) or status.error
        print(f"warning: release gate failed ({', '.join(status.failing)}): {why}", file=sys.stderr)
    return status


def _progress(stage: str, done: float, total: float | None) -> None:
    if sys.stderr.isatty() and total:
        print(f"\r{stage}: {done:.0f}/{total:.0f}   ", end="", file=sys.stderr, flush=True)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, allow_nan=False))


def _write_html(
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


def _shard_rows(args: argparse.Namespace) -> int | None:
    """Rows per shard when the extract is sampled in shards, else None (one table in memory)."""
    if args.engine != "dask" and (args.workers is not None or args.scheduler):
        raise InvalidParameterError("--workers and --scheduler need --engine dask.")
    if args.workers is not None and args.scheduler:
        raise InvalidParameterError("--workers sizes a local cluster; --scheduler uses its own.")
    if args.workers is not None and args.workers < 1:
        raise InvalidParameterError(f"--workers must be at least 1; got {args.workers}.")
    if args.engine != "dask" and args.shard_rows is None:
        return None
    if args.output.suffix.lower() != ".parquet":
        raise InvalidParameterError(
            "Sharded sampling writes a directory of Parquet parts: name --output OUT.parquet."
        )
    shard_rows = get_settings().shard_rows if args.shard_rows is None else args.shard_rows
    if shard_rows < 1:
        raise InvalidParameterError(f"--shard-rows must be at least 1; got {shard_rows}.")
    return shard_rows


def _write_shards(
    args: argparse.Namespace,
    synth: BaseSingleTableSynthesizer,
    shape: ExtractShape,
    shard_rows: int,
    report: dict[str, Any],
) -> None:
    """Sample the full extract in shards from the run's model; record how in the report."""
    result = sample_sharded(
        synth,
        out_dir=args.output,
        rows=args.rows,
        seed=args.seed,
        shard_rows=shard_rows,
        engine=args.engine,
        workers=args.workers or os.cpu_count() or 1,
        scheduler=args.scheduler,
        batch_rows=get_settings().sample_batch_rows,
        postprocess=shape,
        progress=_progress,
    )
    report.update(
        evaluated_rows=report["rows"],
        evaluated_on=f"an independent sample of {report['rows']:,} rows from the same model",
        rows=result.rows,
        sharding=result.to_dict(),
    )


def read_rules(path: Path) -> list[dict[str, Any]]:
    """The rules of a ``RULES.json`` file, checked for shape; one line when it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise NotFoundError(f"Cannot read rules file {path}: {err.strerror or err}.") from err
    try:
        items = json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidParameterError(
            f"{path.name} is not JSON ({err.msg} at line {err.lineno}); write a list of rules."
        ) from err
    return parse_rules(items)


def _shaping_args(args: argparse.Namespace, sharded: bool) -> dict[str, Any]:
    """The conditions, rebalance and rules asked for, checked for shape before the slow part."""
    conditions = parse_conditions(args.condition)
    if args.shares is not None and args.rebalance is None:
        raise InvalidParameterError("--shares needs --rebalance COLUMN.")
    if args.augment and not args.target:
        raise InvalidParameterError("--augment needs --target COLUMN, the category to predict.")
    if sharded and (conditions or args.rebalance):
        raise InvalidParameterError(
            "--condition and --rebalance are not sampled in shards; drop --engine dask and "
            "--shard-rows."
        )
    return {
        "conditions": conditions,
        "rebalance": args.rebalance,
        "shares": parse_shares(args.shares) if args.shares is not None else None,
        "rules": read_rules(args.constraints) if args.constraints else None,
    }


def run_synthesize(args: argparse.Namespace) -> dict[str, Any]:
    spec = get_spec(args.synthesizer)
    settings = get_settings()
    if args.rows <= 0:
        raise InvalidParameterError(f"--rows must be at least 1; got {args.rows}.")
    format_for_path(args.output)  # fail before the slow part
    shard_rows = _shard_rows(args)
    shaping = _shaping_args(args, sharded=shard_rows is not None)
    run_name, run_notes = clean_run_name(args.name or ""), clean_run_notes(args.notes or "")
    protections = ProtectionSettings.from_settings(
        settings,
        rare_grouping=args.rare_grouping,
        rare_min_count=args.rare_min_count,
        clipping=args.clip_extremes,
    )
    params: dict[str, Any] = {}
    if args.epochs is not None:
        if not spec.has_epochs:
            raise InvalidParameterError(f"--epochs does not apply to {spec.label}.")
        params["epochs"] = args.epochs
    with tempfile.TemporaryDirectory(prefix="synth-studio-") as tmp:
        workspace = Workspace(args.workspace or Path(tmp) / "workspace.duckdb")
        try:
            dataset = ingest_file(workspace, args.input, options=read_options(args))
            if shaping["rules"] is not None:
                # Attached to the dataset once they fit its rows (a broken rule stores nothing).
                real = workspace.read_real(dataset.id)
                metadata = ensure_metadata(workspace, dataset, pii=args.pii == "detect", real=real)
                rules = check_rules(shaping["rules"], real, metadata)
                workspace.set_metadata(dataset.id, metadata.with_rules(rules))
                dataset = workspace.get_dataset(dataset.id)
            result = synthesize(
                workspace,
                dataset_id=dataset.id,
                key=spec.key,
                # A sharded extract is scored on an evaluation sample from the same model.
                rows=args.rows if shard_rows is None else min(args.rows, settings.eval_max_rows),
                seed=args.seed,
                params=params,
                target=args.target,
                pii=args.pii == "detect",
                protections=protections,
                conditions=shaping["conditions"],
                rebalance=shaping["rebalance"],
                shares=shaping["shares"],
                augment=args.augment,
                progress=_progress,
            )
            if run_name or run_notes:
                workspace.label_run(result.run.id, name=run_name, notes=run_notes)
            metadata = ensure_metadata(workspace, dataset)
            real = workspace.read_real(dataset.id) if args.html else None
            scores = result.evaluation.to_dict()
            report = {
                "rows": result.rows,
                "columns": result.sample.shape[1],
                "synthesizer": spec.key,
                "name": run_name,
                "notes": run_notes,
                "parameters": result.run.params,
                "seed": args.seed,
                "shaping": result.run.shaping,
                **{k: v for k, v in scores.items() if k != "per_column"},
                "fit_seconds": round(result.run.fit_seconds or 0.0, 3),
                "sample_seconds": round(result.run.sample_seconds or 0.0, 3),
                "output": str(args.output),
            }
            status = _release(report, scores)
            if args.strict and not status.passed:
                report["output"] = None
                if args.report:
                    _write_json(args.report, report)
                raise ReleaseBlockedError(
                    f"release gate failed ({', '.join(status.failing)}); --strict, so "
                    f"{args.output} was not written (see the report's privacy block)."
                )
            if shard_rows is None:
                # The run's rows are in the workspace: written a chunk at a time, never whole.
                chunks = workspace.synthetic_chunks(result.run.id, rows=settings.sample_batch_rows)
                write_batches(chunks, args.output, TableFormat.from_dict(dataset.formats))
            else:
                model = load_run_model(workspace, result.run.id)
                # Parts get the input's types and formats, as a file from the workspace does.
                shape = ExtractShape(
                    schema=workspace.real_schema(dataset.id),
                    table=TableFormat.from_dict(dataset.formats),
                    inner=model.postprocess,
                )
                _write_shards(args, model.synth, shape, shard_rows, report)
        finally:
            workspace.close()
    if args.report:
        _write_json(args.report, report)
    if args.html:
        _write_html(
            args.html,
            title=f"Synthetic {dataset.name}",
            synthesizer=spec.label,
            summary={
                "name": dataset.name,
                "source": dataset.source,
                "rows": dataset.n_rows,
                "columns": dataset.n_columns,
            },
            params={**result.run.params, "seed": args.seed},
            scores=scores,
            real=real,
            synthetic=result.sample,
            metadata=metadata,
            seed=args.seed,
            run_name=run_name,
            run_notes=run_notes,
        )
    return report


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
        progress=_progress,
    ).to_dict()
    report = {
        "real": str(args.real),
        "synthetic": str(args.synthetic),
        "rows": len(synthetic),
        "columns": real.shape[1],
        **{k: v for k, v in scores.items() if k != "per_column"},
    }
    _release(report, scores)
    _write_json(args.report, report)
    if args.html:
        _write_html(
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
                progress=_progress,
            )
        finally:
            workspace.close()
    report = result.to_dict()
    _write_json(args.report, report)
    return report


def run_constraints(args: argparse.Namespace) -> None:
    """Print the rules found in a table: JSON in SDV's names, or one line per rule."""
    with tempfile.TemporaryDirectory(prefix="synth-studio-") as tmp:
        workspace = Workspace(Path(tmp) / "workspace.duckdb")
        try:
            dataset = ingest_file(workspace, args.input, options=read_options(args))
            real = workspace.read_real(dataset.id)
            metadata = ensure_metadata(workspace, dataset, pii=args.pii == "detect", real=real)
        finally:
            workspace.close()
    found = suggest_rules(real, metadata)
    if args.json:
        print(json.dumps(suggestion_rows(found), indent=2, allow_nan=False))
        return
    if not found:
        print("no rules found")
    for item in found:
        state = "holds" if item.holds else f"broken by {item.breaking_rows:,}"
        why = f" ({item.why})" if item.why else ""
        print(f"{describe_rule(item.rule)}{why}: {item.support_rows:,} rows keep it, {state}")


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
        for line in _shaping_lines(report):
            print(line, file=sys.stderr)
    elif args.command == "bakeoff":
        print(f"wrote {args.report}: {report.get('recommendation', '')}")
    else:
        print(f"wrote {args.report} (quality {shown})")
    return 0


def _shaping_lines(report: dict[str, Any]) -> list[str]:
    """Warnings about shaped rows worth a person's eye: poor scenarios, broken rules."""
    lines = [
        f"warning: {scenario['warning']}"
        for scenario in report.get("scenarios") or []
        if scenario.get("poor")
    ]
    rules = report.get("rules") or {}
    if rules.get("found_broken"):
        lines.append(
            "note: the extract breaks rule(s) every real row keeps: "
            + "; ".join(rules["found_broken"][:5])
            + " (add them with --constraints)"
        )
    if (augmentation := report.get("augmentation")) is not None:
        lines.append(f"augmentation: {augmentation['verdict']}")
    return lines
