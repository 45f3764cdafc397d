"""What the workspace file holds: its schema, the records of datasets and runs, and the
names of their tables.

:mod:`core.workspace.store` reads and writes them; this module only describes them, so it has no
connection and no state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.meta import StudioMetadata

SCHEMA_VERSION = 5

# Each migration takes the schema from version N-1 to N. Append only; never edit a shipped one.
MIGRATIONS: dict[int, list[str]] = {
    1: [
        "CREATE SEQUENCE IF NOT EXISTS dataset_ids START 1",
        "CREATE SEQUENCE IF NOT EXISTS run_ids START 1",
        """CREATE TABLE datasets (
            id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, source VARCHAR NOT NULL,
            fingerprint VARCHAR NOT NULL, n_rows BIGINT NOT NULL, n_columns INTEGER NOT NULL,
            metadata_json VARCHAR, created TIMESTAMP NOT NULL DEFAULT current_timestamp)""",
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY, dataset_id INTEGER NOT NULL, synthesizer VARCHAR NOT NULL,
            params_json VARCHAR NOT NULL, seed INTEGER NOT NULL, n_rows BIGINT NOT NULL,
            status VARCHAR NOT NULL, fit_seconds DOUBLE, sample_seconds DOUBLE,
            scores_json VARCHAR, error VARCHAR,
            created TIMESTAMP NOT NULL DEFAULT current_timestamp)""",
    ],
    2: [
        "ALTER TABLE runs ADD COLUMN versions_json VARCHAR",
        "ALTER TABLE runs ADD COLUMN model_path VARCHAR",
    ],
    3: [
        # A release of an extract that failed the privacy gate, with who asked and why.
        "ALTER TABLE runs ADD COLUMN override_json VARCHAR",
    ],
    4: [
        # How each column was written in the uploaded file, so extracts are written alike.
        "ALTER TABLE datasets ADD COLUMN formats_json VARCHAR",
    ],
    5: [
        # How a run's rows were shaped: conditions, a rebalance's shares and the rules kept.
        "ALTER TABLE runs ADD COLUMN shaping_json VARCHAR",
    ],
}

# A run left 'running' when its process died (kill, crash, power loss) is marked with this.
INTERRUPTED = "interrupted: the studio stopped before this run finished"


@dataclass(frozen=True)
class DatasetInfo:
    """A dataset stored in the workspace."""

    id: int
    name: str
    source: str
    fingerprint: str
    n_rows: int
    n_columns: int
    metadata: StudioMetadata | None
    created: datetime
    formats: dict[str, Any] | None = None  # core.data.formats.TableFormat.to_dict()

    @property
    def table(self) -> str:
        return real_table(self.id)


@dataclass(frozen=True)
class RunInfo:
    """One synthesis run and its outcome."""

    id: int
    dataset_id: int
    synthesizer: str
    params: dict[str, Any]
    seed: int
    n_rows: int
    status: str
    fit_seconds: float | None
    sample_seconds: float | None
    scores: dict[str, Any] | None
    error: str | None
    created: datetime
    versions: dict[str, str] | None = None
    model_path: str | None = None
    override: dict[str, Any] | None = None  # a recorded release despite a failed gate
    # Conditions, rebalance and rules of the run (core.synth.scenarios.Shaping.to_dict()).
    shaping: dict[str, Any] | None = None

    @property
    def table(self) -> str:
        return synth_table(self.id)


def real_table(dataset_id: int) -> str:
    return f"real_{int(dataset_id)}"


def synth_table(run_id: int) -> str:
    return f"synth_{int(run_id)}"


DATASET_COLUMNS = (
    "id, name, source, fingerprint, n_rows, n_columns, metadata_json, created, formats_json"
)
RUN_COLUMNS = (
    "id, dataset_id, synthesizer, params_json, seed, n_rows, status, fit_seconds,"
    " sample_seconds, scores_json, error, created, versions_json, model_path, override_json,"
    " shaping_json"
)


def dataset_from_row(row: tuple) -> DatasetInfo:
    *head, meta, created, formats = row
    return DatasetInfo(
        *head,
        StudioMetadata.from_dict(json.loads(meta)) if meta else None,
        created,
        json.loads(formats) if formats else None,
    )


def run_from_row(row: tuple) -> RunInfo:
    rid, did, synth, params, seed, n, status, fit, sample, scores, error, created, *rest = row
    versions, model_path, override, shaping = rest
    return RunInfo(
        id=rid,
        dataset_id=did,
        synthesizer=synth,
        params=json.loads(params),
        seed=seed,
        n_rows=n,
        status=status,
        fit_seconds=fit,
        sample_seconds=sample,
        scores=json.loads(scores) if scores else None,
        error=error,
        created=created,
        versions=json.loads(versions) if versions else None,
        model_path=model_path,
        override=json.loads(override) if override else None,
        shaping=json.loads(shaping) if shaping else None,
    )


def quote_identifier(name: str) -> str:
    """A column name from user data as a safe SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'
