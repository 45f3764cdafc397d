"""Fidelity on public real tables: the studio's extract vs a bare SDV script's (≥ bare - 0.01).

For each table of :mod:`benchmarks.public_tables` and each synthesizer (Gaussian copula with
its defaults, CTGAN with ``EPOCHS`` epochs on both sides), in fresh processes:

- studio: exactly as a user runs it, ``python -m core.cli synthesize INPUT.csv --synthesizer K
  --rows <input rows> --seed S [--epochs E] --output OUT.csv --report REPORT.json`` (a
  temporary workspace); its own ``quality_score`` is read from the report;
- bare: the plain SDV 2.0 script (``pd.read_csv``, ``Metadata.detect_from_dataframes``, the
  synthesizer with its defaults, ``fit``, ``_set_random_state(S)``, ``sample``, ``to_csv``),
  once with the same seed and once with the next one, so the seed-to-seed spread of its score
  is known (for CTGAN it includes the fit, which SDV does not seed);
- both extracts scored by :mod:`benchmarks.score`, which imports nothing of the studio,
  against the whole input.

Two rows per table and synthesizer: the studio's score against bare SDV's (target: at most
``GAP`` below), and the studio's own score against the independent one (within
``TOLERANCE``). CTGAN fits on a seeded sample of the biggest tables (``ctgan_rows``) to stay
within the time budget; both sides and the scorer then read that same sample file.

Select tables and synthesizers for a quick check with ``BENCH_FIDELITY_TABLES=penguins,tips``
and ``BENCH_FIDELITY_SYNTHESIZERS=ctgan``; ``BENCH_FIDELITY_SPREAD=0`` skips the second bare
run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import AT_LEAST, ROOT, SEED, WITHIN, ChildError, Context, Row, run_child
from benchmarks.public_tables import TABLES, write_table

GAP = 0.01  # the studio's score may be at most this much below bare SDV's
TOLERANCE = 0.01  # the studio's own score must be this close to the independent one
EPOCHS = 10
SPREAD_SEED = SEED + 1
STUDIO_TIMEOUT = 1200


@dataclass(frozen=True)
class Synthesizer:
    """One synthesizer as both sides run it: the studio's key and SDV's class, same settings."""

    key: str
    label: str
    sdv_class: str
    epochs: int | None = None


SYNTHESIZERS: dict[str, Synthesizer] = {
    s.key: s
    for s in (
        Synthesizer("gaussian_copula", "Gaussian copula", "GaussianCopulaSynthesizer"),
        Synthesizer("ctgan", f"CTGAN {EPOCHS} epochs", "CTGANSynthesizer", epochs=EPOCHS),
    )
}
# CTGAN's cost grows with rows times one-hot width: a free-text column (airport names, movie
# titles) adds a column per distinct value, so those tables get a smaller sample.
CTGAN_ROWS: dict[str, int] = {
    "airports": 1_000,
    "health-insurance": 5_000,
    "budget-food": 5_000,
    "diamonds": 5_000,
    "movies": 1_000,
}


def task_bare(
    *, csv: str, out: str, sdv_class: str, seed: int, epochs: int | None
) -> dict[str, Any]:
    """The plain SDV 2.0 script a user would write, defaults and all."""
    import pandas as pd
    import sdv.single_table
    from sdv.metadata import Metadata

    started = time.perf_counter()
    df = pd.read_csv(csv)
    metadata = Metadata.detect_from_dataframes({"t": df})
    params = {} if epochs is None else {"epochs": epochs}
    synth = getattr(sdv.single_table, sdv_class)(metadata, **params)
    synth.fit({"t": df})
    synth._set_random_state(seed)
    synth.sample(num_rows=len(df))["t"].to_csv(out, index=False)
    return {"seconds": time.perf_counter() - started}


def task_score(real: str, synthetic: dict[str, str]) -> dict[str, Any]:
    """Score each synthetic file against ``real`` with the independent scorer.

    A file the scorer cannot read or score gets ``{"error": ...}``, so the other sides keep
    their scores.
    """
    from benchmarks.score import score_files

    scores: dict[str, Any] = {}
    for name, path in synthetic.items():
        try:
            scores[name] = asdict(score_files(real, path))
        except Exception as err:  # one broken extract must not hide the others' scores
            scores[name] = {"error": f"{type(err).__name__}: {str(err)[:200]}"}
    return scores


def _selected(variable: str, known: dict[str, Any]) -> list[str]:
    chosen = [n.strip() for n in os.environ.get(variable, "").split(",") if n.strip()]
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        raise ValueError(f"{variable}: unknown {', '.join(unknown)}; known: {', '.join(known)}")
    return chosen or list(known)


def _run_studio(
    csv: Path, synth: Synthesizer, *, rows: int, out: Path, report: Path
) -> tuple[dict[str, Any] | None, str, float]:
    """Run the CLI as a user does; returns (its report, its error line, seconds)."""
    command = [
        sys.executable,
        "-m",
        "core.cli",
        "synthesize",
        str(csv),
        "--synthesizer",
        synth.key,
        "--rows",
        str(rows),
        "--seed",
        str(SEED),
        "--output",
        str(out),
        "--report",
        str(report),
    ]
    if synth.epochs is not None:
        command += ["--epochs", str(synth.epochs)]
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=STUDIO_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return None, f"studio CLI took over {STUDIO_TIMEOUT} s", STUDIO_TIMEOUT
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not out.exists() or not report.exists():
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"studio CLI exit {done.returncode}: {tail[:300]}", seconds
    return json.loads(report.read_text()), "", seconds


def _bare(
    ctx: Context, csv: Path, synth: Synthesizer, *, out: Path, seed: int
) -> tuple[str, float]:
    try:
        result = run_child(
            ctx,
            "fidelity",
            "bare",
            csv=str(csv),
            out=str(out),
            sdv_class=synth.sdv_class,
            seed=seed,
            epochs=synth.epochs,
        )
    except ChildError as err:
        return f"bare SDV: {err}", 0.0
    return "", result["wall_seconds"]  # a fresh interpreter, as the studio's CLI is


def _columns_note(score: dict[str, Any] | None, side: str) -> list[str]:
    if not score:
        return []
    parts = []
    if score["missing"]:
        parts.append(f"{side} extract lacks {', '.join(score['missing'])} (scored as missing)")
    if score["zeroed"]:
        shown = ", ".join(score["zeroed"][:4]) + (" …" if len(score["zeroed"]) > 4 else "")
        parts.append(f"{side}: unscorable, counted 0: {shown}")
    return parts


@dataclass
class _Sides:
    """What one table and synthesizer produced: the studio's report, every side's score."""

    report: dict[str, Any] | None = None
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # "studio" / "bare": one line
    seconds: dict[str, float] = field(default_factory=dict)


def _run_sides(ctx: Context, csv: Path, synth: Synthesizer, *, out: Path, spread: bool) -> _Sides:
    sides = _Sides()
    sides.report, error, sides.seconds["studio"] = _run_studio(
        csv, synth, rows=_count_rows(csv), out=out / "studio.csv", report=out / "studio.json"
    )
    files = {}
    if sides.report is not None:
        files["studio"] = out / "studio.csv"
    else:
        sides.errors["studio"] = error
    for seed in [SEED, SPREAD_SEED] if spread else [SEED]:
        error, seconds = _bare(ctx, csv, synth, out=out / f"bare-{seed}.csv", seed=seed)
        sides.seconds.setdefault("bare", seconds)
        if error:
            sides.errors.setdefault(f"bare-{seed}", error)
        else:
            files[f"bare-{seed}"] = out / f"bare-{seed}.csv"
    try:
        found = run_child(
            ctx, "fidelity", "score", real=str(csv), synthetic={k: str(v) for k, v in files.items()}
        )
    except ChildError as err:
        found = {name: {"error": str(err)} for name in files}
    for name in files:  # the child's answer also holds its own timings
        score = found.get(name) or {"error": "no score"}
        if "error" in score:
            sides.errors[name] = f"scoring the {name} extract: {score['error']}"
        else:
            sides.scores[name] = score
    return sides


def measure_one(
    ctx: Context, table: str, synth: Synthesizer, *, spread: bool, describe: bool = False
) -> list[Row]:
    """The two rows of one table and synthesizer; ``describe`` adds what the table exercises."""
    folder = ctx.folder / "fidelity"
    sample_rows = CTGAN_ROWS.get(table) if synth.key == "ctgan" else None
    csv = write_table(table, folder / "input", max_rows=sample_rows)
    rows, full = _count_rows(csv), _count_rows(write_table(table, folder / "input"))
    out = folder / f"{table}-{synth.key}"
    out.mkdir(parents=True, exist_ok=True)
    ctx.log(f"  {table} / {synth.key}: {rows:,} rows")
    sides = _run_sides(ctx, csv, synth, out=out, spread=spread)

    studio = sides.scores.get("studio")
    bare = sides.scores.get(f"bare-{SEED}")
    other = sides.scores.get(f"bare-{SPREAD_SEED}")
    notes = [TABLES[table].note] if describe else []
    if bare and other:
        notes.append(
            f"bare seed {SEED} {bare['score']:.4f} / seed {SPREAD_SEED} {other['score']:.4f}: "
            f"spread {abs(bare['score'] - other['score']):.4f}"
        )
    if f"bare-{SPREAD_SEED}" in sides.errors:
        notes.append(f"no spread: {sides.errors[f'bare-{SPREAD_SEED}']}")
    if rows < full:
        notes.append(f"seeded sample of {rows:,} of {full:,} rows")
    if (studio or bare or {}).get("left_out"):
        notes.append(f"left out (mostly unique): {', '.join((studio or bare)['left_out'])}")
    notes += _columns_note(studio, "studio") + _columns_note(bare, "bare")
    studio_error = sides.errors.get("studio", "")
    size = f"{synth.label}, {rows:,} rows"
    own = None if sides.report is None else sides.report.get("quality_score")
    return [
        Row(
            measurement=f"fidelity {table}",
            size=size,
            baseline_label="bare SDV",
            baseline=bare["score"] if bare else None,
            studio=studio["score"] if studio else None,
            unit="score",
            target=GAP,
            judge=AT_LEAST,
            seconds=f"bare {sides.seconds['bare']:.1f} s / studio {sides.seconds['studio']:.1f} s",
            note="; ".join(notes),
            error=studio_error or sides.errors.get(f"bare-{SEED}", ""),
        ),
        Row(
            measurement=f"fidelity {table}: studio's own score",
            size=size,
            baseline_label="independent",
            baseline=studio["score"] if studio else None,
            studio=own,
            unit="score",
            target=TOLERANCE,
            judge=WITHIN,
            # What each score was computed on, when that is what a reader needs to know.
            note=_own_note(sides.report, studio) if _off(own, studio) else "",
            error=studio_error,
        ),
    ]


def _off(own: float | None, studio: dict[str, Any] | None) -> bool:
    return own is not None and studio is not None and abs(own - studio["score"]) > TOLERANCE


def _own_note(report: dict[str, Any] | None, studio: dict[str, Any]) -> str:
    report = report or {}
    used = report.get("sample_rows")
    if isinstance(used, dict):
        used = ", ".join(f"{name} {count:,}" for name, count in used.items())
    elif isinstance(used, int):
        used = f"{used:,}"
    return (
        f"own: {used or '?'} extract rows vs the training split; "
        f"independent: {studio['synthetic_rows']:,} vs all {studio['real_rows']:,} input rows"
    )


def _count_rows(csv: Path) -> int:
    import pandas as pd

    return len(pd.read_csv(csv, usecols=[0]))


def measure(ctx: Context) -> list[Row]:
    tables = _selected("BENCH_FIDELITY_TABLES", TABLES)
    synths = _selected("BENCH_FIDELITY_SYNTHESIZERS", SYNTHESIZERS)
    spread = os.environ.get("BENCH_FIDELITY_SPREAD", "1") != "0"
    rows: list[Row] = []
    for table in tables:
        for i, key in enumerate(synths):
            rows += measure_one(ctx, table, SYNTHESIZERS[key], spread=spread, describe=i == 0)
    return rows
