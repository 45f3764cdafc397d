"""The studio's pipeline as verbs over the workspace: the pages and the CLI share these.

:func:`ensure_metadata` detects a dataset's metadata on first use; :func:`synthesize` makes a
whole run, through the steps of :mod:`core.runs.steps`, and records the library versions that
decide its rows (:func:`library_versions`).
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import pandas as pd
import torch

from core.config import Settings, get_settings
from core.data.formats import TableFormat
from core.data.metadata import detect_metadata
from core.data.pii import detect_pii
from core.data.roles import fake_pii_metadata
from core.errors import InvalidParameterError
from core.evaluate.quality import QualityResult
from core.privacy.protections import ProtectionSettings
from core.progress import Progress, no_progress
from core.runs.assess import Evaluation
from core.runs.request import RunRequest
from core.runs.shaping import plan_shaping
from core.runs.steps import assess, fit, prepare, sample
from core.synth.registry import get_spec, resolve_params
from core.synth.seeding import check_seed
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace

_VERSIONED = ("sdv", "sdmetrics", "rdt", "copulas", "ctgan", "pandas", "numpy", "torch")


def library_versions() -> dict[str, str]:
    """Versions that decide a run's rows, recorded with every run for reproduction.

    With them torch's thread count: a neural fit's sums are split across threads, and another
    count gives other rows from the same seed (2 threads vs 1 or 4, measured on CTGAN).
    """
    return {
        "python": platform.python_version(),
        **{name: version(name) for name in _VERSIONED},
        "torch_threads": str(torch.get_num_threads()),
    }


def ensure_metadata(
    workspace: Workspace,
    dataset: DatasetInfo,
    *,
    pii: bool = True,
    real: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The dataset's stored metadata, detecting and storing it on first use.

    With ``pii`` on, columns holding direct identifiers (emails, phones, names, card numbers…)
    are marked as personal data, so synthesizers fill them with fake values. ``real`` is the
    dataset's table when the caller has read it already.
    """
    if dataset.metadata is not None:
        return dataset.metadata
    real = workspace.read_real(dataset.id) if real is None else real
    metadata = detect_metadata(real)
    if pii and (findings := detect_pii(real)):
        metadata = fake_pii_metadata(metadata, findings)
    workspace.set_metadata(dataset.id, metadata)
    return metadata


@dataclass(frozen=True)
class RunResult:
    """A finished run: its record, its scores and its evaluation sample.

    The rows themselves are in the workspace (``Workspace.read_synthetic``); ``sample`` holds
    the first of them, at most ``Settings.eval_max_rows``, that the sampled checks read.
    """

    run: RunInfo
    sample: pd.DataFrame
    evaluation: Evaluation

    @property
    def rows(self) -> int:
        return self.run.n_rows

    @property
    def quality(self) -> QualityResult:
        return self.evaluation.quality


def synthesize(
    workspace: Workspace,
    request: RunRequest | None = None,
    *,
    progress: Progress = no_progress,
    settings: Settings | None = None,
    **fields: Any,
) -> RunResult:
    """Fit on the training rows, sample, score against them and the holdout, store the run.

    ``seed`` decides everything random in the run: the holdout split, the training sample,
    the fit and the samples, so the same seed, data and settings give the same rows (MST's
    private noise excepted, see :mod:`core.synth.dp`). The run goes through four steps
    (:mod:`core.runs.steps`), each returning a frozen value: :func:`prepare` (split and protect
    the real rows), :func:`fit`, :func:`sample` (in batches of ``Settings.sample_batch_rows``
    straight into the workspace, so memory does not grow with ``rows``) and :func:`assess`.
    The run keeps everything or, on any error or interruption, nothing (see
    :meth:`Workspace.running`).

    The run is ``request`` (:class:`~core.runs.request.RunRequest`), or one built from
    ``fields``, its attributes as keywords (``synthesize(ws, dataset_id=1, key=..., ...)``).
    ``target`` adds the utility check; ``pii`` detects direct identifiers on first use of the
    dataset; ``protections`` says which protections change the training rows (the settings'
    defaults: rare categories grouped, no clipping); ``protect=False`` turns every one off.
    The run records the settings, what each changed and what it cost
    (``scores["protections"]``).

    The rows can be shaped (:mod:`core.synth.scenarios`): ``conditions`` (column to value,
    values as text or as the column holds them) makes every row that scenario; ``rebalance``
    names a category column whose shares become ``shares`` (category to share, adding up to
    1; equal when None); the dataset's rules (``StudioMetadata.rules``) hold in every row.
    The run stores them (``RunInfo.shaping``) and scores each scenario against its real rows
    (``scores["scenarios"]``), the shares reached (``scores["rebalance"]``) and the rows
    keeping each rule (``scores["rules"]``). ``augment`` (with a category ``target``) trains
    on real rows alone and on real plus synthetic rows and tests both on the holdout
    (``scores["augmentation"]``). ``limits`` bounds the drawing of a scenario's rows.

    Raises:
        StudioError: bad parameters, conditions, shares or rules, a fit the data does not
            allow, or a scenario the model rarely makes, as one line.
    """
    if request is None:
        request = RunRequest(**fields)
    elif fields:
        raise TypeError(f"synthesize takes a request or its fields, not both: {sorted(fields)}")
    settings = settings or get_settings()
    protections = request.protections if request.protect else ProtectionSettings.none()
    protections = protections or ProtectionSettings.from_settings(settings)
    key, rows, dataset_id, target = request.key, request.rows, request.dataset_id, request.target
    spec = get_spec(key)
    values = resolve_params(key, request.params)
    seed = check_seed(request.seed)
    if not 1 <= rows <= settings.max_rows:
        raise InvalidParameterError(
            f"Number of rows must be between 1 and {settings.max_rows:,}; got {rows:,}."
        )
    dataset = workspace.get_dataset(dataset_id)
    real = workspace.read_real(dataset_id)  # read once: metadata on first use, then the split
    metadata = ensure_metadata(workspace, dataset, pii=request.pii, real=real)
    if target is not None and target not in metadata.sdtypes:
        raise InvalidParameterError(f"Target column '{target}' is not in {dataset.name}.")
    # Checked before the run starts: a bad condition, share or rule records nothing.
    shaping = plan_shaping(
        real,
        metadata,
        spec=spec,
        conditions=request.conditions,
        rebalance=request.rebalance,
        shares=request.shares,
        limits=request.limits,
        table=TableFormat.from_dict(dataset.formats),
    )
    with workspace.running(
        dataset_id=dataset_id,
        synthesizer=spec.key,
        params=values,
        seed=seed,
        n_rows=rows,
        versions=library_versions(),
        shaping=shaping.to_dict() if shaping.active else None,
    ) as run:
        prepared = prepare(
            real,
            metadata,
            seed=seed,
            protections=protections,
            settings=settings,
            shaping=shaping,
        )
        fitted = fit(
            prepared, key=request.key, params=values, seed=seed, run=run, progress=progress
        )
        sampled = sample(
            run,
            fitted,
            prepared,
            rows=rows,
            seed=seed,
            schema=workspace.real_schema(dataset_id),
            settings=settings,
            progress=progress,
        )
        evaluation = assess(
            prepared,
            sampled,
            target=target,
            seed=seed,
            settings=settings,
            progress=progress,
            augment=request.augment,
            synthesizer=spec.key,
        )
        run.finish(
            fit_seconds=fitted.seconds,
            sample_seconds=sampled.seconds,
            scores=evaluation.to_dict(),
            model_path=fitted.model_path,
        )
    return RunResult(
        run=workspace.get_run(run.id), sample=sampled.tally.sample, evaluation=evaluation
    )
