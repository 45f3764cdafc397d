import re

from core.data.demos import load_demo
from core.runs.history import VIEW_COLUMNS, compare_runs, history_view, runs_table
from core.runs.pipeline import synthesize

# A score, a share or a duration as the formatting helpers write them; never a raw float.
RAW_FLOAT = re.compile(r"\d\.\d{4,}")


def test_history_lists_runs_newest_first_with_scores(workspace):
    # Setup
    dataset = load_demo(workspace, "iris")
    first = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=60, seed=1)
    second = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=70, seed=2)
    # Run
    table = runs_table(workspace)
    side_by_side = compare_runs(workspace, first.run.id, second.run.id)
    # Assert
    assert table["run"].tolist() == [second.run.id, first.run.id]
    assert table["rows"].tolist() == [70, 60]
    assert table["quality_score"].between(0, 1).all()
    assert table["holdout_quality_score"].between(0.5, 1).all()
    assert list(side_by_side.columns) == [f"Run #{first.run.id}", f"Run #{second.run.id}"]
    assert side_by_side.loc["Seed"].tolist() == ["1", "2"]
    assert "Parameter: Marginal distribution" in side_by_side.index


def test_history_view_is_formatted_and_names_the_gate_and_utility(workspace):
    # Setup: one run with a utility target and a name, one without either
    dataset = load_demo(workspace, "iris")
    plain = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=80, seed=1)
    aimed = synthesize(
        workspace, dataset_id=dataset.id, key="gaussian_copula", rows=1500, seed=2, target="species"
    )
    workspace.label_run(aimed.run.id, name="Aimed at species", notes="With a target.")

    # Run
    view = history_view(runs_table(workspace)).set_index("Run")

    # Assert
    assert tuple(view.reset_index().columns) == VIEW_COLUMNS
    newer, older = f"#{aimed.run.id}", f"#{plain.run.id}"
    assert view.loc[newer, "Name"] == "Aimed at species"
    assert view.loc[older, "Name"] == ""
    assert view.loc[newer, "Synthesizer"] == "Gaussian copula"
    assert view.loc[newer, "Dataset"] == "iris"
    assert view.loc[newer, "Rows"] == "1,500"
    for column in ("Quality", "Holdout ceiling"):
        assert re.fullmatch(r"0\.\d\d|1\.00", view.loc[newer, column])
        assert 0.4 <= float(view.loc[newer, column]) <= 1
    assert float(view.loc[newer, "Utility"]) > 0.2
    assert view.loc[older, "Utility"] == "n/a"  # no target, no utility measured
    assert view.loc[newer, "Privacy gate"].split(" ")[0] in ("passed", "failed")
    assert re.fullmatch(r"\d+(\.\d)? s|\d+ min( \d+ s)?", view.loc[newer, "Time"])
    assert view.loc[newer, "Shaping"] == "none"
    assert not view.map(lambda cell: bool(RAW_FLOAT.search(str(cell)))).any().any()
    utility = compare_runs(workspace, aimed.run.id, plain.run.id).loc["Utility ratio"].tolist()
    assert utility == [f"{view.loc[newer, 'Utility']} (predicting species)", "n/a"]


def test_a_failed_run_reads_failed_with_no_scores(workspace):
    # Setup
    dataset = load_demo(workspace, "iris")
    failed = workspace.start_run(
        dataset_id=dataset.id, synthesizer="ctgan", params={"epochs": 2}, seed=0, n_rows=10
    )
    workspace.fail_run(failed, "The run failed: out of memory")
    other = workspace.start_run(
        dataset_id=dataset.id, synthesizer="tvae", params={}, seed=0, n_rows=10
    )
    workspace.fail_run(other, "interrupted before it finished")

    # Run
    row = history_view(runs_table(workspace)).to_dict(orient="records")[1]
    facts = compare_runs(workspace, failed, other)

    # Assert
    assert row["Run"] == f"#{failed} (failed)"
    assert (row["Synthesizer"], row["Quality"], row["Privacy gate"], row["Time"]) == (
        "CTGAN",
        "n/a",
        "n/a",
        "n/a",
    )
    assert facts.loc["Error"].tolist() == [
        "The run failed: out of memory",
        "interrupted before it finished",
    ]
    assert facts.loc["Parameter: epochs"].tolist() == ["2", "n/a"]


def test_comparison_shows_formatted_values_names_and_notes(workspace):
    # Setup
    dataset = load_demo(workspace, "iris")
    first = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=60, seed=1)
    second = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=2500, seed=2)
    workspace.label_run(first.run.id, name="Baseline", notes="First try.\nDefaults.")

    # Run
    side_by_side = compare_runs(workspace, first.run.id, second.run.id)

    # Assert
    left, right = f"Run #{first.run.id}", f"Run #{second.run.id}"
    assert side_by_side.loc["Name"].tolist() == ["Baseline", right]
    assert side_by_side.loc["Notes"].tolist() == ["First try.\nDefaults.", "none"]
    assert side_by_side.loc["Rows"].tolist() == ["60", "2,500"]
    assert side_by_side.loc["Synthesizer", left] == "Gaussian copula"
    quality = side_by_side.loc["Quality score", left]
    assert re.fullmatch(r"0\.\d\d", quality) and 0.4 <= float(quality) <= 1
    assert re.fullmatch(r"\d+%", side_by_side.loc["Quality against ceiling", left])
    assert side_by_side.loc["Scored on", left] == "5 of 6 columns"  # the id column is a key
    assert not side_by_side.map(lambda cell: bool(RAW_FLOAT.search(str(cell)))).any().any()


def test_empty_history_is_an_empty_table(workspace):
    assert runs_table(workspace).empty
    assert history_view(runs_table(workspace)).empty
