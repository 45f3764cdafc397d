"""``cli runs`` lists a workspace's runs by name, formatted; ``synthesize --name/--notes``."""

import json
import re

from tests.conftest import run_cli


def test_a_named_run_is_listed_by_name_with_formatted_scores(tmp_path, tips_csv):
    # Setup
    ws, report = tmp_path / "ws.duckdb", tmp_path / "report.json"
    made = run_cli(
        "synthesize", tips_csv, "--synthesizer", "gaussian_copula", "--rows", 1200,
        "--output", tmp_path / "o.csv", "--workspace", ws, "--report", report,
        "--html", tmp_path / "r.html", "--name", "  Tips <baseline>  ",
        "--notes", "Default settings.",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr

    # Run
    listed = run_cli("runs", "--workspace", ws)
    as_json = run_cli("runs", "--workspace", ws, "--json")

    # Assert
    assert listed.returncode == 0, listed.stderr
    header, line = listed.stdout.splitlines()
    assert header.split()[:5] == ["Run", "Name", "Dataset", "Synthesizer", "Rows"]
    assert "Tips <baseline>" in line and "Gaussian copula" in line and "1,200" in line
    assert not re.search(r"\d\.\d{4,}", listed.stdout)  # no raw floats
    (run,) = json.loads(as_json.stdout)
    assert (run["name"], run["notes"], run["rows"]) == (
        "Tips <baseline>",
        "Default settings.",
        1200,
    )
    assert 0.4 <= run["quality_score"] <= 1
    assert json.loads(report.read_text())["name"] == "Tips <baseline>"
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<p>Run: <strong>Tips &lt;baseline&gt;</strong></p>" in html
    assert "Default settings.</p>" in html


def test_a_name_of_two_lines_is_refused_before_anything_is_fitted(tmp_path, tips_csv):
    # Run
    done = run_cli(
        "synthesize", tips_csv, "--synthesizer", "gaussian_copula", "--rows", 30,
        "--output", tmp_path / "o.csv", "--workspace", tmp_path / "ws.duckdb",
        "--name", "first\nsecond",
    )  # fmt: skip

    # Assert
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "error: A run's name is one line: remove the line break from it."
    )
    assert not (tmp_path / "o.csv").exists()
    assert not (tmp_path / "ws.duckdb").exists()
