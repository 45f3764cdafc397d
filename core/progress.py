"""Progress reporting as a callback protocol with a no-op default.

Core functions call ``progress(stage, done, total)`` from the caller's thread; pages adapt it to
``st.progress`` and the CLI to a line on stderr.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, stage: str, done: float, total: float | None) -> None:
        """Report that ``done`` of ``total`` units of ``stage`` are finished.

        ``total`` is None when the amount of work is unknown.
        """


def no_progress(stage: str, done: float, total: float | None) -> None:
    """The default: report nothing."""
