"""One seed for a whole run, and the one lock on the random generators a process shares.

A run's seed decides its holdout split, its training sample, its fit and its samples. Splits
and samples take the seed as an argument; a fit cannot: CTGAN, TVAE and CopulaGAN draw their
weights, noise and batches from torch's, NumPy's and Python's global generators, so the studio
seeds those with the run's seed just before the fit. SDV's sampling (of every synthesizer) and
its column transformers swap seeded states in and out of the same NumPy and torch generators.
:func:`set_seed` seeds a fitted model's sampling through them.

Those generators belong to the process, and the studio serves every browser session from a
thread of one process: two fits at once would draw from one stream, each changing the other's
model. So every fit (seeded inside the lock) and every sampled batch holds ``GLOBAL_RANDOM``.
We chose this over seeding per thread, which the libraries do not offer, and over a process
per fit, which would cost the fit's progress and Stop. The price: a session whose run starts
while another session fits waits for that fit; it keeps reporting progress while it waits, so
Stop still ends it at once.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import torch
from sdv.single_table.base import BaseSingleTableSynthesizer

from core.errors import InvalidParameterError

# NumPy's legacy seeding, scikit-learn's random_state and SDV's take 32-bit seeds.
MAX_SEED = 2**32 - 1
# Held by every fit and every sampled batch: see the module docstring.
GLOBAL_RANDOM = threading.Lock()


def check_seed(seed: object) -> int:
    """``seed`` as an int, or one line saying it must be a whole number from 0 to 2**32 - 1."""
    whole = isinstance(seed, int | np.integer) and not isinstance(seed, bool)
    if not whole or not 0 <= seed <= MAX_SEED:
        raise InvalidParameterError(
            f"The seed must be a whole number from 0 to {MAX_SEED:,}; got {seed!r}."
        )
    return int(seed)


def seed_global_generators(seed: int) -> None:
    """Seed Python's, NumPy's and torch's global generators: what a neural fit draws from.

    Call it holding ``GLOBAL_RANDOM``, right before the fit, so nothing else draws in between.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def acquire_global_random(*, wait: Callable[[], None], poll_seconds: float) -> None:
    """Take ``GLOBAL_RANDOM``, calling ``wait`` every ``poll_seconds`` until it is free.

    ``wait`` is the caller's chance to stop (a page's Stop raises from its progress callback):
    if it raises, the lock is not held.
    """
    while not GLOBAL_RANDOM.acquire(timeout=poll_seconds):
        wait()


@contextmanager
def holding_global_random(
    wait: Callable[[], None] | None = None, *, poll_seconds: float = 0.25
) -> Iterator[None]:
    """Hold ``GLOBAL_RANDOM`` for the block (one sampled batch), waiting as above."""
    acquire_global_random(wait=wait or _no_wait, poll_seconds=poll_seconds)
    try:
        yield
    finally:
        GLOBAL_RANDOM.release()


def release_when_ended(worker: threading.Thread) -> None:
    """Release ``GLOBAL_RANDOM`` once ``worker``, a fit told to stop, has ended.

    The caller returns at once (Stop ends a run at once), but the stopped fit may draw from the
    generators for one more batch step; the next fit must not start before that.
    """
    if worker.ident is None or not worker.is_alive():
        GLOBAL_RANDOM.release()
        return

    def release() -> None:
        worker.join()
        GLOBAL_RANDOM.release()

    threading.Thread(target=release, name=f"{worker.name}-release", daemon=True).start()


def _no_wait() -> None:
    return None


def set_seed(synth: BaseSingleTableSynthesizer, seed: int) -> None:
    """Make the next samples reproducible for ``seed``.

    SDV has no public seed argument; ``_set_random_state`` is private, so it is wrapped here
    alone and covered by a test that fails loudly if an upgrade breaks it.
    """
    synth.reset_sampling()
    if getattr(synth, "_model", None) is not None:  # None when no column is modelled
        synth._set_random_state(int(seed))
