"""A reproducibility bundle for one run: a zip anyone can rerun with plain SDV, no studio needed.

The zip holds the SDV metadata, the run's settings, its scores, a standalone ``reproduce.py``
and a README. It never holds a model file: a pickle from someone else is code, so a bundle
carries what is needed to refit instead.

This module checks that a run can be bundled and packs the zip (:func:`export_bundle`); what
the bundle records of the run (``run.json``, the protections, the fitted metadata) lives in
:mod:`core.export.bundle_contents`, the ``reproduce.py`` script in
:mod:`core.export.bundle_script`, and the README in :mod:`core.export.bundle_readme`.
"""

from __future__ import annotations

import io
import zipfile

from core.config import Settings, get_settings
from core.data.formats import TableFormat
from core.errors import StudioError
from core.evaluate.stored import StoredScores
from core.export.bundle_contents import bundle_protections, fitted_metadata, json_text, run_record
from core.export.bundle_readme import readme_text
from core.export.bundle_script import REPRODUCE_PY
from core.synth.registry import get_spec
from core.workspace.store import Workspace

BUNDLE_FILES = ("metadata.json", "run.json", "report.json", "reproduce.py", "README.txt")
# A fixed timestamp for every member, so the same run always gives the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def export_bundle(workspace: Workspace, run_id: int, *, settings: Settings | None = None) -> bytes:
    """The reproducibility bundle of a finished run, as the bytes of a zip.

    Args:
        workspace: The workspace holding the run.
        run_id: A run whose status is ``done``.
        settings: Sample batch size and rare-category threshold, which must be the run's
            (defaults to :func:`get_settings`).

    Returns:
        A zip with ``metadata.json``, ``run.json``, ``report.json``, ``reproduce.py`` and
        ``README.txt``; never a model file.

    Raises:
        StudioError: the run did not finish, lacks its scores or metadata, used a
            differentially private synthesizer (its noise cannot be replayed), or the rare
            categories it grouped cannot be found again under ``settings`` (one line).
    """
    settings = settings or get_settings()
    run = workspace.get_run(run_id)
    if run.status != "done":
        raise StudioError(
            f"Run #{run.id} is {run.status}; only a finished run can be bundled, so rerun it."
        )
    dataset = workspace.get_dataset(run.dataset_id)
    scores = StoredScores.of(run.scores)
    if not scores.holdout or dataset.metadata is None:
        raise StudioError(
            f"Run #{run.id} has no recorded holdout split or metadata; rerun it to bundle it."
        )
    spec = get_spec(run.synthesizer)
    if spec.differentially_private:
        # Its noise comes from an unseedable secure generator (core.synth.dp): no refit repeats it.
        raise StudioError(
            f"Run #{run.id} used {spec.label}, whose private noise cannot be replayed, so a "
            "bundle cannot reproduce it; export its rows instead."
        )
    split = scores.holdout
    sample = split.get("training_sample") or {}
    if sample and sample["rows"] < sample["of_rows"]:
        raise StudioError(
            f"Run #{run.id} fitted on a stratified sample of its training rows; a bundle "
            "reproduces runs that fit on every training row."
        )
    protections, rare_values = bundle_protections(workspace, dataset, scores, settings)
    batch_rows = int(split.get("sample_batch_rows") or settings.sample_batch_rows)
    record = run_record(
        run,
        dataset=dataset,
        spec=spec,
        split=split,
        protections=protections,
        batch_rows=batch_rows,
    )
    readme = readme_text(
        run,
        spec=spec,
        dataset_name=dataset.name,
        split=split,
        batch_rows=batch_rows,
        protections=protections,
        table=TableFormat.from_dict(dataset.formats),
    )
    members = {
        "metadata.json": json_text(fitted_metadata(dataset.metadata.sdv, protections, rare_values)),
        "run.json": json_text(record),
        "report.json": json_text(run.scores),
        "reproduce.py": REPRODUCE_PY,
        "README.txt": readme,
    }
    return _pack(members)


def _pack(members: dict[str, str]) -> bytes:
    """The zip of ``members`` in :data:`BUNDLE_FILES` order, the same bytes for the same text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in BUNDLE_FILES:
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # rw-r--r-- when unzipped
            archive.writestr(info, members[name])
    return buffer.getvalue()
