import dataclasses
from pathlib import Path

import pandas as pd
import pytest
import vega_datasets
from faker import Faker

from core.data.metadata import apply_edits, columns_of, detect_metadata
from core.data.pii import detect_pii
from core.data.roles import fake_pii_metadata
from core.errors import InvalidMetadataError
from core.meta import COUNTER_REGEX, DIRECT, NOT_PERSONAL, QUASI, TABLE
from tests.data.make_customers import DIRECT as CUSTOMER_DIRECT
from tests.data.make_customers import QUASI as CUSTOMER_QUASI

AIRPORTS = Path(vega_datasets.__file__).parent / "_data" / "airports.csv"
CUSTOMERS = Path(__file__).parents[1] / "data" / "customers.csv"


def _edit(meta, column, **changes):
    return [dataclasses.replace(c, **changes) if c.name == column else c for c in columns_of(meta)]


def test_detects_types_with_a_reason_per_column(tips):
    # Run
    meta = detect_metadata(tips)
    # Assert
    cols = {c.name: c for c in columns_of(meta)}
    assert set(cols) == set(tips.columns)
    assert cols["total_bill"].sdtype == "numerical"
    assert cols["day"].sdtype == "categorical"
    assert all(c.reason for c in cols.values())
    assert "4 distinct" in cols["day"].reason


def test_unique_measurement_is_not_a_key_but_an_id_column_is():
    # Setup
    measured = pd.DataFrame({"population": [i * 1013 + 7 for i in range(100)], "x": 1.5})
    keyed = pd.DataFrame({"customer_id": range(100), "x": 1.5})
    # Run
    measured_cols = {c.name: c for c in columns_of(detect_metadata(measured))}
    keyed_cols = {c.name: c for c in columns_of(detect_metadata(keyed))}
    # Assert
    assert measured_cols["population"].sdtype == "numerical"
    assert not measured_cols["population"].primary_key
    assert "does not look like a key" in measured_cols["population"].reason
    assert keyed_cols["customer_id"].sdtype == "id"
    assert keyed_cols["customer_id"].primary_key


def test_email_column_is_flagged_as_pii():
    df = pd.DataFrame({"email": [f"user{i}@example.com" for i in range(50)], "x": range(50)})
    cols = {c.name: c for c in columns_of(detect_metadata(df))}
    assert cols["email"].pii
    assert cols["email"].sdtype == "email"


def test_valid_edit_is_applied_and_marked(tips):
    # Setup
    meta = detect_metadata(tips)
    # Run
    edited = apply_edits(meta, _edit(meta, "size", sdtype="categorical"), tips)
    # Assert
    assert edited.columns["size"]["sdtype"] == "categorical"
    assert edited.reasons["size"] == "set by you"
    edited.to_sdv().validate()


def test_key_on_repeating_column_is_rejected_in_one_line(tips):
    # Setup
    meta = detect_metadata(tips)
    # Run
    with pytest.raises(InvalidMetadataError) as caught:
        apply_edits(meta, _edit(meta, "day", primary_key=True), tips)
    # Assert
    assert "day" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_dates_on_text_column_are_rejected(tips):
    meta = detect_metadata(tips)
    with pytest.raises(InvalidMetadataError, match="sex"):
        apply_edits(meta, _edit(meta, "sex", sdtype="datetime"), tips)


def test_two_keys_are_rejected(tips):
    # Setup
    df = tips.assign(a=range(len(tips)), b=range(len(tips)))
    meta = detect_metadata(df)
    edits = [dataclasses.replace(c, primary_key=c.name in ("a", "b")) for c in columns_of(meta)]
    # Run / Assert
    with pytest.raises(InvalidMetadataError, match="Only one primary key"):
        apply_edits(meta, edits, df)


def test_unique_column_can_become_the_key(tips):
    # Setup
    df = tips.assign(row_number=range(len(tips)))
    meta = detect_metadata(df)
    # Run
    edited = apply_edits(meta, _edit(meta, "row_number", primary_key=True), df)
    # Assert
    assert edited.primary_key == "row_number"
    assert edited.columns["row_number"]["sdtype"] == "id"


def test_repeating_place_names_are_learned_as_quasi_identifiers():
    # Setup
    df = pd.DataFrame({"city": ["Lyon", "Oslo", "Lima", "Pune"] * 25, "x": range(100)})
    # Run
    cols = {c.name: c for c in columns_of(detect_metadata(df))}
    # Assert
    assert cols["city"].sdtype == "categorical"
    assert cols["city"].role == QUASI and not cols["city"].pii
    assert "quasi-identifier" in cols["city"].role_reason


def test_airports_places_are_learned_and_names_not_faked_as_people():
    # Setup: vega_datasets' airports: unique IATA codes, airport names, cities, coordinates
    airports = pd.read_csv(AIRPORTS)
    # Run
    meta = detect_metadata(airports)
    # Assert
    cols = {c.name: c for c in columns_of(meta)}
    assert (cols["name"].sdtype, cols["name"].role) == ("categorical", NOT_PERSONAL)
    for column in ("city", "state", "country", "latitude", "longitude"):
        assert cols[column].role == QUASI, column
        assert cols[column].sdtype in ("categorical", "numerical"), column
    assert (cols["iata"].sdtype, cols["iata"].primary_key, cols["iata"].role) == (
        "id",
        True,
        NOT_PERSONAL,
    )
    assert meta.columns["iata"]["regex_format"] == COUNTER_REGEX
    assert meta.direct_columns == []


def test_customers_direct_and_quasi_identifiers():
    # Setup
    customers = pd.read_csv(CUSTOMERS)
    # Run
    meta = fake_pii_metadata(detect_metadata(customers), detect_pii(customers))
    # Assert
    roles = {c.name: c.role for c in columns_of(meta)}
    assert [c for c, r in roles.items() if r == DIRECT] == list(CUSTOMER_DIRECT)
    assert [c for c, r in roles.items() if r == QUASI] == list(CUSTOMER_QUASI)
    assert meta.direct_columns == [c for c, r in roles.items() if r == DIRECT]
    assert "whose id" in columns_of(meta)[0].role_reason


def test_a_name_sdv_reads_as_personal_is_learned_when_the_values_are_not():
    # Setup: SDV flags "emails_sent" as emails and "phone" as phone numbers by name alone
    df = pd.DataFrame({"emails_sent": range(60), "phone": ["yes", "no"] * 30})
    # Run
    cols = {c.name: c for c in columns_of(detect_metadata(df))}
    # Assert
    assert (cols["emails_sent"].sdtype, cols["emails_sent"].role) == ("numerical", NOT_PERSONAL)
    assert cols["phone"].sdtype == "categorical" and not cols["phone"].pii
    assert "the values are not" in cols["emails_sent"].reason


def test_sdtype_detected_by_sdv_outside_the_list_saves_unchanged():
    # Setup: street addresses keep SDV's personal-data type "street_address"
    from core.data.metadata import SDTYPES, sdtype_options

    fake = Faker("en_US")
    fake.seed_instance(4)
    df = pd.DataFrame({"street_address": [fake.street_address() for _ in range(60)], "x": 1})
    meta = detect_metadata(df)
    cols = columns_of(meta)
    # Run
    saved = apply_edits(meta, cols, df)
    # Assert
    assert {c.name: c.sdtype for c in columns_of(saved)} == {c.name: c.sdtype for c in cols}
    assert {c.name: c.sdtype for c in cols}["street_address"] == "street_address"
    assert set(SDTYPES) <= set(sdtype_options(cols))
    assert {c.sdtype for c in cols} <= set(sdtype_options(cols))


def test_personal_type_changed_to_category_drops_the_pii_flag():
    # Setup
    df = pd.DataFrame({"email": [f"u{i}@example.com" for i in range(40)], "x": range(40)})
    meta = detect_metadata(df)
    # Run
    edited = apply_edits(meta, _edit(meta, "email", sdtype="categorical"), df)
    # Assert
    email = {c.name: c for c in columns_of(edited)}["email"]
    assert (email.sdtype, email.pii) == ("categorical", False)


def test_a_category_moved_to_direct_is_faked_as_codes(tips):
    # Setup
    meta = detect_metadata(tips)
    # Run
    edited = apply_edits(meta, _edit(meta, "day", role=DIRECT), tips)
    # Assert
    column = edited.columns["day"]
    assert column == {"sdtype": "unknown", "pii": True}
    assert edited.roles["day"] == {"role": DIRECT, "why": "set by you", "kind": "code"}
    assert edited.direct_columns == ["day"]


def test_roles_move_both_ways_and_keep_sdv_valid():
    # Setup
    customers = pd.read_csv(CUSTOMERS)
    meta = fake_pii_metadata(detect_metadata(customers), detect_pii(customers))
    # Run: an email becomes a quasi-identifier, a city direct, a key not personal
    edits = _edit(meta, "email", role=QUASI)
    edits = [dataclasses.replace(c, role=DIRECT) if c.name == "city" else c for c in edits]
    edits = [
        dataclasses.replace(c, role=NOT_PERSONAL) if c.name == "customer_id" else c for c in edits
    ]
    edited = apply_edits(meta, edits, customers)
    # Assert
    cols = {c.name: c for c in columns_of(edited)}
    assert (cols["email"].sdtype, cols["email"].role) == ("categorical", QUASI)
    assert cols["city"].role == DIRECT and cols["city"].sdtype == "unknown"
    assert (cols["customer_id"].sdtype, cols["customer_id"].role) == ("id", NOT_PERSONAL)
    assert "email" not in edited.direct_columns and "city" in edited.direct_columns
    assert edited.columns["customer_id"]["regex_format"]
    edited.to_sdv().validate()


def test_an_unknown_role_is_refused_in_one_line(tips):
    meta = detect_metadata(tips)
    with pytest.raises(InvalidMetadataError, match="choose one of direct identifier"):
        apply_edits(meta, _edit(meta, "day", role="secret"), tips)


def test_a_personal_key_moved_out_of_direct_stays_a_generated_key():
    # Setup: unique emails are the primary key
    df = pd.DataFrame(
        {"email": [f"u{i}@example.com" for i in range(40)], "x": [i % 5 for i in range(40)]}
    )
    meta = fake_pii_metadata(detect_metadata(df), detect_pii(df))
    assert meta.primary_key == "email"
    # Run
    edited = apply_edits(meta, _edit(meta, "email", role=NOT_PERSONAL), df)
    # Assert
    email = {c.name: c for c in columns_of(edited)}["email"]
    assert (email.sdtype, email.role, email.primary_key) == ("id", NOT_PERSONAL, True)


def test_an_id_column_stored_without_the_counter_gets_it_for_sdv():
    # Setup: metadata stored before id columns carried the counter pattern
    meta = detect_metadata(pd.DataFrame({"order_id": [f"O{i}" for i in range(50)], "x": 1.5}))
    del meta.columns["order_id"]["regex_format"]
    # Run
    column = meta.to_sdv().tables[TABLE].columns["order_id"]
    # Assert
    assert column == {"sdtype": "id", "regex_format": COUNTER_REGEX}
