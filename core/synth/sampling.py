"""Sample big extracts in batches straight to Parquet or into a run, never all in memory.

Every way of sampling draws the batches of :func:`iter_batches`, so the same seed and batch
size give the same rows; only one batch is held at a time, so memory is bounded by
``batch_rows``, not by ``rows``.

Writing batches as Arrow and Parquet lives in :mod:`core.synth.parquet`; the postprocess that
redraws fake personal values, and a saved run's model, in :mod:`core.synth.redraw`.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from sdv.single_table.base import BaseSingleTableSynthesizer

from core.data.conform import conform, to_frame
from core.errors import CancelledError, InvalidParameterError, StudioError, one_line
from core.meta import TABLE
from core.progress import Progress, no_progress
from core.synth.parquet import cast_table, write_parquet
from core.synth.scenarios import Shaping
from core.synth.seeding import holding_global_random, set_seed
from core.synth.shaped_draws import draw_shaped
from core.workspace.run_life import ActiveRun

Cancel = threading.Event | Callable[[], bool] | None
# Applied to each batch before it is written, with a seed of its own (see batch_seed), e.g.
# to redraw fake personal values that equal real ones; the same batch and seed give the same rows.
Postprocess = Callable[[pd.DataFrame, int], pd.DataFrame]


def batch_seed(seed: int, index: int) -> int:
    """A seed for batch (or shard) ``index`` of a run seeded with ``seed``.

    NumPy's ``SeedSequence(seed, spawn_key=(index,))``, the documented way to derive
    independent streams, read as a 32-bit integer (what SDV's seeding takes). It depends only
    on ``seed`` and ``index``.
    """
    if seed < 0 or index < 0:
        raise InvalidParameterError(f"Seeds must be 0 or more; got {seed}.")
    return int(np.random.SeedSequence(int(seed), spawn_key=(int(index),)).generate_state(1)[0])


@dataclass(frozen=True)
class StreamResult:
    """A finished streamed extract."""

    path: Path
    rows: int
    batches: int
    seconds: float
    bytes: int


def iter_batches(
    synth: BaseSingleTableSynthesizer,
    *,
    rows: int,
    seed: int,
    batch_rows: int,
    postprocess: Postprocess | None = None,
    wait: Callable[[], None] | None = None,
    shaping: Shaping | None = None,
    report: Callable[[int], None] | None = None,
) -> Iterator[pd.DataFrame]:
    """Yield ``rows`` synthetic rows as batches of ``batch_rows`` (the last may be smaller).

    The same seed and batch size give the same rows: sampling is seeded with ``seed``, and each
    batch is drawn holding the process's random generators (see :mod:`core.synth.seeding`), so
    a fit or a sample in another thread changes none of them. ``wait`` is called while another
    thread holds them, e.g. to report progress (where a page's Stop lands).

    With ``shaping`` (conditions, a rebalance or rules, see :mod:`core.synth.scenarios`) each
    batch is drawn scenario by scenario until it is full, and ``report`` is called with the
    rows of the current batch reached after each draw.
    """
    if rows <= 0:
        raise InvalidParameterError(f"Number of rows must be at least 1; got {rows}.")
    if batch_rows <= 0:
        raise InvalidParameterError(f"Batch size must be at least 1 row; got {batch_rows}.")
    set_seed(synth, seed)  # the model's own generators: no global one is touched
    done = index = 0
    while done < rows:
        size = min(batch_rows, rows - done)
        if shaping is not None and shaping.active:
            batch = draw_shaped(
                synth, shaping, rows=size, seed=seed, index=index, wait=wait, report=report
            )
        else:
            with warnings.catch_warnings(), holding_global_random(wait):
                warnings.simplefilter("ignore")
                batch = synth.sample(num_rows=size)[TABLE]
        yield batch if postprocess is None else postprocess(batch, batch_seed(seed, index))
        del batch  # the caller holds the only copy while the next batch is drawn
        done += size
        index += 1


@dataclass(frozen=True, eq=False)
class Draw:
    """What a sample draws, wherever its rows go: the same draw gives the same rows.

    Attributes:
        synth: A fitted synthesizer (the studio's own).
        rows: Rows to sample.
        seed: With ``batch_rows``, decides the rows (see :func:`iter_batches`).
        batch_rows: Rows per batch; bounds the memory used.
        postprocess: Applied to each batch, with its own seed, before it is kept.
        shaping: Conditions, a rebalance or rules the rows are drawn with (see
            :mod:`core.synth.scenarios`).
    """

    synth: BaseSingleTableSynthesizer
    rows: int
    seed: int
    batch_rows: int
    postprocess: Postprocess | None = None
    shaping: Shaping | None = None

    def batches(
        self,
        *,
        wait: Callable[[], None] | None = None,
        report: Callable[[int], None] | None = None,
    ) -> Iterator[pd.DataFrame]:
        """The draw's batches, one at a time (:func:`iter_batches`)."""
        return iter_batches(
            self.synth,
            rows=self.rows,
            seed=self.seed,
            batch_rows=self.batch_rows,
            postprocess=self.postprocess,
            wait=wait,
            shaping=self.shaping,
            report=report,
        )


def is_cancelled(cancel: Cancel) -> bool:
    """Whether a cancel token (an Event, a callable or None) says stop."""
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


def sample_to_parquet(
    draw: Draw,
    *,
    path: Path | str,
    progress: Progress = no_progress,
    cancel: Cancel = None,
    schema: pa.Schema | None = None,
) -> StreamResult:
    """Sample ``rows`` rows into one Parquet file, a batch at a time.

    The file appears only when complete: batches go to ``PATH.partial``, renamed at the end.
    Each batch is one row group, cast to the schema of the first (or to ``schema``).

    Args:
        draw: The model, rows, seed and batch size; the rows of :func:`iter_batches`.
        path: The Parquet file to write; replaced if it exists.
        progress: Called with ``("sample", rows_done, rows)`` after each batch.
        cancel: Checked before each batch; when set, nothing is kept.
        schema: Column types to write (shards pass one so their parts agree).

    Raises:
        CancelledError: ``cancel`` was set; the partial file is removed.
        StudioError: sampling or writing failed; the partial file is removed.
    """
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    started = time.perf_counter()
    rows = draw.rows
    done = count = 0

    def drawn() -> Iterator[pd.DataFrame]:
        nonlocal done, count
        batches = draw.batches()
        while True:
            if is_cancelled(cancel):
                raise CancelledError(f"Stopped after {done:,} of {rows:,} rows; nothing written.")
            batch = next(batches, None)
            if batch is None:
                return
            yield batch
            done, count = done + len(batch), count + 1
            del batch  # hold one batch at a time
            progress("sample", done, rows)

    progress("sample", 0, rows)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(drawn(), partial, schema=schema)
        partial.replace(path)
    except BaseException as err:
        partial.unlink(missing_ok=True)
        if isinstance(err, StudioError) or not isinstance(err, Exception):
            raise
        first = one_line(err)
        raise StudioError(f"Could not write {path.name}: {first}") from err
    return StreamResult(
        path=path,
        rows=done,
        batches=count,
        seconds=time.perf_counter() - started,
        bytes=path.stat().st_size,
    )


@dataclass(frozen=True)
class StoredRows:
    """A run's rows, all in its table (committed when the run finishes)."""

    rows: int
    batches: int
    seconds: float


def sample_into_run(
    run: ActiveRun,
    draw: Draw,
    *,
    schema: pa.Schema,
    progress: Progress = no_progress,
    cancel: Cancel = None,
    observe: Callable[[pd.DataFrame], None] | None = None,
) -> StoredRows:
    """Sample a run's rows into its table, a batch at a time (see :meth:`Workspace.running`).

    The rows stay in the run's open transaction: the run keeps them only if it finishes, so a
    cancel or an error (raised from here) leaves no table.

    Args:
        run: The run being made.
        draw: The run's fitted synthesizer, rows, seed and batch size, the rows of
            :func:`iter_batches`; with shaping, progress follows each draw of a batch.
        schema: The real table's Arrow types (:meth:`Workspace.real_schema`): the rows are
            stored as the real ones are, whole numbers as integers, dates as dates.
        progress: Called with ``("sample", rows_done, rows)`` after each batch.
        cancel: Checked before each batch stored.
        observe: Sees each batch as stored (e.g. a :class:`core.evaluate.tally.SyntheticTally`).

    Raises:
        CancelledError: ``cancel`` was set.
        StudioError: sampling or storing failed, or a scenario the model rarely makes.
    """
    started = time.perf_counter()
    stored: pa.Schema | None = None
    rows = draw.rows
    done = count = 0

    def tables() -> Iterator[pa.Table]:
        nonlocal stored, done, count
        progress("sample", 0, rows)
        batches = draw.batches(
            wait=lambda: progress("sample", done, rows),
            report=lambda reached: progress("sample", done + reached, rows),
        )
        for batch in batches:
            if is_cancelled(cancel):
                raise CancelledError(f"Stopped after {done:,} of {rows:,} rows; nothing stored.")
            table = conform(batch, schema)
            if observe is not None:  # the checks see the rows as stored
                observe(to_frame(table))
            stored = stored or table.schema
            done, count = done + len(batch), count + 1
            yield cast_table(table, stored)
            del batch, table
            progress("sample", done, rows)

    run.store(tables())
    return StoredRows(rows=done, batches=count, seconds=time.perf_counter() - started)
