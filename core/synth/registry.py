"""The synthesizer registry (data, not if/else): the synthesizers offered and their parameters.

Adding a synthesizer is one entry in ``REGISTRY`` plus one line in the parametrised test.
:func:`get_spec` finds an entry and :func:`resolve_params` checks its parameters; fitting one
lives in :mod:`core.synth.fitting`, the sampling seed in :mod:`core.synth.seeding`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sdv.single_table import (
    CopulaGANSynthesizer,
    CTGANSynthesizer,
    GaussianCopulaSynthesizer,
    TVAESynthesizer,
)
from sdv.single_table.base import BaseSingleTableSynthesizer

from core.errors import InvalidParameterError, UnknownSynthesizerError
from core.synth.dp import BOUNDS_CHOICES, DPMSTSynthesizer


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
