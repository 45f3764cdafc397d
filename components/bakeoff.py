"""Bake-off widgets: the plan, two-level progress, the leaderboard table, and the last result."""

from __future__ import annotations

import streamlit as st

from components.progress import StreamlitProgress
from components.state import get_state
from components.tables import static_table
from core.formatting import duration
from core.runs.bakeoff_plan import BakeoffPlan
from core.runs.leaderboard import BakeoffResult
from core.synth.registry import REGISTRY

DEFAULT_BUDGET_SECONDS = 120


def default_keys() -> list[str]:
    """The fast statistical synthesizer and one neural one (TVAE suits small tables)."""
    fast = [key for key, spec in REGISTRY.items() if not spec.has_epochs][:1]
    neural = [key for key, spec in REGISTRY.items() if spec.has_epochs]
    return fast + (["tvae"] if "tvae" in neural else neural[:1])


def plan_list(plan: BakeoffPlan) -> None:
    """The plan, one line per synthesizer: the same inputs always give these lines."""
    lines = "\n".join(f"- {line}" for line in plan.lines())
    st.markdown(f"**Plan** for a budget of {duration(plan.budget_seconds)}:\n{lines}")


class BakeoffProgress:
    """One bar for the synthesizers, one for the stages of the one running."""

    def __init__(self) -> None:
        self._overall = st.progress(0.0, text="Starting…")
        self._stage = StreamlitProgress()

    def __call__(self, stage: str, done: float, total: float | None) -> None:
        head, _, rest = stage.partition(":")
        if head == "bakeoff":
            label = REGISTRY[rest].label if rest in REGISTRY else "Finished"
            text = f"{label} ({done + 1:.0f} of {total:.0f})" if rest else label
            self._overall.progress(min(done / (total or 1), 1.0), text=text)
        else:
            self._stage(rest or head, done, total)

    def done(self, text: str) -> None:
        self._overall.progress(1.0, text=text)
        self._stage.done(text)


def remember(result: BakeoffResult) -> None:
    """Keep the result for this session, so it survives the reruns of later clicks."""
    get_state().bakeoff = result


def last_result(dataset_id: int) -> BakeoffResult | None:
    """The session's last bake-off, when it ran on ``dataset_id``."""
    result = get_state().bakeoff
    return result if result is not None and result.dataset_id == dataset_id else None


def leaderboard_table(result: BakeoffResult) -> None:
    """The ranked entries as a table that fits the page: why a run was skipped or failed is
    in its row, in words, and each run's time stands beside its planned time."""
    static_table(result.display_table())
    st.caption(
        "Score: quality, utility and privacy combined (0 to 1). Time: what the run took, with "
        "the plan's estimate in brackets."
    )
