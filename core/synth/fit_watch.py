"""How far a fit running in another thread has got, read from the synthesizer itself.

:class:`FitWatch` turns a neural fit's preparing, column learning, encoding, epochs and training
steps into the ``(stage, done, total)`` a progress callback takes; :func:`epochs_done` reads the
epochs finished from the model's loss log. :func:`core.synth.fitting.fit_synthesizer` polls it.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from ctgan.synthesizers.ctgan import Generator as CTGANGenerator
from ctgan.synthesizers.tvae import Encoder as TVAEEncoder
from sdv.single_table.base import BaseSingleTableSynthesizer
from torch.nn.modules.module import register_module_forward_pre_hook
from torch.utils.hooks import RemovableHandle

# The network a neural fit runs once per training step (CTGAN and CopulaGAN: the generator, once
# per discriminator step and once for its own; TVAE: the encoder, once), counted to report
# progress within an epoch.
_STEP_MODULES: tuple[type, ...] = (CTGANGenerator, TVAEEncoder)


class FitWatch:
    """Reads how far a fit running in another thread has got, from the synthesizer itself.

    A neural fit spends its first seconds, minutes on big tables, before its first epoch:
    SDV prepares the table, then CTGAN's and TVAE's data transformer learns a mixture model
    for each number column and encodes every row. Each of these is a step, then the epochs
    and the training steps within each epoch (counted by a forward hook on the network that
    runs once per step, in the fit's thread only).
    """

    def __init__(
        self,
        synth: BaseSingleTableSynthesizer,
        *,
        rows: int,
        batch_size: int | None,
        epochs: int | None,
    ) -> None:
        self._synth = synth
        self._rows = rows
        self._batch = int(batch_size or 500)
        self._epochs = epochs
        self.calls = 0

    def count_steps(self, worker: threading.Thread) -> RemovableHandle | None:
        """Count the training steps ``worker`` runs until the returned hook is removed."""

        def count(module: Any, args: Any) -> None:
            if isinstance(module, _STEP_MODULES) and threading.get_ident() == worker.ident:
                self.calls += 1

        return register_module_forward_pre_hook(count) if self._epochs else None

    def step(self, elapsed: float) -> tuple[str, float, float | None]:
        """The fit's current step as ``(stage, done, total)``, for a progress callback."""
        model = getattr(self._synth, "_model", None)
        if model is None:
            return "prepare", elapsed, None
        if not self._epochs:
            return "fit", elapsed, None
        per_step = int(getattr(model, "_discriminator_steps", 0)) + 1
        steps = self.calls // per_step
        if steps == 0:
            transformer = getattr(model, "_transformer", None) or getattr(
                model, "transformer", None
            )
            if transformer is None:
                return "prepare", elapsed, None
            total = len(getattr(transformer, "_column_raw_dtypes", ()))
            learned = len(getattr(transformer, "_column_transform_info_list", ()))
            if total and learned < total:
                return "columns", learned, total
            return "encode", elapsed, None
        whole = epochs_done(self._synth)
        # CTGAN drops the last partial batch, TVAE keeps it.
        ctgan = per_step > 1
        per_epoch = (
            max(self._rows // self._batch, 1) if ctgan else math.ceil(self._rows / self._batch)
        )
        done = min(max(steps / per_epoch, whole), whole + 0.999, self._epochs)
        return "fit", done, self._epochs


def epochs_done(synth: BaseSingleTableSynthesizer) -> int:
    """Epochs finished so far, read from the model's loss log (CTGAN, TVAE, CopulaGAN)."""
    model = getattr(synth, "_model", None)
    losses = getattr(model, "loss_values", None)
    if losses is None or len(losses) == 0 or "Epoch" not in losses:
        return 0
    return int(losses["Epoch"].iloc[-1]) + 1
