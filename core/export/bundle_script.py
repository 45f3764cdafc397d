"""The standalone ``reproduce.py`` a bundle carries, as text: plain SDV, no studio needed.

:data:`REPRODUCE_PY` redoes what the studio did to a run's rows, each step as the studio does
it: the holdout split, the protections (rare categories grouped, extremes clipped), the seeds
of a neural fit, the rules as SDV constraints, the shaped batches (conditions, rebalanced
shares, the shuffle) and the sample batch sizes, then writes the rows with the real table's
types. It reads ``run.json`` and ``metadata.json`` beside it (:mod:`core.export.bundle`).
"""

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
