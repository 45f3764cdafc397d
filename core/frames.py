"""Frames as SDV and SDMetrics must receive them.

SDV 2.0 and RDT 2.0 read every ``datetime64`` column as nanoseconds whatever its unit, so a
``datetime64[us]`` column (what DuckDB and Arrow hand pandas) is learned as dates in January
1970 and sampled back as such. Every frame that reaches a synthesizer, a metadata detection or a
score goes through :func:`sdv_ready` first; the workspace's reads already do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NS = "ns"


def sdv_ready(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every date and time column in nanoseconds (its time zone kept).

    Returns ``df`` itself when nothing needs to change, so calling it twice costs nothing.
    """
    changed = {
        column: _as_ns(df[column])
        for column in df.columns
        if pd.api.types.is_datetime64_any_dtype(df[column].dtype) and _unit(df[column]) != NS
    }
    if not changed:
        return df
    out = df.copy(deep=False)
    for column, series in changed.items():
        out[column] = series
    return out


def _unit(series: pd.Series) -> str:
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return dtype.unit
    return np.datetime_data(dtype)[0]


def _as_ns(series: pd.Series) -> pd.Series:
    tz = getattr(series.dtype, "tz", None)
    dtype = pd.DatetimeTZDtype(NS, tz) if tz is not None else "datetime64[ns]"
    # Dates beyond 1677-2262 do not fit in nanoseconds; they become missing, not wrapped.
    try:
        return series.astype(dtype)
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        low, high = pd.Timestamp.min, pd.Timestamp.max
        if tz is not None:
            low, high = low.tz_localize("UTC"), high.tz_localize("UTC")
        return series.where((series >= low) & (series <= high)).astype(dtype)
