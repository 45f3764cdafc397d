"""The bundle of a shaped run: run.json records the shaping and reproduce.py gives the rows back
(conditions, a rebalance and rules, over several batches, also for a neural synthesizer)."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

from core.config import get_settings
from core.export.bundle import export_bundle
from core.runs.pipeline import synthesize
from tests.conftest import TEMPS
from tests.core.test_synthesizers import CHEAP

SMALL_BATCHES = dataclasses.replace(get_settings(), sample_batch_rows=250)


@pytest.mark.parametrize(
    ("key", "shaping"),
    [
        ("gaussian_copula", {"conditions": {"weather": "rain"}}),
        ("ctgan", {"rebalance": "weather", "shares": {"snow": 0.4, "sun": 0.6}}),
    ],
)
def test_a_shaped_run_is_reproduced_row_for_row(
    workspace, seattle_with_rule, tmp_path, key, shaping
):
    # Setup
    dataset = seattle_with_rule
    run = synthesize(
        workspace,
        dataset_id=dataset.id,
        key=key,
        params=CHEAP[key],
        rows=600,
        seed=6,
        settings=SMALL_BATCHES,
        **shaping,
    ).run
    folder = tmp_path / "bundle"
    with zipfile.ZipFile(io.BytesIO(export_bundle(workspace, run.id, settings=SMALL_BATCHES))) as z:
        z.extractall(folder)
    workspace.read_real(dataset.id).to_parquet(folder / "REAL.parquet", index=False)

    # Run
    done = subprocess.run(
        [sys.executable, "reproduce.py", "REAL.parquet", "OUT.parquet"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    # Assert
    assert done.returncode == 0, done.stderr[-2000:]
    recorded = json.loads((folder / "run.json").read_text())["shaping"]
    assert recorded == run.shaping and recorded["rules"] == [TEMPS]
    assert "shaped" in (folder / "README.txt").read_text()
    stored = workspace.read_synthetic(run.id)
    got = pd.read_parquet(folder / "OUT.parquet")
    pd.testing.assert_frame_equal(got, stored, check_dtype=False, check_exact=True)
    assert (got["temp_min"] <= got["temp_max"]).all()
