"""The CLI's sharded path as a subprocess: a local Dask cluster of two workers, and the same
shards sampled in-process, give the same extract; bad combinations stop with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import run_cli


def _synthesize(tips_csv: Path, out: Path, report: Path, *engine: object):
    return run_cli(
        "synthesize", tips_csv, "--synthesizer", "gaussian_copula", "--rows", 2500, "--seed", 5,
        "--shard-rows", 1000, "--output", out, "--report", report, *engine,
    )  # fmt: skip


def test_dask_engine_writes_the_same_parts_as_a_local_sharded_run(
    tmp_path: Path, tips_csv: Path
) -> None:
    # Setup
    local_out, dask_out = tmp_path / "local.parquet", tmp_path / "dask.parquet"
    local = _synthesize(tips_csv, local_out, tmp_path / "local.json")
    assert local.returncode == 0, local.stderr

    # Run
    done = _synthesize(
        tips_csv, dask_out, tmp_path / "dask.json", "--engine", "dask", "--workers", 2
    )

    # Assert
    assert done.returncode == 0, done.stderr
    assert "wrote 2,500 rows to" in done.stdout
    assert sorted(p.name for p in dask_out.iterdir()) == [
        "part-00000.parquet",
        "part-00001.parquet",
        "part-00002.parquet",
    ]
    pd.testing.assert_frame_equal(pd.read_parquet(dask_out), pd.read_parquet(local_out))
    assert pd.read_parquet(dask_out).shape == (2500, 7)
    report = json.loads((tmp_path / "dask.json").read_text())
    sharding = report["sharding"]
    assert (report["rows"], sharding["engine"], sharding["shard_rows"]) == (2500, "dask", 1000)
    assert [s["rows"] for s in sharding["shards"]] == [1000, 1000, 500]
    assert len({s["seed"] for s in sharding["shards"]}) == 3
    assert report["evaluated_rows"] == 2500  # below eval_max_rows: scored on as many rows
    assert 0.0 <= report["quality_score"] <= 1.0
    assert json.loads((tmp_path / "local.json").read_text())["sharding"]["engine"] == "local"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--workers", "2"], "error: --workers and --scheduler need --engine dask."),
        (["--engine", "dask", "--output", "x.csv"], "name --output OUT.parquet."),
        (["--engine", "dask", "--workers", "0"], "error: --workers must be at least 1; got 0."),
        (["--engine", "dask", "--shard-rows", "0"], "error: --shard-rows must be at least 1"),
    ],
)
def test_bad_sharding_options_stop_with_one_line(
    tmp_path: Path, tips_csv: Path, extra: list[str], message: str
) -> None:
    # Setup: the last --output wins, so a case can swap in a CSV name
    args = ["--output", tmp_path / "out.parquet", *extra]

    # Run
    done = run_cli("synthesize", tips_csv, "--synthesizer", "gaussian_copula", "--rows", 10, *args)

    # Assert
    assert done.returncode == 1
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.parquet").exists()
