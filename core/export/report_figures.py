"""What goes into a stakeholder report: its figures (learned columns only, the most informative
first, never a direct identifier or a key), its readings, and the rendered page."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from core.config import get_settings
from core.data.metadata import LEARNED_SDTYPES
from core.evaluate.plots import plot_column, plot_correlations, plot_rebalance
from core.evaluate.projection import (
    compute_projection,
    plot_correlation_difference,
    plot_projection,
)
from core.evaluate.readings import headline_columns, protection_notes
from core.evaluate.stored import StoredScores
from core.export.report import render_report
from core.export.report_shaping import shaping_blocks
from core.privacy.gate import release_status
from core.synth.training_sample import fitted_sample_note

# Scores the report shows, in order; counts and sample sizes go into its readings instead.
_REPORTED = (
    "quality_score",
    "column_shapes",
    "column_pair_trends",
    "holdout_quality_score",
    "diagnostic",
    "coverage",
    "utility",
)


# Columns plotted in the report: enough to show the shape of the data, few enough to read.
REPORT_COLUMNS = 8


class ReportFigures(dict[str, go.Figure]):
    """The report's figures by title, with ``note``: which columns they show, and why."""

    note: str = ""


def report_columns(
    real: pd.DataFrame,
    sdtypes: dict[str, str],
    *,
    max_categories: int = 20,
    chosen: list[str] | None = None,
) -> tuple[list[str], str]:
    """The columns a report plots, most informative first, and a sentence saying which.

    Only learned columns are candidates: direct identifiers and keys are generated, never
    learned, so plotting them would only show real identifiers beside fakes. Numbers, dates
    and categories with a few values come first, then categories with many values, then
    constant columns, each in table order; at most ``REPORT_COLUMNS`` are kept.

    ``chosen`` (the columns picked on the Compare page) replaces that default: its learned
    columns are plotted in its order, however many, and an identifier in it is still left out.
    """
    learned = [c for c, t in sdtypes.items() if t in LEARNED_SDTYPES and c in real.columns]
    skipped = [c for c in sdtypes if c not in learned]

    def rank(column: str) -> int:
        distinct = real[column].nunique(dropna=True)
        if distinct <= 1:
            return 3
        if sdtypes[column] in ("numerical", "datetime"):
            return 0
        return 1 if distinct <= max_categories else 2

    ranked = sorted(learned, key=rank)  # stable: table order within a rank
    if chosen is None:
        shown = ranked[:REPORT_COLUMNS]
        why = f"as less informative or beyond {REPORT_COLUMNS}"
    else:
        shown = [c for c in dict.fromkeys(chosen) if c in learned]
        why = "as not chosen"
    picked = "" if chosen is None else ", as chosen on the Compare page"
    note = (
        f"Column figures show {len(shown)} of {len(sdtypes)} columns{picked}: "
        f"{', '.join(shown) or 'none'}."
    )
    if skipped:
        note += (
            f" Never plotted: {', '.join(skipped)} (direct identifiers and keys, replaced by "
            "fakes and never learned)."
        )
    if rest := [c for c in ranked if c not in shown]:
        note += f" Not plotted, {why}: {', '.join(rest)}."
    return shown, note


def report_figures(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    sdtypes: dict[str, str],
    *,
    seed: int = 0,
    columns: list[str] | None = None,
) -> ReportFigures:
    """The key plots of a report: a few learned columns, correlations and a 2-D projection.

    ``columns`` are the columns to plot (None: :func:`report_columns`' default). No direct
    identifier or key is ever drawn; the result's ``note`` says which columns are shown, and
    :func:`build_report` prints it.
    """
    settings = get_settings()
    learned = {c: t for c, t in sdtypes.items() if t in LEARNED_SDTYPES}
    shown, note = report_columns(
        real, sdtypes, max_categories=settings.plot_max_categories, chosen=columns
    )
    figures = ReportFigures(
        {
            f"Column: {column}": plot_column(
                real[column],
                synthetic[column],
                sdtypes[column],
                max_categories=settings.plot_max_categories,
                max_rows=settings.plot_max_rows,
            )
            for column in shown
        }
    )
    figures.note = note
    figures["Correlations"] = plot_correlations(real, synthetic, learned)
    figures["Correlation difference"] = plot_correlation_difference(real, synthetic, learned)
    projection = compute_projection(real, synthetic, sdtypes=learned, seed=seed)
    if not projection.empty:
        figures["2-D projection (PCA)"] = plot_projection(projection)
    return figures


def build_report(
    *,
    title: str,
    dataset_summary: dict[str, Any],
    synthesizer: str,
    params: dict[str, Any],
    evaluation_scores: dict[str, Any],
    figures: dict[str, go.Figure],
    override: dict[str, Any] | None = None,
    utility: Mapping[str, Any] | None = None,
    run_name: str = "",
    run_notes: str = "",
) -> str:
    """The self-contained HTML report of one evaluation, with its privacy checks.

    ``override`` is the run's recorded release override, printed in the privacy section;
    ``run_name`` and ``run_notes`` are printed under the title.
    ``utility`` is a utility result measured on the Compare page
    (:meth:`core.evaluate.utility.UtilityResult.to_dict`), printed in its own section.
    """
    stored = StoredScores.of(evaluation_scores)
    scores = {k: stored.raw[k] for k in _REPORTED if k in stored.raw}
    readings = []
    holdout = stored.holdout
    if holdout.get("holdout_rows"):
        readings.append(
            f"Trained on {holdout['train_rows']:,} real rows; {holdout['holdout_rows']:,} more "
            "were kept aside and never shown to the synthesizer."
        )
    if sampled := fitted_sample_note(holdout):
        readings.append(sampled)
    if sample := stored.sample_rows:
        readings.append(f"Fidelity scores use up to {sample:,} rows of each table.")
    if note := getattr(figures, "note", ""):
        readings.append(note)
    ceiling, quality = stored.ceiling, stored.quality
    if _number(ceiling) and _number(quality):
        readings.append(
            f"The synthetic data reaches {quality / ceiling:.0%} of the quality that fresh real "
            "rows (the holdout) reach."
        )
    return render_report(
        title=title,
        dataset_summary=dataset_summary,
        synthesizer=synthesizer,
        params=params,
        scores=scores,
        figures={**figures, **_shares_figure(stored)},
        readings=readings,
        privacy=dict(stored.privacy),
        release=release_status(stored, override) if stored else None,
        headline=headline_columns(stored),
        protections=protection_notes(dict(stored.protections)),
        shaping=shaping_blocks(stored.raw),
        utility=utility,
        run_name=run_name,
        run_notes=run_notes,
    )


def _shares_figure(stored: StoredScores) -> dict[str, go.Figure]:
    """A rebalanced run's shares before, asked for and reached, as bars (none otherwise)."""
    rebalance = stored.rebalance
    if not rebalance:
        return {}
    figure = plot_rebalance(rebalance, max_categories=get_settings().plot_max_categories)
    return {f"Shares of {rebalance['column']}": figure}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not math.isnan(value) and value != 0
