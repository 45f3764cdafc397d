"""What a bundle holds of its run: the record in ``run.json``, the protections, the metadata.

:func:`run_record` is ``run.json``: the run's name and notes, its dataset, synthesizer class
and parameters, seed, rows, batch size, holdout split, protections, shaping, versions and
timings. :func:`bundle_protections` says what the pipeline changed in the training rows,
precisely enough to redo it without naming the rare values it hides, and
:func:`fitted_metadata` the metadata the run was fitted with. :func:`json_text` writes strict
JSON (a score that could not be computed becomes null).
"""

from __future__ import annotations

import copy
import inspect
import json
import math
from typing import Any

import pandas as pd

from core.config import Settings
from core.data.holdout import recorded_split
from core.errors import StudioError
from core.evaluate.stored import StoredScores
from core.meta import TABLE
from core.privacy.protect import RARE_REPLACEMENT, RareGrouping, protect_rare_categories
from core.synth.registry import SynthesizerSpec
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace


def run_record(
    run: RunInfo,
    *,
    dataset: DatasetInfo,
    spec: SynthesizerSpec,
    split: dict[str, Any],
    protections: dict[str, Any],
    batch_rows: int,
) -> dict[str, Any]:
    """The run as ``run.json`` records it, with the parameters the synthesizer was built with."""
    parameters = {**run.params, **spec.fixed_kwargs}
    locales = list(dataset.metadata.locales) if dataset.metadata else []
    if locales and "locales" in inspect.signature(spec.cls.__init__).parameters:
        parameters["locales"] = locales  # as core.synth.fitting.fit_synthesizer passes them
    return {
        "run_id": run.id,
        "name": run.name,
        "notes": run.notes,
        "dataset": {
            "name": dataset.name,
            "rows": dataset.n_rows,
            "columns": dataset.n_columns,
            "fingerprint": dataset.fingerprint,
        },
        "synthesizer": {"key": spec.key, "label": spec.label, "class": spec.cls.__name__},
        "parameters": parameters,
        "fixed_parameters": dict(spec.fixed_kwargs),
        "seed": run.seed,
        "rows": run.n_rows,
        "sample_batch_rows": batch_rows,
        "holdout": {
            "train_rows": split["train_rows"],
            "holdout_rows": split["holdout_rows"],
            "share": split.get("share"),
            "seed": split.get("seed"),
            "note": split.get("note", ""),
            "moved_to_training": split.get("moved_to_training", 0),
        },
        "protections": protections,
        "shaping": run.shaping,
        "versions": run.versions or {},
        "timings": {"fit_seconds": run.fit_seconds, "sample_seconds": run.sample_seconds},
        "status": run.status,
        "created": run.created.isoformat(timespec="seconds"),
    }


def fitted_metadata(
    sdv_meta: dict[str, Any], protections: dict[str, Any], rare_values: dict[str, list[Any]]
) -> dict[str, Any]:
    """The metadata the run was fitted with: no rare category, no bound beyond the clip.

    As :func:`core.privacy.protections.protect_training` changes it, so it names none of the values
    the protections hide.
    """
    fitted = copy.deepcopy(sdv_meta)
    columns = fitted["tables"][TABLE]["columns"]
    to_nearest = set(protections.get("rare_to_nearest") or [])
    for column, values in rare_values.items():
        known = columns[column].get("range_values")
        if known is not None:
            added = [] if column in to_nearest else [protections["replacement"]]
            columns[column]["range_values"] = [v for v in known if v not in values] + added
    for column, (low, high) in protections["clip"].items():
        if "range_min" in columns[column]:
            columns[column]["range_min"], columns[column]["range_max"] = float(low), float(high)
    return fitted


def bundle_protections(
    workspace: Workspace, dataset: DatasetInfo, scores: StoredScores, settings: Settings
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """What the pipeline changed in the training rows, precisely enough to redo it.

    The run records its protection settings (runs before them: the settings of the time,
    taken from ``settings``), the clip bounds, and of the rare categories only how many it
    grouped per column. The bundle carries the threshold and the counts, not the values
    (which the grouping exists to hide); the threshold is checked here by finding the same
    counts again in the training split.
    """
    recorded = scores.protections
    chosen = recorded.get("settings")
    min_count = chosen["rare_min_count"] if chosen else settings.rare_min_count
    max_share = chosen["rare_max_share"] if chosen else settings.rare_max_share
    counts: dict[str, int] = recorded.get("rare_categories_grouped") or {}
    found = RareGrouping(data=pd.DataFrame())
    if counts:
        if min_count > 0:
            train = recorded_split(workspace.read_real(dataset.id), scores, settings).train
            found = protect_rare_categories(
                train,
                sdtypes=dataset.metadata.sdtypes,
                min_count=min_count,
                max_rare_share=max_share,
            )
        if {column: len(found.grouped.get(column, [])) for column in counts} != counts:
            where = (
                "the data" if chosen else f"the rare-category setting (now {min_count}) or the data"
            )
            raise StudioError(
                f"The rare categories this run grouped cannot be found again: {where} "
                "changed since; rerun it to bundle it."
            )
    protections = {
        "replacement": RARE_REPLACEMENT,
        "rare_min_count": min_count if counts else None,
        "rare_categories_grouped": counts,
        "rare_to_nearest": [column for column in counts if column in found.merged_into],
        "clip": recorded.get("clipped") or {},
        "pii_values_redrawn": int(recorded.get("pii_values_redrawn") or 0),
        "settings": chosen,
    }
    return protections, {column: found.grouped.get(column, []) for column in counts}


def json_text(value: Any) -> str:
    return json.dumps(_finite(value), indent=2, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    # Strict JSON has no NaN or infinity: a score that could not be computed becomes null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
