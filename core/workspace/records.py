"""What the workspace file holds: its schema, the records of datasets and runs, and the
names of their tables.

:mod:`core.workspace.store` reads and writes them; this module only describes them, so it has no
connection and no state.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.errors import InvalidParameterError
from core.meta import StudioMetadata

SCHEMA_VERSION = 6

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
    6: [
        # A name and notes a person gives a run, shown in the history, the report and bundle.
        "ALTER TABLE runs ADD COLUMN name VARCHAR",
        "ALTER TABLE runs ADD COLUMN notes VARCHAR",
    ],
}

# A run's name is one short line; its notes a few paragraphs at most.
NAME_MAX_CHARS = 80
NOTES_MAX_CHARS = 2000

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

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
    name: str = ""  # given by a person; "" shows as "Run #12" (see label)
    notes: str = ""

    @property
    def table(self) -> str:
        return synth_table(self.id)

    @property
    def label(self) -> str:
        """The run's name, or "Run #12" for a run without one."""
        return self.name or f"Run #{self.id}"


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
    " shaping_json, name, notes"
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
    versions, model_path, override, shaping, name, notes = rest
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
        name=name or "",
        notes=notes or "",
    )


def clean_run_name(name: str) -> str:
    """A run's name as stored: one line, trimmed, at most :data:`NAME_MAX_CHARS` characters.

    An empty name clears it (the run shows as "Run #12").

    Raises:
        InvalidParameterError: the name has a line break or another control character, or is
            too long (one line saying which).
    """
    cleaned = str(name).strip()
    if any(ch in cleaned for ch in "\n\r\v\f\x85\u2028\u2029"):
        raise InvalidParameterError("A run's name is one line: remove the line break from it.")
    if _CONTROL.search(cleaned):
        raise InvalidParameterError(
            "A run's name cannot hold control characters (tabs and the like); type it again."
        )
    if len(cleaned) > NAME_MAX_CHARS:
        raise InvalidParameterError(
            f"A run's name is at most {NAME_MAX_CHARS} characters; this one has {len(cleaned)}: "
            "put the rest in its notes."
        )
    return cleaned


def clean_run_notes(notes: str) -> str:
    """A run's notes as stored: trimmed, line breaks as ``\\n``, at most
    :data:`NOTES_MAX_CHARS` characters.

    Raises:
        InvalidParameterError: the notes hold a control character other than a line break or
            a tab, or are too long (one line).
    """
    cleaned = str(notes).replace("\r\n", "\n").replace("\r", "\n").strip()
    if _CONTROL.search(cleaned.replace("\n", "").replace("\t", "")):
        raise InvalidParameterError(
            "A run's notes cannot hold control characters other than line breaks and tabs."
        )
    if len(cleaned) > NOTES_MAX_CHARS:
        raise InvalidParameterError(
            f"A run's notes are at most {NOTES_MAX_CHARS:,} characters; these have "
            f"{len(cleaned):,}."
        )
    return cleaned


def quote_identifier(name: str) -> str:
    """A column name from user data as a safe SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'
