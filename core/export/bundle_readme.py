"""A bundle's ``README.txt``: what each file holds and how to rerun the run, in words.

:func:`readme_text` fills :data:`README_TXT` from the run and what the bundle records of it:
its name and notes, the holdout split, the protections, the batch size, and a note when the
rows were shaped, when the synthesizer is neural (seeded, or a run from before fits were
seeded) or when fake personal values were redrawn (which ``reproduce.py`` does not redo).
"""

from __future__ import annotations

from typing import Any

from core.data.formats import TableFormat
from core.synth.registry import SynthesizerSpec
from core.synth.scenarios import describe_shaping
from core.workspace.records import RunInfo

README_TXT = """\
Synth Studio run #{run_id}: {label} on "{dataset}", {rows:,} rows, seed {seed}.{naming}

Files
  metadata.json  SDV metadata of the table (Metadata.load_from_dict reads it).
  run.json       the run's name and notes, synthesizer class and parameters, seed,
                 rows, sample batch size, holdout split, how the rows were shaped
                 (conditions, rebalanced shares, rules), library versions, timings
                 and status.
  report.json    the run's scores as the studio computed them.
  reproduce.py   refits and samples with plain SDV, pandas and scikit-learn.

Reproduce
  1. Install the versions listed in run.json ("versions"), at least sdv=={sdv}.
  2. Export the real table with the rows, order and column types the studio stored
     (Parquet keeps the types; a CSV must read back with the same types).
  3. python reproduce.py REAL.parquet OUT.csv        (or REAL.csv; --seed N for another seed)

The script redoes the studio's holdout split ({train_rows:,} training rows, seed {split_seed}),
applies the studio's protections as the run applied them, recorded in run.json
("protections": {protection_summary}; the rare values are found again in the training rows,
as the bundle does not name them), seeds the fit and sampling with the run's seed as the
studio does, and samples in batches of {batch:,} rows.{shaping_note}{neural_note}{pii_note}

The metadata is the dataset's as stored when this bundle was made: if it was edited after
the run, the rows differ.
"""

NEURAL_NOTE = """

{label} is a neural synthesizer: the studio seeded its fit with the run's seed (Python's,
NumPy's and torch's generators) and reproduce.py does the same, with torch on the run's
{threads} thread(s), so the rows are the run's. A CPU of another kind may still change the
last digits of a neural fit, and with them some rows."""

# Runs recorded before the studio seeded neural fits carry no torch thread count.
UNSEEDED_NOTE = """

{label} is a neural synthesizer, and this run's fit was not seeded (it predates the studio
seeding fits), so refitting gives other model weights and rows than the run's. reproduce.py
seeds its own fit with the run's seed, so its output is the same every time it runs."""

SHAPING_NOTE = """

The run's rows were shaped ("shaping" in run.json: {summary}); reproduce.py fits the rules as
SDV constraints and draws each batch's scenarios as the studio does, with the same draw sizes
and the same shuffle."""

PII_NOTE = """

The studio redrew {count:,} fake personal values that happened to equal a real one;
reproduce.py does not, so those values differ."""


def readme_text(
    run: RunInfo,
    *,
    spec: SynthesizerSpec,
    dataset_name: str,
    split: dict[str, Any],
    batch_rows: int,
    protections: dict[str, Any],
    table: TableFormat | None = None,
) -> str:
    """The README of a run's bundle, for the split, batch size and protections it records
    (values it names spelled as the input file, ``table``, spells them)."""
    versions = run.versions or {}
    redrawn = protections["pii_values_redrawn"]
    return README_TXT.format(
        run_id=run.id,
        label=spec.label,
        dataset=dataset_name,
        rows=run.n_rows,
        seed=run.seed,
        naming=_naming(run.name, run.notes),
        sdv=versions.get("sdv", "?"),
        train_rows=split["train_rows"],
        split_seed=split.get("seed"),
        batch=batch_rows,
        protection_summary=_summary(protections),
        shaping_note=SHAPING_NOTE.format(summary=describe_shaping(run.shaping, table))
        if run.shaping
        else "",
        neural_note=_neural_note(spec.label, versions) if spec.needs_torch else "",
        pii_note=PII_NOTE.format(count=redrawn) if redrawn else "",
    )


def _naming(name: str, notes: str) -> str:
    """The run's name and notes under the README's first line, "" for a run without them."""
    lines = [f"Name: {name}"] if name else []
    if notes:
        lines += ["Notes:", *(f"  {line}".rstrip() for line in notes.splitlines())]
    return "".join(f"\n{line}" for line in lines)


def _neural_note(label: str, versions: dict[str, str]) -> str:
    threads = versions.get("torch_threads")
    if threads is None:
        return UNSEEDED_NOTE.format(label=label)
    return NEURAL_NOTE.format(label=label, threads=threads)


def _summary(protections: dict[str, Any]) -> str:
    grouped = ", ".join(protections["rare_categories_grouped"]) or "none"
    clipped = ", ".join(protections["clip"]) or "none"
    return f"rare categories grouped in {grouped}; extremes clipped in {clipped}"
