"""The protections a run applies to its training rows, and what they cost.

A run records the settings it used, what each protection changed (columns, values, rows) and
the price: the quality score of the protected training rows against the unprotected ones,
whose shortfall from 1 is the fidelity the protections took before any synthesizer ran.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from core.config import Settings
from core.data.rule_types import rule_columns
from core.errors import InvalidParameterError
from core.evaluate.quality import evaluate_quality
from core.meta import StudioMetadata
from core.privacy.protect import RARE_REPLACEMENT, clip_extremes, protect_rare_categories


@dataclass(frozen=True)
class ProtectionSettings:
    """Which protections a run applies, with their thresholds (stored with the run)."""

    rare_grouping: bool = True
    rare_min_count: int = 5
    rare_max_share: float = 0.5
    clipping: bool = False
    clip_min_count: int = 5

    def __post_init__(self) -> None:
        if self.rare_grouping and self.rare_min_count < 1:
            raise InvalidParameterError(
                f"The rare-category threshold must be at least 1; got {self.rare_min_count}."
            )
        if self.clipping and self.clip_min_count < 1:
            raise InvalidParameterError(
                f"The clipping rank must be at least 1; got {self.clip_min_count}."
            )

    @classmethod
    def from_settings(cls, settings: Settings, **changes: Any) -> ProtectionSettings:
        """The studio defaults (``rare_min_count`` 0 turns grouping off), with ``changes``."""
        values = {
            "rare_grouping": settings.rare_min_count > 0,
            "rare_min_count": settings.rare_min_count if settings.rare_min_count > 0 else 5,
            "rare_max_share": settings.rare_max_share,
            "clipping": settings.clip_extremes,
            "clip_min_count": settings.clip_min_count,
        }
        values.update({k: v for k, v in changes.items() if v is not None})
        return cls(**values)

    @classmethod
    def none(cls) -> ProtectionSettings:
        """No protection at all."""
        return cls(rare_grouping=False, clipping=False)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ProtectionSettings:
        """The settings a run recorded (``to_dict``)."""
        known = {k: values[k] for k in asdict(cls()) if k in values}
        return cls(**known)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Protected:
    """Training rows after the protections, with the metadata to fit them and the record."""

    data: pd.DataFrame
    metadata: StudioMetadata
    report: dict[str, Any]


def protect_training(
    train: pd.DataFrame,
    metadata: StudioMetadata,
    settings: ProtectionSettings | Settings,
) -> Protected:
    """Group rare categories and clip extreme numbers as ``settings`` say.

    The record (``report``) holds the settings, and per protection the columns changed, how
    many values and rows, and the clip bounds; the metadata loses the grouped categories and
    gets the clipped bounds, so SDV neither refuses the new values nor restores the old ones.
    """
    if isinstance(settings, Settings):
        settings = ProtectionSettings.from_settings(settings)
    # A column a rule reads is left as it is: a grouped '(other)' or a clipped value would make
    # rows the rule never saw in the real data (a model paired with a maker it never had).
    ruled = {column for rule in metadata.rules for column in rule_columns(rule)}
    sdtypes = {c: t for c, t in metadata.sdtypes.items() if c not in ruled}
    report: dict[str, Any] = {"settings": settings.to_dict()}
    data = train
    if settings.rare_grouping:
        grouping = protect_rare_categories(
            data,
            sdtypes=sdtypes,
            min_count=settings.rare_min_count,
            max_rare_share=settings.rare_max_share,
        )
        data = grouping.data
        if grouping.grouped:
            entries = {}
            for column, values in grouping.grouped.items():
                entry = metadata.columns[column]
                known = entry.get("range_values")
                if known is not None:  # SDV refuses values outside its detected categories
                    added = [] if column in grouping.merged_into else [RARE_REPLACEMENT]
                    kept = [v for v in known if v not in values] + added
                    entries[column] = {**entry, "range_values": kept}
            metadata = metadata.with_columns(entries)
            report["rare_categories_grouped"] = {c: len(v) for c, v in grouping.grouped.items()}
            report["rare_categories"] = {
                column: {
                    "values": len(values),
                    "rows": grouping.rows[column],
                    "into": (
                        "the nearest frequent value (a number column stays numbers)"
                        if column in grouping.merged_into
                        else RARE_REPLACEMENT
                    ),
                }
                for column, values in grouping.grouped.items()
            }
        left = dict(grouping.left)
        left.update(
            {
                column: "a rule reads it: grouped values would break the rule"
                for column in sorted(ruled)
                if metadata.sdtypes.get(column) == "categorical"
                and (train[column].value_counts() < settings.rare_min_count).any()
            }
        )
        if left:
            report["rare_left"] = left
    if settings.clipping:
        clipping = clip_extremes(data, sdtypes=sdtypes, min_count=settings.clip_min_count)
        data = clipping.data
        if clipping.bounds:
            report["clipped"] = {c: [a, b] for c, (a, b) in clipping.bounds.items()}
            report["clipped_rows"] = dict(clipping.rows)
            # SDV's bounds would keep the real extremes: they become the clipped ones.
            metadata = metadata.with_columns(
                {
                    column: {**metadata.columns[column], "range_min": a, "range_max": b}
                    for column, (a, b) in clipping.bounds.items()
                    if "range_min" in metadata.columns[column]
                }
            )
    return Protected(data=data, metadata=metadata, report=report)


def changed_columns(report: dict[str, Any]) -> list[str]:
    """Columns a protection record says were changed, in first-seen order."""
    names = [*(report.get("rare_categories_grouped") or {}), *(report.get("clipped") or {})]
    return list(dict.fromkeys(names))


def protection_cost(
    train: pd.DataFrame,
    protected: Protected,
    metadata: StudioMetadata,
    settings: Settings,
    *,
    seed: int = 0,
) -> dict[str, Any]:
    """What the protections cost: quality of the protected rows against the unprotected ones.

    Scored like the headline (every column, the same caps) on the same rows of both, so
    ``cost`` = 1 - quality is the fidelity lost before fitting; 0 when nothing changed.
    """
    changed = changed_columns(protected.report)
    if not changed:
        return {"cost": 0.0, "quality_score": 1.0, "columns": [], "note": "nothing was changed"}
    quality = evaluate_quality(
        real=train,
        synthetic=protected.data,
        metadata=metadata.to_sdv(),
        max_rows=settings.eval_max_rows,
        max_columns=settings.eval_max_columns,
        replaced=metadata.direct_columns,
        max_distinct_share=settings.categorical_max_share,
        seed=seed,
        same_rows=True,
    )
    score = quality.overall.value
    return {
        "cost": None if math.isnan(score) else max(0.0, 1.0 - score),
        "quality_score": None if math.isnan(score) else score,
        "column_shapes": _finite(quality.column_shapes.value),
        "column_pair_trends": _finite(quality.column_pair_trends.value),
        "sample_rows": quality.sample_rows,
        "columns": changed,
        "note": "quality of the protected training rows scored against the unprotected ones "
        "(same rows, every scored column); 1 - score is the cost",
    }


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else float(value)
