"""Bundled demo datasets: real tables that ship inside installed packages (no network)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import plotly

from core.data.ingest import fingerprint_file, ingest_file
from core.workspace.records import DatasetInfo
from core.workspace.store import Workspace

_PLOTLY_DATA = Path(plotly.__file__).parent / "package_data" / "datasets"


@dataclass(frozen=True)
class DemoDataset:
    """A demo table and where it comes from."""

    key: str
    label: str
    description: str
    path: Path


DEMOS: dict[str, DemoDataset] = {
    d.key: d
    for d in [
        DemoDataset(
            "tips",
            "Restaurant tips",
            "244 bills: amount, tip, party size, day, smoker.",
            _PLOTLY_DATA / "tips.csv.gz",
        ),
        DemoDataset(
            "iris",
            "Iris flowers",
            "150 flowers: four measurements and the species.",
            _PLOTLY_DATA / "iris.csv.gz",
        ),
        DemoDataset(
            "gapminder",
            "Gapminder",
            "1,704 country-years: life expectancy, population, GDP.",
            _PLOTLY_DATA / "gapminder.csv.gz",
        ),
        DemoDataset(
            "stocks",
            "Tech stocks",
            "105 weekly dates with six normalised share prices.",
            _PLOTLY_DATA / "stocks.csv.gz",
        ),
    ]
}


def load_demo(workspace: Workspace, key: str) -> DatasetInfo:
    """Add a demo dataset to the workspace, reusing it when it is already there."""
    demo = DEMOS[key]

    existing = workspace.find_dataset(fingerprint_file(demo.path))
    if existing is not None:
        return existing
    return ingest_file(workspace, demo.path, name=demo.key, display_name=demo.path.name)
