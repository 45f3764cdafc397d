"""Sample one extract as parallel shards, each a Parquet part, in this process or on Dask.

A shard layout splits ``rows`` into shards of ``shard_rows`` (the last may be smaller). Shard
``i`` samples with its own seed, derived from the run's seed by NumPy's ``SeedSequence(seed,
spawn_key=(i,))``: the derived seeds are independent streams, and shard ``i``'s seed depends
only on ``(seed, i)``, never on how many shards or workers there are. So the same seed and
layout give the same parts whichever engine ran them and in whatever order.

The fitted model travels to the workers as cloudpickle bytes. Only the studio's own models
(just fitted, or saved by the studio) are ever sent or loaded; nothing a user uploads is.
"""

from __future__ import annotations

import logging
import pickle
import re
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import cloudpickle
import pyarrow as pa
from sdv.single_table.base import BaseSingleTableSynthesizer

from core.errors import CancelledError, InvalidParameterError, StudioError, one_line
from core.progress import Progress, no_progress
from core.synth.parquet import arrow_schema
from core.synth.sampling import (
    Cancel,
    Draw,
    Postprocess,
    batch_seed,
    is_cancelled,
    sample_to_parquet,
)

Engine = Literal["local", "dask"]
ENGINES: tuple[str, ...] = ("local", "dask")
_PART = re.compile(r"part-\d{5}\.parquet")
# How long to wait for a remote scheduler before giving up with one line.
_CONNECT_TIMEOUT = "20s"


@dataclass(frozen=True)
class Shard:
    """One part of the extract: its place, its size and its own seed."""

    index: int
    rows: int
    seed: int
    first_row: int = 0  # the extract's row at which this shard starts

    @property
    def name(self) -> str:
        return f"part-{self.index:05d}.parquet"


@dataclass(frozen=True)
class ShardedResult:
    """A finished sharded extract: a directory of Parquet parts."""

    path: Path
    rows: int
    shards: tuple[Shard, ...]
    engine: str
    seconds: float
    bytes: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary for a run report."""
        return {
            "engine": self.engine,
            "output": str(self.path),
            "rows": self.rows,
            "shard_rows": max(s.rows for s in self.shards),
            "shards": [{"index": s.index, "rows": s.rows, "seed": s.seed} for s in self.shards],
            "seconds": round(self.seconds, 3),
            "bytes": self.bytes,
        }


def shard_layout(rows: int, shard_rows: int) -> list[tuple[int, int]]:
    """``(shard_index, rows)`` pairs covering ``rows`` in shards of ``shard_rows``."""
    if rows < 1:
        raise InvalidParameterError(f"Number of rows must be at least 1; got {rows}.")
    if shard_rows < 1:
        raise InvalidParameterError(f"Rows per shard must be at least 1; got {shard_rows}.")
    return [
        (index, min(shard_rows, rows - start))
        for index, start in enumerate(range(0, rows, shard_rows))
    ]


def shard_seed(seed: int, index: int) -> int:
    """Shard ``index``'s seed: ``SeedSequence(seed, spawn_key=(index,))`` as a 32-bit int."""
    return batch_seed(seed, index)


def plan_shards(rows: int, *, seed: int, shard_rows: int) -> list[Shard]:
    """The shards of an extract, with their derived seeds."""
    return [
        Shard(i, n, shard_seed(seed, i), first_row=i * shard_rows)
        for i, n in shard_layout(rows, shard_rows)
    ]


@dataclass(frozen=True)
class _Part:
    index: int
    rows: int


def sample_shard(
    model: bytes,
    *,
    shard: Shard,
    out_dir: str,
    batch_rows: int,
    schema: pa.Schema,
    postprocess: Postprocess | None = None,
    progress: Progress = no_progress,
    cancel: Cancel = None,
) -> _Part:
    """Sample one shard from a pickled fitted model into ``out_dir/part-NNNNN.parquet``.

    Runs on a Dask worker or in this process; both load the model from the same bytes.
    """
    synth = pickle.loads(model)  # the studio's own model, pickled by sample_sharded
    if hasattr(postprocess, "starting_at"):
        # Generated keys continue from the shard's first row: every shard loads a fresh copy
        # of the model, whose key counter starts again at the first row.
        postprocess = postprocess.starting_at(shard.first_row)
    draw = Draw(
        synth, rows=shard.rows, seed=shard.seed, batch_rows=batch_rows, postprocess=postprocess
    )
    path = Path(out_dir) / shard.name
    result = sample_to_parquet(draw, path=path, progress=progress, cancel=cancel, schema=schema)
    return _Part(shard.index, result.rows)


def sample_sharded(
    synth: BaseSingleTableSynthesizer,
    *,
    out_dir: Path | str,
    rows: int,
    seed: int,
    shard_rows: int,
    engine: Engine = "local",
    workers: int = 2,
    scheduler: str | None = None,
    batch_rows: int = 10_000,
    postprocess: Postprocess | None = None,
    progress: Progress = no_progress,
    cancel: Cancel = None,
) -> ShardedResult:
    """Sample ``rows`` rows as shards into a directory of Parquet parts.

    ``engine="local"`` samples the shards one after another in this process; ``"dask"`` sends
    the model to a Dask cluster and samples them in parallel: a local cluster of ``workers``
    processes, or the cluster whose scheduler is at ``scheduler`` (then ``out_dir`` must be on
    storage every worker can write to). Both give the same parts for the same seed and layout.
    The directory appears only when every part is written (``OUT.partial`` until then); a
    directory of parts from an earlier run at ``out_dir`` is replaced.

    Args:
        synth: A fitted synthesizer (the studio's own).
        out_dir: Directory to write, e.g. ``extract.parquet``; read it back with
            ``pandas.read_parquet(out_dir)`` or ``duckdb``'s ``read_parquet('out_dir/*.parquet')``.
        rows: Rows to sample in all.
        seed: The run's seed; each shard derives its own (see the module docstring).
        shard_rows: Rows per shard (the layout).
        engine: ``"local"`` or ``"dask"``.
        workers: Worker processes of the local Dask cluster.
        scheduler: Address of a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
        batch_rows: Rows per batch inside a shard; part of the layout.
        postprocess: Applied to every batch with its own seed (must pickle for Dask).
        progress: Called with ``("sample", rows_done, rows)``.
        cancel: Checked between batches (local) or shards (Dask); nothing is kept.

    Raises:
        CancelledError: ``cancel`` was set.
        StudioError: bad arguments, an unreachable scheduler or a failed shard, as one line.
    """
    if engine not in ENGINES:
        raise InvalidParameterError(f"Engine must be one of {', '.join(ENGINES)}; got {engine!r}.")
    if engine == "dask" and scheduler is None and workers < 1:
        raise InvalidParameterError(f"Workers must be at least 1; got {workers}.")
    shards = plan_shards(rows, seed=seed, shard_rows=shard_rows)
    out_dir = Path(out_dir).resolve()
    _check_replaceable(out_dir)
    partial = out_dir.with_name(out_dir.name + ".partial")
    started = time.perf_counter()
    model = cloudpickle.dumps(synth)
    schema = _probe_schema(synth, shards[0], batch_rows=batch_rows, postprocess=postprocess)
    shutil.rmtree(partial, ignore_errors=True)  # left by a run that was killed
    partial.mkdir(parents=True)
    task = dict(out_dir=str(partial), batch_rows=batch_rows, schema=schema)
    try:
        if engine == "local":
            _run_local(model, shards, task, postprocess, progress, cancel)
        else:
            _run_dask(model, shards, task, postprocess, workers, scheduler, progress, cancel)
        missing = [s.name for s in shards if not (partial / s.name).is_file()]
        if missing:
            raise StudioError(
                f"{len(missing)} part(s) were written where this machine cannot see them; "
                "the output must be on storage shared with every Dask worker."
            )
        _remove_previous(out_dir)
        partial.rename(out_dir)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return ShardedResult(
        path=out_dir,
        rows=sum(s.rows for s in shards),
        shards=tuple(shards),
        engine=engine,
        seconds=time.perf_counter() - started,
        bytes=sum(p.stat().st_size for p in out_dir.iterdir()),
    )


def _probe_schema(
    synth: BaseSingleTableSynthesizer,
    first: Shard,
    *,
    batch_rows: int,
    postprocess: Postprocess | None,
) -> pa.Schema:
    # Every part is written with the schema of shard 0's first batch, so parts always agree
    # (a text column empty in one shard would otherwise be typed null there). Each shard
    # re-seeds before sampling, so drawing this batch here changes no row.
    rows = min(batch_rows, first.rows)
    draw = Draw(synth, rows=rows, seed=first.seed, batch_rows=batch_rows, postprocess=postprocess)
    batch = next(draw.batches())
    return arrow_schema(batch)


def _run_local(
    model: bytes,
    shards: list[Shard],
    task: dict[str, Any],
    postprocess: Postprocess | None,
    progress: Progress,
    cancel: Cancel,
) -> None:
    total = sum(s.rows for s in shards)
    before = 0
    progress("sample", 0, total)
    for shard in shards:

        def report(stage: str, done: float, _total: float | None, base: int = before) -> None:
            progress(stage, base + done, total)

        sample_shard(
            model, shard=shard, postprocess=postprocess, progress=report, cancel=cancel, **task
        )
        before += shard.rows


def _run_dask(
    model: bytes,
    shards: list[Shard],
    task: dict[str, Any],
    postprocess: Postprocess | None,
    workers: int,
    scheduler: str | None,
    progress: Progress,
    cancel: Cancel,
) -> None:
    from distributed import Client, LocalCluster, as_completed  # only this engine needs it

    total = sum(s.rows for s in shards)
    cluster = None
    futures: list[Any] = []
    try:
        if scheduler:
            client = Client(scheduler, timeout=_CONNECT_TIMEOUT)
        else:
            cluster = LocalCluster(
                n_workers=workers,
                processes=True,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
    except Exception as err:  # refused, timed out, bad address: one line, not a traceback
        if cluster is not None:
            cluster.close()
        where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
        first = one_line(err, 200)
        raise StudioError(f"Cannot reach {where}: {first}") from err
    try:
        token = uuid.uuid4().hex[:8]  # fresh task keys: a shared scheduler may hold older ones
        # Sent once to every worker, under random keys no other run on the cluster shares.
        shared_model, shared_post = client.scatter([model, postprocess], broadcast=True, hash=False)
        futures = [
            client.submit(
                sample_shard,
                shared_model,
                shard=shard,
                postprocess=shared_post,
                key=f"synth-studio-shard-{token}-{shard.index}",
                pure=False,
                **task,
            )
            for shard in shards
        ]
        done = 0
        progress("sample", 0, total)
        for future in as_completed(futures):
            if is_cancelled(cancel):
                client.cancel(futures)
                raise CancelledError(f"Stopped after {done:,} of {total:,} rows; nothing kept.")
            done += _result(future).rows
            progress("sample", done, total)
    except BaseException:
        client.cancel(futures)  # stop shards still running before the directory goes
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _result(future: Any) -> _Part:
    try:
        return future.result()
    except StudioError:
        raise
    except Exception as err:  # a worker died or the task failed on it
        first = one_line(err)
        raise StudioError(f"A shard failed on its Dask worker: {first}") from err


def _check_replaceable(out_dir: Path) -> None:
    """Refuse to replace anything but an earlier extract (a file, or a directory of parts)."""
    if out_dir.is_dir() and any(not _PART.fullmatch(p.name) for p in out_dir.iterdir()):
        raise InvalidParameterError(
            f"{out_dir} is a directory with other files in it; choose a new output path."
        )


def _remove_previous(out_dir: Path) -> None:
    if out_dir.is_dir():
        shutil.rmtree(out_dir)
    elif out_dir.exists():
        out_dir.unlink()
