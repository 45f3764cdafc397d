"""Whether a run's extract may be released: the privacy gate as stored, plus any override.

A run's scores hold the gate's verdict and every check (see
:func:`core.privacy.checks.release_gate`).
An extract that fails is released only with a recorded override (a person's reason), which is
shown wherever the extract is: the Export page, the HTML report and REPORT.json.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.evaluate.stored import StoredScores

LIMITS = (
    "These tests compare the synthetic rows with the training rows by distance, by exact "
    "copies and by personal-data values; they do not rule out re-identification through "
    "outside information or rare combinations of values, so they are no guarantee that no "
    "one can be identified."
)
NOT_MEASURED = "privacy_measured"


@dataclass(frozen=True)
class CheckRow:
    """One release check as stored with a run."""

    name: str
    passed: bool
    value: float | None
    threshold: float | None
    reason: str


@dataclass(frozen=True)
class ReleaseStatus:
    """The gate's verdict on a run's extract and the override recorded for it, if any."""

    passed: bool
    checks: list[CheckRow] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)
    error: str = ""  # why privacy could not be measured
    override: dict[str, Any] | None = None

    @property
    def released(self) -> bool:
        """Downloads are allowed: the gate passed, or a person recorded why to release anyway."""
        return self.passed or self.override is not None

    @property
    def statement(self) -> str:
        """What the checks found and what they do not prove, in plain sentences."""
        if self.error:
            found = f"Leakage was not measured: {self.error}"
        elif self.passed:
            found = "No known leakage found by these tests."
        else:
            reasons = " ".join(c.reason for c in self.checks if not c.passed)
            found = f"Possible leakage found: {reasons}"
        return f"{found} {LIMITS}"

    @property
    def override_line(self) -> str:
        """One sentence on the recorded override, or an empty string."""
        if self.override is None:
            return ""
        failing = ", ".join(self.override.get("failing") or []) or "none"
        return (
            f"Released despite failing checks ({failing}) on {self.override.get('at', '?')}; "
            f"reason given: {self.override.get('reason', '')}"
        )


def release_status(
    scores: Mapping[str, Any] | StoredScores | None, override: dict[str, Any] | None = None
) -> ReleaseStatus:
    """Read the release verdict from a run's stored scores.

    Args:
        scores: The run's scores (``Evaluation.to_dict``); ``None`` for a run without them.
        override: The run's recorded override (``RunInfo.override``).

    Returns:
        The verdict; a run whose privacy was not measured fails with ``privacy_measured``.
    """
    privacy = StoredScores.of(scores).privacy
    gate = privacy.get("gate") or {}
    if not gate:
        error = "this run has no privacy results; run it again to measure them."
        return ReleaseStatus(False, [], [NOT_MEASURED], error, override)
    checks = [
        CheckRow(
            name=str(check["name"]),
            passed=bool(check["passed"]),
            value=check.get("value"),
            threshold=check.get("threshold"),
            reason=str(check.get("reason", "")),
        )
        for check in gate.get("checks") or []
    ]
    return ReleaseStatus(
        passed=bool(gate.get("passed")),
        checks=checks,
        failing=list(gate.get("failing") or []),
        error=str(privacy.get("error") or ""),
        override=override,
    )


def release_block(status: ReleaseStatus) -> dict[str, Any]:
    """The ``release`` entry of REPORT.json: verdict, statement and any override."""
    return {
        "passed": status.passed,
        "released": status.released,
        "failing": status.failing,
        "statement": status.statement,
        "override": status.override,
    }
