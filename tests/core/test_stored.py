"""The stored-scores reader: every block by name, with one default for runs stored without it."""

from __future__ import annotations

from core.evaluate.stored import StoredScores


def test_a_full_record_reads_by_name():
    # Setup
    raw = {
        "quality_score": 0.87,
        "holdout_quality_score": 0.9,
        "holdout": {"train_rows": 195, "holdout_rows": 49, "seed": 7},
        "coverage": {"category_coverage": 1.0},
        "scored_columns": [{"column": "tip"}],
        "unscored_columns": [{"column": "id", "role": "key"}],
        "sample_rows": 244,
    }

    # Run
    scores = StoredScores.of(raw)

    # Assert
    assert (scores.quality, scores.ceiling, scores.holdout_rows) == (0.87, 0.9, 49)
    assert scores.coverage["category_coverage"] == 1.0
    assert [c["column"] for c in scores.scored_columns] == ["tip"]
    assert scores.sample_rows == 244
    assert dict(scores) == raw and scores["quality_score"] == 0.87


def test_a_run_stored_without_scores_or_blocks_reads_as_empty():
    # Run
    none, old = StoredScores.of(None), StoredScores.of({"quality_score": 0.5})

    # Assert
    assert not none and none.quality is None and none.holdout == {}
    assert old.privacy == {} and old.protections == {} and old.per_column == []
    assert old.scored_columns is None and old.unscored_columns == []
    assert old.holdout_rows == 0 and old.value("column_shapes") is None
    assert old.rules == {} and old.scenarios == [] and old.rebalance == {}
    assert old.augmentation == {} and old.rare == {}
    assert StoredScores.of(old) is old


def test_the_blocks_of_a_shaped_run_read_by_name():
    # Setup
    raw = {
        "scenarios": [{"label": "plan=premium", "fidelity": 0.9}],
        "rebalance": {"column": "plan", "after": {"premium": 0.5}},
        "rules": {"added_hold": True},
        "augmentation": {"verdict": "The synthetic rows help."},
        "coverage": {"rare": {"listed": 2, "in_extract": 1}},
    }

    # Run
    scores = StoredScores.of(raw)

    # Assert
    assert scores.scenarios[0]["label"] == "plan=premium"
    assert scores.rebalance["after"] == {"premium": 0.5}
    assert scores.rules["added_hold"] and scores.augmentation["verdict"].endswith("help.")
    assert scores.rare["in_extract"] == 1
