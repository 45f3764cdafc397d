"""Sample big extracts in batches straight to Parquet or into a run, never all in memory.

Every way of sampling draws the batches of :func:`iter_batches`, so the same seed and batch
size give the same rows; only one batch is held at a time, so memory is bounded by
``batch_rows``, not by ``rows``.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sdv.single_table.base import BaseSingleTableSynthesizer

from core.data.conform import conform, to_frame
from core.errors import CancelledError, InvalidParameterError, NotFoundError, StudioError, one_line
from core.meta import TABLE, StudioMetadata
from core.progress import Progress, no_progress
from core.synth.fake_values import FakeSpec
from core.synth.fakes import build_specs, fake_columns, normal_text
from core.synth.scenarios import Shaping
from core.synth.seeding import holding_global_random, set_seed
from core.synth.shaped_draws import draw_shaped
from core.workspace.store import ActiveRun, Workspace

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


@dataclass(eq=False)
class RedrawRealPii:
    """A postprocess that fakes direct identifiers and id columns in the real shape, per batch.

    Each value of a direct identifier becomes a fake of its column's shape (see
    :mod:`core.synth.fakes`) that equals no real value; each id column (a key, personal or not)
    becomes codes of the real keys' shape, unique across the run's batches. ``real`` holds
    only the direct identifiers' distinct real values and ``specs`` only shapes, so that is
    all a worker receives; ``redrawn`` counts the fakes redrawn in this process because they
    equalled a real value.
    """

    real: pd.DataFrame
    sdtypes: dict[str, str]
    columns: tuple[str, ...]
    locale: str
    redrawn: int = 0
    specs: dict[str, FakeSpec] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._avoid = {c: normal_text(self.real[c].dropna()) for c in self.columns}

    def starting_at(self, row: int) -> RedrawRealPii:
        """A copy for rows drawn from ``row`` on by a fresh copy of the model, e.g. a shard.

        SDV's key counter restarts in every copy of a model, so each shard would repeat the
        first shard's keys; from this copy they continue at ``row`` instead.
        """
        specs = {c: replace(s, first_row=row) if s.counter else s for c, s in self.specs.items()}
        return RedrawRealPii(
            real=self.real,
            sdtypes=self.sdtypes,
            columns=self.columns,
            locale=self.locale,
            specs=specs,
        )

    def __call__(self, batch: pd.DataFrame, seed: int) -> pd.DataFrame:
        out, redrawn = fake_columns(
            batch, self.specs, avoid=self._avoid, locale=self.locale, seed=seed
        )
        self.redrawn += redrawn
        return out


def redraw_real_pii(metadata: StudioMetadata, real: pd.DataFrame) -> RedrawRealPii | None:
    """The postprocess for a dataset's direct identifiers and id columns, or None without any.

    Args:
        metadata: The table's metadata (roles, sdtypes, locale).
        real: Every real row a fake must differ from (training and holdout); only the shapes
            of its values and the distinct values of the direct identifiers are kept.
    """
    sdtypes = metadata.sdtypes
    columns = [c for c in metadata.direct_columns if c in real.columns]
    ids = [c for c, t in sdtypes.items() if t == "id" and c in real.columns and c not in columns]
    if not columns and not ids:
        return None
    kinds = {c: e["kind"] for c, e in metadata.roles.items() if e.get("kind")}
    specs = build_specs(
        real[columns + ids],
        sdtypes=sdtypes,
        kinds=kinds,
        keys=[metadata.primary_key] if metadata.primary_key else [],
    )
    distinct = pd.DataFrame({c: pd.Series(real[c].dropna().unique()) for c in columns})
    return RedrawRealPii(
        real=distinct,
        sdtypes=sdtypes,
        columns=tuple(columns),
        locale=metadata.locale,
        specs=specs,
    )


@dataclass(frozen=True, eq=False)
class RunModel:
    """A finished run's fitted model and the postprocess its extra rows need."""

    synth: BaseSingleTableSynthesizer
    postprocess: RedrawRealPii | None


def load_run_model(workspace: Workspace, run_id: int) -> RunModel:
    """Load the model a run saved, to sample more rows from it (e.g. a big sharded extract).

    Only the studio's own model files are loaded (cloudpickle); the postprocess redraws fake
    personal values that equal a real one, as the run itself did.

    Raises:
        NotFoundError: the run or its model file is gone.
    """
    from sdv.utils.utils import load_synthesizer  # SDV's cloudpickle loader

    run = workspace.get_run(run_id)
    if not run.model_path or not Path(run.model_path).is_file():
        raise NotFoundError(f"Run {run_id} has no saved model to sample from.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        synth = load_synthesizer(run.model_path)
    metadata = workspace.get_dataset(run.dataset_id).metadata
    post = redraw_real_pii(metadata, workspace.read_real(run.dataset_id)) if metadata else None
    return RunModel(synth=synth, postprocess=post)


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


# What pandas infers for an object column holding numbers, alone or beside text: e.g. a number
# column marked categorical whose rare values were grouped as "(other)" before fitting.
_NUMBERS_AS_OBJECTS = frozenset(
    {"integer", "floating", "mixed-integer", "mixed-integer-float", "mixed", "decimal"}
)


def as_storable(batch: pd.DataFrame) -> pd.DataFrame:
    """``batch`` with each object column of numbers (and maybe text) as text.

    Arrow types an object column from its first values, so ``[1, "(other)"]`` fails to
    convert, and one batch may hold only the numbers while the next holds the text too. SDV
    returns object columns only where the training column was one, so text is their type in
    every batch. Missing values stay missing.
    """
    mixed = [
        column
        for column in batch.columns
        if batch[column].dtype == object
        and pd.api.types.infer_dtype(batch[column], skipna=True) in _NUMBERS_AS_OBJECTS
    ]
    if not mixed:
        return batch
    return batch.assign(**{c: batch[c].map(lambda v: v if pd.isna(v) else str(v)) for c in mixed})


def arrow_schema(batch: pd.DataFrame) -> pa.Schema:
    """The Parquet schema a stream fixes from its first batch.

    A column with no value in that batch has Arrow's null type, which no later value fits; it
    is widened to text, the type SDV gives every object column.
    """
    schema = pa.Schema.from_pandas(as_storable(batch), preserve_index=False)
    for i, item in enumerate(schema):
        if pa.types.is_null(item.type):
            schema = schema.set(i, item.with_type(pa.string()))
    return schema


def to_arrow(batch: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """``batch`` as an Arrow table of ``schema``, or one line naming the column that differs."""
    return _cast(pa.Table.from_pandas(as_storable(batch), preserve_index=False), schema)


def _cast(table: pa.Table, schema: pa.Schema) -> pa.Table:
    try:
        return table.cast(schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as err:
        first = str(err).splitlines()[0][:200]
        raise StudioError(
            f"A batch of rows does not fit the extract's column types: {first}"
        ) from err


def write_parquet(
    batches: Iterable[pd.DataFrame],
    sink: Path | str | BinaryIO,
    *,
    schema: pa.Schema | None = None,
) -> None:
    """Write batches into one Parquet file (a path or a binary handle), one row group each.

    Each batch is cast to the first one's types (see :func:`arrow_schema`), or to ``schema``;
    only one batch is held at a time.
    """
    writer: pq.ParquetWriter | None = None
    try:
        for batch in batches:
            if writer is None:
                schema = schema or arrow_schema(batch)
                writer = pq.ParquetWriter(sink, schema)
            writer.write_table(to_arrow(batch, schema))
            del batch  # not held while the next one is drawn
    finally:
        if writer is not None:
            writer.close()


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
            yield _cast(table, stored)
            del batch, table
            progress("sample", done, rows)

    run.store(tables())
    return StoredRows(rows=done, batches=count, seconds=time.perf_counter() - started)
