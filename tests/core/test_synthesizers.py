import threading
import time

import pytest

from core.data.metadata import detect_metadata, to_sdv
from core.errors import InvalidParameterError, UnknownSynthesizerError
from core.synth.registry import (
    REGISTRY,
    epochs_done,
    fit_synthesizer,
    get_spec,
    resolve_params,
    sample_rows,
)

# Cheapest settings per synthesizer: one line each, so adding an entry is one line here too.
CHEAP = {
    "gaussian_copula": {},
    "ctgan": {"epochs": 2, "batch_size": 100},
    "tvae": {"epochs": 2, "batch_size": 100},
    "copula_gan": {"epochs": 2, "batch_size": 100},
    "dp_mst": {"epsilon": 1.0},
}


def test_every_registered_synthesizer_has_cheap_settings():
    assert set(CHEAP) == set(REGISTRY)


@pytest.fixture(scope="module")
def small(request):
    import pandas as pd

    from core.data.demos import DEMOS

    df = pd.read_csv(DEMOS["tips"].path).head(200)
    return df, to_sdv(detect_metadata(df))


@pytest.mark.parametrize("key", list(REGISTRY))
def test_fit_and_sample_are_reproducible_per_seed(small, key):
    # Setup
    df, metadata = small
    seen: list[tuple] = []
    # Run
    synth = fit_synthesizer(
        key=key,
        metadata=metadata,
        data=df,
        params=CHEAP[key],
        progress=lambda *a: seen.append(a),
    )
    first = sample_rows(synth, rows=150, seed=11, batch_rows=60)
    again = sample_rows(synth, rows=150, seed=11, batch_rows=60)
    other = sample_rows(synth, rows=150, seed=12, batch_rows=60)
    # Assert
    assert first.shape == (150, df.shape[1])
    assert list(first.columns) == list(df.columns)
    assert first.equals(again)
    assert not first.equals(other)
    assert seen[0][0] == "fit" and seen[-1][0] == "fit"
    assert seen[-1][1] == seen[-1][2]
    if get_spec(key).has_epochs:
        assert epochs_done(synth) == CHEAP[key]["epochs"]


def test_sampling_reports_progress_per_batch(small):
    df, metadata = small
    synth = fit_synthesizer(key="gaussian_copula", metadata=metadata, data=df)
    seen: list[tuple] = []
    sample_rows(synth, rows=250, seed=1, batch_rows=100, progress=lambda *a: seen.append(a))
    assert seen == [
        ("sample", 0, 250),
        ("sample", 100, 250),
        ("sample", 200, 250),
        ("sample", 250, 250),
    ]


def test_unknown_synthesizer_lists_the_valid_keys():
    with pytest.raises(UnknownSynthesizerError, match="gaussian_copula"):
        get_spec("magic")


@pytest.mark.parametrize(
    ("key", "params", "message"),
    [
        ("ctgan", {"epochs": 0}, "between 1 and 5000"),
        ("ctgan", {"epochs": 2.5}, "whole number"),
        ("ctgan", {"batch_size": 55}, "multiple of 10"),
        ("ctgan", {"epochs": "many"}, "must be a number"),
        ("gaussian_copula", {"default_distribution": "cauchy"}, "must be one of"),
        ("gaussian_copula", {"epochs": 3}, "has no parameter epochs"),
    ],
)
def test_bad_parameters_are_refused_with_bounds(key, params, message):
    with pytest.raises(InvalidParameterError, match=message):
        resolve_params(key, params)


def test_defaults_come_from_the_registry():
    assert resolve_params("ctgan")["epochs"] == 300
    assert resolve_params("gaussian_copula") == {"default_distribution": "beta"}


def test_rows_must_be_positive(small):
    df, metadata = small
    synth = fit_synthesizer(key="gaussian_copula", metadata=metadata, data=df)
    with pytest.raises(InvalidParameterError):
        sample_rows(synth, rows=0, seed=1)


class _Stop(BaseException):
    """What a rerun or Ctrl-C raises in the caller's thread, from inside a progress callback."""


@pytest.mark.parametrize("key", ["ctgan", "tvae"])
def test_a_caller_that_stops_mid_fit_ends_the_fit_too(small, key):
    # Setup: far more epochs than can run; the callback stops the caller after the first one
    df, metadata = small

    def progress(stage: str, done: float, total: float | None) -> None:
        if stage == "fit" and done >= 1:
            raise _Stop

    # Run
    started = time.perf_counter()
    with pytest.raises(_Stop):
        fit_synthesizer(
            key=key,
            metadata=metadata,
            data=df,
            params={"epochs": 5000, "batch_size": 100},
            progress=progress,
            poll_seconds=0.05,
        )

    # Assert: the worker thread is gone within moments, not after 5,000 epochs
    deadline = time.perf_counter() + 30
    while _fit_threads(key) and time.perf_counter() < deadline:
        time.sleep(0.05)
    assert not _fit_threads(key)
    assert time.perf_counter() - started < 30


def _fit_threads(key: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"fit-{key}"]
