import pytest

from core.demo import load_demo
from core.errors import InvalidParameterError, StudioError
from core.pipeline import ensure_metadata, synthesize


def test_gaussian_copula_on_a_demo_scores_at_least_075(workspace):
    # Setup
    dataset = load_demo(workspace, "tips")
    # Run
    result = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=500, seed=3)
    # Assert
    assert 0.75 <= result.quality.overall.value <= 1.0
    assert 0.0 <= result.quality.column_pair_trends.value <= 1.0
    run = workspace.get_run(result.run.id)
    assert run.status == "done"
    assert run.scores["quality_score"] == pytest.approx(result.quality.overall.value)
    assert len(workspace.read_synthetic(run.id)) == 500
    assert run.fit_seconds > 0 and run.sample_seconds > 0


def test_same_seed_same_rows_across_runs(workspace):
    # Setup
    dataset = load_demo(workspace, "iris")
    # Run
    a = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=120, seed=9)
    b = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=120, seed=9)
    c = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=120, seed=10)
    # Assert
    assert a.synthetic.equals(b.synthetic)
    assert not a.synthetic.equals(c.synthetic)
    assert [r.id for r in workspace.list_runs(dataset.id)] == [a.run.id, b.run.id, c.run.id]


def test_metadata_is_detected_once_and_stored(workspace):
    dataset = load_demo(workspace, "tips")
    first = ensure_metadata(workspace, dataset)
    assert workspace.get_dataset(dataset.id).metadata == first


def test_bad_rows_are_refused_before_a_run_is_recorded(workspace):
    dataset = load_demo(workspace, "tips")
    with pytest.raises(InvalidParameterError, match="between 1 and"):
        synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=0, seed=1)
    assert workspace.list_runs() == []


def test_a_fit_that_fails_is_recorded_as_failed(workspace):
    # Setup: a stored metadata that no longer fits the table makes SDV refuse to fit
    dataset = load_demo(workspace, "tips")
    meta = ensure_metadata(workspace, dataset)
    meta["sdv"]["tables"]["data"]["columns"]["ghost"] = {"sdtype": "numerical"}
    workspace.set_metadata(dataset.id, meta)
    # Run
    with pytest.raises(StudioError):
        synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=10, seed=1)
    # Assert
    (run,) = workspace.list_runs()
    assert run.status == "failed"
    assert run.error


def test_run_records_versions_and_a_loadable_model(workspace):
    # Setup
    from sdv.utils.utils import load_synthesizer

    dataset = load_demo(workspace, "tips")
    # Run
    result = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=50, seed=2)
    # Assert
    run = workspace.get_run(result.run.id)
    assert run.versions["sdv"] == "2.0.0"
    model = load_synthesizer(run.model_path)
    assert model.sample(num_rows=5)["data"].shape == (5, 7)


def test_run_is_fitted_on_the_training_split_and_records_it(workspace):
    # Setup
    dataset = load_demo(workspace, "tips")
    # Run
    result = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=40, seed=4)
    # Assert
    holdout = workspace.get_run(result.run.id).scores["holdout"]
    assert holdout["train_rows"] + holdout["holdout_rows"] == dataset.n_rows
    assert holdout["holdout_rows"] == 49  # ceil(20% of 244)
    assert (holdout["share"], holdout["seed"]) == (0.2, 42)
    assert 0.0 <= result.evaluation.to_dict()["holdout_quality_score"] <= 1.0
