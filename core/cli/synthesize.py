"""``python -m core.cli synthesize``: fit a synthesizer on a table, sample, score and write.

:func:`run_synthesize` checks the arguments before the slow part (rows, output format,
sharding, conditions, rebalance, rules), runs the pipeline in a workspace (a temporary one
unless ``--workspace``), applies the release gate (``--strict`` writes no extract when it
fails), then writes the extract (a chunk at a time, or in shards on Dask, see
:mod:`core.synth.shards`) and the reports. :func:`shaping_lines` are the warnings about shaped
rows printed after it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from sdv.single_table.base import BaseSingleTableSynthesizer

from core.cli.args import read_options
from core.cli.constraints import read_rules
from core.cli.reporting import add_release, show_progress, write_html, write_json
from core.config import get_settings
from core.data.conform import ExtractShape
from core.data.formats import TableFormat
from core.data.ingest import ingest_file
from core.data.rules import check_rules
from core.errors import InvalidParameterError, ReleaseBlockedError
from core.export.writers import format_for_path, write_batches
from core.privacy.protections import ProtectionSettings
from core.runs.pipeline import ensure_metadata, synthesize
from core.synth.redraw import load_run_model
from core.synth.registry import get_spec
from core.synth.scenarios import parse_conditions, parse_shares
from core.synth.shards import sample_sharded
from core.workspace.records import clean_run_name, clean_run_notes
from core.workspace.store import Workspace


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
        progress=show_progress,
    )
    report.update(
        evaluated_rows=report["rows"],
        evaluated_on=f"an independent sample of {report['rows']:,} rows from the same model",
        rows=result.rows,
        sharding=result.to_dict(),
    )


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
                progress=show_progress,
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
            status = add_release(report, scores)
            if args.strict and not status.passed:
                report["output"] = None
                if args.report:
                    write_json(args.report, report)
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
        write_json(args.report, report)
    if args.html:
        write_html(
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


def shaping_lines(report: dict[str, Any]) -> list[str]:
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
