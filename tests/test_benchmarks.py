"""The benchmark harness: verdicts, the printed table, and one real measurement end to end."""

from __future__ import annotations

import ast
import json
from importlib import resources

import numpy as np
import pandas as pd
import pytest

import benchmarks.__main__ as bench
from benchmarks import fidelity, public_tables, score
from benchmarks.common import AT_LEAST, ROOT, WITHIN, Row


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


# --- Score rows: higher is better, judged on the difference ---------------------------------


def _score(
    studio: float | None,
    baseline: float | None = 0.85,
    *,
    measurement: str = "fidelity tips",
    **extra: object,
) -> Row:
    extra = {"target": 0.01, "judge": AT_LEAST, **extra}
    return Row(measurement, "CTGAN, 244 rows", "bare SDV", baseline, studio, "score", **extra)


@pytest.mark.parametrize(
    ("row", "verdict"),
    [
        (_score(0.90), "PASS"),  # above the baseline
        (_score(0.845), "PASS"),  # below it, within the allowed gap
        (_score(0.83), "FAIL"),
        (_score(0.85, extra_ok=False), "FAIL"),
        (_score(0.85, baseline=0.0), "PASS"),  # a zero baseline is a score, not a divisor
        (_score(None), "info"),
        (_score(0.1, error="studio CLI exit 1: bad file"), "ERROR"),
        (_score(0.855, judge=WITHIN), "PASS"),
        (_score(0.845, judge=WITHIN), "PASS"),
        (_score(0.87, judge=WITHIN), "FAIL"),  # own score too high is as wrong as too low
        (_score(0.83, judge=WITHIN), "FAIL"),
    ],
)
def test_a_score_row_is_judged_by_its_difference_against_the_allowed_gap(
    row: Row, verdict: str
) -> None:
    assert row.verdict == verdict


def test_a_score_row_reports_its_difference_and_a_ratio_row_its_ratio() -> None:
    # Setup
    score, ratio = _score(0.80), _row(1.2)

    # Run
    score_dict, ratio_dict = score.to_dict(), ratio.to_dict()

    # Assert
    assert score_dict["figure"] == pytest.approx(-0.05) == score_dict["difference"]
    assert score_dict["judge"] == AT_LEAST
    assert ratio_dict["figure"] == pytest.approx(1.2) == ratio_dict["ratio"]


def test_an_unknown_judge_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown judge"):
        _score(0.8, judge="higher")


def test_the_table_shows_score_differences_beside_their_gap_and_the_last_run() -> None:
    # Setup
    rows = [
        _score(0.8312),
        _score(0.8571, judge=WITHIN, measurement="fidelity tips: own"),
        _row(1.2),
    ]

    # Run
    text = bench.render(rows, {("fidelity tips", "CTGAN, 244 rows"): -0.03})

    # Assert
    lines = text.splitlines()
    assert "0.8500 (bare SDV)" in lines[2] and "0.8312" in lines[2]
    assert "-0.0188" in lines[2] and "≥ -0.01" in lines[2] and "FAIL" in lines[2]
    assert "-0.0300" in lines[2]  # the previous run's difference
    assert "+0.0071" in lines[3] and "± 0.01" in lines[3] and "PASS" in lines[3]
    assert "1.20×" in lines[4] and "≤ 1.50×" in lines[4]  # ratio rows unchanged
    assert lines[-1] == "2 of 3 targets met."


def test_a_failed_row_keeps_its_note_after_its_error() -> None:
    # Setup: the studio failed, bare SDV's spread is still worth reading
    row = _score(None, error="studio CLI exit 1: bad file", note="spread 0.0073")

    # Run
    text = bench.render([row], {})

    # Assert
    assert "- fidelity tips (CTGAN, 244 rows): studio CLI exit 1: bad file; spread 0.0073" in text
    assert "ERROR" in text.splitlines()[2] and text.splitlines()[-1] == "0 of 1 targets met."


def test_the_last_run_is_read_from_its_figures_or_from_older_files_ratios(
    tmp_path, monkeypatch
) -> None:
    # Setup: an older file (ratios only), then a newer one with figures
    monkeypatch.setattr(bench, "RESULTS", tmp_path)
    old = {"rows": [{"measurement": "ingest CSV", "size": "1k", "ratio": 0.9}]}
    (tmp_path / "20260101-000000.json").write_text(json.dumps(old))
    last_old = bench._last_figures()
    new = {"rows": [{"measurement": "fidelity tips", "size": "x", "ratio": 0.9, "figure": -0.02}]}
    (tmp_path / "20260102-000000.json").write_text(json.dumps(new))

    # Run
    last_new = bench._last_figures()

    # Assert
    assert last_old == {("ingest CSV", "1k"): 0.9}
    assert last_new == {("fidelity tips", "x"): -0.02}


# --- Public tables ------------------------------------------------------------------------------


def test_every_public_table_is_written_as_a_csv_file_a_user_would_have(tmp_path) -> None:
    # Run
    written = {name: public_tables.write_table(name, tmp_path) for name in public_tables.TABLES}

    # Assert: at least six, each readable with pandas defaults, none with R's row names
    assert len(written) >= 6
    for name, path in written.items():
        frame = pd.read_csv(path)
        assert len(frame) > 100 and frame.shape[1] >= 5, name
        assert "rownames" not in frame.columns and not frame.columns[0].startswith("Unnamed")
        assert public_tables.TABLES[name].note
    weather = resources.files("vega_datasets").joinpath("_data/seattle-weather.csv")
    assert written["seattle-weather"].read_bytes() == weather.read_bytes()  # verbatim
    assert written["seattle-weather"].read_text().splitlines()[1].startswith("2012/01/01,")
    assert ",NA," in written["movies"].read_text()  # R's missing marker
    assert pd.read_csv(written["movies"])["mpaa"].isna().mean() > 0.9
    assert set(pd.read_csv(written["health-insurance"])["insurance"]) == {"yes", "no"}


def test_a_sample_of_a_table_keeps_its_lines_verbatim_and_is_seeded(tmp_path) -> None:
    # Setup
    full = public_tables.write_table("budget-food", tmp_path)
    lines = set(full.read_bytes().splitlines())

    # Run
    sample = public_tables.write_table("budget-food", tmp_path, max_rows=500)
    again = public_tables.write_table("budget-food", tmp_path / "again", max_rows=500)
    whole = public_tables.write_table("tips", tmp_path, max_rows=10_000)

    # Assert
    sampled = sample.read_bytes().splitlines()
    assert len(sampled) == 501 and sampled[0] == full.read_bytes().splitlines()[0]
    assert set(sampled) <= lines
    assert sample.read_bytes() == again.read_bytes()
    assert whole.name == "tips.csv"  # smaller than the cap: the table itself


# --- The independent scorer ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def penguins() -> pd.DataFrame:
    return score.read_csv(resources.files("palmerpenguins").joinpath("data/penguins.csv"))


def test_the_scorer_imports_nothing_of_the_studio() -> None:
    tree = ast.parse((ROOT / "benchmarks" / "score.py").read_text())
    imported = [
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
        )
    ]
    assert imported and not [n for n in imported if n.split(".")[0] in ("core", "components")]


def test_a_copy_of_the_input_scores_close_to_one(penguins) -> None:
    # Run
    result = score.score_frames(penguins, penguins.sample(frac=1.0, random_state=1))

    # Assert
    assert result.score > 0.99 and result.column_shapes > 0.99
    assert result.score == pytest.approx(result.sdmetrics_score)
    assert not result.missing and not result.zeroed and not result.left_out
    assert result.real_rows == result.synthetic_rows == 344


def test_a_shuffled_or_constant_column_scores_lower(penguins) -> None:
    # Setup
    shuffled = penguins.copy()
    shuffled["body_mass_g"] = shuffled["body_mass_g"].sample(frac=1.0, random_state=3).values
    constant = penguins.copy()
    constant["species"] = "Adelie"

    # Run
    copy = score.score_frames(penguins, penguins).score
    after_shuffle = score.score_frames(penguins, shuffled)
    after_constant = score.score_frames(penguins, constant)

    # Assert: a shuffle keeps the shape but breaks the pairs; a constant breaks both
    assert after_shuffle.column_shapes > 0.99
    assert after_shuffle.column_pair_trends < 0.95 and after_shuffle.score < copy - 0.02
    assert after_constant.column_shapes < 0.95 and after_constant.score < copy - 0.05


def test_a_dropped_or_empty_column_lowers_the_score_and_is_named(penguins) -> None:
    # Setup
    dropped = penguins.drop(columns=["island"])
    emptied = penguins.assign(bill_length_mm=np.nan)

    # Run
    after_drop = score.score_frames(penguins, dropped)
    after_empty = score.score_frames(penguins, emptied)

    # Assert: counted 0, where SDMetrics alone would average over the other columns
    assert after_drop.missing == ("island",) and "island" in after_drop.zeroed
    assert after_drop.column_shapes == pytest.approx(7 / 8, abs=0.01)
    assert after_drop.score < after_drop.sdmetrics_score
    assert "bill_length_mm" in after_empty.zeroed and after_empty.column_shapes < 0.9


def test_na_markers_are_missing_in_both_files_and_yes_no_must_stay_yes_no(tmp_path) -> None:
    # Setup: the same rows written with NA and with empty cells; yes/no written as True/False
    frame = pd.DataFrame(
        {
            "x": [1.5, None, 2.5, 3.0, None, 4.5] * 20,
            "flag": ["yes", "no", "yes", "no", "no", "yes"] * 20,
            "kind": ["a", "b", "a", "c", None, "b"] * 20,
        }
    )
    frame.to_csv(tmp_path / "real.csv", index=False, na_rep="NA")
    frame.to_csv(tmp_path / "empty.csv", index=False)
    frame.replace({"flag": {"yes": True, "no": False}}).to_csv(tmp_path / "bool.csv", index=False)

    # Run
    same = score.score_files(tmp_path / "real.csv", tmp_path / "empty.csv")
    booleans = score.score_files(tmp_path / "real.csv", tmp_path / "bool.csv")

    # Assert
    assert same.score > 0.99
    assert booleans.column_shapes < 0.7 and booleans.score < same.score - 0.2


def test_dates_in_another_format_than_the_input_are_not_accepted(tmp_path) -> None:
    # Setup: the weather table, then the same rows with ISO dates and with 1970 dates
    real = public_tables.write_table("seattle-weather", tmp_path)
    frame = pd.read_csv(real)
    iso = frame.assign(date=pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d"))
    iso.to_csv(tmp_path / "iso.csv", index=False)
    epoch = frame.assign(date=pd.Timestamp("1970-01-16").strftime("%Y/%m/%d"))
    epoch.to_csv(tmp_path / "epoch.csv", index=False)

    # Run
    same = score.score_files(real, real)
    as_iso = score.score_files(real, tmp_path / "iso.csv")
    as_epoch = score.score_files(real, tmp_path / "epoch.csv")

    # Assert
    assert same.score > 0.99 and "date" in same.columns
    assert "date" in as_iso.zeroed and as_iso.score < same.score - 0.05
    assert as_epoch.column_shapes < same.column_shapes - 0.1


def test_keys_and_free_text_are_left_out_and_other_guesses_scored_as_their_values(
    tmp_path,
) -> None:
    # Setup: the airports table, whose code is a key, names free text, state and latitude
    # personal-data guesses of SDV
    real = public_tables.write_table("airports", tmp_path)

    # Run
    metadata, left_out = score.scoring_metadata(score.read_csv(real))

    # Assert
    columns = metadata.to_dict()["tables"][score.TABLE]["columns"]
    assert {"iata", "name", "city"} <= set(left_out)
    assert columns["state"]["sdtype"] == "categorical"
    assert columns["latitude"]["sdtype"] == columns["longitude"]["sdtype"] == "numerical"
    assert columns["country"]["sdtype"] == "categorical"


# --- The fidelity measurement end to end ------------------------------------------------------


def test_fidelity_on_one_table_scores_the_studio_and_bare_sdv(tmp_path, monkeypatch) -> None:
    # Setup: the smallest table, Gaussian copula, one bare run
    monkeypatch.setattr(bench, "RESULTS", tmp_path)
    monkeypatch.setenv("BENCH_FIDELITY_TABLES", "tips")
    monkeypatch.setenv("BENCH_FIDELITY_SYNTHESIZERS", "gaussian_copula")
    monkeypatch.setenv("BENCH_FIDELITY_SPREAD", "0")

    # Run
    bench.main(["--only", "fidelity"])

    # Assert: the two rows, each with its scores in range and judged
    [saved] = tmp_path.glob("*.json")
    rows = json.loads(saved.read_text())["rows"]
    assert [r["measurement"] for r in rows] == [
        "fidelity tips",
        "fidelity tips: studio's own score",
    ]
    versus, own = rows
    assert versus["error"] == "" and own["error"] == ""
    assert 0.5 < versus["baseline"] <= 1 and 0 < versus["studio"] <= 1
    assert versus["judge"] == AT_LEAST and versus["verdict"] in ("PASS", "FAIL")
    assert own["baseline"] == versus["studio"] and 0 < own["studio"] <= 1
    assert own["verdict"] == ("PASS" if abs(own["figure"]) <= fidelity.TOLERANCE else "FAIL")


def test_a_studio_run_that_fails_gives_its_one_line(tmp_path) -> None:
    # Setup: a file with a header and no rows, which the CLI refuses
    empty = tmp_path / "empty.csv"
    empty.write_text("a,b\n")
    synth = fidelity.SYNTHESIZERS["gaussian_copula"]

    # Run
    report, error, seconds = fidelity._run_studio(
        empty, synth, rows=10, out=tmp_path / "out.csv", report=tmp_path / "report.json"
    )

    # Assert
    assert report is None and seconds > 0
    assert error.startswith("studio CLI exit 1: ") and "\n" not in error


def test_an_unknown_table_is_named_in_the_error(monkeypatch) -> None:
    monkeypatch.setenv("BENCH_FIDELITY_TABLES", "tips,nope")
    with pytest.raises(ValueError, match="unknown nope"):
        fidelity._selected("BENCH_FIDELITY_TABLES", public_tables.TABLES)
