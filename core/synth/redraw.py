"""Fake personal values redrawn per batch, and a finished run's model with that postprocess.

:class:`RedrawRealPii` (built by :func:`redraw_real_pii`) fakes a dataset's direct identifiers
and id columns in the real shape, batch by batch, never equal to a real value;
:func:`load_run_model` loads the model a run saved, with it, to sample more rows.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from sdv.single_table.base import BaseSingleTableSynthesizer

from core.errors import NotFoundError
from core.meta import StudioMetadata
from core.synth.fake_specs import build_specs
from core.synth.fake_values import FakeSpec
from core.synth.fakes import fake_columns, normal_text
from core.workspace.store import Workspace


@dataclass(eq=False)
class RedrawRealPii:
    """A postprocess that fakes direct identifiers and id columns in the real shape, per batch.

    Each value of a direct identifier becomes a fake of its column's shape (see
    :mod:`core.synth.fakes`) that equals no real value; each id column (a key, personal or not)
    becomes codes of the real keys' shape, unique across the run's batches. ``real`` holds
    only the direct identifiers' distinct real values and ``specs`` only shapes, so that is
    all a worker receives; ``redrawn`` counts the fakes redrawn in this process because they
    equalled a real value.
    """

    real: pd.DataFrame
    sdtypes: dict[str, str]
    columns: tuple[str, ...]
    locale: str
    redrawn: int = 0
    specs: dict[str, FakeSpec] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._avoid = {c: normal_text(self.real[c].dropna()) for c in self.columns}

    def starting_at(self, row: int) -> RedrawRealPii:
        """A copy for rows drawn from ``row`` on by a fresh copy of the model, e.g. a shard.

        SDV's key counter restarts in every copy of a model, so each shard would repeat the
        first shard's keys; from this copy they continue at ``row`` instead.
        """
        specs = {c: replace(s, first_row=row) if s.counter else s for c, s in self.specs.items()}
        return RedrawRealPii(
            real=self.real,
            sdtypes=self.sdtypes,
            columns=self.columns,
            locale=self.locale,
            specs=specs,
        )

    def __call__(self, batch: pd.DataFrame, seed: int) -> pd.DataFrame:
        out, redrawn = fake_columns(
            batch, self.specs, avoid=self._avoid, locale=self.locale, seed=seed
        )
        self.redrawn += redrawn
        return out


def redraw_real_pii(metadata: StudioMetadata, real: pd.DataFrame) -> RedrawRealPii | None:
    """The postprocess for a dataset's direct identifiers and id columns, or None without any.

    Args:
        metadata: The table's metadata (roles, sdtypes, locale).
        real: Every real row a fake must differ from (training and holdout); only the shapes
            of its values and the distinct values of the direct identifiers are kept.
    """
    sdtypes = metadata.sdtypes
    columns = [c for c in metadata.direct_columns if c in real.columns]
    ids = [c for c, t in sdtypes.items() if t == "id" and c in real.columns and c not in columns]
    if not columns and not ids:
        return None
    kinds = {c: e["kind"] for c, e in metadata.roles.items() if e.get("kind")}
    specs = build_specs(
        real[columns + ids],
        sdtypes=sdtypes,
        kinds=kinds,
        keys=[metadata.primary_key] if metadata.primary_key else [],
    )
    distinct = pd.DataFrame({c: pd.Series(real[c].dropna().unique()) for c in columns})
    return RedrawRealPii(
        real=distinct,
        sdtypes=sdtypes,
        columns=tuple(columns),
        locale=metadata.locale,
        specs=specs,
    )


@dataclass(frozen=True, eq=False)
class RunModel:
    """A finished run's fitted model and the postprocess its extra rows need."""

    synth: BaseSingleTableSynthesizer
    postprocess: RedrawRealPii | None


def load_run_model(workspace: Workspace, run_id: int) -> RunModel:
    """Load the model a run saved, to sample more rows from it (e.g. a big sharded extract).

    Only the studio's own model files are loaded (cloudpickle); the postprocess redraws fake
    personal values that equal a real one, as the run itself did.

    Raises:
        NotFoundError: the run or its model file is gone.
    """
    from sdv.utils.utils import load_synthesizer  # SDV's cloudpickle loader

    run = workspace.get_run(run_id)
    if not run.model_path or not Path(run.model_path).is_file():
        raise NotFoundError(f"Run {run_id} has no saved model to sample from.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        synth = load_synthesizer(run.model_path)
    metadata = workspace.get_dataset(run.dataset_id).metadata
    post = redraw_real_pii(metadata, workspace.read_real(run.dataset_id)) if metadata else None
    return RunModel(synth=synth, postprocess=post)
