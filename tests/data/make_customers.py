"""Write tests/data/customers.csv: a made-up customers table with the personal data real ones hold.

Direct identifiers (customer ids, names, emails, phones in one format, one-line street addresses,
card numbers, SSNs, free-text notes that quote an email or a phone) beside quasi-identifiers
(city, state, ZIP code, birth date, age, gender, job) and ordinary columns. Every value is
Faker's, seeded, so the file is the same each time; run again to regenerate it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from faker import Faker

HERE = Path(__file__).parent
ROWS = 600
# What a person reading the table calls its direct identifiers, and its quasi-identifiers.
DIRECT = (
    "customer_id",
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "street_address",
    "card_number",
    "ssn",
    "notes",
)
QUASI = ("city", "state", "zip", "birth_date", "age", "gender", "job")
_STATES = ["CA", "TX", "NY", "FL", "WA", "IL", "OH", "GA", "NC", "MI"]


def customers(rows: int = ROWS, seed: int = 11) -> pd.DataFrame:
    """The customers table (the CSV's content), rebuilt from its seed."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    births = [fake.date_of_birth(minimum_age=18, maximum_age=85) for _ in range(rows)]
    today = pd.Timestamp("2024-06-30")
    ages = [(today.year - b.year) - ((today.month, today.day) < (b.month, b.day)) for b in births]
    firsts = [fake.first_name() for _ in range(rows)]
    lasts = [fake.last_name() for _ in range(rows)]
    cities = [fake.city() for _ in range(40)]
    notes = []
    for i in range(rows):
        text = fake.sentence(nb_words=int(rng.integers(6, 14)))
        if i % 5 == 0:
            text += f" Call back on {fake.numerify('(###) ###-####')}."
        elif i % 7 == 0:
            text += f" Prefers mail to {fake.email()}."
        notes.append(text)
    return pd.DataFrame(
        {
            "customer_id": [f"C{100000 + i * 7:06d}" for i in range(rows)],
            "first_name": firsts,
            "last_name": lasts,
            "full_name": [f"{f} {la}" for f, la in zip(firsts, lasts, strict=True)],
            "email": [fake.unique.email() for _ in range(rows)],
            "phone": [fake.unique.numerify("(###) ###-####") for _ in range(rows)],
            "street_address": [fake.street_address() for _ in range(rows)],
            "city": rng.choice(cities, rows),
            "state": rng.choice(_STATES, rows),
            "zip": [f"{z:05d}" for z in rng.integers(1000, 99999, rows)],
            "birth_date": [b.isoformat() for b in births],
            "age": ages,
            "gender": rng.choice(["female", "male", "nonbinary"], rows, p=[0.49, 0.48, 0.03]),
            "job": [fake.job() for _ in range(rows)],
            "card_number": [fake.credit_card_number(card_type="visa16") for _ in range(rows)],
            "ssn": [fake.unique.ssn() for _ in range(rows)],
            "plan": rng.choice(["basic", "plus", "pro"], rows, p=[0.6, 0.3, 0.1]),
            "monthly_spend": rng.gamma(2.0, 40.0, rows).round(2),
            "signup": pd.date_range("2019-01-01", periods=rows, freq="37h").date.astype(str),
            "notes": notes,
        }
    )


if __name__ == "__main__":
    customers().to_csv(HERE / "customers.csv", index=False)
