"""Seeded, realistic mixed-type tables for the benchmarks, written fast at any size.

Numbers (skewed, bounded, counts), categories (a long-tailed one and small ones), booleans,
dates and timestamps, with a share of nulls in most columns. numpy draws the columns, pyarrow
holds them, and DuckDB writes the CSV: a million rows take a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

SEED = 20240601
CITIES = [
    "Lyon", "Oslo", "Lima", "Pune", "Kyoto", "Accra", "Quito", "Perth", "Cork", "Riga",
    "Tartu", "Malmo", "Turin", "Porto", "Graz", "Ghent", "Brno", "Split", "Bergen", "Lille",
    "Basel", "Bonn", "Delft", "Aarhus", "Tampere", "Gdansk", "Vigo", "Nice", "Bari", "Cluj",
]  # fmt: skip
SEGMENTS = ["consumer", "small business", "enterprise", "public sector"]
PLANS = ["free", "standard", "premium"]
# What a careful pandas script passes as ``parse_dates`` (SDV parses date strings row by row).
DATE_COLUMNS = ["signup_date", "last_seen"]


@dataclass(frozen=True)
class BenchData:
    """One generated table on disk as CSV, with its size."""

    rows: int
    csv: Path
    csv_mb: float


def _with_nulls(values: np.ndarray, share: float, rng: np.random.Generator) -> pa.Array:
    return pa.array(values, mask=rng.random(len(values)) < share)


def make_table(rows: int, *, seed: int = SEED) -> pa.Table:
    """A customer-like table of ``rows`` rows; the same rows and seed give the same table."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 90, rows)
    # Income grows with age and with the plan, so pair trends have something to find.
    plan = rng.choice(len(PLANS), rows, p=[0.6, 0.3, 0.1])
    income = np.round(rng.lognormal(9.6 + 0.012 * age + 0.3 * plan, 0.35), 2)
    weights = 1.0 / np.arange(1, len(CITIES) + 1) ** 1.1  # a long tail of small cities
    city = rng.choice(len(CITIES), rows, p=weights / weights.sum())
    start = np.datetime64("2015-01-01")
    signup = start + rng.integers(0, 3650, rows).astype("timedelta64[D]")
    seen_seconds = rng.integers(0, 86400 * 365, rows).astype("timedelta64[s]")
    last_seen = np.datetime64("2024-01-01T00:00:00") + seen_seconds
    columns = {
        "age": _with_nulls(age, 0.02, rng),
        "income": _with_nulls(income, 0.05, rng),
        "balance": pa.array(np.round(rng.normal(0.02 * income, 600.0), 2)),
        "score": _with_nulls(np.round(rng.beta(2.0, 5.0, rows), 4), 0.01, rng),
        "n_orders": pa.array(rng.poisson(3.0 + 2.0 * plan, rows)),
        "branch": _with_nulls(np.array(CITIES)[city], 0.01, rng),
        "segment": pa.array(np.array(SEGMENTS)[rng.choice(4, rows, p=[0.7, 0.2, 0.07, 0.03])]),
        "plan": pa.array(np.array(PLANS)[plan]),
        "active": pa.array(rng.random(rows) < 0.8),
        "signup_date": _with_nulls(signup, 0.03, rng),
        "last_seen": pa.array(last_seen),
    }
    return pa.table(columns)


def write_dataset(rows: int, folder: Path, *, seed: int = SEED) -> BenchData:
    """Write ``rows`` rows as ``bench_<rows>.csv`` under ``folder`` (DuckDB writes it)."""
    folder.mkdir(parents=True, exist_ok=True)
    csv = folder / f"bench_{rows}.csv"
    table = make_table(rows, seed=seed)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.register("bench", table)
        con.execute(f"COPY bench TO '{csv}' (HEADER, DELIMITER ',')")
    finally:
        con.close()
    return BenchData(rows=rows, csv=csv, csv_mb=csv.stat().st_size / 1e6)
