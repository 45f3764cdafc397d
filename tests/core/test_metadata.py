import dataclasses

import pandas as pd
import pytest

from core.errors import InvalidMetadataError
from core.metadata import TABLE, apply_edits, columns_of, detect_metadata, to_sdv


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
    assert edited["sdv"]["tables"][TABLE]["columns"]["size"]["sdtype"] == "categorical"
    assert edited["reasons"]["size"] == "set by you"
    to_sdv(edited).validate()


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
    table = edited["sdv"]["tables"][TABLE]
    assert table["primary_key"] == "row_number"
    assert table["columns"]["row_number"]["sdtype"] == "id"


def test_repeating_place_names_are_learned_as_categories():
    # Setup
    df = pd.DataFrame({"city": ["Lyon", "Oslo", "Lima", "Pune"] * 25, "x": range(100)})
    # Run
    cols = {c.name: c for c in columns_of(detect_metadata(df))}
    # Assert
    assert cols["city"].sdtype == "categorical"
    assert not cols["city"].pii
    assert "learned as categories" in cols["city"].reason


def test_sdtype_detected_by_sdv_outside_the_list_saves_unchanged():
    # Setup: unique city names stay SDV's personal-data type "city"
    from core.metadata import SDTYPES, sdtype_options

    df = pd.DataFrame({"city": [f"Town {i}" for i in range(60)], "x": range(60)})
    meta = detect_metadata(df)
    cols = columns_of(meta)
    # Run
    saved = apply_edits(meta, cols, df)
    # Assert
    assert {c.name: c.sdtype for c in columns_of(saved)} == {c.name: c.sdtype for c in cols}
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


def test_pii_on_a_plain_category_asks_for_a_personal_type(tips):
    meta = detect_metadata(tips)
    with pytest.raises(InvalidMetadataError, match="personal-data type"):
        apply_edits(meta, _edit(meta, "day", pii=True), tips)
