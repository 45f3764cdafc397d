"""One seed, one extract: a neural run repeated in another process writes the same file."""

from pathlib import Path

import pandas as pd

from core.data.demos import DEMOS
from tests.conftest import run_cli


def _extract(tmp_path: Path, source: Path, name: str, seed: int) -> bytes:
    out = tmp_path / name
    done = run_cli(
        "synthesize", source, "--synthesizer", "ctgan", "--epochs", 2, "--rows", 200,
        "--seed", seed, "--output", out,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return out.read_bytes()


def test_a_ctgan_run_repeated_in_another_process_writes_the_same_bytes(tmp_path):
    # Setup: 200 real rows, written as a user's CSV
    source = tmp_path / "tips.csv"
    pd.read_csv(DEMOS["tips"].path).head(200).to_csv(source, index=False)

    # Run: each run is a fresh process (its own torch, NumPy and Python generators)
    first = _extract(tmp_path, source, "a.csv", seed=21)
    again = _extract(tmp_path, source, "b.csv", seed=21)
    other = _extract(tmp_path, source, "c.csv", seed=22)

    # Assert
    assert first == again
    assert first != other
    assert first.count(b"\n") == 201
