"""Fake direct identifiers: the real column's kind and shape, never a real value, keys unique."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from faker import Faker

from core.data.metadata import detect_metadata
from core.data.pii import detect_pii
from core.data.pii_values import iban_valid, luhn_valid
from core.data.roles import fake_pii_metadata
from core.runs.pipeline import synthesize
from core.synth.fake_specs import build_specs
from core.synth.fakes import fake_columns, normal_text
from core.synth.redraw import redraw_real_pii
from core.workspace.store import Workspace

ROWS = 300
CUSTOMERS = Path(__file__).parents[1] / "data" / "customers.csv"


@pytest.fixture
def real() -> pd.DataFrame:
    """Personal data in set formats, under neutral names (so only the values say the kind)."""
    fake = Faker("en_GB")
    fake.seed_instance(8)
    return pd.DataFrame(
        {
            "reach": [fake.numerify("+44 #### ######") for _ in range(ROWS)],
            "card": [int(fake.credit_card_number(card_type="visa16")) for _ in range(ROWS)],
            "account": [fake.iban() for _ in range(ROWS)],
            "social": [fake.numerify("###-##-####").replace("000", "123") for _ in range(ROWS)],
            "insurance": [fake.bothify("??######?").upper() for _ in range(ROWS)],
            "who": [f"{fake.last_name()}, {fake.first_name()}" for _ in range(ROWS)],
            "lives_at": [fake.address() for _ in range(ROWS)],
            "street": [f"{fake.building_number()} {fake.street_name()}" for _ in range(ROWS)],
            "note": [fake.paragraph(nb_sentences=3) for _ in range(ROWS)],
            "ref": [f"AB-{i:05d}" for i in range(ROWS)],
        }
    )


SDTYPES = {
    "reach": "phone_number",
    "card": "credit_card_number",
    "account": "iban",
    "social": "ssn",
    "insurance": "ssn",
    "who": "name",
    "lives_at": "address",
    "street": "address",
    "note": "unknown",
    "ref": "id",
}


def _fake(real: pd.DataFrame, *, seed: int = 1, rows: int = ROWS, start: int = 0) -> pd.DataFrame:
    specs = build_specs(real, sdtypes=SDTYPES, keys=["ref"])
    # What SDV hands over: Faker values in the personal columns, its counter in the id column.
    batch = real.sample(n=rows, replace=True, random_state=seed).reset_index(drop=True)
    batch["ref"] = [str(10**11 + start + i) for i in range(rows)]
    avoid = {c: normal_text(real[c]) for c in real.columns}
    out, _ = fake_columns(batch, specs, avoid=avoid, locale="en_GB", seed=seed)
    return out


def test_fakes_have_the_real_kind_and_shape(real: pd.DataFrame) -> None:
    # Run
    out = _fake(real)

    # Assert
    assert out["reach"].str.fullmatch(r"\+44 [2-9]\d{3} \d{6}").all()
    cards = out["card"].astype(str)
    assert out["card"].dtype == real["card"].dtype
    assert cards.str.len().eq(16).all() and cards.str.startswith("4").all()
    assert cards.map(luhn_valid).all()
    assert out["account"].map(iban_valid).all()
    assert (out["account"].str[:2] == real["account"][0][:2]).all()
    assert (out["account"].str.len() == len(real["account"][0])).all()
    assert out["social"].str.fullmatch(r"(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}").all()
    assert out["who"].str.fullmatch(r"[^,]+, [^,]+").all()
    assert out["lives_at"].str.contains("\n").all()
    assert not out["street"].str.contains("\n|,").any()
    assert out["ref"].str.fullmatch(r"AB-\d{5}").all()
    ratio = out["note"].str.len().mean() / real["note"].str.len().mean()
    assert 0.8 <= ratio <= 1.1
    assert not out["note"].str.contains("sdv-").any()


def test_the_detector_reads_each_fake_as_its_kind(real: pd.DataFrame) -> None:
    # Setup
    expected = {f.column: f.kind for f in detect_pii(real)}

    # Run
    found = {f.column: f.kind for f in detect_pii(_fake(real))}

    # Assert: every column found in the real table is found again, as the same kind
    assert {c: found.get(c) for c in expected} == expected


def test_no_fake_equals_a_real_value_even_in_another_case(real: pd.DataFrame) -> None:
    # Setup: the real names in upper case; a fake equal to one but for case must be redrawn
    shouting = real.assign(who=real["who"].str.upper())

    # Run
    out = _fake(shouting, rows=2000)

    # Assert
    for column in real.columns:
        assert not normal_text(out[column]) & normal_text(shouting[column]), column
    assert (out["who"] == out["who"].str.upper()).all()  # the input's case is kept


def test_keys_are_unique_across_batches_and_seeded(real: pd.DataFrame) -> None:
    # Run: two batches of one run continue SDV's counter; the same batch and seed repeat
    first, second = _fake(real, seed=1), _fake(real, seed=2, start=ROWS)
    again = _fake(real, seed=1)

    # Assert
    keys = pd.concat([first["ref"], second["ref"]])
    assert keys.is_unique
    pd.testing.assert_frame_equal(first, again)


def test_keys_grow_a_digit_when_the_shape_runs_out() -> None:
    # Setup: real codes Z0..Z4: the shape "Z" and a digit leaves five codes that are not real
    real = pd.DataFrame({"ref": [f"Z{i % 5}" for i in range(20)]})
    specs = build_specs(real, sdtypes={"ref": "id"}, keys=["ref"])
    batch = pd.DataFrame({"ref": [str(10**11 + i) for i in range(35)]})

    # Run
    out, _ = fake_columns(batch, specs, avoid={}, locale="en_US", seed=0)

    # Assert
    assert out["ref"].is_unique
    assert out["ref"].str.fullmatch(r"Z\d{1,2}").all()
    assert out["ref"].str.len().value_counts().to_dict() == {3: 30, 2: 5}
    assert not set(out["ref"]) & set(real["ref"])


def test_missing_values_stay_missing(real: pd.DataFrame) -> None:
    # Setup
    holes = real.assign(reach=real["reach"].where(np.arange(ROWS) % 3 != 0))
    specs = build_specs(holes[["reach"]], sdtypes=SDTYPES)
    batch = holes[["reach"]].copy()

    # Run
    out, _ = fake_columns(batch, specs, avoid={}, locale="en_GB", seed=3)

    # Assert
    assert out["reach"].isna().tolist() == holes["reach"].isna().tolist()


def test_a_run_on_customers_fakes_in_shape_and_keeps_keys_unique(workspace: Workspace) -> None:
    # Setup: batches of 150 rows, so the key counter runs across four batches
    from core.config import get_settings

    customers = pd.read_csv(CUSTOMERS, dtype={"zip": str})
    dataset = workspace.add_dataset(
        name="customers", source="customers.csv", fingerprint="c", frame=customers
    )
    settings = dataclasses.replace(get_settings(), sample_batch_rows=150)

    # Run
    result = synthesize(
        workspace, dataset_id=dataset.id, key="gaussian_copula", rows=600, seed=4, settings=settings
    )

    # Assert
    out = workspace.read_synthetic(result.run.id)
    assert out["customer_id"].is_unique
    assert out["customer_id"].str.fullmatch(r"C1\d{5}").all()
    assert out["phone"].str.fullmatch(r"\(\d{3}\) \d{3}-\d{4}").all()
    assert not out["street_address"].str.contains("\n").any()
    assert out["card_number"].astype(str).map(luhn_valid).all()
    for column in ("customer_id", "email", "phone", "full_name", "ssn", "card_number"):
        assert not normal_text(out[column]) & normal_text(customers[column]), column
    assert result.evaluation.to_dict()["privacy"]["pii_leaks"] == 0


def test_the_postprocess_fakes_keys_of_a_table_without_personal_data() -> None:
    # Setup: airport codes are a key, not personal: shaped codes, no leak check
    real = pd.DataFrame({"iata": ["00M", "ABQ", "J7X", "BOS"] * 5, "n": range(20)})
    real["iata"] = [f"{c[:2]}{i % 10}" for i, c in enumerate(real["iata"])]
    metadata = fake_pii_metadata(detect_metadata(real), [])

    # Run
    post = redraw_real_pii(metadata, real)

    # Assert
    assert post is not None and post.columns == () and "iata" in post.specs
    batch = pd.DataFrame({"iata": [str(10**11 + i) for i in range(30)], "n": range(30)})
    out = post(batch, 0)
    assert out["iata"].is_unique
    assert all(re.fullmatch(r"[0-9A-Z]{2}\d", v) for v in out["iata"])


def test_a_shard_continues_the_keys_of_the_shards_before_it(real: pd.DataFrame) -> None:
    # Setup: each shard samples from a fresh copy of the model, so SDV's counter restarts
    metadata = fake_pii_metadata(detect_metadata(real[["ref", "reach"]]), [])
    post = redraw_real_pii(metadata, real[["ref", "reach"]])
    assert post is not None
    batch = pd.DataFrame(
        {"ref": [str(10**11 + i) for i in range(200)], "reach": real["reach"][:200]}
    )

    # Run
    shards = [post(batch, 1), post.starting_at(200)(batch, 2), post.starting_at(400)(batch, 3)]

    # Assert
    keys = pd.concat([shard["ref"] for shard in shards])
    assert keys.is_unique and keys.str.fullmatch(r"AB-\d{5}").all()
