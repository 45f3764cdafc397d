"""The rows and seed inputs of a run, the same on the Synthesize and Bake-off forms."""

from __future__ import annotations

from streamlit.delta_generator import DeltaGenerator

from core.config import Settings

SEED_MAX = 2**31 - 1


def rows_input(slot: DeltaGenerator, settings: Settings, *, label: str, key: str) -> int:
    """How many synthetic rows to draw, within the studio's cap."""
    return int(
        slot.number_input(
            label,
            min_value=1,
            max_value=settings.max_rows,
            value=min(settings.default_rows, settings.max_rows),
            step=100,
            key=key,
        )
    )


def seed_input(slot: DeltaGenerator, settings: Settings, *, key: str) -> int:
    """The run's seed, from the studio's default."""
    return int(
        slot.number_input(
            "Seed",
            min_value=0,
            max_value=SEED_MAX,
            value=settings.seed,
            help="The same seed and settings give the same rows.",
            key=key,
        )
    )
