"""The whole evaluation, ordered the way an honest check must order its inputs."""

import json

import numpy as np
import pandas as pd
import pytest

from core.data.demos import DEMOS
from core.data.holdout import split_real
from core.data.metadata import detect_metadata
from core.export.report_figures import build_report, report_figures
from core.runs.assess import evaluate
from core.synth.fitting import fit_synthesizer
from core.synth.sampling import iter_batches


@pytest.fixture(scope="module")
def gapminder():
    df = pd.read_csv(DEMOS["gapminder"].path)
    return df, detect_metadata(df)


@pytest.fixture(scope="module")
def split(gapminder):
    df, _ = gapminder
    return split_real(df, seed=42)


def _independent_shuffle(df: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: rng.permutation(df[c].to_numpy()) for c in df.columns})


def test_copy_beats_gaussian_copula_beats_independent_shuffle():
    # Setup: share prices move together, so losing the correlations must cost score
    df = pd.read_csv(DEMOS["stocks"].path)
    meta = detect_metadata(df)
    split = split_real(df, seed=42)
    synth = fit_synthesizer(key="gaussian_copula", metadata=meta.to_sdv(), data=split.train, seed=1)
    candidates = {
        "copy": split.train.sample(frac=1.0, random_state=1).reset_index(drop=True),
        "copula": pd.concat(iter_batches(synth, rows=len(split.train), seed=1, batch_rows=10_000)),
        "shuffle": _independent_shuffle(split.train),
    }
    # Run
    scores = {
        name: evaluate(real_train=split.train, synthetic=frame, metadata=meta).quality
        for name, frame in candidates.items()
    }
    # Assert
    assert (
        scores["copy"].overall.value
        > scores["copula"].overall.value
        > scores["shuffle"].overall.value
    )
    assert scores["copula"].column_pair_trends.value > scores["shuffle"].column_pair_trends.value
    assert scores["copula"].overall.value - scores["shuffle"].overall.value > 0.03


def test_holdout_is_the_ceiling_and_every_block_is_filled(gapminder, split):
    # Setup
    _, meta = gapminder
    synthetic = _independent_shuffle(split.train)
    # Run
    result = evaluate(
        real_train=split.train,
        synthetic=synthetic,
        metadata=meta,
        holdout=split.holdout,
        target="continent",
    ).to_dict()
    # Assert
    assert result["holdout"]["train_rows"] == len(split.train)
    assert result["holdout"]["holdout_rows"] == len(split.holdout)
    assert 0.7 <= result["holdout_quality_score"] <= 1.0
    assert result["holdout_quality_score"] > result["quality_score"]
    assert 0.0 <= result["diagnostic_score"] <= 1.0
    assert 0.0 <= result["coverage"]["category_coverage"] <= 1.0
    assert result["duplicates"]["exact_copy_share"] <= 0.05
    assert set(result["utility"]) >= {"real_score", "synthetic_score", "ratio"}
    assert result["utility"]["ratio"] < 0.8
    json.dumps(result, allow_nan=False)


def test_split_is_seeded_and_covers_every_row(gapminder):
    df, _ = gapminder
    first, again, other = (split_real(df, seed=s) for s in (3, 3, 4))
    assert len(first.train) + len(first.holdout) == len(df)
    assert (first.seed, other.seed) == (3, 4)
    pd.testing.assert_frame_equal(first.holdout, again.holdout)
    assert not first.holdout.equals(other.holdout)


def test_tiny_table_has_no_holdout_and_says_so():
    tiny = pd.DataFrame({"a": range(12), "b": list("xy") * 6})
    split = split_real(tiny, seed=0)
    assert split.holdout is None
    assert len(split.train) == 12
    assert "No holdout" in split.note


def test_report_holds_every_section_and_figure(gapminder, split):
    # Setup
    df, meta = gapminder
    synthetic = _independent_shuffle(split.train)
    scores = evaluate(
        real_train=split.train, synthetic=synthetic, metadata=meta, holdout=split.holdout
    ).to_dict()
    figures = report_figures(split.train, synthetic, meta.sdtypes)
    # Run
    html = build_report(
        title="Gapminder",
        dataset_summary={"rows": len(df)},
        synthesizer="test",
        params={"seed": 1},
        evaluation_scores=scores,
        figures=figures,
    )
    # Assert
    for heading in ("Dataset", "Synthesizer", "Scores", "Holdout", "Plots"):
        assert heading in html
    assert "Correlation difference" in html and "2-D projection" in html
    assert html.count('<div class="figure"') >= len(figures) or len(figures) <= html.count(
        "plotly-graph-div"
    )
