"""The Compare page's real rows: each run's own split, re-derived from what the run recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st

from components.compare import split_tables
from components.workspace import open_workspace
from core.config import get_settings
from core.data.demos import load_demo
from core.data.holdout import split_real
from core.runs.pipeline import synthesize
from core.workspace.store import Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """The cached handle the components open (one per file), with empty caches around."""
    st.cache_resource.clear()
    ws = open_workspace(str(tmp_path / "workspace.duckdb"))
    yield ws
    st.cache_resource.clear()
    ws.close()


def test_each_run_is_compared_with_the_rows_its_seed_split(workspace: Workspace) -> None:
    # Setup: two runs of one dataset with two seeds, so two different holdouts
    tips = load_demo(workspace, "tips")
    real = workspace.read_real(tips.id)
    runs = [
        synthesize(workspace, dataset_id=tips.id, key="gaussian_copula", rows=20, seed=seed).run
        for seed in (3, 4)
    ]

    # Run
    splits = [split_tables(str(workspace.path), tips.id, run.id) for run in runs]

    # Assert: each is the split the run recorded and was scored on
    for run, (train, holdout) in zip(runs, splits, strict=True):
        expected = split_real(real, seed=run.seed)
        pd.testing.assert_frame_equal(train, expected.train)
        pd.testing.assert_frame_equal(holdout, expected.holdout)
        assert (len(train), len(holdout)) == (
            run.scores["holdout"]["train_rows"],
            run.scores["holdout"]["holdout_rows"],
        )
    assert not splits[0][1].equals(splits[1][1])


def test_a_run_recorded_without_its_split_uses_the_settings_seed(workspace: Workspace) -> None:
    # Setup: a run from before splits were recorded drew its split with the settings' seed
    tips = load_demo(workspace, "tips")
    run = synthesize(workspace, dataset_id=tips.id, key="gaussian_copula", rows=20, seed=3).run
    workspace.set_scores(run.id, {k: v for k, v in run.scores.items() if k != "holdout"})

    # Run
    train, _ = split_tables(str(workspace.path), tips.id, run.id)

    # Assert
    expected = split_real(workspace.read_real(tips.id), seed=get_settings().seed)
    pd.testing.assert_frame_equal(train, expected.train)
