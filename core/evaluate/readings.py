"""How each score is shown and read: its label, range, direction and a plain-language reading.

The HTML report and the Compare page's score panel use the same entries, so a score reads the
same wherever it appears.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from core.evaluate.stored import StoredScores

HOLDOUT_KEY = "holdout_quality_score"

Better = Literal["higher", "lower", "one", "reference", "ratio", "ceiling"]


@dataclass(frozen=True)
class ScoreInfo:
    """How to show and read one named score; ``None`` bounds are unbounded."""

    label: str
    low: float | None
    high: float | None
    better: Better
    meaning: str


def _read_as(
    better: Better,
    entries: dict[str, tuple[str, str]],
    *,
    low: float | None = 0,
    high: float | None = 1,
) -> dict[str, ScoreInfo]:
    """Scores of one range that read the same way, given as ``{key: (label, meaning)}``."""
    return {
        key: ScoreInfo(label, low, high, better, text) for key, (label, text) in entries.items()
    }


SCORES: dict[str, ScoreInfo] = {
    **_read_as(
        "higher",
        {
            "quality_score": (
                "Quality score",
                "SDMetrics quality of the synthetic rows against every real row: how closely "
                "columns and column pairs follow them",
            ),
            "column_shapes": ("Column Shapes", "how closely each column's distribution is matched"),
            "column_pair_trends": (
                "Column Pair Trends",
                "how well relationships between columns are kept",
            ),
        },
    ),
    **_read_as(
        "ceiling",
        {
            HOLDOUT_KEY: (
                "Holdout ceiling",
                "the quality score of real rows kept aside, scored against the training rows",
            )
        },
    ),
    **_read_as(
        "one",
        {
            "diagnostic_score": ("Diagnostic score", "whether synthetic rows are well formed"),
            "data_validity": ("Data Validity", "values inside real ranges and known categories"),
            "data_structure": ("Data Structure", "the same columns as the real table"),
        },
    ),
    **_read_as(
        "reference",
        {
            "real_score": (
                "Model trained on real rows",
                "score on the holdout of a model trained on real rows (macro F1 or R²)",
            ),
            "synthetic_score": (
                "Model trained on synthetic rows",
                "score on the holdout of the same model trained on synthetic rows",
            ),
        },
        low=None,
    ),
    **_read_as(
        "ratio",
        {"ratio": ("Utility ratio", "synthetic-trained score divided by real-trained score")},
        high=None,
    ),
    **_read_as(
        "higher",
        {
            "category_coverage": ("Category coverage", "share of real categories present"),
            "range_coverage": ("Range coverage", "share of the real numeric ranges spanned"),
            "missing_value_similarity": ("Missing values", "agreement of missing-value rates"),
            "rare_category_coverage": (
                "Rare category coverage",
                "share of rare real categories present",
            ),
        },
    ),
    **_read_as(
        "lower",
        {
            "duplicate_share": ("Duplicate rows", "share of synthetic rows repeating another"),
            "exact_copy_share": (
                "Exact copies",
                "share of synthetic rows identical to a real row",
            ),
            "near_duplicate_share": (
                "Near-duplicates",
                "share of synthetic rows unusually close to a real row (a fresh real sample "
                "gives ~5%)",
            ),
        },
    ),
}

# The headline scores shown side by side on the Compare page, in order.
HEADLINE_KEYS = (
    "quality_score",
    HOLDOUT_KEY,
    "column_shapes",
    "column_pair_trends",
    "diagnostic_score",
)

_BANDS = (
    (0.9, "excellent", "very close to the real data on this measure"),
    (0.8, "good", "close to the real data, with small differences"),
    (0.7, "fair", "noticeable differences; check the plots"),
    (0.5, "poor", "large differences from the real data"),
    (-math.inf, "very poor", "little resemblance to the real data on this measure"),
)
_NEAR_EXPECTED = 0.075  # a fresh real sample gives 5% by construction; allow sampling noise


def read_score(name: str, value: float | None) -> str:
    """A plain-language reading of one score, e.g. ``"good: close to the real data ..."``.

    Args:
        name: A key of :data:`SCORES` (``"quality_score"``, ``"ratio"``, ...) or a score's
            display name (``"Column Shapes"``); other names get the generic 0-1 reading.
        value: The score; ``None`` or NaN reads as "not available".
    """
    return read_info(SCORES.get(name) or info_for_label(name), value)


def read_info(info: ScoreInfo | None, value: float | None) -> str:
    """The reading of ``value`` for the score ``info`` describes (generic 0-1 when None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available: the score does not apply to this table"
    better = info.better if info else "higher"
    if better == "one":
        if value >= 0.9999:
            return "as expected: every synthetic value is well formed"
        if value >= 0.99:
            return "almost all synthetic values are well formed; a few break the real ranges"
        return (
            "some synthetic values break the real ranges, categories or columns; "
            "add constraints or check the metadata"
        )
    if better == "ratio":
        return _read_ratio(value)
    if better == "reference" and info:
        return f"{info.meaning}; the utility ratio compares the two"
    if better == "ceiling":
        return (
            "what a fresh sample of real rows reaches: the practical ceiling for the "
            "synthetic quality score"
        )
    if better == "lower" and info:
        return _read_share(info, value)
    for floor, band, text in _BANDS:
        if value >= floor:
            return f"{band}: {text}"
    return ""  # unreachable: the last band has no floor


def _read_ratio(value: float) -> str:
    if value > 1.1:
        return (
            "suspicious: the synthetic-trained model beats the real-trained one; check that "
            "holdout rows did not leak into training and that the holdout is not tiny"
        )
    if value >= 0.9:
        return (
            "excellent: a model trained on synthetic rows predicts the holdout about as well "
            "as one trained on real rows"
        )
    if value >= 0.8:
        return "good: the synthetic data keeps most of the real data's predictive value"
    if value >= 0.6:
        return "fair: the synthetic data loses a noticeable part of the predictive value"
    return "poor: the synthetic data loses most of the real data's predictive value"


def _read_share(info: ScoreInfo, value: float) -> str:
    if info is SCORES["near_duplicate_share"]:
        if value <= _NEAR_EXPECTED:
            return "about what a fresh real sample gives (~5%): no sign of memorised rows"
        if value <= 0.2:
            return "more than a fresh real sample gives: some rows sit very close to real ones"
        return "far more than a fresh real sample gives: the synthesizer likely memorised rows"
    if info is SCORES["exact_copy_share"]:
        if value == 0:
            return "no synthetic row is an exact copy of a real row"
        return (
            f"{value:.1%} of synthetic rows are exact copies of real rows; they reveal those "
            "records unless the table has only a few possible combinations"
        )
    if info is SCORES["duplicate_share"]:
        if value == 0:
            return "no synthetic row is repeated"
        if value <= 0.01:
            return "a few repeated rows"
        return f"{value:.1%} of rows repeat another; check whether the real table does too"
    if value == 0:
        return "none"
    return f"{value:.1%}; lower is better"


def _label_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")


# Score objects carry display names ("Column Shapes"); map those back to their entries.
_BY_LABEL: dict[str, ScoreInfo] = {_label_key(info.label): info for info in SCORES.values()}


def info_for_label(name: str) -> ScoreInfo | None:
    """The entry of a score given by its display name (``"Column Shapes"``), if any."""
    return _BY_LABEL.get(_label_key(name))


_ROLE_WORDS = {
    "key": "key",
    "unique": "mostly unique values",
    "empty": "empty",
    "not_sampled": "not in the column sample",
}


def headline_columns(scores: Mapping[str, Any] | StoredScores | None) -> str:
    """What the headline quality score covers, e.g. ``"Scored on 4 of 7 columns, 2 of them
    replaced with fake values (latitude, longitude); not scored: iata (key), ..."``.

    Empty for scores stored before the columns were listed.
    """
    stored = StoredScores.of(scores)
    scored, unscored = stored.scored_columns, stored.unscored_columns
    if scored is None:
        return ""
    total = len(scored) + len(unscored)
    text = f"Scored on {len(scored)} of {total} columns"
    replaced = [c["column"] for c in scored if c.get("role") == "replaced"]
    if replaced:
        text += (
            f", {len(replaced)} of them replaced with fake or generated values "
            f"({_names(replaced)}), which pull the score down by design"
        )
    if unscored:
        left = ", ".join(
            f"{c['column']} ({_ROLE_WORDS.get(c.get('role', ''), c.get('role', ''))})"
            for c in unscored[:8]
        )
        more = f" and {len(unscored) - 8} more" if len(unscored) > 8 else ""
        text += f"; not scored: {left}{more}"
    learned = stored.value("learned_quality_score")
    if replaced and learned is not None:
        text += f". The learned columns alone score {learned:.1%}"
    return text + "."


def protection_notes(protections: dict[str, Any]) -> list[str]:
    """One sentence per protection a run applied: what it changed and what it cost."""
    if not protections:
        return []
    settings = protections.get("settings") or {}
    notes: list[str] = []
    rare = protections.get("rare_categories") or {}
    if rare:
        parts = [
            f"{column}: {entry['values']} values in {entry['rows']} rows into {entry['into']}"
            for column, entry in rare.items()
        ]
        notes.append(
            f"Rare categories (seen under {settings.get('rare_min_count', '?')} times) grouped: "
            + "; ".join(parts)
            + "."
        )
    elif protections.get("rare_categories_grouped"):  # runs recorded before the details
        grouped = protections["rare_categories_grouped"]
        notes.append(
            "Rare categories grouped: "
            + "; ".join(f"{c}: {n} values" for c, n in grouped.items())
            + "."
        )
    elif settings.get("rare_grouping"):
        notes.append(
            f"Rare-category grouping was on (under {settings.get('rare_min_count')} rows) and "
            "changed no column."
        )
    for column, why in (protections.get("rare_left") or {}).items():
        notes.append(f"{column} was not grouped: {why}.")
    clipped = protections.get("clipped") or {}
    if clipped:
        moved = protections.get("clipped_rows") or {}
        parts = [
            f"{column} to [{low:g}, {high:g}]"
            + (f" ({moved[column]} rows)" if column in moved else "")
            for column, (low, high) in clipped.items()
        ]
        notes.append("Extreme numbers clipped: " + "; ".join(parts) + ".")
    elif settings and not settings.get("clipping"):
        notes.append("Clipping of extreme numbers was off.")
    cost = (protections.get("cost") or {}).get("cost")
    if isinstance(cost, int | float):
        notes.append(
            f"Cost of these protections: {cost:.3f} of quality (the protected training rows "
            f"score {1 - cost:.3f} against the unprotected ones, before any synthesizer ran)."
        )
    return notes


def read_range_coverage(coverage: dict[str, Any]) -> str:
    """The range coverage reading, saying when the studio's clipping narrowed the ranges."""
    value = coverage.get("range_coverage")
    clipped = coverage.get("range_clipped_columns") or []
    if not clipped:
        return read_score("range_coverage", value)
    within = coverage.get("range_coverage_within_clipping")
    shown = "n/a" if within is None else f"{within:.0%}"
    return (
        f"narrowed by the studio's clipping of {_names(clipped)}: the synthesizer never saw "
        f"the real values beyond the clip bounds; {shown} of the ranges it was shown are "
        "covered"
    )


def _names(columns: list[str], limit: int = 6) -> str:
    shown = ", ".join(str(c) for c in columns[:limit])
    return shown + (f" and {len(columns) - limit} more" if len(columns) > limit else "")


def columns_covered(scores: Mapping[str, Any] | StoredScores | None) -> str | None:
    """``"4 of 7"``: the columns the headline quality covers; None for older runs."""
    stored = StoredScores.of(scores)
    scored = stored.scored_columns
    if scored is None:
        return None
    return f"{len(scored)} of {len(scored) + len(stored.unscored_columns)}"
