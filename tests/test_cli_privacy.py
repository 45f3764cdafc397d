"""The CLI's privacy side: PII faked, the privacy block, the release gate and --strict."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import run_cli
from tests.core.test_pipeline_privacy import _people

PRIVACY_KEYS = {"dcr_share", "exact_match_share", "nndr", "pii_columns", "gate"}


_cli = run_cli


@pytest.fixture(scope="module")
def people_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("people") / "people.csv"
    _people(400).to_csv(path, index=False)
    return path


def test_synthesize_fakes_identifiers_and_reports_privacy(tmp_path: Path, people_csv: Path) -> None:
    # Setup
    out, report_path = tmp_path / "out.csv", tmp_path / "report.json"
    # Run
    done = _cli(
        "synthesize", people_csv, "--synthesizer", "gaussian_copula", "--rows", 400,
        "--seed", 3, "--output", out, "--report", report_path,
    )  # fmt: skip
    # Assert
    assert done.returncode == 0, done.stderr
    report = json.loads(report_path.read_text())
    privacy = report["privacy"]
    assert set(privacy) >= PRIVACY_KEYS
    assert set(privacy["pii_columns"]) == {"email", "phone", "full_name"}
    assert 0.0 <= privacy["dcr_share"] <= 1.0
    assert set(privacy["gate"]) >= {"passed", "failing"}
    assert report["release"]["passed"] == privacy["gate"]["passed"]
    real, synthetic = pd.read_csv(people_csv), pd.read_csv(out)
    for column in ("email", "phone", "full_name"):
        assert not set(real[column]) & set(synthetic[column].astype(str)), column


def test_pii_off_skips_the_studio_detector(tmp_path: Path, people_csv: Path) -> None:
    # Setup
    report_path = tmp_path / "report.json"
    # Run
    done = _cli(
        "synthesize", people_csv, "--synthesizer", "gaussian_copula", "--rows", 200,
        "--output", tmp_path / "out.csv", "--report", report_path, "--pii", "off",
    )  # fmt: skip
    # Assert
    assert done.returncode == 0, done.stderr
    # SDV's own detection still types an "email" column as personal data by its name
    assert set(json.loads(report_path.read_text())["privacy"]["pii_columns"]) <= {"email"}


def test_strict_writes_no_output_when_the_gate_fails(tmp_path: Path, people_csv: Path) -> None:
    # Setup: a DCR share limit no synthetic table can meet
    out, report_path = tmp_path / "out.csv", tmp_path / "report.json"
    # Run
    done = _cli(
        "synthesize", people_csv, "--synthesizer", "gaussian_copula", "--rows", 200,
        "--output", out, "--report", report_path, "--strict", SYNTH_STUDIO_GATE_MAX_DCR_SHARE="0",
    )  # fmt: skip
    # Assert
    assert done.returncode == 1
    assert not out.exists()
    assert "Traceback" not in done.stderr
    error = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "release gate failed (dcr_share)" in error[0]
    report = json.loads(report_path.read_text())
    assert report["privacy"]["gate"]["passed"] is False
    assert report["release"]["failing"] == ["dcr_share"]
    assert report["output"] is None


def test_without_strict_a_failing_gate_warns_and_writes(tmp_path: Path, people_csv: Path) -> None:
    # Setup
    out = tmp_path / "out.csv"
    # Run
    done = _cli(
        "synthesize", people_csv, "--synthesizer", "gaussian_copula", "--rows", 200,
        "--output", out, SYNTH_STUDIO_GATE_MAX_DCR_SHARE="0",
    )  # fmt: skip
    # Assert
    assert done.returncode == 0, done.stderr
    assert out.exists()
    assert "warning: release gate failed (dcr_share)" in done.stderr


def test_evaluate_with_holdout_fails_a_copy_and_passes_fresh_rows(tmp_path: Path) -> None:
    # Setup: three disjoint samples of one population; the "synthetic" table is either the
    # training rows themselves or fresh rows
    people = _people(900).drop(columns=["email", "phone", "full_name"])
    train, holdout, fresh = people.iloc[:300], people.iloc[300:600], people.iloc[600:]
    paths = {}
    for name, frame in {"train": train, "holdout": holdout, "fresh": fresh}.items():
        paths[name] = tmp_path / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    reports = {}
    # Run
    for name in ("train", "fresh"):
        reports[name] = tmp_path / f"{name}.json"
        done = _cli(
            "evaluate", paths["train"], paths[name], "--holdout", paths["holdout"],
            "--report", reports[name],
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    # Assert
    copy = json.loads(reports["train"].read_text())["privacy"]
    fresh_privacy = json.loads(reports["fresh"].read_text())["privacy"]
    assert set(copy) >= PRIVACY_KEYS and set(fresh_privacy) >= PRIVACY_KEYS
    assert copy["dcr_share"] >= 0.9 and copy["gate"]["passed"] is False
    assert abs(fresh_privacy["dcr_share"] - 0.5) <= 3 * (0.25 / 300) ** 0.5
    assert fresh_privacy["gate"]["passed"] is True


def test_a_bad_setting_in_the_environment_is_one_line(tmp_path: Path, people_csv: Path) -> None:
    # Run
    done = _cli("runs", "--workspace", tmp_path / "w.duckdb", SYNTH_STUDIO_RARE_MIN_COUNT="many")
    # Assert
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: SYNTH_STUDIO_RARE_MIN_COUNT='many' is not a valid int.")
