"""Run history as tables: what the Runs page and ``cli runs`` show.

:func:`runs_table` keeps raw values (numbers, keys) for ``--json`` and for code;
:func:`history_view` and :func:`compare_runs` are what a person reads: formatted through
:mod:`core.formatting`, a handful of narrow columns that fit a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from core.data.formats import TableFormat
from core.evaluate.readings import columns_covered
from core.evaluate.stored import StoredScores
from core.formatting import count, duration, name, percent, score, text
from core.privacy.gate import release_status
from core.synth.scenarios import describe_shaping
from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace

SCORE_KEYS = ("quality_score", "column_shapes", "column_pair_trends")

# The raw table's columns, in order (``cli runs --json`` prints them as keys).
COLUMNS = (
    "run",
    "name",
    "dataset",
    "synthesizer",
    "status",
    "rows",
    "seed",
    "shaping",
    *SCORE_KEYS,
    "holdout_quality_score",
    "scored_on",
    "privacy_gate",
    "utility_ratio",
    "fit_seconds",
    "sample_seconds",
    "created",
    "notes",
    "error",
)

# The page's table: what tells runs apart, each cell short enough to wrap within the page.
VIEW_COLUMNS = (
    "Run",
    "Name",
    "Dataset",
    "Synthesizer",
    "Rows",
    "Quality",
    "Holdout ceiling",
    "Privacy gate",
    "Utility",
    "Time",
    "Shaping",
)


def gate_verdict(run: RunInfo) -> str:
    """The privacy gate on the run's extract in a few words; "" for a run without scores."""
    if not run.scores:
        return ""
    status = release_status(run.scores, run.override)
    if status.error and not status.checks:
        return "not measured"
    if status.passed:
        return "passed"
    failing = ", ".join(name(check) for check in status.failing)
    verdict = f"failed ({failing})" if failing else "failed"
    return verdict + (", released with a reason" if status.override else "")


def run_row(run: RunInfo, dataset: DatasetInfo | None) -> dict[str, Any]:
    """One run of ``dataset`` (None: deleted) as a flat, JSON-safe record of raw values (see
    :data:`COLUMNS`); its shaping names values as the dataset's file spells them."""
    scores = StoredScores.of(run.scores)
    table = TableFormat.from_dict(dataset.formats) if dataset else None
    return {
        "run": run.id,
        "name": run.name,
        "dataset": dataset.name if dataset else "?",
        "synthesizer": run.synthesizer,
        "status": run.status,
        "rows": run.n_rows,
        "seed": run.seed,
        "shaping": describe_shaping(run.shaping, table),  # conditions, rebalance, rules; or ""
        **{key: scores.value(key) for key in SCORE_KEYS},
        "holdout_quality_score": scores.ceiling,
        "scored_on": columns_covered(scores),  # "4 of 7"; None for runs stored before
        "privacy_gate": gate_verdict(run),
        "utility_ratio": scores.utility.get("ratio"),
        "fit_seconds": run.fit_seconds,
        "sample_seconds": run.sample_seconds,
        "created": run.created.isoformat(timespec="seconds"),
        "notes": run.notes,
        "error": run.error,
    }


def runs_table(workspace: Workspace, dataset_id: int | None = None) -> pd.DataFrame:
    """Every run (newest first) with its name, dataset, scores, verdicts, timings and status."""
    datasets = {d.id: d for d in workspace.list_datasets()}
    rows = [run_row(r, datasets.get(r.dataset_id)) for r in workspace.list_runs(dataset_id)]
    return pd.DataFrame(rows, columns=list(COLUMNS)).iloc[::-1].reset_index(drop=True)


def history_view(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`runs_table` as a person reads it: formatted text in :data:`VIEW_COLUMNS`.

    A run that did not finish says so beside its number; its scores read "n/a".
    """
    rows = [
        {
            "Run": f"#{r['run']}" + ("" if r["status"] == "done" else f" ({r['status']})"),
            "Name": r["name"],
            "Dataset": r["dataset"],
            "Synthesizer": name(r["synthesizer"]),
            "Rows": count(r["rows"]),
            "Quality": score(r["quality_score"]),
            "Holdout ceiling": score(r["holdout_quality_score"]),
            "Privacy gate": r["privacy_gate"] or "n/a",
            "Utility": score(r["utility_ratio"]),
            "Time": _total_time(r["fit_seconds"], r["sample_seconds"]),
            "Shaping": r["shaping"] or "none",
        }
        for r in table.to_dict(orient="records")
    ]
    return pd.DataFrame(rows, columns=list(VIEW_COLUMNS))


def run_facts(run: RunInfo, dataset: DatasetInfo | None) -> dict[str, str]:
    """Everything recorded about one run, formatted, by display name (one row per fact)."""
    row = run_row(run, dataset)
    facts = {
        "Name": run.label,
        "Dataset": row["dataset"],
        "Synthesizer": name(run.synthesizer),
        "Status": run.status,
        "Rows": count(run.n_rows),
        "Seed": str(run.seed),
        "Shaping": row["shaping"] or "none",
        **{name(key): score(row[key]) for key in SCORE_KEYS},
        "Holdout ceiling": score(row["holdout_quality_score"]),
        "Quality against ceiling": _against_ceiling(row),
        "Scored on": f"{row['scored_on']} columns" if row["scored_on"] else "n/a",
        "Privacy gate": row["privacy_gate"] or "n/a",
        "Utility ratio": _utility(StoredScores.of(run.scores).utility),
        "Fit time": duration(run.fit_seconds),
        "Sampling time": duration(run.sample_seconds),
        "Created": run.created.strftime("%Y-%m-%d %H:%M"),
        **{f"Parameter: {name(k)}": text(v) for k, v in run.params.items()},
        "Notes": run.notes or "none",
    }
    if run.error:
        facts["Error"] = run.error
    return facts


def compare_runs(workspace: Workspace, left: int, right: int) -> pd.DataFrame:
    """Two runs side by side, formatted: one row per fact, one column per run ("Run #3")."""
    datasets = {d.id: d for d in workspace.list_datasets()}
    records = {}
    for run_id in (left, right):
        run = workspace.get_run(run_id)
        records[f"Run #{run_id}"] = run_facts(run, datasets.get(run.dataset_id))
    # A parameter only one run has reads n/a for the other, in the order they first appear.
    return pd.DataFrame(records).fillna("n/a")


def _total_time(fit: Any, sample: Any) -> str:
    parts = [float(s) for s in (fit, sample) if s is not None and not pd.isna(s)]
    return duration(sum(parts)) if parts else "n/a"


def _against_ceiling(row: dict[str, Any]) -> str:
    quality, ceiling = row["quality_score"], row["holdout_quality_score"]
    if quality is None or not ceiling:
        return "n/a"
    return percent(quality / ceiling, digits=0)


def _utility(utility: Mapping[str, Any]) -> str:
    ratio = score(utility.get("ratio"))
    target = utility.get("target")
    return (
        f"{ratio} (predicting {target})" if target and utility.get("ratio") is not None else ratio
    )
