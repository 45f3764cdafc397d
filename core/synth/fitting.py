"""Fitting a registered synthesizer: seeded, with progress from its own thread, and stoppable.

:func:`fit_synthesizer` runs the fit in a worker thread holding the process's random generators
(:mod:`core.synth.seeding`) and reports what :class:`core.synth.fit_watch.FitWatch` reads of
it; :func:`stop_thread` ends the worker when the caller stops. Which synthesizers there are and
their parameters live in :mod:`core.synth.registry`.
"""

from __future__ import annotations

import ctypes
import inspect
import threading
import time
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from sdv.metadata import Metadata
from sdv.single_table.base import BaseSingleTableSynthesizer

from core.data.rules import to_sdv_constraints
from core.errors import InvalidParameterError, StudioError, one_line
from core.frames import sdv_ready
from core.meta import TABLE
from core.progress import Progress, no_progress
from core.synth.fit_watch import FitWatch
from core.synth.registry import get_spec, resolve_params
from core.synth.seeding import (
    GLOBAL_RANDOM,
    acquire_global_random,
    check_seed,
    release_when_ended,
    seed_global_generators,
)


def fit_synthesizer(
    *,
    key: str,
    metadata: Metadata,
    data: pd.DataFrame,
    seed: int,
    params: dict[str, Any] | None = None,
    locales: list[str] | None = None,
    rules: Sequence[Mapping[str, Any]] = (),
    progress: Progress = no_progress,
    poll_seconds: float = 0.25,
) -> BaseSingleTableSynthesizer:
    """Fit a registered synthesizer on ``data``, seeded, reporting epochs as they finish.

    The fit runs in a worker thread while this thread polls its progress, so callers (a page, the
    CLI) get regular callbacks from their own thread: ``("fit", 0, epochs)`` first, then every
    ``poll_seconds`` the step :class:`FitWatch` reads (``"prepare"``, ``"columns"``,
    ``"encode"``, then ``"fit"`` with epochs done, fractions of an epoch included), and
    ``("fit", epochs, epochs)`` at the end; ``"wait"`` while another session's fit holds the
    generators. It holds the process's random generators
    (:data:`core.synth.seeding.GLOBAL_RANDOM`) and seeds them with ``seed`` first, so the same
    seed, data and parameters give the same model, even while other sessions of the process
    fit or sample; it waits for a fit of another session to end, still reporting progress.
    MST is the exception: its private noise is unseedable by design (see :mod:`core.synth.dp`).
    ``rules`` (checked against ``data`` by :func:`core.data.rules.check_rules`) become SDV
    constraints, which the model then keeps in every row it samples.

    Raises:
        StudioError: the synthesizer rejected the data, the parameters or the rules, or the
            seed is not one (one line).
    """
    spec = get_spec(key)
    values = resolve_params(key, params)
    seed = check_seed(seed)
    data = sdv_ready(data)
    if rules and not spec.rules:
        raise InvalidParameterError(
            f"{spec.label} cannot keep rules; choose another synthesizer or drop the rules."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        extra = dict(spec.fixed_kwargs)
        if locales and "locales" in inspect.signature(spec.cls.__init__).parameters:
            extra["locales"] = locales  # the Faker locale of fake personal data
        synth = spec.cls(metadata, **values, **extra)
        if rules:
            try:
                synth.add_constraints(to_sdv_constraints(rules))
            except Exception as err:  # SDV raises several types; all mean "not these rules"
                raise InvalidParameterError(f"The rules do not fit: {one_line(err)}") from err
    total = values.get("epochs")
    outcome: dict[str, BaseException] = {}

    def work() -> None:
        try:
            seed_global_generators(seed)  # holding GLOBAL_RANDOM, taken below for this thread
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                synth.fit({TABLE: data})
        except BaseException as err:  # re-raised in the caller's thread below
            outcome["error"] = err

    worker = threading.Thread(target=work, name=f"fit-{key}", daemon=True)
    watch = FitWatch(synth, rows=len(data), batch_size=values.get("batch_size"), epochs=total)
    asked = time.perf_counter()
    progress("fit", 0, total)
    # Taken in this thread, where a Stop raised by the progress callback is an ordinary
    # exception; once the worker starts, only its end releases it (see release_when_ended).
    acquire_global_random(
        wait=lambda: progress("wait", time.perf_counter() - asked, None),
        poll_seconds=poll_seconds,
    )
    started = time.perf_counter()
    steps = watch.count_steps(worker)
    try:
        worker.start()
        while worker.is_alive():
            worker.join(poll_seconds)
            progress(*watch.step(time.perf_counter() - started))
    except BaseException:
        # The caller stopped (Stop or another click reran the page, Ctrl-C, a cancel raised by
        # the progress callback): end the fit too, instead of leaving it to burn the CPU.
        stop_thread(worker)
        release_when_ended(worker)
        raise
    finally:
        if steps is not None:
            steps.remove()
    GLOBAL_RANDOM.release()
    if "error" in outcome:
        err = outcome["error"]
        if isinstance(err, StudioError):
            raise err
        first = one_line(err)
        raise StudioError(f"{spec.label} could not fit this table: {first}") from err
    progress("fit", total or 1, total or 1)
    return synth


class FitStopped(BaseException):
    """Raised inside a fit's worker thread to end it; never reaches a caller."""


def stop_thread(worker: threading.Thread) -> None:
    """Make ``worker`` raise :class:`FitStopped` at its next Python instruction.

    A fit has no cancel hook of its own, but its training loop runs Python between batches
    (and between columns for the copulas), so the exception lands within one batch step. A
    BaseException, so no ``except Exception`` inside the libraries swallows it.
    """
    if worker.ident is not None and worker.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(worker.ident), ctypes.py_object(FitStopped)
        )
