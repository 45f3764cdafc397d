"""The differentially private synthesizer (smartnoise-synth's MST) as the studio runs it."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sdv.evaluation import evaluate_quality
from sdv.utils.utils import load_synthesizer

from core.config import get_settings
from core.data.demos import DEMOS, load_demo
from core.data.metadata import detect_metadata
from core.data.pii import detect_pii
from core.data.roles import fake_pii_metadata
from core.errors import InvalidParameterError, StudioError
from core.export.bundle import export_bundle
from core.meta import TABLE
from core.runs.pipeline import synthesize
from core.synth.dp import DPMSTSynthesizer
from core.synth.fitting import fit_synthesizer
from core.synth.registry import REGISTRY, resolve_params
from core.synth.sampling import iter_batches


@pytest.fixture(scope="module")
def tips_meta():
    df = pd.read_csv(DEMOS["tips"].path)
    return df, (detect_metadata(df)).to_sdv()


@pytest.fixture(scope="module")
def fitted(tips_meta):
    df, metadata = tips_meta
    return fit_synthesizer(
        key="dp_mst", metadata=metadata, data=df, seed=1, params={"epsilon": 1.0}
    )


def _drawn(synth, *, rows: int, seed: int, batch_rows: int = 10_000) -> pd.DataFrame:
    """Every batch ``iter_batches`` draws, as one frame."""
    return pd.concat(
        iter_batches(synth, rows=rows, seed=seed, batch_rows=batch_rows), ignore_index=True
    )


def _quality(real: pd.DataFrame, synthetic: pd.DataFrame, metadata) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return evaluate_quality(real, synthetic, metadata, verbose=False).get_score()


def test_registry_declares_epsilon_and_privacy():
    spec = REGISTRY["dp_mst"]
    assert spec.differentially_private and not spec.has_epochs and not spec.needs_torch
    assert resolve_params("dp_mst") == {"epsilon": 1.0, "bounds": "metadata"}
    assert not any(s.differentially_private for k, s in REGISTRY.items() if k != "dp_mst")


def test_mst_run_through_the_pipeline_at_epsilon_1(workspace):
    # Setup
    dataset = load_demo(workspace, "tips")
    real = workspace.read_real(dataset.id)
    # Run
    result = synthesize(
        workspace, dataset_id=dataset.id, key="dp_mst", rows=300, seed=3, params={"epsilon": 1}
    )
    # Assert: 0.69-0.80 over ten measured fits (the noise differs every fit)
    assert 0.6 <= result.quality.overall.value <= 0.95
    run = workspace.get_run(result.run.id)
    assert (run.status, run.params) == ("done", {"epsilon": 1.0, "bounds": "metadata"})
    assert result.sample.dtypes.to_dict() == real.dtypes.to_dict()
    model = load_synthesizer(run.model_path)
    batch = get_settings().sample_batch_rows
    assert _drawn(model, rows=300, seed=3, batch_rows=batch).equals(result.sample)


def test_a_dp_run_refuses_a_bundle_in_one_line(workspace):
    # Setup
    dataset = load_demo(workspace, "iris")
    result = synthesize(
        workspace, dataset_id=dataset.id, key="dp_mst", rows=50, seed=1, params={"epsilon": 5}
    )
    # Run / Assert
    with pytest.raises(StudioError, match="cannot be replayed") as caught:
        export_bundle(workspace, result.run.id)
    assert "\n" not in str(caught.value)


def test_same_seed_same_rows_but_each_fit_draws_new_noise(tips_meta, fitted):
    # Setup
    df, metadata = tips_meta
    # Run
    first = _drawn(fitted, rows=200, seed=11, batch_rows=70)
    again = _drawn(fitted, rows=200, seed=11, batch_rows=70)
    other = _drawn(fitted, rows=200, seed=12, batch_rows=70)
    refit = fit_synthesizer(
        key="dp_mst", metadata=metadata, data=df, seed=1, params={"epsilon": 1.0}
    )
    # Assert: the seed drives sampling only; the private noise is never seeded, even by a fit
    # with the same seed
    assert first.equals(again)
    assert not first.equals(other)
    assert not first.equals(_drawn(refit, rows=200, seed=11, batch_rows=70))
    assert list(first.columns) == list(df.columns)


def test_sampling_leaves_numpy_global_generator_alone(fitted):
    # Setup
    np.random.seed(5)
    expected = np.random.random()
    np.random.seed(5)
    # Run
    _drawn(fitted, rows=20, seed=1)
    # Assert
    assert np.random.random() == expected


def test_smaller_epsilon_gives_lower_quality(tips_meta):
    # Setup: two fits each, as every fit draws fresh noise (measured means 0.36 and 0.91)
    df, metadata = tips_meta

    def scores(epsilon: float) -> list[float]:
        out = []
        for seed in (1, 2):
            synth = DPMSTSynthesizer(metadata, epsilon=epsilon)
            synth.fit({TABLE: df})
            synth._set_random_state(seed)
            out.append(_quality(df, synth.sample(num_rows=len(df))[TABLE], metadata))
        return out

    # Run
    private, loose = scores(0.05), scores(10.0)
    # Assert
    assert max(private) < min(loose)
    assert np.mean(loose) - np.mean(private) >= 0.2
    assert min(loose) >= 0.75


@pytest.mark.parametrize("epsilon", [0, 0.001, 150, "a lot"])
def test_epsilon_out_of_bounds_is_one_line_and_records_nothing(workspace, epsilon):
    # Setup
    dataset = load_demo(workspace, "tips")
    # Run
    with pytest.raises(InvalidParameterError) as caught:
        synthesize(
            workspace,
            dataset_id=dataset.id,
            key="dp_mst",
            rows=10,
            seed=1,
            params={"epsilon": epsilon},
        )
    # Assert
    message = str(caught.value)
    assert message.startswith("Privacy budget (epsilon) must be") and "\n" not in message
    assert workspace.list_runs() == []


def test_private_range_estimate_needs_enough_budget(tips_meta):
    # Setup
    df, metadata = tips_meta
    synth = DPMSTSynthesizer(metadata, epsilon=0.05, bounds="estimate")
    # Run / Assert
    with pytest.raises(StudioError, match="too small to estimate") as caught:
        synth.fit({TABLE: df})
    assert "\n" not in str(caught.value)


def test_keys_and_personal_data_are_generated_types_kept():
    # Setup: a key, an email, nullable numbers, whole numbers, a flag and dates
    rng = np.random.default_rng(0)
    n = 240
    real = pd.DataFrame(
        {
            "id": np.arange(1000, 1000 + n),
            "email": [f"user{i}@example.org" for i in range(n)],
            "amount": rng.gamma(2.0, 30.0, n).round(2),
            "age": rng.integers(18, 80, n),
            "city": rng.choice(["Lyon", "Oslo", "Lima"], n),
            "vip": rng.random(n) < 0.3,
            "joined": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), "D"),
        }
    )
    real.loc[::6, "amount"] = np.nan
    findings = detect_pii(real)
    assert [f.column for f in findings] == ["email"]
    metadata = (fake_pii_metadata(detect_metadata(real), findings)).to_sdv()
    synth = fit_synthesizer(
        key="dp_mst", metadata=metadata, data=real, seed=1, params={"epsilon": 10}
    )
    # Run
    out = _drawn(synth, rows=150, seed=4, batch_rows=60)
    # Assert
    assert out.dtypes.to_dict() == real.dtypes.to_dict()
    assert out["id"].is_unique
    assert not out["email"].isin(set(real["email"])).any()
    assert out["email"].str.contains("@").all()
    assert out["amount"].isna().any() and out["amount"].notna().any()
    assert out["amount"].dropna().between(real["amount"].min(), real["amount"].max()).all()
    assert (out["amount"].dropna() == out["amount"].dropna().round(2)).all()
    assert out["age"].between(18, 79).all()
    assert set(out["city"]) <= {"Lyon", "Oslo", "Lima"}
    assert out["joined"].between(real["joined"].min(), real["joined"].max()).all()
