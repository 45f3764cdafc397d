"""A reproducibility bundle for one run: a zip anyone can rerun with plain SDV, no studio needed.

The zip holds the SDV metadata, the run's settings, its scores, a standalone ``reproduce.py``
and a README. It never holds a model file: a pickle from someone else is code, so a bundle
carries what is needed to refit instead.
"""

from __future__ import annotations

import copy
import inspect
import io
import json
import math
import zipfile
from typing import Any

import pandas as pd

from core.config import Settings, get_settings
from core.data.holdout import recorded_split
from core.errors import StudioError
from core.evaluate.stored import StoredScores
from core.meta import TABLE
from core.privacy.protect import RARE_REPLACEMENT, RareGrouping, protect_rare_categories
from core.synth.registry import get_spec
from core.synth.scenarios import describe_shaping
from core.workspace.records import DatasetInfo
from core.workspace.store import Workspace

BUNDLE_FILES = ("metadata.json", "run.json", "report.json", "reproduce.py", "README.txt")
# A fixed timestamp for every member, so the same run always gives the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

REPRODUCE_PY = '''\
"""Reproduce a Synth Studio run with plain SDV, pandas and scikit-learn (no studio needed).

    python reproduce.py REAL.csv OUT.csv [--seed N]

REAL is the real table (.csv or .parquet) with the same rows, order and dtypes the studio stored;
OUT (.csv or .parquet) receives the synthetic rows. run.json and metadata.json sit beside this.
"""

import argparse
import json
import math
import random
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import sdv.cag
import sdv.single_table
from sdv.metadata import Metadata
from sklearn.model_selection import train_test_split

HERE = Path(__file__).resolve().parent


def read_table(path):
    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, float_precision="round_trip")  # floats read back bit for bit
    for column in frame.columns:
        # SDV reads every datetime64 column as nanoseconds: Arrow's microseconds give 1970.
        dtype = frame[column].dtype
        if pd.api.types.is_datetime64_any_dtype(dtype):
            tz = getattr(dtype, "tz", None)
            frame[column] = frame[column].astype(f"datetime64[ns, {tz}]" if tz else "M8[ns]")
    return frame


def keep_values_in_training(train, holdout, max_distinct=50, min_holdout=10):
    # As the studio does: the first holdout row of each category (of a column with at most
    # 50 distinct values) or missing value the training rows lack goes back to training.
    take = []
    for column in holdout.columns:
        kept, aside = train[column], holdout[column]
        if aside.isna().any() and not kept.isna().any():
            take.append(int(aside.isna().to_numpy().argmax()))
        if kept.nunique(dropna=True) > max_distinct:
            continue
        known = set(kept.dropna().tolist())
        for value in aside.dropna().drop_duplicates().tolist():
            if value not in known:
                take.append(int((aside == value).to_numpy().argmax()))
    take = list(dict.fromkeys(take))[: max(len(holdout) - min_holdout, 0)]
    return pd.concat([train, holdout.iloc[take]]) if take else train


def like_real(out, real):
    # The studio stores synthetic rows with the real table's types: whole numbers as integers,
    # booleans as booleans, dates without a time where the real ones have none.
    for column in out.columns:
        want, values = real[column].dtype, out[column]
        try:
            if pd.api.types.is_integer_dtype(want):
                out[column] = values.round().astype("Int64" if values.isna().any() else want)
            elif pd.api.types.is_datetime64_any_dtype(want):
                dates = real[column].dropna()
                if len(dates) and (dates == dates.dt.normalize()).all():
                    out[column] = pd.to_datetime(values).dt.floor("D")
        except (TypeError, ValueError):
            pass  # a column the synthesizer filled otherwise keeps its values
    return out


def write_table(frame, path):
    if path.suffix.lower() == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


def nearest_frequent(counts, min_count):
    # Each rare number joins the nearest value seen min_count times or more (on a tie the
    # more frequent, then the lower), so a number column keeps real numbers.
    frequent = counts[counts >= min_count].sort_index()
    rare = counts.index[counts < min_count]
    points = frequent.index.to_numpy(dtype=float)
    values = rare.to_numpy(dtype=float)
    right = np.clip(np.searchsorted(points, values), 0, len(points) - 1)
    left = np.clip(right - 1, 0, len(points) - 1)
    gap_left, gap_right = np.abs(values - points[left]), np.abs(points[right] - values)
    weight = frequent.to_numpy()
    take_left = (gap_left < gap_right) | ((gap_left == gap_right) & (weight[left] >= weight[right]))
    chosen = np.where(take_left, left, right)
    return {value: frequent.index[i] for value, i in zip(rare, chosen)}


def protect(train, metadata_dict, protections):
    # What the studio changed in the training rows before fitting, exactly as it did it:
    # rare categories grouped (under one value in text columns, into the nearest frequent
    # value in number columns), the few most extreme numbers clipped to the recorded bounds.
    # The rare values themselves are not in the bundle (they are what the grouping hides):
    # they are found again in the training rows, and their number checked against the run's.
    table = next(iter(metadata_dict["tables"]))
    columns = metadata_dict["tables"][table]["columns"]
    replacement = protections["replacement"]
    to_nearest = set(protections.get("rare_to_nearest") or [])
    train = train.copy()
    for column, expected in protections["rare_categories_grouped"].items():
        series = train[column]
        counts = series.value_counts(dropna=True)
        values = list(counts.index[counts < protections["rare_min_count"]])
        if len(values) != expected:
            sys.exit(f"{column}: {len(values)} rare categories in these rows, the run grouped "
                     f"{expected}; is this the run's real table?")
        if column in to_nearest:  # metadata.json already lists none of the rare numbers
            mapping = nearest_frequent(counts, protections["rare_min_count"])
            train[column] = series.replace(mapping).astype(series.dtype)
            continue
        if not pd.api.types.is_object_dtype(series):
            series = series.astype(object)
        train[column] = series.mask(series.isin(set(values)), replacement)
        known = columns[column].get("range_values")
        if known is not None and replacement not in known:  # metadata.json has it already
            columns[column]["range_values"] = [v for v in known if v not in values] + [
                replacement
            ]
    for column, (low, high) in protections["clip"].items():
        kind = train[column].dtype.type  # bounds are observed values: keep the column's dtype
        train[column] = train[column].clip(lower=kind(low), upper=kind(high))
    return train, metadata_dict


def seed_global_generators(seed, torch_threads=None):
    # Neural fits (CTGAN, TVAE, CopulaGAN) draw from Python's, NumPy's and torch's global
    # generators: the studio seeds them with the run's seed just before the fit, as here.
    # torch splits a fit's sums across its threads; the run's thread count gives its rows.
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
    except ImportError:
        return
    if torch_threads:
        torch.set_num_threads(int(torch_threads))
    torch.manual_seed(seed)


def apportion(rows, shares):
    # A rebalanced batch's rows per category, as the studio splits them: largest remainder,
    # ties to the first category.
    exact = [rows * s for s in shares]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: rows - sum(counts)]:
        counts[i] += 1
    return counts


def sample_once(synth, conditions, rows):
    # One draw, keeping the rows that meet the conditions and the rules: SDV's private steps,
    # as the studio calls them (its sample_from_conditions retries without a time limit).
    if not conditions:
        return synth._sample_batch(batch_size=rows, max_tries=1).reset_index(drop=True)
    frame = pd.DataFrame({column: [value] * rows for column, value in conditions.items()})
    return synth._sample_with_conditions(frame, 1, rows).reset_index(drop=True)


def draw_matching(synth, conditions, rows, draw_rows):
    # Rows meeting the conditions, drawn until there are enough, with the studio's draw sizes.
    parts, have, drawn, matched = [], 0, 0, 0
    while have < rows:
        missing = rows - have
        rate = max(matched, 1) / drawn if drawn else 1.0
        ask = min(max(draw_rows, missing), max(missing, math.ceil(missing / rate)))
        part = sample_once(synth, conditions, ask)
        drawn, matched = drawn + ask, matched + len(part)
        parts.append(part.iloc[:missing])
        have += len(parts[-1])
        if have < rows and drawn >= 50_000 and matched / drawn < 0.001:
            sys.exit(f"The scenario {conditions} is too rare for this model: {have} of {rows}.")
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def shaped_batch(synth, shaping, rows, seed, index):
    # One batch of a shaped run: each scenario's rows, then shuffled with the run's seed.
    conditions = shaping.get("conditions") or {}
    rebalance = shaping.get("rebalance")
    if rebalance:
        shares = [item["share"] for item in rebalance["shares"]]
        plan = [
            ({**conditions, rebalance["column"]: item["value"]}, count)
            for item, count in zip(rebalance["shares"], apportion(rows, shares))
        ]
    else:
        plan = [(conditions, rows)]
    parts = [draw_matching(synth, c, n, shaping["draw_rows"]) for c, n in plan if n]
    batch = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if len(parts) > 1:
        sequence = np.random.SeedSequence(int(seed), spawn_key=(int(index), 1))
        batch = batch.iloc[np.random.default_rng(sequence).permutation(len(batch))]
    return batch.reset_index(drop=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("real", type=Path, help="the real table, .csv or .parquet")
    parser.add_argument("out", type=Path, help="where to write the synthetic rows")
    parser.add_argument(
        "--seed", type=int, help="fit and sample with another seed than the run's (same split)"
    )
    args = parser.parse_args(argv)
    run = json.loads((HERE / "run.json").read_text(encoding="utf-8"))
    metadata_dict = json.loads((HERE / "metadata.json").read_text(encoding="utf-8"))
    if version("sdv") != run["versions"].get("sdv"):
        print(f"warning: the run used sdv {run['versions'].get('sdv')}, this is sdv "
              f"{version('sdv')}; rows may differ.", file=sys.stderr)

    # The studio's holdout split: same row count, seed and shuffle, then a fresh index.
    real = read_table(args.real)
    split = run["holdout"]
    expected = split["train_rows"] + split["holdout_rows"]
    if len(real) != expected:
        sys.exit(f"{args.real} has {len(real):,} rows; the run's real table had {expected:,}.")
    if split["holdout_rows"]:
        moved = split.get("moved_to_training", 0)
        train, holdout = train_test_split(
            real, test_size=split["holdout_rows"] + moved, random_state=split["seed"], shuffle=True
        )
        train = keep_values_in_training(train, holdout).reset_index(drop=True)
    else:
        train = real
    train, metadata_dict = protect(train, metadata_dict, run["protections"])

    seed = run["seed"] if args.seed is None else args.seed
    table = next(iter(metadata_dict["tables"]))
    synthesizer_class = getattr(sdv.single_table, run["synthesizer"]["class"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metadata = Metadata.load_from_dict(metadata_dict)
        synth = synthesizer_class(metadata, **run["parameters"])
        shaping = run.get("shaping") or {}
        if shaping.get("rules"):  # rules every row keeps: SDV's constraints, named as SDV does
            params = [{k: v for k, v in rule.items() if k != "type"} for rule in shaping["rules"]]
            synth.add_constraints(
                [getattr(sdv.cag, r["type"])(**p) for r, p in zip(shaping["rules"], params)]
            )
        seed_global_generators(seed, run["versions"].get("torch_threads"))
        synth.fit({table: train})
        # Seed exactly as the studio does. SDV has no public seed argument: _set_random_state
        # is its private seed hook (the studio's test fails loudly if an upgrade breaks it).
        synth.reset_sampling()
        if getattr(synth, "_model", None) is not None:  # None when no column is modelled
            synth._set_random_state(int(seed))
        rows, batch = run["rows"], run["sample_batch_rows"]
        parts, done = [], 0
        while done < rows:  # the same batch sizes as the studio: batching changes the rows
            size = min(batch, rows - done)
            if shaping:
                parts.append(shaped_batch(synth, shaping, size, seed, len(parts)))
            else:
                parts.append(synth.sample(num_rows=size)[table])
            done += size
    write_table(like_real(pd.concat(parts, ignore_index=True), real), args.out)
    print(f"wrote {rows:,} rows to {args.out}")


if __name__ == "__main__":
    main()
'''

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


def export_bundle(workspace: Workspace, run_id: int, *, settings: Settings | None = None) -> bytes:
    """The reproducibility bundle of a finished run, as the bytes of a zip.

    Args:
        workspace: The workspace holding the run.
        run_id: A run whose status is ``done``.
        settings: Sample batch size and rare-category threshold, which must be the run's
            (defaults to :func:`get_settings`).

    Returns:
        A zip with ``metadata.json``, ``run.json``, ``report.json``, ``reproduce.py`` and
        ``README.txt``; never a model file.

    Raises:
        StudioError: the run did not finish, lacks its scores or metadata, used a
            differentially private synthesizer (its noise cannot be replayed), or the rare
            categories it grouped cannot be found again under ``settings`` (one line).
    """
    settings = settings or get_settings()
    run = workspace.get_run(run_id)
    if run.status != "done":
        raise StudioError(
            f"Run #{run.id} is {run.status}; only a finished run can be bundled, so rerun it."
        )
    dataset = workspace.get_dataset(run.dataset_id)
    scores = StoredScores.of(run.scores)
    if not scores.holdout or dataset.metadata is None:
        raise StudioError(
            f"Run #{run.id} has no recorded holdout split or metadata; rerun it to bundle it."
        )
    spec = get_spec(run.synthesizer)
    if spec.differentially_private:
        # Its noise comes from an unseedable secure generator (core.synth.dp): no refit repeats it.
        raise StudioError(
            f"Run #{run.id} used {spec.label}, whose private noise cannot be replayed, so a "
            "bundle cannot reproduce it; export its rows instead."
        )
    split = scores.holdout
    versions = run.versions or {}
    sample = split.get("training_sample") or {}
    if sample and sample["rows"] < sample["of_rows"]:
        raise StudioError(
            f"Run #{run.id} fitted on a stratified sample of its training rows; a bundle "
            "reproduces runs that fit on every training row."
        )
    protections, rare_values = _protections(workspace, dataset, scores, settings)
    batch_rows = int(split.get("sample_batch_rows") or settings.sample_batch_rows)
    redrawn = protections["pii_values_redrawn"]
    parameters = {**run.params, **spec.fixed_kwargs}
    locales = list(dataset.metadata.locales)
    if locales and "locales" in inspect.signature(spec.cls.__init__).parameters:
        parameters["locales"] = locales  # as core.synth.registry.fit_synthesizer passes them
    run_json: dict[str, Any] = {
        "run_id": run.id,
        "name": run.name,
        "notes": run.notes,
        "dataset": {
            "name": dataset.name,
            "rows": dataset.n_rows,
            "columns": dataset.n_columns,
            "fingerprint": dataset.fingerprint,
        },
        "synthesizer": {"key": spec.key, "label": spec.label, "class": spec.cls.__name__},
        "parameters": parameters,
        "fixed_parameters": dict(spec.fixed_kwargs),
        "seed": run.seed,
        "rows": run.n_rows,
        "sample_batch_rows": batch_rows,
        "holdout": {
            "train_rows": split["train_rows"],
            "holdout_rows": split["holdout_rows"],
            "share": split.get("share"),
            "seed": split.get("seed"),
            "note": split.get("note", ""),
            "moved_to_training": split.get("moved_to_training", 0),
        },
        "protections": protections,
        "shaping": run.shaping,
        "versions": versions,
        "timings": {"fit_seconds": run.fit_seconds, "sample_seconds": run.sample_seconds},
        "status": run.status,
        "created": run.created.isoformat(timespec="seconds"),
    }
    readme = README_TXT.format(
        run_id=run.id,
        label=spec.label,
        dataset=dataset.name,
        rows=run.n_rows,
        seed=run.seed,
        naming=_naming(run.name, run.notes),
        sdv=versions.get("sdv", "?"),
        train_rows=split["train_rows"],
        split_seed=split.get("seed"),
        batch=batch_rows,
        protection_summary=_summary(protections),
        shaping_note=SHAPING_NOTE.format(summary=describe_shaping(run.shaping))
        if run.shaping
        else "",
        neural_note=_neural_note(spec.label, versions) if spec.needs_torch else "",
        pii_note=PII_NOTE.format(count=redrawn) if redrawn else "",
    )
    members = {
        "metadata.json": _json(_fitted_metadata(dataset.metadata.sdv, protections, rare_values)),
        "run.json": _json(run_json),
        "report.json": _json(run.scores),
        "reproduce.py": REPRODUCE_PY,
        "README.txt": readme,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in BUNDLE_FILES:
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # rw-r--r-- when unzipped
            archive.writestr(info, members[name])
    return buffer.getvalue()


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


def _fitted_metadata(
    sdv_meta: dict[str, Any], protections: dict[str, Any], rare_values: dict[str, list[Any]]
) -> dict[str, Any]:
    """The metadata the run was fitted with: no rare category, no bound beyond the clip.

    As :func:`core.privacy.protections.protect_training` changes it, so it names none of the values
    the protections hide.
    """
    fitted = copy.deepcopy(sdv_meta)
    columns = fitted["tables"][TABLE]["columns"]
    to_nearest = set(protections.get("rare_to_nearest") or [])
    for column, values in rare_values.items():
        known = columns[column].get("range_values")
        if known is not None:
            added = [] if column in to_nearest else [protections["replacement"]]
            columns[column]["range_values"] = [v for v in known if v not in values] + added
    for column, (low, high) in protections["clip"].items():
        if "range_min" in columns[column]:
            columns[column]["range_min"], columns[column]["range_max"] = float(low), float(high)
    return fitted


def _protections(
    workspace: Workspace, dataset: DatasetInfo, scores: StoredScores, settings: Settings
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """What the pipeline changed in the training rows, precisely enough to redo it.

    The run records its protection settings (runs before them: the settings of the time,
    taken from ``settings``), the clip bounds, and of the rare categories only how many it
    grouped per column. The bundle carries the threshold and the counts, not the values
    (which the grouping exists to hide); the threshold is checked here by finding the same
    counts again in the training split.
    """
    recorded = scores.protections
    chosen = recorded.get("settings")
    min_count = chosen["rare_min_count"] if chosen else settings.rare_min_count
    max_share = chosen["rare_max_share"] if chosen else settings.rare_max_share
    counts: dict[str, int] = recorded.get("rare_categories_grouped") or {}
    found = RareGrouping(data=pd.DataFrame())
    if counts:
        if min_count > 0:
            train = recorded_split(workspace.read_real(dataset.id), scores, settings).train
            found = protect_rare_categories(
                train,
                sdtypes=dataset.metadata.sdtypes,
                min_count=min_count,
                max_rare_share=max_share,
            )
        if {column: len(found.grouped.get(column, [])) for column in counts} != counts:
            where = (
                "the data" if chosen else f"the rare-category setting (now {min_count}) or the data"
            )
            raise StudioError(
                f"The rare categories this run grouped cannot be found again: {where} "
                "changed since; rerun it to bundle it."
            )
    protections = {
        "replacement": RARE_REPLACEMENT,
        "rare_min_count": min_count if counts else None,
        "rare_categories_grouped": counts,
        "rare_to_nearest": [column for column in counts if column in found.merged_into],
        "clip": recorded.get("clipped") or {},
        "pii_values_redrawn": int(recorded.get("pii_values_redrawn") or 0),
        "settings": chosen,
    }
    return protections, {column: found.grouped.get(column, []) for column in counts}


def _summary(protections: dict[str, Any]) -> str:
    grouped = ", ".join(protections["rare_categories_grouped"]) or "none"
    clipped = ", ".join(protections["clip"]) or "none"
    return f"rare categories grouped in {grouped}; extremes clipped in {clipped}"


def _json(value: Any) -> str:
    return json.dumps(_finite(value), indent=2, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    # Strict JSON has no NaN or infinity: a score that could not be computed becomes null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
