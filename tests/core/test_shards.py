"""Sharded sampling: layout, derived seeds, and the same parts in-process and on Dask."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from core.data.demos import DEMOS
from core.data.metadata import detect_metadata
from core.errors import CancelledError, InvalidParameterError, StudioError
from core.synth.fitting import fit_synthesizer
from core.synth.sampling import iter_batches
from core.synth.shards import plan_shards, sample_sharded, shard_layout


@pytest.fixture(scope="module")
def fitted():
    df = pd.read_csv(DEMOS["tips"].path)
    metadata = (detect_metadata(df)).to_sdv()
    return fit_synthesizer(key="gaussian_copula", metadata=metadata, data=df, seed=1)


def _parts(out_dir: Path) -> list[Path]:
    """Every file of a sharded extract, by name: shard order for its parts."""
    return sorted(out_dir.iterdir())


def test_layout_covers_every_row_once() -> None:
    # Run
    layout = shard_layout(1050, 300)

    # Assert
    assert layout == [(0, 300), (1, 300), (2, 300), (3, 150)]
    assert shard_layout(300, 300) == [(0, 300)]
    with pytest.raises(InvalidParameterError, match="Rows per shard must be at least 1"):
        shard_layout(10, 0)
    with pytest.raises(InvalidParameterError, match="at least 1"):
        shard_layout(0, 10)


def test_each_shard_has_its_own_seed_that_ignores_the_shard_count() -> None:
    # Run
    many = plan_shards(50 * 10, seed=7, shard_rows=10)
    few = plan_shards(3 * 10, seed=7, shard_rows=10)
    other = plan_shards(3 * 10, seed=8, shard_rows=10)

    # Assert
    seeds = [s.seed for s in many]
    assert len(set(seeds)) == 50
    assert all(0 <= s < 2**32 for s in seeds)
    assert [s.seed for s in few] == seeds[:3]
    assert not {s.seed for s in other} & set(seeds)
    with pytest.raises(InvalidParameterError, match="Seeds must be 0 or more"):
        plan_shards(10, seed=-1, shard_rows=5)


def test_each_part_holds_its_shards_rows(fitted, tmp_path: Path) -> None:
    # Run
    result = sample_sharded(
        fitted, out_dir=tmp_path / "x.parquet", rows=650, seed=3, shard_rows=300, batch_rows=100
    )

    # Assert: part i is the batches of shard i's seed
    parts = _parts(result.path)
    assert [p.name for p in parts] == [s.name for s in result.shards]
    for part, shard in zip(parts, result.shards, strict=True):
        batches = iter_batches(fitted, rows=shard.rows, seed=shard.seed, batch_rows=100)
        expected = pd.concat(batches, ignore_index=True)
        pd.testing.assert_frame_equal(pd.read_parquet(part), expected)
    assert len(pd.read_parquet(result.path)) == result.rows == 650
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.parquet"]


def test_local_and_dask_write_identical_parts(fitted, tmp_path: Path) -> None:
    # Setup
    layout = dict(rows=900, seed=11, shard_rows=200, batch_rows=80)
    local = sample_sharded(fitted, out_dir=tmp_path / "local.parquet", engine="local", **layout)

    # Run: a local Dask cluster of two worker processes
    dask = sample_sharded(
        fitted, out_dir=tmp_path / "dask.parquet", engine="dask", workers=2, **layout
    )

    # Assert
    assert dask.shards == local.shards and len(dask.shards) == 5
    for ours, theirs in zip(_parts(local.path), _parts(dask.path), strict=True):
        assert ours.name == theirs.name
        assert pq.read_schema(ours) == pq.read_schema(theirs)
        pd.testing.assert_frame_equal(pd.read_parquet(ours), pd.read_parquet(theirs))
    assert len(pd.read_parquet(dask.path)) == 900


def test_different_seeds_give_different_extracts(fitted, tmp_path: Path) -> None:
    # Run
    one = sample_sharded(fitted, out_dir=tmp_path / "1.parquet", rows=200, seed=1, shard_rows=100)
    two = sample_sharded(fitted, out_dir=tmp_path / "2.parquet", rows=200, seed=2, shard_rows=100)

    # Assert
    first, second = pd.read_parquet(one.path), pd.read_parquet(two.path)
    assert first.shape == second.shape
    assert not first.equals(second)


def test_a_previous_extract_is_replaced_but_nothing_else(fitted, tmp_path: Path) -> None:
    # Setup
    out = tmp_path / "x.parquet"
    sample_sharded(fitted, out_dir=out, rows=300, seed=1, shard_rows=100)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")

    # Run
    again = sample_sharded(fitted, out_dir=out, rows=100, seed=1, shard_rows=100)

    # Assert
    assert [p.name for p in _parts(again.path)] == ["part-00000.parquet"]
    with pytest.raises(InvalidParameterError, match="other files in it"):
        sample_sharded(fitted, out_dir=foreign, rows=100, seed=1, shard_rows=100)
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_cancel_leaves_no_directory(fitted, tmp_path: Path) -> None:
    # Setup: stop during the second shard
    stop = threading.Event()

    # Run
    with pytest.raises(CancelledError):
        sample_sharded(
            fitted,
            out_dir=tmp_path / "x.parquet",
            rows=400,
            seed=1,
            shard_rows=100,
            batch_rows=50,
            progress=lambda stage, done, total: done >= 150 and stop.set(),
            cancel=stop,
        )

    # Assert
    assert list(tmp_path.iterdir()) == []


def test_unreachable_scheduler_is_one_line(
    fitted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Setup: nothing listens on port 9 of this machine
    monkeypatch.setattr("core.synth.shards._CONNECT_TIMEOUT", "2s")

    # Run
    with pytest.raises(
        StudioError, match=r"^Cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        sample_sharded(
            fitted,
            out_dir=tmp_path / "x.parquet",
            rows=10,
            seed=1,
            shard_rows=5,
            engine="dask",
            scheduler="tcp://127.0.0.1:9",
        )

    # Assert
    assert list(tmp_path.iterdir()) == []


def test_unknown_engine_is_refused(fitted, tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match="Engine must be one of local, dask"):
        sample_sharded(
            fitted, out_dir=tmp_path / "x.parquet", rows=10, seed=1, shard_rows=5, engine="spark"
        )


def test_keys_are_unique_across_shards(workspace, tmp_path: Path) -> None:
    # Setup: a run on a table with a key; its model sampled again in shards, as the CLI does
    from core.data.conform import ExtractShape
    from core.data.formats import TableFormat
    from core.data.ingest import ingest_file
    from core.runs.pipeline import synthesize
    from core.synth.redraw import load_run_model

    source = Path(__file__).parents[1] / "data" / "customers.csv"
    dataset = ingest_file(workspace, source)
    run = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=100, seed=2)
    model = load_run_model(workspace, run.run.id)
    shape = ExtractShape(
        schema=workspace.real_schema(dataset.id),
        table=TableFormat.from_dict(dataset.formats),
        inner=model.postprocess,
    )
    key = workspace.get_dataset(dataset.id).metadata.primary_key

    # Run
    result = sample_sharded(
        model.synth, out_dir=tmp_path / "x.parquet", rows=900, seed=3, shard_rows=300,
        batch_rows=100, postprocess=shape,
    )  # fmt: skip

    # Assert
    extract = pd.read_parquet(result.path)
    real = workspace.read_real(dataset.id)
    assert key is not None and extract[key].is_unique
    assert not set(extract[key]) & set(real[key].astype(str))
