"""Drawing shaped rows: each scenario's rows drawn until there are enough, then shuffled.

A batch of a :class:`core.synth.scenarios.Shaping` is drawn scenario by scenario
(:func:`draw_shaped`), each until enough rows match (:func:`draw_matching`), with progress
after each draw. A scenario the model rarely makes ends in one line saying what was reached,
when fewer than :attr:`~core.synth.scenarios.DrawLimits.min_match_share` of the drawn rows
match or after :attr:`~core.synth.scenarios.DrawLimits.seconds`; it never hangs. Draws are
seeded through the model's own seeded state, so the same seed gives the same rows.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sdv.single_table.base import BaseSingleTableSynthesizer

from core.errors import StudioError
from core.synth.scenarios import DrawLimits, Shaping, scenario_label
from core.synth.seeding import holding_global_random

# The shuffle of a rebalanced batch draws from its own stream of the run's seed.
_SHUFFLE_STREAM = 1


def shuffle_order(rows: int, *, seed: int, index: int) -> np.ndarray:
    """The order a rebalanced batch is shuffled into: its own stream of the run's seed."""
    sequence = np.random.SeedSequence(int(seed), spawn_key=(int(index), _SHUFFLE_STREAM))
    return np.random.default_rng(sequence).permutation(rows)


def draw_shaped(
    synth: BaseSingleTableSynthesizer,
    shaping: Shaping,
    *,
    rows: int,
    seed: int,
    index: int,
    wait: Callable[[], None] | None = None,
    report: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """One batch of ``rows`` shaped rows: each scenario's rows, shuffled together.

    Args:
        synth: A fitted model, seeded (:func:`core.synth.seeding.set_seed`).
        shaping: The run's conditions, rebalance and rules.
        rows: Rows in the batch.
        seed: The run's seed; the shuffle of batch ``index`` draws from it.
        index: The batch's position in the run.
        wait: Called while another thread holds the random generators.
        report: Called with the rows of this batch reached so far, after each draw.

    Raises:
        StudioError: a scenario the model rarely makes (one line with what was reached).
    """
    parts, done = [], 0
    for conditions, count in shaping.plan(rows):
        if count:
            parts.append(
                draw_matching(
                    synth,
                    conditions,
                    rows=count,
                    limits=shaping.limits,
                    label=shaping.label(conditions),
                    wait=wait,
                    report=lambda got, before=done: report and report(before + got),
                )
            )
        done += count
    batch = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if len(parts) > 1:
        batch = batch.iloc[shuffle_order(len(batch), seed=seed, index=index)]
    return batch.reset_index(drop=True)


def draw_matching(
    synth: BaseSingleTableSynthesizer,
    conditions: Mapping[str, Any],
    *,
    rows: int,
    limits: DrawLimits,
    label: str = "",
    wait: Callable[[], None] | None = None,
    report: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """``rows`` rows meeting ``conditions`` (and the model's rules), drawn until there are.

    Each draw asks for the rows still missing divided by the share that matched so far
    (SDV's own estimate), at most ``limits.draw_rows``.

    Raises:
        StudioError: too few drawn rows match, or the time limit passed (one line).
    """
    started = time.monotonic()
    parts: list[pd.DataFrame] = []
    have = drawn = matched = 0
    while have < rows:
        missing = rows - have
        rate = max(matched, 1) / drawn if drawn else 1.0
        ask = min(max(limits.draw_rows, missing), max(missing, math.ceil(missing / rate)))
        with warnings.catch_warnings(), holding_global_random(wait):
            warnings.simplefilter("ignore")
            part = sample_once(synth, conditions, ask)
        drawn, matched = drawn + ask, matched + len(part)
        parts.append(part.iloc[:missing])
        have += len(parts[-1])
        if report is not None:
            report(have)
        if have >= rows:
            break
        seconds = time.monotonic() - started
        rare = drawn >= limits.probe_rows and matched / drawn < limits.min_match_share
        if rare or seconds > limits.seconds:
            raise StudioError(
                f"Scenario {label or scenario_label(conditions)}: reached {have:,} of {rows:,} "
                f"rows after drawing {drawn:,} ({matched / drawn:.2%} matched) in {seconds:.0f} s; "
                "the model rarely makes it. Condition on fewer columns, fit longer, or use a "
                "synthesizer that conditions directly (Gaussian copula)."
            )
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def sample_once(
    synth: BaseSingleTableSynthesizer, conditions: Mapping[str, Any], rows: int
) -> pd.DataFrame:
    """One draw of ``rows`` rows, keeping those that meet ``conditions`` and the rules.

    SDV's public ``sample_from_conditions`` retries up to 100 times per batch with no time
    limit and prints its own progress bar; its private steps draw once, so the loop, its
    progress and its limits stay here. Wrapped here alone, with a test that fails loudly if an
    SDV upgrade changes them.
    """
    if not conditions:
        return synth._sample_batch(batch_size=rows, max_tries=1).reset_index(drop=True)
    frame = pd.DataFrame({column: [value] * rows for column, value in conditions.items()})
    sampled = synth._sample_with_conditions(frame, 1, rows)
    return sampled.reset_index(drop=True)
