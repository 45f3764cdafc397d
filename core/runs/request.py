"""What one run is asked for, as one value: the pages, the CLI, the bake-off and the benchmarks
build it once and hand it to :func:`core.runs.pipeline.synthesize`."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.privacy.protections import ProtectionSettings
from core.synth.scenarios import DrawLimits


@dataclass(frozen=True)
class RunRequest:
    """A run's inputs: which rows to make, how, and what to check (see ``synthesize``).

    Attributes:
        dataset_id: The dataset to synthesize.
        key: The synthesizer's registry key.
        rows: Synthetic rows to make.
        seed: Decides everything random in the run (split, training sample, fit, samples).
        params: The synthesizer's parameters; its defaults where None.
        target: A column to predict, adding the utility check.
        pii: Detect direct identifiers on the dataset's first use.
        protect: False turns every protection off.
        protections: Which protections change the training rows; the settings' defaults
            where None.
        conditions: Column to value: every row is that scenario.
        rebalance: A category column whose shares become ``shares``.
        shares: Category to share, adding up to 1; equal shares where None.
        augment: Train on real rows alone and on real plus synthetic rows (category target).
        limits: When drawing a scenario's rows gives up.
    """

    dataset_id: int
    key: str
    rows: int
    seed: int
    params: Mapping[str, Any] | None = None
    target: str | None = None
    pii: bool = True
    protect: bool = True
    protections: ProtectionSettings | None = None
    conditions: Mapping[str, Any] | None = None
    rebalance: str | None = None
    shares: Mapping[str, float] | None = None
    augment: bool = False
    limits: DrawLimits | None = None

    def with_synthesizer(self, key: str, params: Mapping[str, Any] | None) -> RunRequest:
        """The same run with another synthesizer and its parameters (a bake-off's entries)."""
        return dataclasses.replace(self, key=key, params=params)
