from core.data.demos import load_demo
from core.runs.history import compare_runs, runs_table
from core.runs.pipeline import synthesize


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
    assert list(side_by_side.columns) == [f"run #{first.run.id}", f"run #{second.run.id}"]
    assert side_by_side.loc["seed"].tolist() == ["1", "2"]
    assert "param: default_distribution" in side_by_side.index


def test_empty_history_is_an_empty_table(workspace):
    assert runs_table(workspace).empty
