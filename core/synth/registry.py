"""The synthesizer registry (data, not if/else), the seeded fit and the sampling seed.

Adding a synthesizer is one entry in ``REGISTRY`` plus one line in the parametrised test.
"""

from __future__ import annotations

import ctypes
import inspect
import math
import threading
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from ctgan.synthesizers.ctgan import Generator as CTGANGenerator
from ctgan.synthesizers.tvae import Encoder as TVAEEncoder
from sdv.metadata import Metadata
from sdv.single_table import (
    CopulaGANSynthesizer,
    CTGANSynthesizer,
    GaussianCopulaSynthesizer,
    TVAESynthesizer,
)
from sdv.single_table.base import BaseSingleTableSynthesizer
from torch.nn.modules.module import register_module_forward_pre_hook
from torch.utils.hooks import RemovableHandle

from core.data.rules import to_sdv_constraints
from core.errors import InvalidParameterError, StudioError, UnknownSynthesizerError, one_line
from core.frames import sdv_ready
from core.meta import TABLE
from core.progress import Progress, no_progress
from core.synth.dp import BOUNDS_CHOICES, DPMSTSynthesizer
from core.synth.seeding import (
    GLOBAL_RANDOM,
    acquire_global_random,
    check_seed,
    release_when_ended,
    seed_global_generators,
)


@dataclass(frozen=True)
class ParamSpec:
    """One constructor parameter as the form shows it."""

    name: str
    label: str
    kind: str  # "int", "float" or "choice"
    default: Any
    low: float | None = None
    high: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""

    def coerce(self, value: Any) -> Any:
        """The value as the synthesizer needs it, or InvalidParameterError with the bounds."""
        if self.kind == "choice":
            if value not in self.choices:
                raise InvalidParameterError(
                    f"{self.label} must be one of {', '.join(self.choices)}; got {value!r}."
                )
            return value
        try:
            number = int(value) if self.kind == "int" else float(value)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"{self.label} must be a number; got {value!r}.") from None
        if self.kind == "int" and float(value) != number:
            raise InvalidParameterError(f"{self.label} must be a whole number; got {value!r}.")
        if (self.low is not None and number < self.low) or (
            self.high is not None and number > self.high
        ):
            raise InvalidParameterError(
                f"{self.label} must be between {self.low:g} and {self.high:g}; got {number:g}."
            )
        if self.step and self.kind == "int" and (number - (self.low or 0)) % self.step:
            raise InvalidParameterError(
                f"{self.label} must be a multiple of {self.step:g}; got {number:g}."
            )
        return number


@dataclass(frozen=True)
class SynthesizerSpec:
    """A synthesizer the studio offers, with its form and declared capabilities."""

    key: str
    label: str
    description: str
    cls: type[BaseSingleTableSynthesizer] | type[DPMSTSynthesizer]
    params: tuple[ParamSpec, ...]
    speed: str  # "fast" (seconds) or "slow" (minutes on big tables)
    needs_torch: bool
    # Conditions and rebalancing (core.synth.scenarios): "native" conditions the model itself
    # (a Gaussian copula carries a condition only through its linear correlations), "rejection"
    # keeps the drawn rows that meet it, "none" cannot condition at all.
    conditioning: str = "rejection"
    # Rules (core.data.rules) enforced through SDV's constraints while fitting and sampling.
    rules: bool = True
    # Offered when this synthesizer's scenario rows do not follow the real scenario.
    scenario_alternative: str | None = "ctgan"
    fixed_kwargs: dict[str, Any] = field(default_factory=dict)
    # Seconds of one training step, and per encoded column of a row on top (core.synth.estimate);
    # measured on a 2-core machine, for synthesizers trained in epochs.
    step_seconds: tuple[float, float] = (0.0, 0.0)
    # The fit is differentially private: its noise is unseeded by design (see core.synth.dp).
    differentially_private: bool = False

    @property
    def conditional_sampling(self) -> bool:
        """Whether it generates rows of a scenario (conditions, rebalancing)."""
        return self.conditioning != "none"

    @property
    def has_epochs(self) -> bool:
        return any(p.name == "epochs" for p in self.params)


_DISTRIBUTIONS = ("norm", "beta", "truncnorm", "gamma", "uniform", "gaussian_kde")
_EPOCHS = ParamSpec(
    "epochs", "Epochs", "int", 300, 1, 5000, help="Passes over the data; more is slower."
)
# CTGAN needs the batch to split into `pac` groups of 10 rows.
_GAN_BATCH = ParamSpec(
    "batch_size", "Batch size", "int", 500, 10, 10_000, 10, help="Rows per step; multiple of 10."
)
_DEFAULT_DISTRIBUTION = ParamSpec(
    "default_distribution",
    "Marginal distribution",
    "choice",
    "beta",
    choices=_DISTRIBUTIONS,
    help="Shape fitted to each numeric column.",
)
_GAN_PARAMS = (
    _EPOCHS,
    _GAN_BATCH,
    ParamSpec("embedding_dim", "Embedding size", "int", 128, 8, 1024, help="Noise vector size."),
    ParamSpec(
        "generator_lr",
        "Generator learning rate",
        "float",
        2e-4,
        1e-6,
        1e-1,
        help="Step size of the generator's optimiser.",
    ),
    ParamSpec(
        "discriminator_lr",
        "Discriminator learning rate",
        "float",
        2e-4,
        1e-6,
        1e-1,
        help="Step size of the discriminator's optimiser.",
    ),
)


def _neural(
    key: str,
    label: str,
    description: str,
    cls: type[BaseSingleTableSynthesizer],
    params: tuple[ParamSpec, ...],
    *,
    step_seconds: tuple[float, float],
    **capabilities: Any,
) -> SynthesizerSpec:
    """A torch synthesizer: slow on CPU, where the studio always fits it (no GPU)."""
    return SynthesizerSpec(
        key,
        label,
        description,
        cls,
        params,
        "slow",
        needs_torch=True,
        step_seconds=step_seconds,
        fixed_kwargs={"enable_gpu": False},
        **capabilities,
    )


REGISTRY: dict[str, SynthesizerSpec] = {
    spec.key: spec
    for spec in [
        SynthesizerSpec(
            "gaussian_copula",
            "Gaussian copula",
            "Fast statistical model of each column and their correlations. Start here.",
            GaussianCopulaSynthesizer,
            (_DEFAULT_DISTRIBUTION,),
            "fast",
            needs_torch=False,
            conditioning="native",
        ),
        _neural(
            "ctgan",
            "CTGAN",
            "Neural network (GAN) that learns complex, multi-modal columns. Slow on CPU.",
            CTGANSynthesizer,
            _GAN_PARAMS,
            step_seconds=(0.03, 0.00025),
            scenario_alternative="tvae",
        ),
        _neural(
            "tvae",
            "TVAE",
            "Variational autoencoder; often better than CTGAN on small tables.",
            TVAESynthesizer,
            (
                _EPOCHS,
                ParamSpec(
                    "batch_size",
                    "Batch size",
                    "int",
                    500,
                    10,
                    10_000,
                    10,
                    help="Rows per step; multiple of 10.",
                ),
                ParamSpec(
                    "embedding_dim",
                    "Embedding size",
                    "int",
                    128,
                    8,
                    1024,
                    help="Size of the latent space.",
                ),
            ),
            step_seconds=(0.006, 0.000006),
        ),
        _neural(
            "copula_gan",
            "CopulaGAN",
            "CTGAN on copula-transformed columns; helps with skewed numbers.",
            CopulaGANSynthesizer,
            (*_GAN_PARAMS, _DEFAULT_DISTRIBUTION),
            step_seconds=(0.035, 0.00025),
        ),
        SynthesizerSpec(
            "dp_mst",
            "MST (differentially private)",
            "Differentially private: noisy counts of columns and column pairs, then a graphical "
            "model. Each fit is random, even with the same seed.",
            DPMSTSynthesizer,
            (
                ParamSpec(
                    "epsilon",
                    "Privacy budget (epsilon)",
                    "float",
                    1.0,
                    0.01,
                    100.0,
                    help="Smaller is more private and less accurate: 0.1-1 is strong privacy, "
                    "10 or more is weak.",
                ),
                ParamSpec(
                    "bounds",
                    "Numeric ranges",
                    "choice",
                    "metadata",
                    choices=BOUNDS_CHOICES,
                    help="metadata: the ranges in the metadata, taken as public (they came from "
                    "the real rows: edit them to public values). estimate: spend 10% of epsilon "
                    "finding them privately; coarse, needs epsilon of about 5 on small tables.",
                ),
            ),
            "slow",
            needs_torch=False,
            conditioning="none",
            rules=False,
            scenario_alternative=None,
            differentially_private=True,
        ),
    ]
}


def get_spec(key: str) -> SynthesizerSpec:
    """The registry entry for ``key``, or UnknownSynthesizerError listing the valid keys."""
    try:
        return REGISTRY[key]
    except KeyError:
        raise UnknownSynthesizerError(
            f"Unknown synthesizer '{key}'; choose one of: {', '.join(REGISTRY)}."
        ) from None


def resolve_params(key: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Defaults of ``key``'s parameters with ``overrides`` applied and checked."""
    spec = get_spec(key)
    known = {p.name: p for p in spec.params}
    unknown = set(overrides or {}) - set(known)
    if unknown:
        raise InvalidParameterError(
            f"{spec.label} has no parameter {', '.join(sorted(unknown))}; "
            f"it takes {', '.join(known) or 'none'}."
        )
    values = {p.name: p.default for p in spec.params}
    values.update(overrides or {})
    return {name: known[name].coerce(value) for name, value in values.items()}


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


def set_seed(synth: BaseSingleTableSynthesizer, seed: int) -> None:
    """Make the next samples reproducible for ``seed``.

    SDV has no public seed argument; ``_set_random_state`` is private, so it is wrapped here
    alone and covered by a test that fails loudly if an upgrade breaks it.
    """
    synth.reset_sampling()
    if getattr(synth, "_model", None) is not None:  # None when no column is modelled
        synth._set_random_state(int(seed))
