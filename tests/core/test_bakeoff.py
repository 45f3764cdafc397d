"""The bake-off: budgeted runs, the composite ranking, skipped and failed entries, the report."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from core.data.demos import load_demo
from core.errors import InvalidParameterError, UnknownSynthesizerError
from core.runs.bakeoff import EXHAUSTED, epochs_within, plan_for, run_bakeoff
from core.runs.leaderboard import (
    LEADERBOARD_COLUMNS,
    WEIGHTS,
    BakeoffEntry,
    composite_score,
    rank_entries,
    recommend,
)
from core.synth.registry import REGISTRY, resolve_params
from core.workspace.records import DatasetInfo
from core.workspace.store import Workspace

CHEAP_TVAE = {"tvae": {"epochs": 1, "batch_size": 100}}
_BAKE = {"rows": 100, "seed": 1, "budget_seconds": 4.5}


@pytest.fixture
def tips(workspace: Workspace) -> DatasetInfo:
    return load_demo(workspace, "tips")


def _bake(workspace: Workspace, dataset: DatasetInfo, keys: list[str], **options: Any):
    """The bake-off of ``keys`` on ``dataset``, with ``_BAKE`` where ``options`` say nothing."""
    return run_bakeoff(workspace, dataset_id=dataset.id, keys=keys, **{**_BAKE, **options})


def _register_failing(monkeypatch, like: str, message: str, **changes: Any) -> str:
    """Register a copy of the registry entry ``like`` whose fit always raises ``message``.

    Returns its key; ``changes`` replace more of the entry.
    """

    def _fit(self, processed_data):
        raise RuntimeError(message)

    base = REGISTRY[like]
    spec = dataclasses.replace(
        base,
        key=f"broken_{like}",
        label=f"Broken {base.label}",
        cls=type(f"Broken{base.cls.__name__}", (base.cls,), {"_fit": _fit}),
        **changes,
    )
    monkeypatch.setitem(REGISTRY, spec.key, spec)
    return spec.key


def _entry(key: str, *, score: float, gate: bool = True, seconds: float = 1.0) -> BakeoffEntry:
    return BakeoffEntry(
        key,
        key.upper(),
        "done",
        run_id=1,
        score=score,
        quality=score,
        dcr_share=0.5 if gate else 0.9,
        gate_passed=gate,
        fit_seconds=seconds,
        sample_seconds=0.0,
    )


# Ranking and recommendation (pure) ---------------------------------------------------------


def test_composite_weights_quality_utility_and_one_sided_privacy():
    # Run / Assert: quality alone is the score; a DCR share at or below 0.5 costs nothing
    assert composite_score(0.8) == pytest.approx(0.8)
    assert composite_score(0.8, dcr_share=0.5) == composite_score(0.8, dcr_share=0.3)
    expected = (WEIGHTS["quality"] * 0.8 + WEIGHTS["privacy"] * 1.0) / (
        WEIGHTS["quality"] + WEIGHTS["privacy"]
    )
    assert composite_score(0.8, dcr_share=0.5) == pytest.approx(expected)
    # memorised rows (DCR share 1) score 0 on privacy; a utility ratio above 1 is capped
    assert composite_score(0.8, dcr_share=1.0) < composite_score(0.8, dcr_share=0.6)
    assert composite_score(0.8, utility_ratio=1.7) == composite_score(0.8, utility_ratio=1.0)
    assert composite_score(0.8, utility_ratio=0.2) < composite_score(0.8, utility_ratio=0.9)


def test_ranking_puts_the_gate_first_then_score_then_time():
    # Setup
    leaky = _entry("leaky", score=0.95, gate=False)
    good = _entry("good", score=0.80, seconds=10.0)
    tied_faster = _entry("quick", score=0.801, seconds=1.0)  # equal at two decimals
    weaker = _entry("weak", score=0.60)
    failed = BakeoffEntry("broken", "BROKEN", "failed", note="boom")
    skipped = BakeoffEntry("late", "LATE", "skipped", note=EXHAUSTED)
    # Run
    ranked = rank_entries([skipped, leaky, failed, weaker, good, tied_faster])
    # Assert
    assert [e.key for e in ranked] == ["quick", "good", "weak", "leaky", "broken", "late"]
    assert [e.rank for e in ranked] == [1, 2, 3, 4, None, None]


def test_recommendation_names_the_winner_and_why():
    # Setup: the best score leaks, so the best passing run is recommended
    ranked = rank_entries(
        [_entry("leaky", score=0.95, gate=False, seconds=40.0), _entry("fast", score=0.8)]
    )
    # Run
    winner, sentence = recommend(ranked)
    # Assert
    assert winner == "fast"
    assert sentence.startswith("FAST: best score among those passing the privacy gate")
    assert "where LEAKY does not" in sentence
    assert "40x faster than LEAKY" in sentence


def test_no_recommendation_without_a_passing_or_finished_run():
    # Run
    leaky_winner, leaky = recommend(rank_entries([_entry("leaky", score=0.9, gate=False)]))
    none_winner, none = recommend([BakeoffEntry("late", "LATE", "skipped", note=EXHAUSTED)])
    # Assert
    assert leaky_winner is None and leaky.startswith("None is recommended")
    assert none_winner is None and "LATE (skipped)" in none and "Raise the budget" in none


def test_epochs_within_fits_the_share_and_caps_at_the_default():
    # Run / Assert: (20 - 4 scoring - 2 setup) / 0.5 s per epoch = 28 epochs
    assert epochs_within(20, setup=2, per_epoch=0.5, scoring=4, most=300) == 28
    assert epochs_within(1000, setup=2, per_epoch=0.5, scoring=4, most=300) == 300
    assert epochs_within(5, setup=2, per_epoch=0.5, scoring=4, most=300) < 1


# Real runs -----------------------------------------------------------------------------------


def test_bakeoff_runs_ranks_and_records_every_synthesizer(workspace, tips):
    # Setup
    stages: list[tuple[str, float, float | None]] = []
    # Run: TVAE listed first still runs after the fast synthesizer
    result = _bake(
        workspace,
        tips,
        ["tvae", "gaussian_copula"],
        rows=150,
        seed=3,
        params=CHEAP_TVAE,
        progress=lambda stage, done, total: stages.append((stage, done, total)),
    )
    # Assert: both are finished, recorded runs with scores in range
    assert {e.key: e.status for e in result.entries} == {"gaussian_copula": "done", "tvae": "done"}
    for entry in result.entries:
        run = workspace.get_run(entry.run_id)
        assert (run.status, run.synthesizer, run.n_rows) == ("done", entry.key, 150)
        assert 0.0 <= entry.quality <= 1.0 and 0.0 <= entry.dcr_share <= 1.0
        assert entry.score == pytest.approx(composite_score(entry.quality, None, entry.dcr_share))
        assert entry.gate_passed == run.scores["privacy"]["gate"]["passed"]
        assert entry.fit_seconds > 0
    assert {e.key: e.epochs for e in result.entries} == {"gaussian_copula": None, "tvae": 1}
    # the order is the composite's
    expected = sorted(
        result.entries, key=lambda e: (not e.gate_passed, -round(e.score, 2), e.seconds)
    )
    assert list(result.entries) == expected
    assert [e.rank for e in result.entries] == [1, 2]
    # the recommendation names the winner, which must pass the gate
    best = result.entries[0]
    if best.gate_passed:
        assert result.winner == best.key
        assert result.recommendation.startswith(f"{best.label}: ")
    else:
        assert result.winner is None
        assert result.recommendation.startswith("None is recommended")
    # progress said which synthesizer ran, fast one first
    overall = [s for s in stages if s[0].startswith("bakeoff")]
    assert overall == [("bakeoff:gaussian_copula", 0, 2), ("bakeoff:tvae", 1, 2), ("bakeoff", 2, 2)]
    assert any(stage == "tvae:fit" for stage, _, _ in stages)
    # the table and the report
    table = result.leaderboard()
    assert list(table.columns) == list(LEADERBOARD_COLUMNS)
    assert table["synthesizer"].tolist() == [e.label for e in result.entries]
    report = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert report["dataset"] == "tips" and report["winner"] == result.winner
    assert [row["key"] for row in report["leaderboard"]] == [e.key for e in result.entries]
    assert 0 < report["elapsed_seconds"] <= result.elapsed_seconds + 1


def test_a_tiny_budget_skips_what_cannot_start(workspace, tips):
    # Run: the fast synthesizer uses up the budget, so TVAE never starts
    result = _bake(workspace, tips, ["tvae", "gaussian_copula"], budget_seconds=0.01)
    # Assert
    [done, skipped] = result.entries
    assert (done.key, done.status, done.rank) == ("gaussian_copula", "done", 1)
    assert (skipped.key, skipped.status, skipped.rank) == ("tvae", "skipped", None)
    assert skipped.note.startswith(EXHAUSTED) and "budget is left for it" in skipped.note
    assert skipped.run_id is None
    assert [r.synthesizer for r in workspace.list_runs(tips.id)] == ["gaussian_copula"]
    assert "TVAE (skipped)" in result.recommendation


def test_a_failing_synthesizer_is_an_entry_not_a_crash(workspace, tips, monkeypatch):
    # Setup: a registry entry whose fit always raises
    broken = _register_failing(monkeypatch, "gaussian_copula", "boom in fit")
    # Run
    result = _bake(workspace, tips, [broken, "gaussian_copula"])
    # Assert
    [ok, failed] = result.entries
    assert (ok.key, ok.status, ok.rank) == ("gaussian_copula", "done", 1)
    assert (failed.key, failed.status, failed.rank) == (broken, "failed", None)
    assert "boom in fit" in failed.note
    assert workspace.get_run(failed.run_id).status == "failed"
    assert result.winner == ("gaussian_copula" if ok.gate_passed else None)
    assert "Broken Gaussian copula (failed)" in result.recommendation


def test_a_neural_synthesizer_that_cannot_fit_fails_in_its_row(workspace, tips, monkeypatch):
    # Setup: epochs left to the budget, so the plan gives it its default epochs, and it fails
    broken = _register_failing(monkeypatch, "tvae", "boom in probe", step_seconds=(0.0, 0.0))
    # Run
    result = _bake(workspace, tips, [broken], rows=50)
    # Assert
    [failed] = result.entries
    assert (failed.status, failed.rank, failed.epochs) == ("failed", None, 300)
    assert failed.note.startswith("Failed: ") and "boom in probe" in failed.note
    assert result.winner is None
    assert result.recommendation == "No synthesizer finished. Not finished: Broken TVAE (failed)."


def test_neural_epochs_are_chosen_to_fit_the_budget(workspace, tips):
    # Run: no epochs given, so a probe times TVAE and its share sets them
    budget = 25.0
    result = _bake(workspace, tips, ["tvae"], budget_seconds=budget)
    # Assert
    [entry] = result.entries
    assert entry.status == "done", entry.note
    assert 1 <= entry.epochs <= resolve_params("tvae")["epochs"]
    assert workspace.get_run(entry.run_id).params["epochs"] == entry.epochs
    assert result.elapsed_seconds <= 2 * budget  # a run cannot be stopped; the estimate holds


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"keys": []}, InvalidParameterError, "at least one synthesizer"),
        ({"keys": ["magic"]}, UnknownSynthesizerError, "Unknown synthesizer 'magic'"),
        ({"budget_seconds": 0}, InvalidParameterError, "above 0 seconds"),
        ({"rows": 0}, InvalidParameterError, "between 1 and"),
        ({"target": "nope"}, InvalidParameterError, "Target column 'nope'"),
        ({"params": {"tvae": {"epochs": 1}}}, InvalidParameterError, "not in the run"),
        ({"params": {"gaussian_copula": {"epochs": 1}}}, InvalidParameterError, "no parameter"),
    ],
)
def test_bad_arguments_are_refused_before_any_run(workspace, tips, changes, error, message):
    # Setup
    arguments = {"keys": ["gaussian_copula"], "rows": 10, "seed": 1, "budget_seconds": 60}
    arguments.update(changes)
    # Run / Assert
    with pytest.raises(error, match=message):
        run_bakeoff(workspace, dataset_id=tips.id, **arguments)
    assert workspace.list_runs() == []


def test_the_same_inputs_give_the_same_plan_whatever_the_clock(workspace, tips, monkeypatch):
    # Setup: the plan for a budget where TVAE fits a few epochs; then a clock that jumps an hour
    # between calls, as a loaded machine would make a timed probe do
    inputs = {"dataset_id": tips.id, "keys": ["tvae", "gaussian_copula"], "rows": 100}
    first = plan_for(workspace, budget_seconds=4.5, **inputs)
    ticks = iter(range(0, 10**6, 3600))
    monkeypatch.setattr("core.runs.bakeoff._now", lambda: float(next(ticks)))

    # Run
    again = [plan_for(workspace, budget_seconds=4.5, **inputs) for _ in range(3)]
    result = run_bakeoff(workspace, seed=1, budget_seconds=4.5, **inputs)

    # Assert: one plan every time, and the bake-off follows it
    assert all(plan == first for plan in again)
    assert [r.key for r in first.runs] == ["gaussian_copula", "tvae"]
    tvae = first.runs[1]
    assert tvae.runs and 1 <= tvae.epochs < 300
    assert [(e.key, e.epochs) for e in result.entries] == [
        ("gaussian_copula", None),
        ("tvae", tvae.epochs),
    ]
    assert result.plan == first
    assert all(
        e.planned_seconds == r.seconds for e, r in zip(result.entries, first.runs, strict=True)
    )
