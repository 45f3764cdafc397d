"""The reproducibility bundle: what it holds, and that its script gives the run's rows back.

The script runs in a subprocess with this interpreter, as a person would run it after unzipping
the bundle: plain SDV, pandas and scikit-learn, no studio import.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.config import Settings
from core.errors import StudioError
from core.export.bundle import BUNDLE_FILES, export_bundle
from core.privacy.protections import ProtectionSettings
from core.runs.pipeline import ensure_metadata, synthesize
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace

ROWS = 120
SEED = 11
# One CPU fit and sample plus the imports of SDV; generous for a busy two-core machine.
SCRIPT_TIMEOUT = 300


def _people(n: int, *, seed: int) -> pd.DataFrame:
    """``n`` rows of numbers with extremes, dates, and categories of which some are rare."""
    rng = np.random.default_rng(seed)
    city = rng.choice(["Lyon", "Oslo", "Lima", "Pune"], n).astype(object)
    city[:3] = ["Nuuk", "Nuuk", "Hilo"]  # seen fewer than 5 times: grouped before fitting
    amount = rng.gamma(2.0, 30.0, n).round(2)
    amount[5] = 9_999.99  # far above the rest: clipped before fitting
    rooms = rng.choice([1, 2, 3, 4], n)
    rooms[6:8] = [9, 12]  # rare room counts: merged into the nearest frequent count
    return pd.DataFrame(
        {
            "amount": amount,
            "age": rng.integers(18, 80, n),
            "city": city,
            "rooms": rooms,
            "plan": rng.choice(["basic", "pro"], n, p=[0.7, 0.3]),
            "joined": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 900, n), "D"),
        }
    )


def _dataset(workspace: Workspace, frame: pd.DataFrame, name: str) -> DatasetInfo:
    return workspace.add_dataset(name=name, source=f"{name}.csv", fingerprint=name, frame=frame)


def _run(
    workspace: Workspace,
    dataset: DatasetInfo,
    key: str = "gaussian_copula",
    params: dict[str, Any] | None = None,
) -> RunInfo:
    """A run with both protections on; rooms (a count) marked categorical."""
    metadata = ensure_metadata(workspace, dataset)
    metadata = metadata.with_columns({"rooms": {"sdtype": "categorical"}})
    workspace.set_metadata(dataset.id, metadata)
    return synthesize(
        workspace,
        dataset_id=dataset.id,
        key=key,
        rows=ROWS,
        seed=SEED,
        params=params,
        protections=ProtectionSettings(clipping=True),
    ).run


@pytest.fixture
def with_holdout(workspace: Workspace) -> RunInfo:
    """A run on 150 rows: 30 held out, rare cities grouped and the extreme amount clipped."""
    return _run(workspace, _dataset(workspace, _people(150, seed=1), "people"))


@pytest.fixture
def without_holdout(workspace: Workspace) -> RunInfo:
    """A run on 25 rows, too few to keep a holdout: every row is trained on."""
    return _run(workspace, _dataset(workspace, _people(25, seed=2), "few"))


def _unzip(data: bytes, where: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(where)
    return where


def _reproduce(
    workspace: Workspace, run: RunInfo, folder: Path, *extra: str, out: str = "OUT.csv"
) -> Path:
    """Unzip the run's bundle into ``folder`` and run its script on the real table."""
    _unzip(export_bundle(workspace, run.id), folder)
    real = folder / "REAL.parquet"
    workspace.read_real(run.dataset_id).to_parquet(real, index=False)
    done = subprocess.run(
        [sys.executable, "reproduce.py", str(real), out, *extra],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "warning" not in done.stderr  # same sdv: no version warning
    return folder / out


def _read_csv_like(path: Path, like: pd.DataFrame) -> pd.DataFrame:
    """A CSV read back with the types of ``like``, as far as CSV carries them."""
    dates = [c for c in like.columns if pd.api.types.is_datetime64_any_dtype(like[c])]
    # round_trip: pandas writes floats' shortest repr; read them back bit for bit.
    return pd.read_csv(path, float_precision="round_trip", parse_dates=dates)


def _assert_same_rows(got: pd.DataFrame, stored: pd.DataFrame) -> None:
    # Dtypes may differ only in what CSV does not carry (datetime unit, object vs string);
    # every value must be equal, floats exactly.
    pd.testing.assert_frame_equal(got, stored, check_dtype=False, check_exact=True)
    for column in stored.columns:
        assert got[column].dtype.kind == stored[column].dtype.kind, column


def test_bundle_holds_the_expected_files_and_no_model(workspace, with_holdout):
    # Run
    data = export_bundle(workspace, with_holdout.id)

    # Assert
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == list(BUNDLE_FILES)
        members = {name: archive.read(name) for name in archive.namelist()}
    assert not any(body.startswith(b"\x80") for body in members.values())  # pickle protocol 2+
    run = json.loads(members["run.json"])
    assert run["synthesizer"]["class"] == "GaussianCopulaSynthesizer"
    assert (run["seed"], run["rows"]) == (SEED, ROWS)
    holdout = run["holdout"]  # 30 rows drawn aside, less those handed back to training
    assert (holdout["train_rows"], holdout["seed"]) == (120 + holdout["moved_to_training"], SEED)
    assert holdout["holdout_rows"] == 30 - holdout["moved_to_training"]
    assert run["versions"]["sdv"] == "2.0.0"
    protections = run["protections"]
    assert protections["rare_min_count"] == 5
    assert protections["rare_categories_grouped"]["city"] in (1, 2)  # Nuuk, Hilo in training
    assert protections["rare_categories_grouped"]["rooms"] in (1, 2)
    assert protections["rare_to_nearest"] == ["rooms"]
    assert protections["settings"]["clipping"] is True
    assert set(protections["clip"]) >= {"amount"}
    # The rare values are what grouping hides: the script finds them again, the zip lacks them.
    assert not any(b"Nuuk" in body or b"Hilo" in body for body in members.values())
    metadata = json.loads(members["metadata.json"])
    amount = metadata["tables"]["data"]["columns"]["amount"]
    assert amount["range_max"] == pytest.approx(protections["clip"]["amount"][1])
    assert amount["range_max"] < 9_999.99  # the clipped extreme is not named either
    assert set(metadata["tables"]["data"]["columns"]) == {
        "amount",
        "age",
        "city",
        "rooms",
        "plan",
        "joined",
    }
    assert json.loads(members["report.json"])["quality_score"] == pytest.approx(
        with_holdout.scores["quality_score"]
    )
    readme = members["README.txt"].decode()
    assert f"run #{with_holdout.id}" in readme and "python reproduce.py" in readme
    compile(members["reproduce.py"], "reproduce.py", "exec")
    assert b"import core" not in members["reproduce.py"]
    for loader in (b"pickle", b"load_synthesizer", b".load("):  # it refits, never unpickles
        assert loader not in members["reproduce.py"]


def test_bundle_carries_the_runs_name_and_notes(workspace, with_holdout):
    # Setup
    unnamed = export_bundle(workspace, with_holdout.id)
    workspace.label_run(
        with_holdout.id, name="Shop, clipped", notes="Grouped rare cities.\nSeed kept."
    )

    # Run
    named = export_bundle(workspace, with_holdout.id)

    # Assert
    with zipfile.ZipFile(io.BytesIO(unnamed)) as archive:
        before = json.loads(archive.read("run.json"))
        assert "Name:" not in archive.read("README.txt").decode()
    with zipfile.ZipFile(io.BytesIO(named)) as archive:
        run = json.loads(archive.read("run.json"))
        readme = archive.read("README.txt").decode()
        script = archive.read("reproduce.py")
    assert (before["name"], before["notes"]) == ("", "")
    assert (run["name"], run["notes"]) == ("Shop, clipped", "Grouped rare cities.\nSeed kept.")
    assert readme.splitlines()[1:5] == [
        "Name: Shop, clipped",
        "Notes:",
        "  Grouped rare cities.",
        "  Seed kept.",
    ]
    assert readme.splitlines()[5:7] == ["", "Files"]
    assert {k: v for k, v in run.items() if k not in ("name", "notes")} == {
        k: v for k, v in before.items() if k not in ("name", "notes")
    }  # naming a run changes nothing it reproduces
    assert b"Shop, clipped" not in script


def test_same_run_gives_the_same_bytes(workspace, with_holdout):
    # Run
    first = export_bundle(workspace, with_holdout.id)
    again = export_bundle(workspace, with_holdout.id)

    # Assert
    assert first == again


def test_script_reproduces_the_rows_of_a_run_with_a_holdout(workspace, with_holdout, tmp_path):
    # Setup
    stored = workspace.read_synthetic(with_holdout.id)
    assert "(other)" in set(stored["city"])  # the protections were applied to this run
    assert stored["amount"].max() < 9_999.99
    assert set(stored["rooms"]) <= {1, 2, 3, 4}  # rare counts merged, still numbers

    # Run
    got = _read_csv_like(_reproduce(workspace, with_holdout, tmp_path / "bundle"), stored)

    # Assert
    assert len(got) == ROWS
    _assert_same_rows(got, stored)


def test_script_reproduces_a_run_without_a_holdout_and_takes_another_seed(
    workspace, without_holdout, tmp_path
):
    # Setup
    stored = workspace.read_synthetic(without_holdout.id)
    assert without_holdout.scores["holdout"]["holdout_rows"] == 0

    # Run
    same = _reproduce(workspace, without_holdout, tmp_path / "bundle")
    other = _reproduce(workspace, without_holdout, tmp_path / "bundle", "--seed", "12", out="B.csv")

    # Assert
    _assert_same_rows(_read_csv_like(same, stored), stored)
    other = _read_csv_like(other, stored)
    assert other.shape == stored.shape
    assert not other["amount"].equals(stored["amount"])
    assert list(other.columns) == list(stored.columns)


def test_script_writes_parquet_with_exact_types(workspace, with_holdout, tmp_path):
    # Setup
    stored = workspace.read_synthetic(with_holdout.id)

    # Run
    out = _reproduce(workspace, with_holdout, tmp_path / "bundle", out="OUT.parquet")

    # Assert
    got = pd.read_parquet(out)
    pd.testing.assert_frame_equal(got, stored, check_dtype=False, check_exact=True)


@pytest.mark.parametrize("status", ["running", "failed"])
def test_unfinished_or_failed_run_is_refused_in_one_line(workspace, status):
    # Setup
    dataset = _dataset(workspace, _people(40, seed=3), "people")
    run_id = workspace.start_run(
        dataset_id=dataset.id, synthesizer="gaussian_copula", params={}, seed=1, n_rows=10
    )
    if status == "failed":
        workspace.fail_run(run_id, "interrupted before it finished")

    # Run
    with pytest.raises(StudioError) as caught:
        export_bundle(workspace, run_id)

    # Assert
    message = str(caught.value)
    assert f"Run #{run_id} is {status}" in message
    assert "\n" not in message


def test_bundle_applies_the_runs_recorded_settings_not_the_current_ones(
    workspace, with_holdout, tmp_path
):
    # Setup: the studio's settings changed after the run (grouping off)
    stored = workspace.read_synthetic(with_holdout.id)
    data = export_bundle(workspace, with_holdout.id, settings=Settings(rare_min_count=0))

    # Run
    run = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("run.json"))

    # Assert
    assert run["protections"]["rare_min_count"] == 5
    assert run["protections"]["settings"] == with_holdout.scores["protections"]["settings"]
    got = _read_csv_like(_reproduce(workspace, with_holdout, tmp_path / "bundle"), stored)
    _assert_same_rows(got, stored)


@pytest.mark.parametrize("min_count", [0, 1])
def test_changed_rare_category_setting_of_an_older_run_is_refused_rather_than_bundled_wrong(
    workspace, with_holdout, min_count
):
    # Setup: a run recorded before its protection settings were stored
    scores = dict(with_holdout.scores)
    scores["protections"] = {
        k: v for k, v in scores["protections"].items() if k not in ("settings", "cost")
    }
    workspace.set_scores(with_holdout.id, scores)

    # Run: 0 turns the grouping off, 1 groups nothing; the run grouped rare cities under 5
    with pytest.raises(StudioError) as caught:
        export_bundle(workspace, with_holdout.id, settings=Settings(rare_min_count=min_count))

    # Assert
    assert f"rare-category setting (now {min_count})" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_script_reproduces_a_run_on_a_file_with_dates(workspace, tmp_path):
    # Setup: a CSV whose dates DuckDB reads as DATE (microseconds in pandas, 1970 for SDV)
    import vega_datasets

    from core.data.ingest import ingest_file

    source = Path(vega_datasets.__file__).parent / "_data" / "seattle-weather.csv"
    dataset = ingest_file(workspace, source)
    run = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=ROWS, seed=SEED)
    stored = workspace.read_synthetic(run.run.id)

    # Run
    got = _read_csv_like(_reproduce(workspace, run.run, tmp_path / "bundle"), stored)

    # Assert
    assert stored["date"].dt.year.min() >= 2012
    _assert_same_rows(got, stored)


def test_script_reproduces_a_run_whose_holdout_handed_rows_back(workspace, tmp_path):
    # Setup: the one "Reno" row sits where the seeded draw keeps rows aside
    from sklearn.model_selection import train_test_split

    frame = _people(150, seed=4)
    _, aside = train_test_split(frame, test_size=30, random_state=SEED, shuffle=True)
    frame["plan"] = frame["plan"].where(frame.index != aside.index[0], "reno")
    dataset = _dataset(workspace, frame, "moved")
    run = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=ROWS, seed=SEED)
    stored = workspace.read_synthetic(run.run.id)

    # Run
    got = _read_csv_like(_reproduce(workspace, run.run, tmp_path / "bundle"), stored)

    # Assert
    assert run.run.scores["holdout"]["moved_to_training"] >= 1  # Reno's row, maybe others
    _assert_same_rows(got, stored)


@pytest.mark.parametrize("key", ["ctgan", "tvae"])
def test_script_reproduces_the_rows_of_a_neural_run(workspace, tmp_path, key):
    # Setup: 2 epochs; the studio seeds the fit with the run's seed, as the script does
    dataset = _dataset(workspace, _people(150, seed=1), "people")
    run = _run(workspace, dataset, key, {"epochs": 2, "batch_size": 100})
    stored = workspace.read_synthetic(run.id)
    bundle = zipfile.ZipFile(io.BytesIO(export_bundle(workspace, run.id)))
    readme = bundle.read("README.txt").decode()

    # Run
    got = _read_csv_like(_reproduce(workspace, run, tmp_path / "bundle"), stored)

    # Assert
    assert "the studio seeded its fit with the run's seed" in readme
    assert json.loads(bundle.read("run.json"))["versions"]["torch_threads"].isdigit()
    _assert_same_rows(got, stored)
