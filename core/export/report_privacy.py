"""The report's privacy section: the release gate's verdict, its checks and the measures.

Shows whether the gate passed, any recorded override, each check against its threshold, and
the distance measures (DCR share, exact matches, NNDR) beside their holdout baselines, with
the rows they were measured on and the personal-data columns left out of distances.
"""

from __future__ import annotations

from typing import Any

from core.export.report_cells import as_number, as_text, escape, fmt_score, pretty
from core.privacy.gate import ReleaseStatus

_PRIVACY_MEASURES = (
    (
        "dcr_share",
        "DCR share",
        "share of synthetic rows closer to a training row than to a "
        "holdout row (ties count half); about 0.5 means no closer to training than fresh rows",
    ),
    ("exact_match_share", "Exact-match share", "synthetic rows identical to a training row"),
    (
        "exact_match_baseline",
        "Holdout exact-match share",
        "holdout rows identical to a training row: what copying by chance looks like",
    ),
    ("nndr", "NNDR", "median ratio of nearest to second-nearest training row distance"),
    ("nndr_baseline", "Holdout NNDR", "the same ratio for holdout rows"),
)


def privacy_html(privacy: dict[str, Any], release: ReleaseStatus) -> str:
    """The gate's verdict and override, its checks, and the measures with their rows."""
    verdict = "passed" if release.passed else "failed"
    parts = [f"<p>Release gate: <strong>{verdict}</strong>. {escape(release.statement)}</p>"]
    if release.override is not None:
        parts.append(f"<p><strong>Override recorded.</strong> {escape(release.override_line)}</p>")
    if release.checks:
        rows = "".join(
            f"<tr><td>{escape(pretty(c.name))}</td><td>{'pass' if c.passed else 'FAIL'}</td>"
            f'<td class="num">{fmt_score(as_number(c.value))}</td>'
            f'<td class="num">{fmt_score(as_number(c.threshold))}</td>'
            f"<td>{escape(c.reason)}</td></tr>"
            for c in release.checks
        )
        parts.append(
            "<table><tr><th>Check</th><th>Result</th><th>Value</th><th>Threshold</th>"
            f"<th>Why</th></tr>{rows}</table>"
        )
    measured = [(k, label, meaning) for k, label, meaning in _PRIVACY_MEASURES if k in privacy]
    if measured:
        rows = "".join(
            f'<tr><td>{escape(label)}</td><td class="num">{fmt_score(as_number(privacy[k]))}</td>'
            f"<td>{escape(meaning)}</td></tr>"
            for k, label, meaning in measured
        )
        parts.append(
            f"<table><tr><th>Measure</th><th>Value</th><th>Meaning</th></tr>{rows}</table>"
        )
        used = {k: privacy.get(k) for k in ("train_rows", "holdout_rows", "synthetic_rows")}
        parts.append(
            f'<p class="note">Distances use {as_text(used["synthetic_rows"])} synthetic, '
            f"{as_text(used['train_rows'])} training and {as_text(used['holdout_rows'])} holdout "
            "rows; personal-data columns ("
            f"{escape(', '.join(privacy.get('pii_columns') or []) or 'none')}"
            ") are left out of distances and checked value by value.</p>"
        )
    return "".join(parts)
