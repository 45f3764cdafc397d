"""Say beforehand what a fit will cost, from counts alone: rows, column kinds, distinct values.

The Synthesize form shows the estimate as its inputs change, and the bake-off plans its epochs
with it, so the same inputs always give the same plan. It is a model, not a measurement: its
constants (``Settings.fit_cost_copula`` and ``fit_cost_neural``, and each neural synthesizer's
``step_seconds`` in the registry) were measured on a 2-core machine, and a loaded machine
runs slower; read it as an order of magnitude.

A neural fit (CTGAN, TVAE, CopulaGAN) has two parts. Its setup learns a mixture model for each
number or date column (time grows with rows × those columns) and encodes every row (rows ×
columns); then each epoch runs one training step per batch of rows, and a step costs more the
wider the encoded row is: each number column takes up to 11 encoded columns and each category
column one per distinct value, so a column of 2,600 airport names makes CTGAN's steps a hundred
times slower than a few short category columns do.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from core.config import Settings, get_settings
from core.errors import InvalidParameterError
from core.formatting import count, duration
from core.synth.registry import SynthesizerSpec
from core.synth.training_sample import planned_training_rows

# Encoded columns of one number column in CTGAN's and TVAE's data transformer: the value within
# its mode and one column per mode (at most 10).
_NUMBER_WIDTH = 11
_CONTINUOUS = ("numerical", "datetime")
_DISCRETE = ("categorical", "boolean", "ordinal")
# Steps per epoch are counted in batches of the default size: a larger batch takes fewer,
# costlier steps, so the cost of an epoch follows its rows.
_BATCH = 500
_NUMBER_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "U",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
    "REAL",
)
# Text with more distinct values than this share of rows is taken for names or ids.
_UNIQUE_SHARE = 0.5


@dataclass(frozen=True)
class TableShape:
    """What a fit's cost depends on: rows and the learned columns' kinds and distinct values.

    Columns a synthesizer does not learn (keys, direct identifiers) are generated, not fitted,
    so they are left out.
    """

    rows: int
    continuous: int  # learned number and date columns
    categories: tuple[int, ...] = ()  # distinct values of each learned category column

    @property
    def columns(self) -> int:
        return self.continuous + len(self.categories)

    @property
    def encoded_width(self) -> int:
        """Columns of a row as CTGAN and TVAE encode it (an upper bound)."""
        return _NUMBER_WIDTH * self.continuous + sum(self.categories)

    def with_rows(self, rows: int) -> TableShape:
        return TableShape(rows=rows, continuous=self.continuous, categories=self.categories)


def table_shape(
    *, rows: int, sdtypes: Mapping[str, str], distinct: Mapping[str, int]
) -> TableShape:
    """The shape of a table from its row count, columns' sdtypes and distinct values per column.

    Category columns missing from ``distinct`` count as two values.
    """
    continuous = sum(1 for sdtype in sdtypes.values() if sdtype in _CONTINUOUS)
    categories = tuple(
        max(int(distinct.get(column, 2)), 1)
        for column, sdtype in sdtypes.items()
        if sdtype in _DISCRETE
    )
    return TableShape(rows=rows, continuous=continuous, categories=categories)


def guess_sdtypes(
    types: Mapping[str, str], *, distinct: Mapping[str, int], rows: int
) -> dict[str, str]:
    """Sdtypes for a table whose metadata is not detected yet, from its DuckDB column types.

    Numbers and dates are learned as such, booleans and text with repeating values as
    categories; text that is mostly unique (names, ids, free text) is generated, not learned,
    and is left out (``"text"``).
    """
    guessed = {}
    for column, kind in types.items():
        kind = kind.upper()
        if kind.startswith(("DATE", "TIMESTAMP", "TIME")):
            guessed[column] = "datetime"
        elif kind == "BOOLEAN":
            guessed[column] = "boolean"
        elif kind.startswith(_NUMBER_TYPES):
            guessed[column] = "numerical"
        elif distinct.get(column, 0) > _UNIQUE_SHARE * rows:
            guessed[column] = "text"
        else:
            guessed[column] = "categorical"
    return guessed


@dataclass(frozen=True)
class FitEstimate:
    """A rough forecast of one fit: wall time (setup, then per epoch) and added memory."""

    seconds: float
    memory_mb: float
    setup_seconds: float
    epoch_seconds: float  # 0 for synthesizers without epochs
    note: str


def epoch_seconds(spec: SynthesizerSpec, shape: TableShape) -> float:
    """Seconds of one epoch of ``spec`` on ``shape`` (0 without epochs)."""
    if not spec.has_epochs:
        return 0.0
    steps = max(math.ceil(shape.rows / _BATCH), 1)
    per_step, per_column = spec.step_seconds
    return steps * (per_step + per_column * shape.encoded_width)


def estimate_fit(
    spec: SynthesizerSpec,
    *,
    shape: TableShape,
    epochs: int | None,
    settings: Settings | None = None,
) -> FitEstimate:
    """Forecast a fit's time and memory from the shape of the rows it fits on.

    Synthesizers without epochs: ``seconds = overhead + per_kcell × cells / 1000`` with
    ``Settings.fit_cost_copula``. Neural ones: a setup of ``overhead + mixtures × rows ×
    number columns / 1000 + encoding × cells / 1000`` (``Settings.fit_cost_neural``), then per
    epoch ``steps × (per_step + per_column × encoded width)`` (the spec's ``step_seconds``),
    a step being 500 rows.

    Args:
        spec: The synthesizer.
        shape: The rows it fits on (after any training sample) and their learned columns.
        epochs: Training epochs; ignored by synthesizers without them.
        settings: The cost constants; default :func:`core.config.get_settings`.

    Raises:
        InvalidParameterError: no rows or no learned column.
    """
    settings = settings or get_settings()
    if shape.rows < 1 or shape.columns < 1:
        raise InvalidParameterError(
            f"Cannot estimate a fit of {shape.rows} rows × {shape.columns} learned columns."
        )
    kcells = shape.rows * shape.columns / 1000
    if spec.has_epochs:
        overhead, per_mixture, per_encoded, base_mb, mb_per_kcell = settings.fit_cost_neural
        setup = overhead + per_mixture * shape.rows * shape.continuous / 1000 + per_encoded * kcells
        passes = max(int(epochs or 1), 1)
        per_epoch = epoch_seconds(spec, shape)
        memory = base_mb + mb_per_kcell * shape.rows * shape.encoded_width / 1000
        shape_text = f"{count(shape.rows)} rows × {shape.columns} columns × {passes} epochs"
    else:
        overhead, per_kcell, base_mb, mb_per_kcell = settings.fit_cost_copula
        setup, passes, per_epoch = overhead + per_kcell * kcells, 0, 0.0
        memory = base_mb + mb_per_kcell * kcells
        shape_text = f"{count(shape.rows)} rows × {shape.columns} columns"
    seconds = setup + passes * per_epoch
    return FitEstimate(
        seconds=round(seconds, 1),
        memory_mb=round(memory, 1),
        setup_seconds=round(setup, 2),
        epoch_seconds=round(per_epoch, 3),
        note=f"Estimated fit ~{duration(seconds)}, ~{memory:,.0f} MB ({shape_text}; rough: a "
        "busy machine is slower).",
    )


@dataclass(frozen=True)
class FitPlan:
    """What a fit will use and cost, told to the user before it starts."""

    train_rows: int
    fit_rows: int
    estimate: FitEstimate

    @property
    def text(self) -> str:
        rows = (
            f"Fits on a stratified sample of {count(self.fit_rows)} of {count(self.train_rows)} "
            "training rows"
            if self.fit_rows < self.train_rows
            else f"Fits on all {count(self.train_rows)} training rows"
        )
        return (
            f"{rows}; estimated fit ~{duration(self.estimate.seconds)}, "
            f"~{self.estimate.memory_mb:,.0f} MB."
        )


def plan_fit(
    spec: SynthesizerSpec,
    *,
    shape: TableShape,
    epochs: int | None,
    settings: Settings | None = None,
) -> FitPlan:
    """The training rows a run of ``spec`` on a dataset of ``shape`` fits on, and its estimate.

    ``shape`` is the whole dataset's; the holdout split and the training sample cap are taken
    from ``settings``. Needs only counts, so a page can show it on every rerun.
    """
    settings = settings or get_settings()
    train = planned_training_rows(shape.rows, settings)
    fit_rows = min(train, settings.train_max_rows)
    estimate = estimate_fit(spec, shape=shape.with_rows(fit_rows), epochs=epochs, settings=settings)
    return FitPlan(train_rows=train, fit_rows=fit_rows, estimate=estimate)
