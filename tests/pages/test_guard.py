"""The one guard: every step that needs a dataset or a run says so, links there, and stops."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from core.workspace.records import DatasetInfo

NEEDS_DATASET = "Choose a dataset on the Data page first."
NEEDS_RUN = "Generate synthetic data on the Synthesize page first."
NO_RUNS = "No runs yet: generate synthetic data on the Synthesize page."
# The linked step and its URL path (Data, the default page, is served at "/").
DATA, SYNTHESIZE = ("Data", ""), ("Synthesize", "synthesize")
# (page, title, whether the session has a dataset, the message, the linked step)
GUARDED = [
    ("pages/2_metadata.py", "Metadata", False, NEEDS_DATASET, DATA),
    ("pages/3_synthesize.py", "Synthesize", False, NEEDS_DATASET, DATA),
    ("pages/7_profile.py", "Profile", False, NEEDS_DATASET, DATA),
    ("pages/9_bakeoff.py", "Bake-off", False, NEEDS_DATASET, DATA),
    ("pages/4_compare.py", "Compare", True, NEEDS_RUN, SYNTHESIZE),
    ("pages/5_export.py", "Export", True, NEEDS_RUN, SYNTHESIZE),
    ("pages/8_sql.py", "SQL", True, NEEDS_RUN, SYNTHESIZE),
    ("pages/6_runs.py", "Runs", True, NO_RUNS, SYNTHESIZE),
]


@pytest.mark.parametrize(
    ("page", "title", "with_dataset", "message", "target"),
    GUARDED,
    ids=[title for _, title, *_ in GUARDED],
)
def test_guard_says_what_is_missing_links_there_and_stops(
    studio: Callable[..., AppTest],
    tips: DatasetInfo,
    page: str,
    title: str,
    with_dataset: bool,
    message: str,
    target: tuple[str, str],
) -> None:
    # Setup
    at = studio(dataset_id=tips.id if with_dataset else None).switch_page(page)

    # Run
    at.run()

    # Assert: the title, one line, one link, and nothing of the step below them
    assert not at.exception
    assert [t.value for t in at.title] == [title]
    assert [i.value for i in at.info] == [message]
    [link] = at.get("page_link")
    assert (link.proto.label, link.proto.page) == (f"Go to {target[0]}", target[1])
    main = at.main
    assert not (main.caption or main.metric or main.button or main.selectbox or main.dataframe)
