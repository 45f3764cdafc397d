"""Differentially private synthesis: smartnoise-synth's MST behind the SDV synthesizer surface.

MST (McKenna et al., winner of the 2018 NIST differential-privacy synthetic data challenge)
measures every column's counts and a maximum spanning tree of column pairs with Gaussian noise,
then fits a graphical model (Private-PGM) to the noisy counts and samples from it. The whole fit
is (epsilon, delta)-differentially private: smaller epsilon means more noise, so more privacy and
less accuracy.

What epsilon covers, and what it does not:

- The noise protects the rows given the table's *domain*: the category values and numeric
  ranges. MST assumes the domain is public. Here it is read from the studio's metadata
  (``range_values``, ``range_min``/``range_max``, ``decimal_places``), which detection took from
  the real rows; where the metadata has no range, the training rows' minimum and maximum are used.
  Those few numbers are not protected by epsilon. Edit them in the metadata to public values
  (e.g. 0 to 120 for an age) to close that gap, or choose ``bounds="estimate"`` to spend a share
  of epsilon estimating each numeric range privately (coarse: powers of two, and it needs
  epsilon around 1 or more on small tables).
- Numbers are modelled as bins; a sampled bin is turned back into a number uniformly inside it.
  That and rounding to the column's decimals are post-processing, which costs no privacy.
- Identifier and personal-data columns are not modelled at all: they are generated (a counter,
  or Faker values), as SDV does for them.
- The noise comes from OpenDP's samplers, which draw from the operating system's secure
  generator and cannot be seeded (deliberately: a seedable noise source could be replayed).
  So two fits differ, and a run cannot be refitted to the same rows; sampling from a fitted
  model is seeded and repeatable.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import cloudpickle
import numpy as np
import pandas as pd
from faker import Faker
from sdv.metadata import Metadata

from core.errors import StudioError
from core.synth.fakes import FAKER_METHODS

# Bins per numeric column, from sqrt(rows) / 2 within these limits: more bins keep finer shapes
# but spread each count's noise thinner, so small tables want few (tips, 244 rows, quality at
# epsilon 1: 8 bins 0.80, 16 bins 0.76, 32 bins 0.72). MST treats the row count as public.
MIN_BINS, MAX_BINS = 8, 32
# Share of epsilon spent estimating numeric ranges when bounds="estimate".
BOUNDS_SHARE = 0.1
# MST's delta: far below 1/rows for any table the studio takes.
DELTA = 1e-9
BOUNDS_CHOICES = ("metadata", "estimate")

_MODELLED = {
    "numerical": "number",
    "datetime": "number",
    "categorical": "category",
    "boolean": "category",
    "ordinal": "category",
}
# Faker method per personal-data sdtype: core.privacy.protect's, plus the place types SDV may give a
# column that the studio does not treat as personal; "pystr" otherwise.
_FAKER_METHODS = {
    **FAKER_METHODS,
    "city": "city",
    "country": "country",
    "country_code": "country_code",
    "state": "state",
    "state_abbr": "state_abbr",
}
# MST and Private-PGM draw their samples from NumPy's global generator; sampling swaps in a
# seeded state under this lock, so two of these samplers in one process never share draws
# (other code drawing from that generator in another thread at that moment still could).
_GLOBAL_RNG_LOCK = threading.Lock()


@dataclass(frozen=True)
class NumericDomain:
    """How one numeric (or datetime) column is binned: public bounds and bin count."""

    lower: float
    upper: float
    bins: int
    decimals: int | None  # None keeps every decimal; 0 rounds to whole numbers

    @property
    def width(self) -> float:
        return (self.upper - self.lower) / self.bins


class DPMSTSynthesizer:
    """MST from smartnoise-synth with the fit / sample / save surface of an SDV synthesizer.

    ``fit({table: df})``, ``sample(num_rows=...) -> {table: df}`` with the original dtypes,
    ``reset_sampling()``, ``_set_random_state(seed)`` and ``save(path)`` behave as the studio
    uses them on SDV's single-table synthesizers.

    Args:
        metadata: SDV metadata of one table; its sdtypes decide what is modelled.
        epsilon: The privacy budget of the whole fit (bounds estimation included).
        bounds: ``"metadata"`` takes numeric ranges from the metadata (public by assumption);
            ``"estimate"`` spends ``BOUNDS_SHARE`` of epsilon estimating them privately.
        locales: Faker locales of generated personal-data columns.
    """

    def __init__(
        self,
        metadata: Metadata,
        epsilon: float = 1.0,
        bounds: str = "metadata",
        locales: list[str] | None = None,
    ) -> None:
        if not epsilon > 0:
            raise StudioError(f"Epsilon must be above 0; got {epsilon!r}.")
        if bounds not in BOUNDS_CHOICES:
            raise StudioError(f"Bounds must be one of {', '.join(BOUNDS_CHOICES)}; got {bounds!r}.")
        (self._table,) = metadata.tables  # one table, as the studio's metadata always has
        self.metadata = metadata
        self.epsilon = float(epsilon)
        self.bounds = bounds
        self.locales = list(locales or ["en_US"])
        self._model: Any = None  # the fitted MSTSynthesizer; None until fit
        self._columns: list[str] = []
        self._dtypes: dict[str, Any] = {}
        self._kinds: dict[str, str] = {}
        self._numeric: dict[str, NumericDomain] = {}
        self._primary_key: str | None = None
        self._bins = MIN_BINS
        self._seed = 0
        self.reset_sampling()

    def get_parameters(self) -> dict[str, Any]:
        """Constructor parameters, as SDV synthesizers report them."""
        return {"epsilon": self.epsilon, "bounds": self.bounds, "locales": self.locales}

    def fit(self, data: dict[str, pd.DataFrame]) -> None:
        """Fit MST on the table under the whole budget ``epsilon``.

        Raises:
            StudioError: no column is left to model, or with ``bounds="estimate"`` the budget
                is too small to find the numeric ranges (one line).
        """
        from snsynth.mst import MSTSynthesizer  # imports JAX: only when a DP fit is asked for

        frame = data[self._table]
        table = self.metadata.tables[self._table]
        self._columns = list(frame.columns)
        self._dtypes = frame.dtypes.to_dict()
        self._kinds = {name: _kind_of(table.columns.get(name, {})) for name in frame}
        self._primary_key = table.primary_key
        self._bins = numeric_bins(len(frame))
        modelled = [name for name in frame if self._kinds[name] in ("number", "category")]
        if not modelled:
            raise StudioError("No column to learn: every column is an identifier or personal data.")
        encoded = pd.DataFrame({name: self._encode(frame[name], name) for name in modelled})
        transformer, spent = self._transformer(encoded, table.columns)
        self._model = MSTSynthesizer(epsilon=self.epsilon - spent, delta=DELTA, verbose=False)
        self._model.fit(encoded, transformer=transformer)
        self.reset_sampling()

    def reset_sampling(self) -> None:
        """Restart sampling from the last seed: the next samples repeat the first ones."""
        self._set_random_state(self._seed)

    def _set_random_state(self, seed: int) -> None:
        # The name and meaning of SDV's private seed hook, which core.synth.seeding.set_seed calls.
        self._seed = int(seed)
        self._rng = np.random.RandomState(self._seed)
        self._faker = Faker(self.locales)
        self._faker.seed_instance(self._seed)
        self._next_id = 0

    def sample(self, num_rows: int) -> dict[str, pd.DataFrame]:
        """``num_rows`` synthetic rows as ``{table: df}`` with the training columns and dtypes.

        The same seed (see ``_set_random_state``) and the same batch sizes give the same rows.
        """
        if self._model is None:
            raise StudioError("Fit the differentially private synthesizer before sampling.")
        seed = int(self._rng.randint(2**31 - 1))
        with _GLOBAL_RNG_LOCK:
            saved = np.random.get_state()
            np.random.seed(seed)
            try:
                raw = self._model.sample(int(num_rows))
            finally:
                np.random.set_state(saved)
        rng = np.random.default_rng(seed)
        columns = {}
        for name in self._columns:
            kind = self._kinds[name]
            if kind in ("number", "category"):
                columns[name] = self._decode(raw[name].reset_index(drop=True), name, rng)
            elif kind == "id":
                columns[name] = self._ids(name, num_rows)
            else:
                columns[name] = self._fake(name, num_rows)
        self._next_id += num_rows
        return {self._table: pd.DataFrame(columns)[self._columns]}

    def save(self, filepath: str) -> None:
        """Write the fitted synthesizer with cloudpickle, as SDV's ``save`` does.

        Only the studio's own files are ever loaded back (``sdv.utils.load_synthesizer``).
        """
        with open(filepath, "wb") as handle:
            cloudpickle.dump(self, handle)

    # Columns in -------------------------------------------------------------------------------

    def _encode(self, series: pd.Series, name: str) -> pd.Series:
        if self._kinds[name] == "category":
            # snsynth's label transformer takes None for a missing value, not NaN or NaT.
            return series.astype(object).where(series.notna(), None)
        sdtype = self.metadata.tables[self._table].columns[name]["sdtype"]
        if sdtype == "datetime":
            fmt = self.metadata.tables[self._table].columns[name].get("datetime_format")
            stamps = pd.to_datetime(series, format=fmt, errors="coerce")
            return stamps.astype("int64").where(stamps.notna()).astype(float) / 1e9
        return pd.to_numeric(series, errors="coerce").astype(float)

    def _transformer(
        self, encoded: pd.DataFrame, meta: dict[str, dict[str, Any]]
    ) -> tuple[Any, float]:
        """snsynth's table transformer, fitted here so the budget it spends is explicit."""
        from snsynth.transform import BinTransformer, LabelTransformer, TableTransformer

        columns = []
        estimate = [n for n in encoded if self._kinds[n] == "number" and self.bounds == "estimate"]
        for name in encoded:
            nullable = bool(meta[name].get("range_is_nullable", encoded[name].isna().any()))
            if self._kinds[name] == "category":
                columns.append(LabelTransformer(nullable=nullable))
            elif name in estimate:
                columns.append(BinTransformer(bins=self._bins, nullable=nullable))
            else:
                domain = self._public_domain(encoded[name], name, meta[name])
                self._numeric[name] = domain
                columns.append(
                    BinTransformer(
                        bins=domain.bins,
                        lower=domain.lower,
                        upper=domain.upper,
                        nullable=nullable,
                    )
                )
        transformer = TableTransformer(columns)
        spent = self.epsilon * BOUNDS_SHARE if estimate else 0.0
        try:
            transformer.fit(encoded, epsilon=spent or None)
        except ValueError as err:  # snsynth's bin transformer found no range under its budget
            raise StudioError(
                f"Epsilon {self.epsilon:g} is too small to estimate the numeric ranges privately "
                "on this table; raise epsilon or use the metadata's bounds."
            ) from err
        for name, column in zip(encoded, columns, strict=True):
            if name in estimate:
                low, high = column.fit_lower, column.fit_upper
                if low is None or high is None or not high > low:
                    raise StudioError(
                        f"Epsilon {self.epsilon:g} is too small to estimate the range of "
                        f"'{name}' privately; raise epsilon or use the metadata's bounds."
                    )
                self._numeric[name] = NumericDomain(
                    float(low), float(high), self._bins, self._decimals(name, meta[name])
                )
        return transformer, spent

    def _public_domain(self, values: pd.Series, name: str, meta: dict[str, Any]) -> NumericDomain:
        """Bounds from the metadata (else the training rows) and bins for one numeric column."""
        low, high = meta.get("range_min"), meta.get("range_max")
        if low is None or high is None or meta["sdtype"] == "datetime":
            low, high = values.min(), values.max()
        if pd.isna(low) or pd.isna(high):  # an empty column: any range works
            low, high = 0.0, 1.0
        low, high = float(low), float(high)
        decimals = self._decimals(name, meta)
        if decimals == 0 and high - low + 1 <= self._bins:
            # Few whole numbers: one bin per value, centred on it, so values come back exact.
            return NumericDomain(low - 0.5, high + 0.5, int(high - low + 1), 0)
        if high <= low:  # a constant column still needs a bin of some width
            high = low + 1.0
        return NumericDomain(low, high, self._bins, decimals)

    def _decimals(self, name: str, meta: dict[str, Any]) -> int | None:
        if meta.get("sdtype") == "datetime":
            return 0  # whole seconds
        if pd.api.types.is_integer_dtype(self._dtypes[name]):
            return 0
        places = meta.get("decimal_places")
        return None if places is None else int(places)

    # Columns out ------------------------------------------------------------------------------

    def _decode(self, values: pd.Series, name: str, rng: np.random.Generator) -> pd.Series:
        dtype = self._dtypes[name]
        if self._kinds[name] == "category":
            return _cast(values, dtype)
        domain = self._numeric[name]
        # The model returns each bin's midpoint: spread values uniformly inside their bin.
        numbers = pd.to_numeric(values, errors="coerce").astype(float)
        spread = rng.uniform(-0.5, 0.5, size=len(numbers)) * domain.width
        numbers = (numbers + spread).clip(domain.lower, domain.upper)
        if domain.decimals is not None:
            numbers = numbers.round(domain.decimals)
        if self.metadata.tables[self._table].columns[name]["sdtype"] == "datetime":
            stamps = pd.to_datetime(numbers * 1e9, errors="coerce")
            if pd.api.types.is_datetime64_any_dtype(dtype):
                return stamps.astype(dtype)
            fmt = self.metadata.tables[self._table].columns[name].get("datetime_format")
            text = stamps.dt.strftime(fmt) if fmt else stamps.astype(str)
            return text.astype(object).where(stamps.notna(), None)
        return _cast(numbers, dtype)

    def _ids(self, name: str, rows: int) -> pd.Series:
        # Counters continue across batches until reset, so a key stays unique in one sample.
        numbers = pd.Series(np.arange(self._next_id, self._next_id + rows))
        if pd.api.types.is_numeric_dtype(self._dtypes[name]):
            return numbers.astype(self._dtypes[name])
        return numbers.astype(str).astype(object)

    def _fake(self, name: str, rows: int) -> pd.Series:
        sdtype = self.metadata.tables[self._table].columns[name].get("sdtype", "unknown")
        source = self._faker.unique if name == self._primary_key else self._faker
        draw = getattr(source, _FAKER_METHODS.get(sdtype, "pystr"))
        return pd.Series([str(draw()) for _ in range(rows)], dtype=object)


def _kind_of(meta: dict[str, Any]) -> str:
    """How a column is handled: "number" or "category" (modelled), "id" or "fake" (generated)."""
    sdtype = meta.get("sdtype", "unknown")
    if sdtype == "id":
        return "id"
    if sdtype in _MODELLED:
        return _MODELLED[sdtype]
    # SDV learns a place sdtype marked "not personal" as categories, and fakes the rest.
    return "category" if meta.get("pii") is False else "fake"


def _cast(values: pd.Series, dtype: Any) -> pd.Series:
    """``values`` in the training column's dtype, keeping missing values missing."""
    if values.isna().any() and pd.api.types.is_integer_dtype(dtype):
        return values.astype("Int64" if dtype == np.int64 else str(dtype).capitalize())
    if pd.api.types.is_bool_dtype(dtype) and values.isna().any():
        return values.astype("boolean")
    try:
        return values.astype(dtype)
    except (TypeError, ValueError):
        return values.astype(object)


def numeric_bins(rows: int) -> int:
    """Bins per numeric column for a table of ``rows`` rows (see ``MIN_BINS``)."""
    return int(np.clip(round(np.sqrt(max(rows, 0)) / 2), MIN_BINS, MAX_BINS))
