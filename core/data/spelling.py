"""True / false as the input file spells them (``yes`` / ``no``), for what people read.

The rows a model learns keep their booleans; figures, shaping labels, scenario checks and
rare items read the input's own words, recorded at ingest (:mod:`core.data.formats`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.data.formats import ColumnFormat, TableFormat, all_bool


def spell_value(value: Any, fmt: ColumnFormat | None) -> Any:
    """A true / false ``value`` in the words the input spelled it in (``yes``), if it did;
    any other value as it is."""
    if fmt is not None and fmt.spelled_booleans and isinstance(value, bool | np.bool_):
        return fmt.true_text if value else fmt.false_text
    return value


def spell_booleans(frame: pd.DataFrame, table: TableFormat | None) -> pd.DataFrame:
    """``frame`` with each true / false column the input spelled in words (``yes`` / ``no``)
    as those words, missing values kept missing; every other column as it is.

    For what people read (figures, shaping labels, rare items): they read like the input,
    while the rows a model learns keep their booleans.
    """
    if table is None:
        return frame
    out = frame
    for name in frame.columns:
        fmt = table.columns.get(name)
        series = frame[name]
        if fmt is None or not fmt.spelled_booleans:
            continue
        present = series.notna()
        if not (pd.api.types.is_bool_dtype(series.dtype) or all_bool(series[present])):
            continue
        words = pd.Series(np.nan, index=frame.index, dtype=object)
        words[present] = np.where(
            series[present].astype(bool), fmt.true_text, fmt.false_text
        ).astype(object)
        out = out.copy(deep=False) if out is frame else out
        out[name] = words
    return out


def spell_label(label: str, fmt: ColumnFormat | None) -> str:
    """A label of a true / false value (``"True"``) in the input's words (``"Yes"``), if the
    input spelled them so; any other label as it is."""
    if fmt is not None and fmt.spelled_booleans and label in ("True", "False"):
        return fmt.true_text if label == "True" else fmt.false_text
    return label
