"""Scenarios at the sampling level: conditions, shares and rules, drawn in seeded batches."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from core.data.metadata import detect_metadata
from core.errors import InvalidParameterError, StudioError
from core.synth.fitting import fit_synthesizer
from core.synth.sampling import iter_batches
from core.synth.scenarios import (
    DrawLimits,
    Shaping,
    apportion,
    parse_conditions,
    parse_shares,
    resolve_conditions,
    resolve_rebalance,
)
from core.synth.seeding import set_seed
from core.synth.shaped_draws import draw_matching, sample_once
from tests.conftest import TEMPS
from tests.core.test_synthesizers import CHEAP


@pytest.fixture(scope="module")
def copula(seattle):
    metadata = detect_metadata(seattle)
    return fit_synthesizer(
        key="gaussian_copula", metadata=metadata.to_sdv(), data=seattle, seed=1, rules=[TEMPS]
    )


def _drawn(synth, shaping: Shaping, *, rows: int, batch_rows: int, seed: int = 3) -> pd.DataFrame:
    batches = iter_batches(synth, rows=rows, seed=seed, batch_rows=batch_rows, shaping=shaping)
    return pd.concat(batches, ignore_index=True)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["plan"], "COLUMN=VALUE"),
        (["plan="], "COLUMN=VALUE"),
        (["plan=a", "plan=b"], "conditioned twice"),
    ],
)
def test_malformed_conditions_are_refused_in_one_line(items, message):
    # Run
    with pytest.raises(InvalidParameterError) as caught:
        parse_conditions(items)

    # Assert
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ({"weathr": "snow"}, "'weathr': no such column"),
        ({"weather": "hail"}, "'weather' has no value 'hail'; its values are drizzle, fog"),
        ({"date": "2012-01-01"}, "holds dates"),
        ({"temp_max": "20"}, "distinct values (numerical)"),
    ],
)
def test_conditions_the_data_cannot_have_are_refused(seattle, conditions, message):
    # Run
    with pytest.raises(InvalidParameterError) as caught:
        resolve_conditions(conditions, seattle, detect_metadata(seattle))

    # Assert
    assert message in str(caught.value)


def test_condition_values_take_the_columns_type(tips):
    # Setup
    metadata = detect_metadata(tips)

    # Run
    resolved = resolve_conditions({"size": "2", "day": "sun", "smoker": "Yes"}, tips, metadata)

    # Assert
    assert resolved == {"size": 2, "day": "Sun", "smoker": "Yes"}
    assert pd.api.types.is_integer(resolved["size"])


def test_shares_are_parsed_checked_and_default_to_equal(seattle):
    # Setup
    metadata = detect_metadata(seattle)

    # Run
    equal = resolve_rebalance("weather", None, seattle, metadata)
    typed = resolve_rebalance("weather", parse_shares("snow=0.5,rain=0.5"), seattle, metadata)

    # Assert
    assert equal.labelled() == {w: 0.2 for w in ("drizzle", "fog", "rain", "snow", "sun")}
    assert typed.labelled() == {"rain": 0.5, "snow": 0.5}
    with pytest.raises(InvalidParameterError, match="add up to 0.9"):
        resolve_rebalance("weather", {"snow": 0.5, "rain": 0.4}, seattle, metadata)
    with pytest.raises(InvalidParameterError, match="no value 'hail'"):
        resolve_rebalance("weather", {"hail": 1.0}, seattle, metadata)
    with pytest.raises(InvalidParameterError, match="VALUE=SHARE"):
        parse_shares("snow=half")


@pytest.mark.parametrize("rows", [1, 7, 100, 50_001])
def test_apportion_splits_rows_by_largest_remainder(rows):
    # Run
    counts = apportion(rows, [0.5, 1 / 3, 1 / 6])

    # Assert
    assert sum(counts) == rows
    assert all(abs(c - rows * s) < 1 for c, s in zip(counts, [0.5, 1 / 3, 1 / 6], strict=True))


@pytest.mark.parametrize("key", ["gaussian_copula", "ctgan"])
def test_sdvs_private_draw_keeps_only_matching_rows(seattle, key):
    # Setup: sample_once calls SDV's private steps; an SDV upgrade that changes them fails here.
    metadata = detect_metadata(seattle)
    synth = fit_synthesizer(
        key=key, metadata=metadata.to_sdv(), data=seattle, seed=1, params=CHEAP[key]
    )
    set_seed(synth, 4)

    # Run
    plain = sample_once(synth, {}, 50)
    rain = sample_once(synth, {"weather": "rain"}, 300)

    # Assert
    assert len(plain) == 50 and list(plain.columns) == list(seattle.columns)
    assert 0 < len(rain) <= 300
    assert (rain["weather"] == "rain").all()
    assert rain.index.tolist() == list(range(len(rain)))


def test_conditioned_shared_and_ruled_batches_are_seeded(copula):
    # Setup
    snow = Shaping(conditions={"weather": "snow"}, rules=(TEMPS,))

    # Run
    first = _drawn(copula, snow, rows=250, batch_rows=100)
    again = _drawn(copula, snow, rows=250, batch_rows=100)
    other = _drawn(copula, snow, rows=250, batch_rows=100, seed=4)

    # Assert
    assert len(first) == 250 and (first["weather"] == "snow").all()
    assert (first["temp_min"] <= first["temp_max"]).all()
    pd.testing.assert_frame_equal(first, again)
    assert not first["temp_max"].equals(other["temp_max"])


def test_rebalanced_batches_hold_the_shares_and_are_shuffled(seattle, copula):
    # Setup
    shaping = Shaping(
        rebalance=resolve_rebalance("weather", None, seattle, detect_metadata(seattle))
    )

    # Run
    rows = _drawn(copula, shaping, rows=1003, batch_rows=400)

    # Assert
    shares = rows["weather"].value_counts(normalize=True)
    assert len(rows) == 1003
    assert (shares - 0.2).abs().max() < 0.01
    assert rows["weather"].head(100).nunique() == 5  # mixed, not one category after another


def test_a_scenario_the_model_rarely_makes_ends_in_one_line(copula):
    # Setup: the model makes this scenario, but the bar is set above its match share.
    set_seed(copula, 1)
    limits = DrawLimits(probe_rows=500, min_match_share=0.9, draw_rows=500)
    started = time.monotonic()

    # Run
    every = draw_matching(copula, {}, rows=2000, limits=limits)  # the rules let every row by
    with pytest.raises(StudioError) as caught:
        draw_matching(copula, {"weather": "snow", "temp_max": 30.0}, rows=100, limits=limits)

    # Assert
    assert len(every) == 2000
    text = str(caught.value)
    assert text.startswith("Scenario weather=snow, temp_max=30: reached ")
    assert "of 100 rows after drawing" in text and "\n" not in text
    assert time.monotonic() - started < 60


def test_a_scenario_past_its_time_limit_ends_in_one_line(copula):
    # Setup
    set_seed(copula, 1)
    limits = DrawLimits(seconds=0.0, draw_rows=10)

    # Run
    with pytest.raises(StudioError, match=r"reached \d+ of 5,000 rows after drawing"):
        draw_matching(copula, {"weather": "fog", "temp_max": 20.0}, rows=5000, limits=limits)
