"""Columns as features a model or a distance reads: kinds, values, one encoding.

Utility (:mod:`core.evaluate.utility`), coverage, projection, the tallies and the privacy checks
all see columns the same way: each column's kind (:func:`kinds_from_sdtypes`,
:func:`kinds_from_dtypes`), its values as numbers, seconds or labels (:func:`prepare_features`,
:func:`as_labels`, :func:`as_seconds`), and one encoder (:func:`build_encoder`).
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

Kind = Literal["numeric", "datetime", "categorical"]

MAX_ONE_HOT_CATEGORIES = 20
MISSING_LABEL = "(missing)"

_KIND_OF_SDTYPE: dict[str, Kind] = {
    "numerical": "numeric",
    "datetime": "datetime",
    "categorical": "categorical",
    "boolean": "categorical",
    "ordinal": "categorical",
}


def kinds_from_sdtypes(sdtypes: dict[str, str]) -> dict[str, Kind]:
    """Feature kinds of the columns a model can use; ids and personal data are left out."""
    return {c: _KIND_OF_SDTYPE[t] for c, t in sdtypes.items() if t in _KIND_OF_SDTYPE}


def kinds_from_dtypes(df: pd.DataFrame) -> dict[str, Kind]:
    """Feature kinds from pandas dtypes: numbers, dates, and everything else as categories."""
    kinds: dict[str, Kind] = {}
    for column in df.columns:
        series = df[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            kinds[column] = "datetime"
        elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            kinds[column] = "numeric"
        else:
            kinds[column] = "categorical"
    return kinds


def prepare_features(df: pd.DataFrame, kinds: dict[str, Kind]) -> pd.DataFrame:
    """Columns in a form :func:`build_encoder` accepts whatever dtype a table came back with.

    Numbers become floats, dates seconds since 1970 (both NaN when missing), and categories
    text, with ``2.0`` read as ``2`` and missing values as ``(missing)``.
    """
    prepared: dict[str, pd.Series] = {}
    for column, kind in kinds.items():
        series = df[column]
        if kind == "numeric":
            prepared[column] = pd.to_numeric(series, errors="coerce").astype(float)
        elif kind == "datetime":
            prepared[column] = as_seconds(series)
        else:
            prepared[column] = as_labels(series).fillna(MISSING_LABEL)
    return pd.DataFrame(prepared, index=df.index, columns=list(kinds))


def build_encoder(
    kinds: dict[str, Kind], *, max_categories: int = MAX_ONE_HOT_CATEGORIES
) -> ColumnTransformer:
    """Standardised numbers and dates (median-imputed) next to one-hot categories.

    Categories beyond the ``max_categories`` most frequent share one column, and categories
    unseen at fit time encode as all zeros.
    """
    numeric = [c for c, k in kinds.items() if k in ("numeric", "datetime")]
    categorical = [c for c, k in kinds.items() if k == "categorical"]
    return ColumnTransformer(
        [
            (
                "numeric",
                make_pipeline(
                    SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler()
                ),
                numeric,
            ),
            (
                "categorical",
                OneHotEncoder(
                    handle_unknown="ignore", max_categories=max_categories, sparse_output=False
                ),
                categorical,
            ),
        ],
        sparse_threshold=0.0,
    )


def as_labels(series: pd.Series) -> pd.Series:
    """Values as text, missing kept as NaN; whole-number floats read as integers."""
    values = series
    if pd.api.types.is_float_dtype(values):
        present = values.dropna()
        # 2.0 and 2 are one category: a synthesizer or DuckDB may hand back floats for ints.
        whole = np.isfinite(present) & (present == np.round(present)) & (present.abs() < 2**53)
        if len(present) and whole.all():
            values = values.astype("Int64")
    # Each distinct value is turned into text once (a million rows hold a few thousand).
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.asarray(pd.Index(uniques).astype(str), dtype=object)
    labels = np.full(len(codes), np.nan, dtype=object)
    present = codes >= 0
    labels[present] = texts[codes[present]]
    return pd.Series(labels, index=series.index, dtype=object)


def as_seconds(series: pd.Series) -> pd.Series:
    """Dates as float seconds since 1970 (UTC), NaN where missing or unparseable."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        dates = series.dt.tz_convert("UTC")
    elif pd.api.types.is_datetime64_dtype(series):
        dates = series.dt.tz_localize("UTC")  # naive dates read as UTC; no parsing pass
    else:
        with warnings.catch_warnings():
            # Mixed formats make pandas warn that it parses element by element; intended.
            warnings.simplefilter("ignore")
            dates = pd.to_datetime(series, errors="coerce", utc=True)
    raw = dates.dt.tz_localize(None).to_numpy().astype("datetime64[ns]").view("int64")
    return pd.Series(raw.astype(float) / 1e9, index=series.index).where(dates.notna())
