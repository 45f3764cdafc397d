"""Self-contained HTML report built from real results on plotly's tips data."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from core.data.demos import DEMOS
from core.data.metadata import detect_metadata
from core.evaluate.coverage import compute_coverage
from core.evaluate.projection import (
    compute_projection,
    plot_correlation_difference,
    plot_projection,
)
from core.evaluate.readings import (
    HOLDOUT_KEY,
    columns_covered,
    headline_columns,
    protection_notes,
    read_score,
)
from core.export.report import SECTIONS, render_report
from core.privacy.gate import release_status

EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _outside_scripts(page: str) -> str:
    """The page without the bodies of its script tags (plotly.js itself contains URLs)."""
    return re.sub(r"(<script\b[^>]*>).*?(</script>)", r"\1\2", page, flags=re.DOTALL)


PRIVACY = {
    "dcr_share": 0.62,
    "exact_match_share": 0.0,
    "exact_match_baseline": 0.0,
    "nndr": 0.8,
    "nndr_baseline": 0.82,
    "pii_columns": [EVIL],
    "train_rows": 195,
    "holdout_rows": 49,
    "synthetic_rows": 150,
    "gate": {
        "passed": False,
        "failing": ["dcr_share"],
        "checks": [
            {
                "name": "dcr_share",
                "passed": False,
                "value": 0.62,
                "threshold": 0.55,
                "reason": "62% of synthetic rows are closer to a training row.",
            },
            {
                "name": "exact_matches",
                "passed": True,
                "value": 0.0,
                "threshold": 0.0,
                "reason": "No copies.",
            },
            {
                "name": "pii_leaks",
                "passed": True,
                "value": 0.0,
                "threshold": 0.0,
                "reason": "No real personal-data value was found.",
            },
        ],
    },
}


PROTECTIONS = {
    "settings": {"rare_grouping": True, "rare_min_count": 5, "clipping": True},
    "clipped": {EVIL: [1.0, 7.58]},
    "clipped_rows": {EVIL: 6},
    "cost": {"cost": 0.0421},
}


SHAPING = {
    "scenarios": [
        {
            "label": f"day={EVIL}",
            "real_rows": 20,
            "synthetic_rows": 75,
            "fidelity": 0.8,
            "baseline": 0.7,
            "warning": "",
        }
    ],
    "rebalance": {
        "column": "day",
        "before": {"Sun": 0.31, "Sat": 0.36},
        "target": {"Sun": 0.5, "Sat": 0.5},
        "after": {"Sun": 0.5, "Sat": 0.5},
        "rows": 150,
        "max_gap_points": 0.0,
    },
    "rules": {
        "rules": [
            {
                "label": "tip ≤ total_bill",
                "added": False,
                "real_keep_share": 1.0,
                "synthetic_keep_share": 0.975,
            }
        ]
    },
}


UTILITY = {
    "task": "classification",
    "metric": "macro F1",
    "real_score": 0.909,
    "synthetic_score": 0.49,
    "ratio": 0.539,
    "metric_range": [0.0, 1.0],
    "model": "HistGradientBoostingClassifier",
    "holdout_rows": 49,
    "target": EVIL,
    "note": "",
}


@pytest.fixture(scope="module")
def page() -> str:
    tips = pd.read_csv(DEMOS["tips"].path).rename(columns={"tip": EVIL})
    columns = detect_metadata(tips).columns
    sdtypes = {name: col["sdtype"] for name, col in columns.items()}
    synthetic = tips.sample(n=150, random_state=1).reset_index(drop=True)
    coverage = compute_coverage(
        real=tips, synthetic=synthetic, sdtypes=sdtypes, clipped={EVIL: (1.0, 7.58)}
    )
    return render_report(
        title=f"Tips {EVIL}",
        dataset_summary={"rows": len(tips), "columns": list(tips.columns)},
        synthesizer="GaussianCopulaSynthesizer",
        params={"default_distribution": "beta", EVIL: EVIL},
        scores={
            "quality_score": 0.84,
            HOLDOUT_KEY: 0.91,
            "coverage": coverage.to_dict(),
            "utility": {
                "task": "regression",
                "metric": "R²",
                "real_score": 0.45,
                "synthetic_score": 0.40,
                "ratio": 0.89,
                "metric_range": [None, 1.0],
            },
        },
        figures={
            "Projection": plot_projection(compute_projection(tips, synthetic, sdtypes=sdtypes)),
            f"Correlations {EVIL}": plot_correlation_difference(tips, synthetic, sdtypes),
        },
        readings=[f"Column {EVIL} looks fine."],
        privacy=PRIVACY,
        release=release_status(
            {"privacy": PRIVACY},
            override={"reason": f"approved {EVIL}", "failing": ["dcr_share"], "at": "2026-11-23"},
        ),
        headline=headline_columns(
            {
                "scored_columns": [{"column": c, "role": "learned"} for c in tips.columns],
                "unscored_columns": [{"column": "id", "role": "key"}],
            }
        ),
        protections=protection_notes(PROTECTIONS),
        shaping=SHAPING,
        utility=UTILITY,
    )


def test_utility_section_states_target_model_scores_and_ratio(page: str) -> None:
    # Setup
    section = page.split(f"<h2>{SECTIONS['utility']}</h2>")[1].split("</section>")[0]

    # Assert
    assert "<th>Column predicted</th><td>&lt;script&gt;" in section and "<script" not in section
    assert "<td>HistGradientBoostingClassifier</td>" in section
    assert "<td>0.909</td>" in section and "<td>0.490</td>" in section
    assert "<td>0.539 (poor: " in section  # the ratio with its reading


def test_shaping_section_escapes_what_the_data_names(page: str) -> None:
    # Setup
    section = page.split(f"<h2>{SECTIONS['shaping']}</h2>")[1].split("</section>")[0]

    # Assert
    assert "day=&lt;script" in section and "<script" not in section
    assert "Shares of day, counted over all 150 rows" in section
    assert "<td class=num>97.5%</td>" in section  # the found rule's share in the extract


def test_privacy_section_lists_checks_statement_and_override(page: str) -> None:
    # Setup
    section = page.split(f"<h2>{SECTIONS['privacy']}</h2>")[1].split("</section>")[0]

    # Assert
    assert "Release gate: <strong>failed</strong>" in section
    assert "Possible leakage found" in section and "no guarantee" in section
    assert "Override recorded." in section and "approved &lt;script" in section
    assert section.count("<td>pass</td>") == 2 and section.count("<td>FAIL</td>") == 1
    assert "0.620" in section  # the DCR share, in its measure table
    assert "anonym" not in section.lower()


def test_report_has_every_section(page: str) -> None:
    # Setup
    headings = re.findall(r"<h2>(.*?)</h2>", page)

    # Run / Assert
    assert headings == list(SECTIONS.values())


def test_user_strings_are_escaped(page: str) -> None:
    # Setup: the column name appears in the summary, parameters, readings and figures

    # Run
    visible = _outside_scripts(page)

    # Assert
    assert EVIL not in page
    assert "alert(1)" in page
    assert ESCAPED in visible
    assert visible.count(ESCAPED) >= 4


def test_report_is_self_contained(page: str) -> None:
    # Setup
    visible = _outside_scripts(page)

    # Run
    script_tags = re.findall(r"<script\b[^>]*>", page)

    # Assert
    assert 'src="http' not in visible and "src='http" not in visible
    assert 'href="http' not in visible and "href='http" not in visible
    assert all("src=" not in tag for tag in script_tags)
    assert "<link" not in visible
    assert "@import" not in visible
    assert len(page) > 1_000_000


def test_plotly_js_is_embedded_once(page: str) -> None:
    # Setup
    library_start = get_plotlyjs()[:300]

    # Run
    copies = page.count(library_start)

    # Assert
    assert copies == 1
    assert page.count('class="plotly-graph-div"') == 2


def test_report_reads_the_scores(page: str) -> None:
    # Setup
    visible = _outside_scripts(page)

    # Run / Assert
    assert "good: close to the real data" in visible  # quality 0.84
    assert "0 to 1" in visible
    assert "−∞ to 1" in visible  # R² has no floor
    assert "practical ceiling" in visible
    assert "92% of this ceiling" in visible  # 0.84 / 0.91
    assert "anonymous" not in visible.lower()


def test_report_without_holdout_or_figures_skips_them() -> None:
    # Setup
    scores = {"quality_score": 0.7}

    # Run
    page = render_report(
        title="Small",
        dataset_summary={"rows": 10},
        synthesizer="GaussianCopulaSynthesizer",
        params={},
        scores=scores,
        figures={},
    )

    # Assert
    assert SECTIONS["holdout"] not in page
    assert SECTIONS["readings"] not in page
    assert "No plots were included." in page
    assert "<script" not in page


def test_a_figure_object_is_enough() -> None:
    # Setup
    fig = go.Figure(go.Bar(x=["a"], y=[1]))

    # Run
    page = render_report(
        title="One figure",
        dataset_summary={},
        synthesizer="CTGAN",
        params={"epochs": 2},
        scores={},
        figures={"Bars": fig},
    )

    # Assert
    assert page.count(get_plotlyjs()[:300]) == 1
    assert "No scores were computed." in page


@pytest.mark.parametrize(
    ("name", "value", "reading"),
    [
        ("quality_score", 0.95, "excellent"),
        ("Column Shapes", 0.85, "good"),
        ("column_pair_trends", 0.75, "fair"),
        ("range_coverage", 0.6, "poor"),
        ("category_coverage", 0.2, "very poor"),
        ("ratio", 0.95, "excellent"),
        ("ratio", 0.5, "poor"),
        ("ratio", 1.5, "suspicious"),
        ("exact_copy_share", 0.0, "no synthetic row is an exact copy"),
        ("exact_copy_share", 0.1, "10.0% of synthetic rows are exact copies"),
        ("near_duplicate_share", 0.05, "no sign of memorised rows"),
        ("near_duplicate_share", 0.5, "memorised"),
        ("diagnostic_score", 1.0, "as expected"),
        ("data_validity", 0.9, "break the real ranges"),
        ("quality_score", None, "not available"),
        ("quality_score", float("nan"), "not available"),
    ],
)
def test_read_score(name: str, value: float | None, reading: str) -> None:
    # Setup / Run
    text = read_score(name, value)

    # Assert
    assert text.startswith(reading) or reading in text


def test_report_states_the_headline_columns_and_what_protections_cost(page: str) -> None:
    # Setup
    scores = page.split(f"<h2>{SECTIONS['scores']}</h2>")[1].split("</section>")[0]
    protections = page.split(f"<h2>{SECTIONS['protections']}</h2>")[1].split("</section>")[0]

    # Assert
    assert "Scored on 7 of 8 columns; not scored: id (key)." in scores
    assert f"Extreme numbers clipped: {ESCAPED} to [1, 7.58] (6 rows)." in protections
    assert "Cost of these protections: 0.042 of quality" in protections
    assert "Rare-category grouping was on (under 5 rows) and changed no column" in protections
    # The range narrowed by clipping is read as such, not as a poor synthesizer.
    row = next(r for r in scores.split("<tr>") if r.startswith("<td>Range coverage"))
    assert "narrowed by the studio&#x27;s clipping of " + ESCAPED in row
    assert "very poor" not in row and "poor:" not in row


def test_headline_columns_name_replaced_and_unscored_columns() -> None:
    # Setup: scores of an airports extract whose coordinates were faked
    scores = {
        "scored_columns": [
            {"column": "state", "role": "learned"},
            {"column": "latitude", "role": "replaced"},
            {"column": "longitude", "role": "replaced"},
        ],
        "unscored_columns": [
            {"column": "iata", "role": "key"},
            {"column": "name", "role": "unique"},
        ],
        "learned_quality_score": 0.965,
    }

    # Run
    text = headline_columns(scores)

    # Assert
    assert text == (
        "Scored on 3 of 5 columns, 2 of them replaced with fake or generated values "
        "(latitude, longitude), which pull the score down by design; not scored: iata (key), "
        "name (mostly unique values). The learned columns alone score 96.5%."
    )
    assert columns_covered(scores) == "3 of 5"
    assert headline_columns({"quality_score": 0.9}) == ""  # stored before columns were listed
    assert columns_covered({"quality_score": 0.9}) is None


def test_protection_notes_of_grouping_into_numbers_and_of_older_runs() -> None:
    # Setup
    grouped = {
        "settings": {"rare_grouping": True, "rare_min_count": 5, "clipping": False},
        "rare_categories": {"family": {"values": 2, "rows": 5, "into": "the nearest frequent"}},
        "rare_left": {"title": "96% of its rows hold values seen fewer than 5 times"},
        "cost": {"cost": 0.0001},
    }

    # Run
    notes = protection_notes(grouped)
    older = protection_notes({"rare_categories_grouped": {"city": 2}, "clipped": {"x": [1, 2]}})

    # Assert
    assert notes == [
        "Rare categories (seen under 5 times) grouped: family: 2 values in 5 rows into the "
        "nearest frequent.",
        "title was not grouped: 96% of its rows hold values seen fewer than 5 times.",
        "Clipping of extreme numbers was off.",
        "Cost of these protections: 0.000 of quality (the protected training rows score 1.000 "
        "against the unprotected ones, before any synthesizer ran).",
    ]
    assert older == [
        "Rare categories grouped: city: 2 values.",
        "Extreme numbers clipped: x to [1, 2].",
    ]
    assert protection_notes({}) == []
