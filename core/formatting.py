"""How numbers and names read wherever the studio shows them.

Pages, components, the HTML report and the CLI's human-readable lines format through these
functions, so a score, a share, a duration or a synthesizer reads the same everywhere:
``0.936`` is "0.94" as a score and "93.6%" as a share, 3,725 s is "1 h 2 min", and
``gaussian_copula`` or ``KSComplement`` reach the analyst as "Gaussian copula" and
"Column shape (KS)". Machine-readable output (JSON reports, ``--json``) keeps raw numbers
and keys.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

MISSING = "n/a"  # a value that was not measured or does not apply

# Display names of the keys, metric classes and fields the studio stores. Synthesizer labels
# match core.synth.registry (a test keeps the two in step).
NAMES: dict[str, str] = {
    # Synthesizers
    "gaussian_copula": "Gaussian copula",
    "ctgan": "CTGAN",
    "tvae": "TVAE",
    "copula_gan": "CopulaGAN",
    "dp_mst": "MST (differentially private)",
    # SDMetrics metrics, as the per-column and per-pair tables name them
    "KSComplement": "Column shape (KS)",
    "TVComplement": "Category frequencies (TV)",
    "CorrelationSimilarity": "Correlation",
    "ContingencySimilarity": "Contingency",
    "BoundaryAdherence": "Values within the real range",
    "CategoryAdherence": "Values among the real categories",
    "KeyUniqueness": "Unique keys",
    "TableStructure": "Table structure",
    "CategoryCoverage": "Category coverage",
    "RangeCoverage": "Range coverage",
    "MissingValueSimilarity": "Missing values",
    # Stored score keys and record fields
    "quality_score": "Quality score",
    "holdout_quality_score": "Holdout ceiling",
    "column_shapes": "Column shapes",
    "column_pair_trends": "Column pair trends",
    "diagnostic_score": "Diagnostic score",
    "dcr_share": "DCR share",
    "exact_matches": "Exact copies of training rows",
    "pii_leaks": "Real personal values",
    "privacy_measured": "Privacy measured",
    "utility_ratio": "Utility ratio",
    "fit_seconds": "Fit time",
    "sample_seconds": "Sampling time",
    "n_rows": "Rows",
    "default_distribution": "Marginal distribution",
    "embedding_dim": "Embedding size",
    "generator_lr": "Generator learning rate",
    "discriminator_lr": "Discriminator learning rate",
}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas' missing markers: nothing to show."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return str(value) in {"<NA>", "NaT", "nan"}


def score(value: Any, *, digits: int = 2) -> str:
    """A score or ratio as a decimal: 0.9360506906784838 -> "0.94"; missing -> "n/a"."""
    if is_missing(value) or isinstance(value, bool):
        return MISSING
    return f"{float(value):.{digits}f}"


def percent(value: Any, *, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage: 0.9360506906784838 -> "93.6%"; missing -> "n/a"."""
    if is_missing(value) or isinstance(value, bool):
        return MISSING
    return f"{float(value) * 100:.{digits}f}%"


def duration(seconds: Any) -> str:
    """Seconds as a person reads them: "0.3 s", "12 s", "2 min 5 s", "1 h 2 min"."""
    if is_missing(seconds):
        return MISSING
    value = max(float(seconds), 0.0)
    if value < 10:
        return f"{value:.1f} s"
    whole = round(value)
    if whole < 90:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs and minutes < 10 else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def count(value: Any) -> str:
    """A whole number with thousands separators: 43152 -> "43,152"."""
    if is_missing(value):
        return MISSING
    return f"{int(value):,}"


def number(value: Any) -> str:
    """Any other number, briefly: whole numbers with separators, others to four digits."""
    if is_missing(value) or isinstance(value, bool):
        return MISSING
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return count(value)
    return f"{value:.4g}"


def name(key: Any) -> str:
    """The display name of an internal name: a synthesizer key, metric class or field.

    Known names come from :data:`NAMES`; others are spelled out: ``snake_case`` becomes
    "Snake case" and ``CamelCase`` "Camel case". Anything else (a column name from the
    user's data) is returned unchanged.
    """
    raw = str(key)
    if raw in NAMES:
        return NAMES[raw]
    if re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+", raw):
        return raw.replace("_", " ").capitalize()
    if re.fullmatch(r"[A-Z][A-Za-z0-9]+", raw) and _CAMEL.search(raw):
        words = _CAMEL.split(raw)
        return " ".join([words[0], *(w if w.isupper() else w.lower() for w in words[1:])])
    return raw


def text(item: Any) -> str:
    """A stored value of unknown kind (a parameter, a fact), as text."""
    if isinstance(item, bool):
        return "yes" if item else "no"
    if is_missing(item):
        return MISSING
    if isinstance(item, int | float):
        return number(item)
    if isinstance(item, list | tuple | set):
        return ", ".join(text(v) for v in item)
    if isinstance(item, dict):
        return "; ".join(f"{name(k)}: {text(v)}" for k, v in item.items())
    return str(item)


def readable_rows(
    rows: Iterable[Mapping[str, Any]], *, named: Collection[str] = ("metric", "sdtype", "role")
) -> list[dict[str, str]]:
    """Stored per-column rows as a person reads them: headers by :func:`name`, the values of
    ``named`` fields by :func:`name`, scores to two decimals, counts with separators, missing
    blank. Other text (a column of the user's data) is kept as written."""

    def spelled(key: Any) -> str:
        shown = name(key)
        return shown[:1].upper() + shown[1:]

    def cell(field: str, value: Any) -> str:
        if is_missing(value):
            return ""
        if field in named:
            return spelled(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        return count(value) if isinstance(value, int) else score(value)

    return [{spelled(field): cell(field, value) for field, value in row.items()} for row in rows]
