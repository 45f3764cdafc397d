import threading
import time

import pytest

from core.data.metadata import detect_metadata
from core.errors import InvalidParameterError, UnknownSynthesizerError
from core.synth.fit_watch import epochs_done
from core.synth.fitting import fit_synthesizer
from core.synth.registry import REGISTRY, get_spec, resolve_params
from core.synth.sampling import iter_batches

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
    return df, (detect_metadata(df)).to_sdv()


def _drawn(synth, *, rows: int, seed: int, batch_rows: int = 10_000):
    """Every batch ``iter_batches`` draws, as one frame."""
    import pandas as pd

    return pd.concat(
        iter_batches(synth, rows=rows, seed=seed, batch_rows=batch_rows), ignore_index=True
    )


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
        seed=3,
        params=CHEAP[key],
        progress=lambda *a: seen.append(a),
    )
    first = _drawn(synth, rows=150, seed=11, batch_rows=60)
    again = _drawn(synth, rows=150, seed=11, batch_rows=60)
    other = _drawn(synth, rows=150, seed=12, batch_rows=60)
    # Assert
    assert first.shape == (150, df.shape[1])
    assert list(first.columns) == list(df.columns)
    assert first.equals(again)
    assert not first.equals(other)
    assert seen[0][0] == "fit" and seen[-1][0] == "fit"
    assert seen[-1][1] == seen[-1][2]
    if get_spec(key).has_epochs:
        assert epochs_done(synth) == CHEAP[key]["epochs"]


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
    synth = fit_synthesizer(key="gaussian_copula", metadata=metadata, data=df, seed=1)
    with pytest.raises(InvalidParameterError):
        next(iter_batches(synth, rows=0, seed=1, batch_rows=10))


def fit_neural(
    key: str,
    data,
    metadata,
    *,
    epochs: int,
    batch_size: int,
    progress,
    poll_seconds: float = 0.05,
):
    """Fit a neural synthesizer with seed 1, reporting its steps to ``progress``."""
    return fit_synthesizer(
        key=key,
        metadata=metadata,
        data=data,
        seed=1,
        params={"epochs": epochs, "batch_size": batch_size},
        progress=progress,
        poll_seconds=poll_seconds,
    )


class _Stop(BaseException):
    """What a rerun or Ctrl-C raises in the caller's thread, from inside a progress callback."""


def _fit_until_stopped(df, metadata, key: str) -> None:
    """Start a fit of far more epochs than can run; the caller stops after the first one."""

    def progress(stage: str, done: float, total: float | None) -> None:
        if stage == "fit" and done >= 1:
            raise _Stop

    with pytest.raises(_Stop):
        fit_neural(key, df, metadata, epochs=5000, batch_size=100, progress=progress)


@pytest.mark.parametrize("key", ["ctgan", "tvae"])
def test_a_caller_that_stops_mid_fit_ends_the_fit_too(small, key):
    # Setup: far more epochs than can run; the callback stops the caller after the first one
    df, metadata = small

    # Run
    started = time.perf_counter()
    _fit_until_stopped(df, metadata, key)

    # Assert: the worker thread is gone within moments, not after 5,000 epochs
    deadline = time.perf_counter() + 30
    while _fit_threads(key) and time.perf_counter() < deadline:
        time.sleep(0.05)
    assert not _fit_threads(key)
    assert time.perf_counter() - started < 30


def _fit_threads(key: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"fit-{key}"]


NEURAL = [key for key, spec in REGISTRY.items() if spec.has_epochs]


@pytest.mark.parametrize("key", NEURAL)
def test_two_fits_with_one_seed_give_one_model(small, key):
    # Setup
    df, metadata = small

    def fitted(seed: int):
        synth = fit_synthesizer(key=key, metadata=metadata, data=df, seed=seed, params=CHEAP[key])
        return _drawn(synth, rows=100, seed=5)

    # Run
    first, again, other = fitted(3), fitted(3), fitted(4)

    # Assert: the fit seed, not only the sample seed, decides the rows
    assert first.equals(again)
    assert not first.equals(other)


def test_fits_and_samples_at_once_in_threads_disturb_no_fit(small):
    # Setup: a lone CTGAN fit, then three at once with its seed beside a thread that samples
    # (SDV's sampling swaps seeded states in and out of NumPy's and torch's global generators)
    df, metadata = small
    params = {"epochs": 3, "batch_size": 100}

    def fit_and_draw() -> object:
        synth = fit_synthesizer(key="ctgan", metadata=metadata, data=df, seed=8, params=params)
        return _drawn(synth, rows=100, seed=5)

    alone = fit_and_draw()
    copula = fit_synthesizer(key="gaussian_copula", metadata=metadata, data=df, seed=1)
    results: list[object] = []
    done = threading.Event()

    def keep_sampling() -> None:
        while not done.is_set():
            _drawn(copula, rows=50, seed=2, batch_rows=10)

    # Run
    sampler = threading.Thread(target=keep_sampling)
    fits = [threading.Thread(target=lambda: results.append(fit_and_draw())) for _ in range(3)]
    sampler.start()
    for thread in fits:
        thread.start()
    for thread in fits:
        thread.join(120)
    done.set()
    sampler.join(60)

    # Assert
    assert len(results) == 3
    assert all(alone.equals(result) for result in results)


def test_a_fit_waiting_for_another_one_can_be_stopped_and_frees_the_generators(small):
    # Setup: another session's fit holds the process's generators
    from core.synth.seeding import GLOBAL_RANDOM

    df, metadata = small
    calls: list[tuple[str, float]] = []

    def progress(stage: str, done: float, total: float | None) -> None:
        calls.append((stage, done))
        if len(calls) >= 3:
            raise _Stop

    # Run
    assert GLOBAL_RANDOM.acquire(timeout=30)
    try:
        started = time.perf_counter()
        with pytest.raises(_Stop):
            fit_synthesizer(
                key="tvae",
                metadata=metadata,
                data=df,
                seed=1,
                params=CHEAP["tvae"],
                progress=progress,
                poll_seconds=0.05,
            )
        waited = time.perf_counter() - started
    finally:
        GLOBAL_RANDOM.release()

    # Assert: it reported the wait with the seconds waited, stopped at once, and holds nothing
    assert [stage for stage, _ in calls] == ["fit", "wait", "wait"]
    assert calls[0][1] == 0 and 0 < calls[1][1] < calls[2][1] < 5
    assert waited < 5
    assert not _fit_threads("tvae")
    assert GLOBAL_RANDOM.acquire(timeout=1)
    GLOBAL_RANDOM.release()


def test_a_stopped_fit_frees_the_generators_for_the_next_one(small):
    # Setup
    df, metadata = small

    _fit_until_stopped(df, metadata, "ctgan")

    # Run
    synth = fit_synthesizer(key="tvae", metadata=metadata, data=df, seed=1, params=CHEAP["tvae"])

    # Assert
    assert epochs_done(synth) == CHEAP["tvae"]["epochs"]


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "7", True])
def test_a_seed_that_is_not_one_is_refused_in_one_line(small, seed):
    df, metadata = small
    with pytest.raises(InvalidParameterError, match="whole number from 0 to 4,294,967,295"):
        fit_synthesizer(key="gaussian_copula", metadata=metadata, data=df, seed=seed)
