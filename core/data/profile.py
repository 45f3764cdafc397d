"""ydata-profiling reports of a table, and of real vs synthetic side by side, cached on disk.

Reports are single self-contained HTML files (assets inlined, so they open offline). Large or
wide tables are sampled and profiled in minimal mode. Columns passed as ``hidden`` (a dataset's
direct identifiers) are left out before profiling: a report shows sample rows, frequent values
and extremes, so a real name or email would otherwise be printed in it. ydata-profiling is
imported lazily: its import alone takes seconds, and only a click on "Build profile" should
pay for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from core.errors import StudioError, one_line
from core.progress import Progress, no_progress

# matplotlib's pyplot (which ydata-profiling draws with) is process-global state, so two
# sessions building reports at once could mix up each other's plots.
_LIBRARY_LOCK = threading.Lock()
# Part of every cache key: reports cached under an older format are never served.
_CACHE_FORMAT = "hidden-direct-identifiers-fit-to-width-v2"
# ydata-profiling centres its report in a fixed-width column and scrolls each table sideways
# inside it: in the studio's frame a comparison's tables (a column per side) were cut off.
# The report fills the width it gets instead...
_FILL_WIDTH = ".container{max-width:none}"
# ...and a comparison stacks the blocks it sets side by side, so each table gets the full width.
_STACKED = ".row.sub-item>[class*=col-sm-]{flex:0 0 100%;max-width:100%}"


@dataclass(frozen=True)
class ProfileSettings:
    """How a profile is computed. Each field carries its help in ``metadata``."""

    max_rows: int = field(
        default=10_000,
        metadata={"help": "Tables above this many rows are profiled on a seeded sample."},
    )
    minimal: bool = field(
        default=True,
        metadata={"help": "Minimal mode: skip correlations, interactions and missing plots."},
    )
    max_full_columns: int = field(
        default=50,
        metadata={"help": "Tables wider than this are always profiled in minimal mode."},
    )
    seed: int = field(default=0, metadata={"help": "Seed of the row sample."})


@dataclass(frozen=True)
class ProfilePlan:
    """What a profile of a table of a given size will read: rows sampled, and the mode."""

    sample_rows: int
    total_rows: int
    minimal: bool


@dataclass(frozen=True)
class ProfileResult:
    """A rendered report. For a comparison, the row counts cover both tables together."""

    html: str
    sample_rows: int
    total_rows: int
    minimal: bool
    seconds: float
    hidden: tuple[str, ...] = ()  # columns left out (direct identifiers)


def plan_profile(n_rows: int, n_columns: int, settings: ProfileSettings) -> ProfilePlan:
    """The sample size and mode :func:`profile_html` uses for a table of this size."""
    minimal = (
        settings.minimal or n_rows > settings.max_rows or n_columns > settings.max_full_columns
    )
    return ProfilePlan(min(n_rows, settings.max_rows), n_rows, minimal)


def profile_html(
    df: pd.DataFrame,
    *,
    title: str,
    settings: ProfileSettings = ProfileSettings(),
    progress: Progress = no_progress,
    hidden: Iterable[str] = (),
) -> ProfileResult:
    """Profile one table into a self-contained HTML report.

    Args:
        df: the table; above ``settings.max_rows`` rows a seeded sample is profiled.
        title: shown at the top of the report.
        settings: sampling and mode.
        progress: called with ``("profile", steps_done, steps_total)`` from this thread.
        hidden: columns left out of the report (the dataset's direct identifiers).

    Raises:
        StudioError: ydata-profiling could not profile the table (one line).
    """
    df, hidden = _without(df, hidden)
    plan = plan_profile(len(df), df.shape[1], settings)
    sample = sample_table(df, settings)

    def steps(report: Callable[..., Any]) -> list[Callable[[], Any]]:
        profile = report(sample, title)
        return [profile.get_description, profile.to_html]

    html, seconds = _run_steps(steps, 2, minimal=plan.minimal, progress=progress)
    html = fit_to_width(html, comparison=False)
    return ProfileResult(html, plan.sample_rows, plan.total_rows, plan.minimal, seconds, hidden)


def compare_html(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    title: str,
    labels: tuple[str, str] = ("real", "synthetic"),
    settings: ProfileSettings = ProfileSettings(),
    progress: Progress = no_progress,
    hidden: Iterable[str] = (),
) -> ProfileResult:
    """Profile two tables side by side (``ProfileReport.compare``) into one HTML report.

    Each table is sampled on its own; both are profiled in the same mode, minimal when either
    needs it. The two sides are titled ``"{title} ({label})"``; ``hidden`` columns are left
    out of both.

    Raises:
        StudioError: ydata-profiling could not profile or compare the tables (one line).
    """
    real, hidden = _without(real, hidden)
    synthetic, _ = _without(synthetic, hidden)
    plans = [plan_profile(len(t), t.shape[1], settings) for t in (real, synthetic)]
    minimal = any(p.minimal for p in plans)
    samples = [sample_table(t, settings) for t in (real, synthetic)]

    def steps(report: Callable[..., Any]) -> list[Callable[[], Any]]:
        pairs = zip(samples, labels, strict=True)
        left, right = (report(sample, f"{title} ({label})") for sample, label in pairs)
        return [left.get_description, right.get_description, lambda: left.compare(right).to_html()]

    html, seconds = _run_steps(steps, 3, minimal=minimal, progress=progress)
    html = fit_to_width(html, comparison=True)
    sample_rows = sum(p.sample_rows for p in plans)
    total_rows = sum(p.total_rows for p in plans)
    return ProfileResult(html, sample_rows, total_rows, minimal, seconds, hidden)


def fit_to_width(html: str, *, comparison: bool) -> str:
    """A report that fills the width of its window or frame; a comparison's blocks stacked.

    ydata-profiling writes its pages without a closing head, so the rules go at the end of the
    document, where they also win over the report's own.
    """
    rules = _FILL_WIDTH + (_STACKED if comparison else "")
    return f"{html}<style>{rules}</style>"


def _without(df: pd.DataFrame, hidden: Iterable[str]) -> tuple[pd.DataFrame, tuple[str, ...]]:
    gone = tuple(str(c) for c in hidden if c in df.columns)
    return (df.drop(columns=list(gone)) if gone else df), gone


def sample_table(df: pd.DataFrame, settings: ProfileSettings) -> pd.DataFrame:
    """The rows a profile reads: all of them, or a seeded sample of ``settings.max_rows``."""
    if len(df) <= settings.max_rows:
        return df
    # Back in table order, so the report's first and last rows are real neighbours.
    return df.sample(n=settings.max_rows, random_state=settings.seed).sort_index()


def _run_steps(
    make_steps: Callable[[Callable[..., Any]], list[Callable[[], Any]]],
    total: int,
    *,
    minimal: bool,
    progress: Progress,
    poll_seconds: float = 0.25,
) -> tuple[str, float]:
    """Run the report's steps in a worker thread, reporting each finished one from here."""
    done = [0]
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            with _LIBRARY_LOCK, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from ydata_profiling import ProfileReport

                def report(df: pd.DataFrame, title: str) -> Any:
                    return ProfileReport(
                        df,
                        title=title,
                        minimal=minimal,
                        progress_bar=False,
                        html={"inline": True, "use_local_assets": True},
                    )

                for step in make_steps(report):
                    outcome["html"] = step()
                    done[0] += 1
        except BaseException as err:  # re-raised in the caller's thread below
            outcome["error"] = err

    worker = threading.Thread(target=work, name="profile", daemon=True)
    started = time.perf_counter()
    worker.start()
    progress("profile", 0, total)
    while worker.is_alive():
        worker.join(poll_seconds)
        progress("profile", done[0], total)
    if "error" in outcome:
        err = outcome["error"]
        first = one_line(err)
        raise StudioError(f"ydata-profiling could not profile this table: {first}") from err
    progress("profile", total, total)
    return outcome["html"], time.perf_counter() - started


def cache_key(
    kind: str, fingerprint: str, settings: ProfileSettings, hidden: Iterable[str] = ()
) -> str:
    """A file-name-safe key for one report: what was profiled, of which data, and how.

    ``kind`` is ``"real"``, ``"synthetic-run-<id>"`` or ``"compare-run-<id>"``; ``hidden``
    the columns left out. The ydata-profiling version is part of the key, so an upgrade
    renders reports afresh, and so is ``_CACHE_FORMAT``, so reports cached before direct
    identifiers were left out are never shown again.
    """
    try:
        library = version("ydata-profiling")
    except PackageNotFoundError:
        library = "unknown"
    gone = json.dumps(sorted(str(c) for c in hidden))
    parts = [kind, fingerprint, json.dumps(asdict(settings), sort_keys=True), library]
    parts += [_CACHE_FORMAT, gone]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class ProfileCache:
    """Rendered reports as HTML files under ``root``, one per :func:`cache_key`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key.isalnum():  # keys are hex digests; anything else could escape the root
            raise ValueError(f"Not a profile cache key: {key!r}")
        return self.root / f"{key}.html"

    def get(self, key: str) -> str | None:
        """The cached report, or None when there is none."""
        try:
            return self._path(key).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def put(self, key: str, html: str) -> Path:
        """Store a report atomically: readers see the whole file or none of it."""
        path = self._path(key)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            # A unique partial name, so two sessions storing the same key never interleave.
            fd, partial = tempfile.mkstemp(dir=self.root, prefix=f"{key}.", suffix=".partial")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(html)
                os.replace(partial, path)
            except BaseException:
                Path(partial).unlink(missing_ok=True)
                raise
        except OSError as err:
            raise StudioError(f"Cannot write the profile cache in {self.root}: {err}") from err
        return path
