"""The studio's pipeline as verbs over the workspace: the pages and the CLI share these."""

from __future__ import annotations

import dataclasses
import platform
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd
from sdv.single_table.base import BaseSingleTableSynthesizer

from core.config import Settings, get_settings
from core.data.holdout import RealSplit, split_real
from core.data.metadata import detect_metadata, sdtypes_of, to_sdv
from core.data.pii import detect_pii
from core.data.roles import fake_pii_metadata
from core.errors import InvalidParameterError
from core.evaluate.quality import QualityResult
from core.evaluate.tally import SyntheticTally
from core.privacy.protections import ProtectionSettings, protect_training, protection_cost
from core.progress import Progress, no_progress
from core.runs.assess import Evaluation, evaluate
from core.synth.registry import fit_synthesizer, get_spec, resolve_params
from core.synth.sampling import redraw_real_pii, sample_to_workspace
from core.synth.training_sample import category_columns, training_sample
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace

_VERSIONED = ("sdv", "sdmetrics", "rdt", "copulas", "ctgan", "pandas", "numpy", "torch")


def library_versions() -> dict[str, str]:
    """Versions that decide a run's rows, recorded with every run for reproduction."""
    return {"python": platform.python_version(), **{name: version(name) for name in _VERSIONED}}


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


def real_all(split: RealSplit) -> pd.DataFrame:
    """Training and holdout rows together: every real value a fake one must avoid."""
    return pd.concat([split.train, split.holdout], ignore_index=True)


def save_model(synth: BaseSingleTableSynthesizer, path: Path) -> Path:
    """Save a fitted model beside the workspace (SDV's cloudpickle: studio files only).

    Only models the studio wrote itself are ever loaded again; nothing a user uploads is.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    synth.save(str(partial))
    partial.replace(path)
    return path


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
    *,
    dataset_id: int,
    key: str,
    rows: int,
    seed: int,
    params: dict[str, Any] | None = None,
    target: str | None = None,
    pii: bool = True,
    protect: bool = True,
    protections: ProtectionSettings | None = None,
    progress: Progress = no_progress,
    settings: Settings | None = None,
) -> RunResult:
    """Fit on the training rows, sample, score against them and the holdout, store the run.

    Rows are sampled in batches of ``Settings.sample_batch_rows`` straight into the workspace,
    so memory does not grow with ``rows``; the checks read a tally of every row and a sample
    (see :mod:`core.evaluate.tally`). The run is recorded as failed on any error. ``target`` adds
    the
    utility check; ``pii`` detects direct identifiers on first use of the dataset;
    ``protections`` says which protections change the training rows (the settings' defaults:
    rare categories grouped, no clipping); ``protect=False`` turns every one off. The run
    records the settings, what each changed and what it cost (``scores["protections"]``).

    Raises:
        StudioError: bad parameters or a fit the data does not allow, as one line.
    """
    settings = settings or get_settings()
    if not protect:
        protections = ProtectionSettings.none()
    protections = protections or ProtectionSettings.from_settings(settings)
    spec = get_spec(key)
    values = resolve_params(key, params)
    if not 1 <= rows <= settings.max_rows:
        raise InvalidParameterError(
            f"Number of rows must be between 1 and {settings.max_rows:,}; got {rows:,}."
        )
    dataset = workspace.get_dataset(dataset_id)
    real = workspace.read_real(dataset_id)  # read once: metadata on first use, then the split
    metadata = ensure_metadata(workspace, dataset, pii=pii, real=real)
    if target is not None and target not in sdtypes_of(metadata):
        raise InvalidParameterError(f"Target column '{target}' is not in {dataset.name}.")
    split = split_real(real, settings)
    run_id = workspace.start_run(
        dataset_id=dataset_id,
        synthesizer=spec.key,
        params=values,
        seed=seed,
        n_rows=rows,
        versions=library_versions(),
    )
    with workspace.recording_failure(run_id):
        fit = protect_training(split.train, metadata, protections)
        fit.report["cost"] = protection_cost(split.train, fit, metadata, settings, seed=seed)
        # Big tables fit on a stratified sample; scores still compare against every train row.
        fit_rows = training_sample(
            fit.data,
            max_rows=settings.train_max_rows,
            strata=category_columns(fit.metadata),
            seed=settings.seed,
        )
        started = time.perf_counter()
        synth = fit_synthesizer(
            key=key,
            metadata=to_sdv(fit.metadata),
            data=fit_rows.data,
            params=values,
            locales=metadata.get("locales"),
            progress=progress,
        )
        fit_seconds = time.perf_counter() - started
        model_path = save_model(synth, workspace.models_dir / f"run_{run_id}.pkl")
        real_rows = split.train if split.holdout is None else real_all(split)
        redraw = redraw_real_pii(metadata, real_rows)
        tally = SyntheticTally(
            sdtypes=sdtypes_of(metadata),
            columns=split.train.columns,
            pii_columns=redraw.columns if redraw else (),
            real_pii=redraw.real if redraw else None,
            sample_rows=settings.eval_max_rows,
        )

    evaluation: Evaluation | None = None

    def scores() -> dict[str, Any]:
        nonlocal evaluation
        if redraw is not None:
            fit.report["pii_values_redrawn"] = redraw.redrawn
        evaluation = evaluate(
            real_train=split.train,
            synthetic=tally.sample,
            metadata=metadata,
            holdout=split.holdout,
            target=target,
            seed=seed,
            settings=settings,
            progress=progress,
            tally=tally,
            clipped=fit.report.get("clipped"),
        )
        evaluation = dataclasses.replace(
            evaluation,
            split={
                "share": split.share,
                "seed": split.seed,
                "note": split.note,
                "moved_to_training": split.moved,
                "training_sample": fit_rows.to_dict(),
                "sample_batch_rows": settings.sample_batch_rows,
                "evaluation_sample_rows": len(tally.sample),
            },
            protections=fit.report,
        )
        return evaluation.to_dict()

    # It records its own failure: on any error the run is marked failed and nothing stored.
    run = sample_to_workspace(
        workspace,
        run_id=run_id,
        synth=synth,
        rows=rows,
        seed=seed,
        batch_rows=settings.sample_batch_rows,
        fit_seconds=fit_seconds,
        model_path=model_path,
        progress=progress,
        postprocess=redraw,
        observe=tally.add,
        scores=scores,
    )
    assert evaluation is not None  # scores() ran before the run was marked done
    return RunResult(run=run, sample=tally.sample, evaluation=evaluation)
