"""The benchmark harness: verdicts, the printed table, and one real measurement end to end."""

from __future__ import annotations

import json

import pytest

import benchmarks.__main__ as bench
from benchmarks.common import Row


def _row(studio: float, *, target: float | None = 1.5, **extra: object) -> Row:
    return Row("rerun x", "1M vs 1k rows", "same page", 1.0, studio, "s", target=target, **extra)


@pytest.mark.parametrize(
    ("row", "verdict"),
    [
        (_row(1.2), "PASS"),
        (_row(1.5), "PASS"),
        (_row(1.6), "FAIL"),
        (_row(0.1, extra_ok=False), "FAIL"),  # fast, but the score moved too far
        (_row(9.0, target=None), "info"),
        (_row(1.0, error="boom"), "ERROR"),
    ],
)
def test_a_row_is_judged_by_its_ratio_against_the_target(row: Row, verdict: str) -> None:
    assert row.verdict == verdict


def test_the_table_shows_each_ratio_beside_its_target_and_the_last_run() -> None:
    # Setup
    rows = [_row(1.2), _row(2.0, target=None), _row(3.0)]

    # Run
    text = bench.render(rows, {("rerun x", "1M vs 1k rows"): 1.4})

    # Assert
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["measurement", "size"]
    assert "1.20×" in lines[2] and "≤ 1.50×" in lines[2] and "PASS" in lines[2]
    assert "1.40×" in lines[2]  # the previous run's ratio
    assert "info" in lines[3] and "FAIL" in lines[4]
    assert lines[-1] == "1 of 2 targets met."


def test_ingest_measurement_runs_end_to_end(tmp_path, monkeypatch, capsys) -> None:
    # Setup: results go to a scratch folder
    monkeypatch.setattr(bench, "RESULTS", tmp_path)

    # Run
    status = bench.main(["--only", "ingest", "--strict"])

    # Assert: a row per size, each with both timings, written as JSON too
    [saved] = tmp_path.glob("*.json")
    report = json.loads(saved.read_text())
    rows = report["rows"]
    assert [r["size"] for r in rows] == ["1,000 rows", "100,000 rows", "1,000,000 rows"]
    for row in rows:
        assert row["error"] == ""
        assert row["baseline"] > 0 and row["studio"] > 0
        assert row["ratio"] == pytest.approx(row["studio"] / row["baseline"])
    assert status == (1 if any(r["verdict"] == "FAIL" for r in rows) else 0)
    assert "ingest CSV" in capsys.readouterr().out
