"""``cli bakeoff`` end to end, as a subprocess: the leaderboard report and bad input."""

import json
import subprocess

import pytest

from core.runs.bakeoff import EXHAUSTED
from core.workspace.store import Workspace
from tests.conftest import assert_one_line_error, run_cli


def _cli(*args: object) -> subprocess.CompletedProcess:
    return run_cli("bakeoff", *args)


def test_bakeoff_writes_the_leaderboard_and_keeps_the_runs(tmp_path, tips_csv):
    # Setup: a 50 ms budget: the copula starts at once, and no copula run (fit, sample, score)
    # takes less, so TVAE cannot start after it
    report, ws = tmp_path / "out" / "bakeoff.json", tmp_path / "ws.duckdb"
    # Run
    done = _cli(
        tips_csv, "--synthesizers", "tvae,gaussian_copula", "--budget-seconds", 0.05, "--rows",
        120, "--target", "sex", "--report", report, "--workspace", ws,
    )  # fmt: skip
    # Assert
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text())
    assert (data["dataset"], data["budget_seconds"], data["target"]) == ("tips", 0.05, "sex")
    assert data["elapsed_seconds"] > 0
    first, second = data["leaderboard"]
    assert (first["key"], first["status"], first["rank"]) == ("gaussian_copula", "done", 1)
    assert (second["key"], second["status"]) == ("tvae", "skipped")
    assert second["note"].startswith(EXHAUSTED) and "budget is left for it" in second["note"]
    assert 0.0 <= first["quality"] <= 1.0 and 0.0 <= first["score"] <= 1.0
    assert first["utility_ratio"] is not None and first["utility_ratio"] >= 0.0
    assert data["winner"] == ("gaussian_copula" if first["gate_passed"] else None)
    assert data["recommendation"] in done.stdout
    assert done.stdout.startswith(f"wrote {report}: ")
    workspace = Workspace(ws)
    [run] = workspace.list_runs()
    workspace.close()
    assert (run.id, run.status, run.synthesizer) == (first["run_id"], "done", "gaussian_copula")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--synthesizers", "gaussian_copula,magic", "--budget-seconds", "5"], "Unknown synth"),
        (["--synthesizers", " , ", "--budget-seconds", "5"], "at least one synthesizer"),
        (["--synthesizers", "gaussian_copula", "--budget-seconds", "0"], "must be above 0"),
        (
            ["--synthesizers", "gaussian_copula", "--budget-seconds", "5", "--rows", "0"],
            "--rows must be",
        ),
        (
            ["--synthesizers", "gaussian_copula", "--budget-seconds", "5", "--target", "nope"],
            "Target column 'nope'",
        ),
    ],
)
def test_bad_input_exits_nonzero_with_one_line(tmp_path, tips_csv, args, message):
    # Setup
    report = tmp_path / "bakeoff.json"
    # Run
    done = _cli(tips_csv, *args, "--report", report)
    # Assert
    assert_one_line_error(done, message)
    assert not report.exists()


def test_missing_input_file_is_one_line(tmp_path):
    # Run
    done = _cli(
        tmp_path / "missing.csv", "--synthesizers", "gaussian_copula", "--budget-seconds", 5,
        "--report", tmp_path / "r.json",
    )  # fmt: skip
    # Assert
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "File not found" in done.stderr
