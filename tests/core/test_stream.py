"""Batched sampling to Parquet and into a run: same rows, one batch held, cancel."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.data.demos import DEMOS, load_demo
from core.data.metadata import detect_metadata
from core.data.pii import detect_pii
from core.data.roles import fake_pii_metadata
from core.errors import CancelledError, StudioError
from core.meta import TABLE
from core.runs.pipeline import synthesize
from core.synth.fitting import fit_synthesizer
from core.synth.parquet import arrow_schema, to_arrow
from core.synth.redraw import load_run_model, redraw_real_pii
from core.synth.sampling import Draw, iter_batches, sample_into_run, sample_to_parquet
from core.workspace.records import synth_table
from core.workspace.store import Workspace


@pytest.fixture(scope="module")
def fitted():
    df = pd.read_csv(DEMOS["tips"].path)
    metadata = (detect_metadata(df)).to_sdv()
    return fit_synthesizer(key="gaussian_copula", metadata=metadata, data=df, seed=1)


def _drawn(synth: Any, *, rows: int, seed: int, batch_rows: int) -> pd.DataFrame:
    """The reference of batched sampling: every batch ``iter_batches`` draws, as one frame."""
    return pd.concat(
        iter_batches(synth, rows=rows, seed=seed, batch_rows=batch_rows), ignore_index=True
    )


def _draw(synth: Any, *, rows: int, seed: int, batch_rows: int = 100) -> Draw:
    return Draw(synth, rows=rows, seed=seed, batch_rows=batch_rows)


class Spy:
    """A synthesizer stand-in that counts how many earlier batches are still alive."""

    def __init__(self, inner: Any, *, fail_at: int | None = None) -> None:
        self._inner = inner
        self._batches: list[weakref.ref] = []
        self.fail_at = fail_at
        self.alive_at_draw: list[int] = []

    def __getattr__(self, name: str) -> Any:  # reset_sampling, _model, _set_random_state
        return getattr(self._inner, name)

    def sample(self, num_rows: int) -> dict[str, pd.DataFrame]:
        gc.collect()
        self.alive_at_draw.append(sum(ref() is not None for ref in self._batches))
        if self.fail_at is not None and len(self._batches) == self.fail_at:
            raise RuntimeError("disk on fire")
        batch = self._inner.sample(num_rows=num_rows)[TABLE]
        self._batches.append(weakref.ref(batch))
        return {TABLE: batch}


def test_parquet_has_the_rows_of_iter_batches(fitted, tmp_path: Path) -> None:
    # Setup
    path = tmp_path / "out.parquet"
    expected = _drawn(fitted, rows=1050, seed=3, batch_rows=100)

    # Run
    result = sample_to_parquet(_draw(fitted, rows=1050, seed=3), path=path)

    # Assert
    pd.testing.assert_frame_equal(pd.read_parquet(path), expected)
    assert (result.rows, result.batches, result.bytes) == (1050, 11, path.stat().st_size)
    assert pq.ParquetFile(path).metadata.num_row_groups == 11  # one row group per batch
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


def test_other_seed_or_batch_size_gives_other_rows(fitted, tmp_path: Path) -> None:
    # Setup
    base = _drawn(fitted, rows=300, seed=3, batch_rows=100)

    # Run
    sample_to_parquet(_draw(fitted, rows=300, seed=4), path=tmp_path / "seed.parquet")

    # Assert
    assert not pd.read_parquet(tmp_path / "seed.parquet").equals(base)


def test_only_one_batch_is_held_at_a_time(fitted, tmp_path: Path) -> None:
    # Setup
    spy = Spy(fitted)
    seen: list[float] = []

    # Run
    sample_to_parquet(
        _draw(spy, rows=1000, seed=1),
        path=tmp_path / "out.parquet",
        progress=lambda stage, done, total: seen.append(done),
    )

    # Assert: when each batch is drawn, no earlier batch is still referenced anywhere
    assert len(spy.alive_at_draw) == 10
    assert max(spy.alive_at_draw) == 0
    assert seen == [0, *range(100, 1001, 100)]


@pytest.mark.parametrize("kind", ["event", "callable"])
def test_cancel_mid_way_leaves_no_file_and_raises(fitted, tmp_path: Path, kind: str) -> None:
    # Setup: cancel once 300 rows are written
    path = tmp_path / "out.parquet"
    stop = threading.Event()
    cancel: threading.Event | Callable[[], bool] = stop if kind == "event" else stop.is_set

    def progress(stage: str, done: float, total: float | None) -> None:
        if done >= 300:
            stop.set()

    # Run
    with pytest.raises(CancelledError, match="Stopped after 300 of 1,000 rows"):
        sample_to_parquet(
            _draw(fitted, rows=1000, seed=1), path=path, progress=progress, cancel=cancel
        )

    # Assert
    assert list(tmp_path.iterdir()) == []


def test_failure_mid_way_keeps_an_earlier_file_and_says_one_line(fitted, tmp_path: Path) -> None:
    # Setup: an earlier extract at the path survives a failed rewrite
    path = tmp_path / "out.parquet"
    sample_to_parquet(_draw(fitted, rows=50, seed=1, batch_rows=50), path=path)
    before = path.read_bytes()

    # Run
    with pytest.raises(StudioError, match="^Could not write out.parquet: disk on fire$"):
        sample_to_parquet(_draw(Spy(fitted, fail_at=3), rows=1000, seed=1), path=path)

    # Assert
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


def test_column_empty_in_the_first_batch_is_typed_as_text() -> None:
    # Setup
    first = pd.DataFrame({"n": [1.5, 2.5], "note": [None, None]})
    later = pd.DataFrame({"n": [3.5], "note": ["late"]})

    # Run
    schema = arrow_schema(first)

    # Assert
    assert schema.field("note").type == pa.string()
    assert to_arrow(later, schema).column("note").to_pylist() == ["late"]
    with pytest.raises(StudioError, match="does not fit the extract's column types"):
        to_arrow(pd.DataFrame({"n": ["text"], "note": ["x"]}), schema)


def test_a_run_gets_every_batch_in_one_transaction(fitted, workspace: Workspace) -> None:
    # Setup
    dataset = load_demo(workspace, "tips")
    schema = workspace.real_schema(dataset.id)
    seen: list[int] = []
    reported: list[float] = []

    # Run
    with workspace.running(
        dataset_id=dataset.id, synthesizer="gaussian_copula", params={}, seed=2, n_rows=450
    ) as run:
        stored = sample_into_run(
            run,
            _draw(fitted, rows=450, seed=2),
            schema=schema,
            progress=lambda stage, done, total: reported.append(done),
            observe=lambda batch: seen.append(len(batch)),
        )
        with workspace.cursor() as cur:  # not committed until the run is finished
            assert not cur.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [synth_table(run.id)]
            ).fetchall()[0][0]
        run.finish(fit_seconds=1.0, sample_seconds=stored.seconds)

    # Assert
    assert (stored.rows, stored.batches, seen) == (450, 5, [100, 100, 100, 100, 50])
    assert reported == [0, 100, 200, 300, 400, 450]
    record = workspace.get_run(run.id)
    assert (record.status, record.n_rows, record.fit_seconds) == ("done", 450, 1.0)
    assert record.sample_seconds > 0
    pd.testing.assert_frame_equal(
        workspace.read_synthetic(run.id),
        _drawn(fitted, rows=450, seed=2, batch_rows=100),
        check_dtype=False,
    )


def test_a_cancelled_run_stores_nothing_and_is_failed(fitted, workspace: Workspace) -> None:
    # Setup
    dataset = load_demo(workspace, "tips")
    stop = threading.Event()

    # Run
    with (
        pytest.raises(CancelledError),
        workspace.running(
            dataset_id=dataset.id, synthesizer="gaussian_copula", params={}, seed=2, n_rows=500
        ) as run,
    ):
        sample_into_run(
            run,
            _draw(fitted, rows=500, seed=2),
            schema=workspace.real_schema(dataset.id),
            progress=lambda stage, done, total: done >= 200 and stop.set(),
            cancel=stop,
        )

    # Assert
    run = workspace.get_run(run.id)
    assert run.status == "failed" and run.error.startswith("Stopped after 200 of 500 rows")
    with workspace.cursor() as cur:
        tables = {
            name for (name,) in cur.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
    assert synth_table(run.id) not in tables


def test_redraw_keeps_no_real_personal_value_and_is_seeded() -> None:
    # Setup: a batch where two fake emails happen to be real ones
    real = pd.DataFrame({"email": [f"person{i}@example.org" for i in range(40)], "n": range(40)})
    metadata = fake_pii_metadata(detect_metadata(real), detect_pii(real))
    post = redraw_real_pii(metadata, real)
    batch = pd.DataFrame({"email": ["person3@example.org", "x@y.org", "person7@example.org"]})

    # Run
    first, again = post(batch, 11), post(batch, 11)

    # Assert
    assert post is not None and post.columns == ("email",)
    assert not first["email"].isin(real["email"]).any()
    assert first["email"].iloc[1] == "x@y.org"
    pd.testing.assert_frame_equal(first, again)


def test_a_runs_saved_model_samples_the_same_rows(workspace: Workspace, tmp_path: Path) -> None:
    # Setup
    dataset = load_demo(workspace, "tips")
    result = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=60, seed=9)

    # Run
    model = load_run_model(workspace, result.run.id)
    batches = list(iter_batches(model.synth, rows=60, seed=9, batch_rows=10_000))

    # Assert: the pipeline sampled with the same seed and default batch size
    pd.testing.assert_frame_equal(batches[0], result.sample)


def test_numbers_grouped_with_text_store_as_text_in_every_batch() -> None:
    # Setup: an object column of numbers in the first batch, numbers and "(other)" in the next
    first = pd.DataFrame({"age": pd.Series([31, 45, None], dtype=object), "x": [1.0, 2.0, 3.0]})
    second = pd.DataFrame({"age": pd.Series([52, "(other)"], dtype=object), "x": [4.0, 5.0]})

    # Run
    schema = arrow_schema(first)
    tables = [to_arrow(batch, schema) for batch in (first, second)]

    # Assert
    assert schema.field("age").type == pa.string()
    assert schema.field("x").type == pa.float64()
    assert pa.concat_tables(tables).column("age").to_pylist() == ["31", "45", None, "52", "(other)"]


def test_a_runs_rows_are_read_back_a_chunk_at_a_time(workspace: Workspace) -> None:
    # Setup
    dataset = load_demo(workspace, "tips")
    result = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=5000, seed=3)

    # Run
    chunks = list(workspace.synthetic_chunks(result.run.id, rows=2048))

    # Assert: in order, in chunks of one DuckDB vector, the same rows and dtypes
    assert [len(c) for c in chunks] == [2048, 2048, 904]
    whole = workspace.read_synthetic(result.run.id)
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole)
