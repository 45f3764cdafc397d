"""Every page runs inside app.py's router and frame, even when Streamlit starts the page alone.

The pages live in ``pages/`` beside ``app.py``. Until a session has called ``st.navigation``,
Streamlit (1.67) takes such a folder for its classic multipage app: the first ``PagesManager``
sets the process-wide ``uses_pages_directory`` from the folder (``runtime/pages_manager.py``),
the script runner then lists ``app.py`` and the folder's files itself and runs the requested
file alone (``_mpa_v1`` in ``runtime/scriptrunner/script_runner.py``), and only
``st.navigation`` switches that off, for every session (``commands/navigation.py``; the docs'
"pages/ directory" page says the same). So a fresh server's first request for a deep link such
as ``/compare?dataset=1&run=2``, and every ``AppTest`` run after ``switch_page`` (``AppTest``
resets the flag on each run), would draw the page without the frame or the state in the URL.

``app.py`` runs the chosen page through :func:`run_page`. Each page starts with
:func:`inside_router`, which notices a run that skipped ``app.py`` and runs ``app.py`` there and
then: its ``st.navigation`` ends the classic mode for good and runs this same page (same URL
path, same page) inside the frame, with the run's query string and clicks intact.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st

ENTRY_SCRIPT = Path(__file__).resolve().parents[1] / "app.py"
# Per script run: Streamlit runs a session's script in its own thread, so sessions never share
# this flag.
_this_run = threading.local()


def run_page(page: st.Page) -> None:
    """Run the page ``st.navigation`` chose, marked as started by the router."""
    _this_run.routed = True
    try:
        page.run()
    finally:
        _this_run.routed = False


def inside_router() -> None:
    """Return at once under the router; otherwise run ``app.py`` (and this page in it), then stop.

    The first line of every page in ``pages/``.
    """
    if getattr(_this_run, "routed", False):
        return
    code = compile(ENTRY_SCRIPT.read_text(encoding="utf-8"), str(ENTRY_SCRIPT), "exec")
    exec(code, {"__name__": "__main__", "__file__": str(ENTRY_SCRIPT)})
    st.stop()  # the page has run inside the frame; nothing of this bare run is left to do
