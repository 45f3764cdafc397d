import dataclasses

import pandas as pd
import pytest

from core.config import get_settings
from core.data.demos import load_demo
from core.data.formats import TableFormat
from core.data.holdout import split_real
from core.data.ingest import ingest_file
from core.data.metadata import apply_edits, columns_of
from core.errors import InvalidParameterError, NotFoundError, StudioError
from core.evaluate.coverage import compute_coverage
from core.export.writers import export_bytes
from core.privacy.protections import ProtectionSettings
from core.runs.pipeline import ensure_metadata, synthesize
from core.synth.registry import REGISTRY


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
    first, again, other = (workspace.read_synthetic(run.run.id) for run in (a, b, c))
    assert first.equals(again)
    assert not first.equals(other)
    assert a.sample.equals(first)  # 120 rows: the evaluation sample is all of them
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
    meta = meta.with_columns({"ghost": {"sdtype": "numerical"}})
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
    assert (holdout["share"], holdout["seed"]) == (0.2, 4)  # the run's seed
    assert 0.0 <= result.evaluation.to_dict()["holdout_quality_score"] <= 1.0


def test_a_run_larger_than_its_sample_is_stored_in_batches_and_counted_whole(workspace, mixed_csv):
    # Setup: 2,000 rows in batches of 300, checks that need a sample read the first 500
    dataset = ingest_file(workspace, mixed_csv)
    settings = dataclasses.replace(get_settings(), sample_batch_rows=300, eval_max_rows=500)
    # Run
    result = synthesize(
        workspace, dataset_id=dataset.id, key="gaussian_copula", rows=2000, seed=4,
        settings=settings,
    )  # fmt: skip
    # Assert: every row is stored, the sample is the first rows
    stored = workspace.read_synthetic(result.run.id)
    assert (result.rows, len(stored), len(result.sample)) == (2000, 2000, 500)
    pd.testing.assert_frame_equal(result.sample, stored.iloc[:500], check_dtype=False)
    # Whole-table counts are those of all 2,000 stored rows, not of the sample
    metadata = ensure_metadata(workspace, dataset)
    train = split_real(workspace.read_real(dataset.id), seed=4, settings=settings).train
    whole = compute_coverage(real=train, synthetic=stored, sdtypes=metadata.sdtypes)
    scores = workspace.get_run(result.run.id).scores
    assert scores["coverage"]["duplicate_rows"] == whole.duplicate_rows
    assert scores["coverage"]["exact_copy_rows"] == whole.exact_copy_rows
    assert scores["coverage"]["per_column"] == whole.to_dict()["per_column"]
    # ... which differ from the sample's (the share of missing amounts), so this can fail
    sampled = compute_coverage(real=train, synthetic=result.sample, sdtypes=metadata.sdtypes)
    assert sampled.to_dict()["per_column"] != whole.to_dict()["per_column"]
    assert scores["holdout"]["evaluation_sample_rows"] == 500
    assert 0.7 <= result.quality.overall.value <= 1.0


def test_stopping_while_rows_are_sampled_keeps_none_of_them(workspace):
    # Setup: the page's Stop ends the script at a progress update (a BaseException)
    dataset = load_demo(workspace, "tips")
    settings = dataclasses.replace(get_settings(), sample_batch_rows=100)

    class Stopped(BaseException):
        pass

    def progress(stage: str, done: float, total: float | None) -> None:
        if stage == "sample" and done >= 200:
            raise Stopped

    # Run
    with pytest.raises(Stopped):
        synthesize(
            workspace, dataset_id=dataset.id, key="gaussian_copula", rows=1000, seed=1,
            progress=progress, settings=settings,
        )  # fmt: skip
    # Assert: the run is failed, nothing of it is stored, and the next run works
    [run] = workspace.list_runs(dataset.id)
    assert (run.status, run.error) == ("failed", "interrupted before it finished")
    with pytest.raises(NotFoundError):
        workspace.read_synthetic(run.id)
    again = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=50, seed=1)
    assert len(workspace.read_synthetic(again.run.id)) == 50


def test_a_number_column_marked_categorical_stays_numbers_in_batches(workspace, mixed_csv):
    # Setup: ages as categories; before, ages seen under the threshold were grouped as the
    # text "(other)", so the extract's age column held numbers and text
    dataset = ingest_file(workspace, mixed_csv)
    metadata = ensure_metadata(workspace, dataset)
    edits = [
        dataclasses.replace(c, sdtype="categorical") if c.name == "age" else c
        for c in columns_of(metadata)
    ]
    workspace.set_metadata(
        dataset.id, apply_edits(metadata, edits, workspace.read_real(dataset.id))
    )
    settings = dataclasses.replace(get_settings(), sample_batch_rows=200)
    # Run
    result = synthesize(
        workspace, dataset_id=dataset.id, key="gaussian_copula", rows=1000, seed=2,
        settings=settings, protections=ProtectionSettings(rare_min_count=3),
    )  # fmt: skip
    # Assert: a number column of real ages, the rare ones merged into frequent neighbours
    ages = workspace.read_synthetic(result.run.id)["age"].dropna()
    assert len(ages) > 900 and pd.api.types.is_integer_dtype(ages)
    protections = result.evaluation.to_dict()["protections"]
    assert protections["rare_categories_grouped"]["age"] > 0
    assert protections["rare_categories"]["age"]["into"].startswith("the nearest frequent")
    assert protections["settings"]["rare_min_count"] == 3
    train = split_real(workspace.read_real(dataset.id), seed=2, settings=settings).train
    counts = train["age"].value_counts()
    assert set(ages) <= set(counts.index[counts >= 3])
    assert 0.0 < protections["cost"]["cost"] < 0.2  # 4 columns, a third of ages merged


def test_the_runs_seed_draws_its_holdout_and_training_sample(workspace, mixed_csv):
    # Setup: a training sample smaller than the training rows, so it is drawn too
    dataset = ingest_file(workspace, mixed_csv)
    settings = dataclasses.replace(get_settings(), train_max_rows=150)
    real = workspace.read_real(dataset.id)

    # Run
    runs = [
        synthesize(
            workspace,
            dataset_id=dataset.id,
            key="gaussian_copula",
            rows=50,
            seed=seed,
            settings=settings,
        )  # fmt: skip
        for seed in (5, 6)
    ]

    # Assert: each run records its own seed for both, and the splits differ
    recorded = [r.evaluation.to_dict()["holdout"] for r in runs]
    assert [(h["seed"], h["training_sample"]["seed"]) for h in recorded] == [(5, 5), (6, 6)]
    assert all(h["training_sample"]["rows"] == 150 for h in recorded)
    holdouts = [split_real(real, seed=h["seed"], settings=settings).holdout for h in recorded]
    assert not holdouts[0].equals(holdouts[1])
    assert [h["holdout_rows"] for h in recorded] == [len(h) for h in holdouts]


@pytest.mark.parametrize("key", [key for key, spec in REGISTRY.items() if spec.has_epochs])
def test_neural_runs_with_one_seed_give_byte_identical_extracts(workspace, key):
    # Setup: 200 rows of tips, 2 epochs; the extract as the Export page writes it
    tips = load_demo(workspace, "tips")
    dataset = workspace.add_dataset(
        name="tips200", source="tips200.csv", fingerprint="tips200",
        frame=workspace.read_real(tips.id).head(200),
    )  # fmt: skip
    params = {"epochs": 2, "batch_size": 100}

    def extract(seed: int) -> bytes:
        result = synthesize(
            workspace, dataset_id=dataset.id, key=key, rows=200, seed=seed, params=params
        )
        chunks = workspace.synthetic_chunks(result.run.id, rows=get_settings().sample_batch_rows)
        return export_bytes(chunks, "csv", TableFormat.from_dict(dataset.formats))

    # Run
    first, again, other = extract(7), extract(7), extract(8)

    # Assert
    assert first == again
    assert first != other
    assert first.count(b"\n") == 201  # a header and 200 rows
