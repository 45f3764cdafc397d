"""Shared fixtures: small real tables, a fresh workspace per test, and one headless Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.data.demos import DEMOS
from core.data.metadata import detect_metadata
from core.workspace.records import DatasetInfo
from core.workspace.store import Workspace

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run_cli(*args: object, **env: str) -> subprocess.CompletedProcess:
    """``python -m core.cli ARGS`` from the repository, with extra environment variables."""
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **env},
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "workspace.duckdb")
    yield ws
    ws.close()


@pytest.fixture
def tips() -> pd.DataFrame:
    return pd.read_csv(DEMOS["tips"].path)


@pytest.fixture
def tips_sdtypes(tips: pd.DataFrame) -> dict[str, str]:
    """The sdtype SDV detects for each column of tips."""
    return detect_metadata(tips).sdtypes


@pytest.fixture
def mixed_csv(tmp_path: Path) -> Path:
    """300 rows of numbers, categories, dates and a few nulls."""
    rng = np.random.default_rng(0)
    n = 300
    df = pd.DataFrame(
        {
            "amount": rng.gamma(2.0, 30.0, n).round(2),
            "age": rng.integers(18, 80, n),
            "city": rng.choice(["Lyon", "Oslo", "Lima", "Pune"], n),
            "joined": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), "D"),
        }
    )
    df.loc[::25, "amount"] = np.nan
    path = tmp_path / "mixed.csv"
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium, one for the whole run; skipped locally if missing, a failure
    on CI.

    One Playwright for the session: a second ``sync_playwright()`` opened while this one lives
    refuses to start ("Sync API inside the asyncio loop"), so every browser test uses this.
    """
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def write_shop_table(path: Path, rows: int, *, seed: int) -> pd.DataFrame:
    """A small shop table (amount, age, city, segment) written as CSV, as a user uploads it."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "amount": rng.gamma(2.0, 50.0, rows).round(2),
            "age": rng.integers(18, 80, rows),
            "city": rng.choice(["Lisbon", "Oslo", "Turin", "Ghent"], rows),
            "segment": rng.choice(["retail", "business", "premium"], rows, p=[0.6, 0.3, 0.1]),
        }
    )
    df.to_csv(path, index=False)
    return df


# Seattle weather's rule: a day's low temperature is never above its high.
TEMPS = {"type": "Inequality", "low_column_name": "temp_min", "high_column_name": "temp_max"}


@pytest.fixture(scope="module")
def seattle() -> pd.DataFrame:
    """Seattle weather: 1,461 days of dates, numbers and a category, keeping ``TEMPS``."""
    from vega_datasets import data as vega

    return vega.seattle_weather()


@pytest.fixture
def seattle_with_rule(workspace: Workspace, seattle: pd.DataFrame) -> DatasetInfo:
    """Seattle weather in the workspace, its metadata carrying the ``TEMPS`` rule."""
    from core.runs.pipeline import ensure_metadata

    dataset = workspace.add_dataset(name="s", source="s.csv", fingerprint="s", frame=seattle)
    workspace.set_metadata(dataset.id, ensure_metadata(workspace, dataset).with_rules([TEMPS]))
    return workspace.get_dataset(dataset.id)


@pytest.fixture(scope="module")
def tips_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Plotly's tips table as a CSV file, as a user uploads it."""
    path = tmp_path_factory.mktemp("tips") / "tips.csv"
    pd.read_csv(DEMOS["tips"].path).to_csv(path, index=False)
    return path


def assert_one_line_error(done: subprocess.CompletedProcess, message: str) -> None:
    """The command failed with one line on stderr naming ``message``, and no traceback."""
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert message in lines[0]
    assert "Traceback" not in done.stderr


def workspace_of_schema(path: Path, version: int) -> Any:
    """A workspace file as the release of schema ``version`` wrote it, left open for its rows.

    Returns the DuckDB connection; close it before opening the file as a ``Workspace``.
    """
    import duckdb

    from core.workspace.records import MIGRATIONS

    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for step in range(1, version + 1):
        for statement in MIGRATIONS[step]:
            con.execute(statement)
        con.execute("INSERT INTO schema_version VALUES (?)", [step])
    return con
