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
