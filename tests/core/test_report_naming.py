"""The HTML report prints a run's name and notes under its title, escaped."""

from __future__ import annotations

from core.export.report_figures import build_report


def _report(**naming: str) -> str:
    return build_report(
        title="Synthetic tips: run #3",
        dataset_summary={"rows": 244},
        synthesizer="Gaussian copula",
        params={},
        evaluation_scores={"quality_score": 0.9},
        figures={},
        **naming,
    )


def test_the_report_prints_the_runs_name_and_notes_under_its_title():
    # Run
    named = _report(run_name="Tips <baseline>", run_notes="First try.\nDefaults & seed 3.")
    plain = _report()

    # Assert
    title_at = named.index("<h1>Synthetic tips: run #3</h1>")
    name_at = named.index("<p>Run: <strong>Tips &lt;baseline&gt;</strong></p>")
    notes_at = named.index("First try.\nDefaults &amp; seed 3.</p>")
    assert title_at < name_at < notes_at < named.index('<section id="dataset">')
    assert "<baseline>" not in named
    assert "Run: <strong>" not in plain and "white-space:pre-line" not in plain
