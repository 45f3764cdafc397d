"""Which columns the headline quality score covers, and why each other column is left out.

SDMetrics scores only the sdtypes it knows (numbers, dates, categories, booleans) and skips
the rest without a word, so a table whose names and coordinates were replaced by fake values
got a headline over the two columns left. Here every column of the extract gets a role:

- ``learned``: modelled by the synthesizer, scored with its own sdtype;
- ``replaced``: filled with fake or generated values (personal data, other generated
  sdtypes), scored as what the extract holds (numbers, dates or categories), so the headline
  says how far the extract is from the real column;
- left out, each with its reason: ``key`` (identifiers, regenerated per row), ``unique``
  (mostly unique values: even fresh real rows score near 0 on them), ``empty`` (nothing to
  compare) and ``not_sampled`` (wide tables are scored on a seeded column sample).

The plan depends on the real rows only, so the synthetic table and the holdout are scored on
the same columns, and anyone can rerun SDMetrics on ``scored_metadata`` to check the number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype

from core.meta import TABLE

LEARNED_SDTYPES = ("numerical", "datetime", "categorical", "boolean", "ordinal")
CONTINUOUS = ("numerical", "datetime")
ROLES = ("learned", "replaced", "key", "unique", "empty", "not_sampled")


@dataclass(frozen=True)
class ColumnScoring:
    """How one column enters the headline: scored as ``scored_as``, or left out (None)."""

    column: str
    role: str  # one of ROLES
    scored_as: str | None
    reason: str

    @property
    def scored(self) -> bool:
        return self.scored_as is not None

    def to_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"column": self.column, "role": self.role, "reason": self.reason}
        if self.scored_as is not None:
            entry["scored_as"] = self.scored_as
        return entry


def plan_scoring(
    real: pd.DataFrame,
    sdv_metadata: dict[str, Any],
    *,
    max_columns: int,
    replaced: Iterable[str] = (),
    max_distinct_share: float = 0.5,
    seed: int = 0,
) -> tuple[ColumnScoring, ...]:
    """The role of every column of ``real`` in the headline score, in column order.

    Args:
        real: The real (training) rows.
        sdv_metadata: The SDV metadata dict of the single studio table.
        max_columns: Wider tables are scored on a seeded sample of this many columns.
        replaced: Columns the studio replaces with fake values (direct identifiers), whatever
            their sdtype.
        max_distinct_share: A column compared as categories is left out when its distinct
            values exceed this share of its non-missing rows.
        seed: Seed of the column sample.
    """
    table = sdv_metadata["tables"][TABLE]
    columns = table["columns"]
    primary_key = table.get("primary_key")
    faked = set(replaced)
    plan: dict[str, ColumnScoring] = {}
    for name in real.columns:
        plan[str(name)] = _role(
            real[name],
            str(name),
            columns.get(name, {}),
            is_key=name == primary_key,
            faked=name in faked,
            max_distinct_share=max_distinct_share,
        )
    scorable = [name for name, entry in plan.items() if entry.scored]
    if len(scorable) > max_columns:
        kept = set(pd.Series(scorable).sample(n=max_columns, random_state=seed))
        for name in scorable:
            if name not in kept:
                plan[name] = ColumnScoring(
                    name,
                    "not_sampled",
                    None,
                    f"left out of the seeded sample of {max_columns} columns that wide tables "
                    "are scored on",
                )
    return tuple(plan.values())


def scored_metadata(
    sdv_metadata: dict[str, Any], plan: tuple[ColumnScoring, ...]
) -> dict[str, Any]:
    """SDV metadata of the scored columns only, each with the sdtype it is scored as."""
    known = sdv_metadata["tables"][TABLE]["columns"]
    columns: dict[str, Any] = {}
    for entry in plan:
        if not entry.scored:
            continue
        original = known.get(entry.column, {})
        if entry.role == "learned":
            columns[entry.column] = dict(original)
        else:
            columns[entry.column] = {"sdtype": entry.scored_as}
    spec = sdv_metadata.get("METADATA_SPEC_VERSION", "V1")
    return {
        "tables": {TABLE: {"columns": columns}},
        "relationships": [],
        "METADATA_SPEC_VERSION": spec,
    }


def align_replaced(
    real: pd.DataFrame, synthetic: pd.DataFrame, plan: tuple[ColumnScoring, ...]
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[ColumnScoring, ...]]:
    """Compare a replaced column as text when its fake values are not of the real kind.

    A phone column stored as numbers gets fake phone numbers as text: both sides are then
    compared as categories (labels), which says truthfully that the values differ.
    """
    aligned = list(plan)
    for i, entry in enumerate(plan):
        if entry.role != "replaced" or entry.scored_as not in ("numerical", "datetime", "boolean"):
            continue
        if _kind(synthetic[entry.column]) == entry.scored_as:
            continue
        real = real.assign(**{entry.column: _labels(real[entry.column])})
        synthetic = synthetic.assign(**{entry.column: _labels(synthetic[entry.column])})
        why = f"{entry.reason} (fake values compared as text)"
        aligned[i] = ColumnScoring(entry.column, entry.role, "categorical", why)
    return real, synthetic, tuple(aligned)


def _labels(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.isna(), values.astype(str))


def _role(
    series: pd.Series,
    name: str,
    column: dict[str, Any],
    *,
    is_key: bool,
    faked: bool,
    max_distinct_share: float,
) -> ColumnScoring:
    sdtype = column.get("sdtype", "unknown")
    present = series.dropna()
    if present.empty:
        return ColumnScoring(name, "empty", None, "empty in the real rows: nothing to compare")
    if is_key:
        return ColumnScoring(
            name, "key", None, "primary key: one value per row, regenerated for the extract"
        )
    if sdtype == "id":
        return ColumnScoring(
            name, "key", None, "identifier: regenerated for the extract, not learned"
        )
    if sdtype in LEARNED_SDTYPES and not faked:
        role, scored_as = "learned", sdtype
        why = "learned by the synthesizer"
    else:
        role, scored_as = "replaced", _kind(series)
        why = (
            "personal data replaced with fake values"
            if faked or column.get("pii")
            else f"generated as {sdtype.replace('_', ' ')}, not learned"
        )
    if scored_as in ("categorical", "ordinal"):
        distinct = int(present.nunique())
        if distinct > max_distinct_share * len(present):
            return ColumnScoring(
                name,
                "unique",
                None,
                f"{why}; mostly unique values ({distinct:,} distinct in {len(present):,} rows): "
                "no distribution to compare, fresh real rows score near 0 on it too",
            )
    return ColumnScoring(name, role, scored_as, why)


def _kind(series: pd.Series) -> str:
    """The SDMetrics sdtype of what a column holds, by its dtype."""
    if is_bool_dtype(series.dtype):
        return "boolean"
    if is_datetime64_any_dtype(series.dtype):
        return "datetime"
    if is_numeric_dtype(series.dtype):
        return "numerical"
    return "categorical"
