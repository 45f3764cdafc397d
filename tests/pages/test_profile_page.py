"""Step 7, Profile: the guard, the choice of report, nothing built before the click, the cache."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.workspace.records import DatasetInfo, RunInfo
from core.workspace.store import Workspace

PAGE = "pages/7_profile.py"
STATE_KEY = "studio.state"
# The first build imports ydata-profiling (seconds) before profiling tips (seconds).
TIMEOUT = 120


@pytest.fixture
def profile_page(studio: Callable[..., AppTest]) -> Callable[..., AppTest]:
    """AppTests of ``app.py`` switched to the Profile page, ids injected when given."""

    def make(*, dataset_id: int | None = None, run_id: int | None = None) -> AppTest:
        at = studio(dataset_id=dataset_id, run_id=run_id)
        at.default_timeout = TIMEOUT
        return at.switch_page(PAGE)

    return make


@pytest.fixture
def comparing(profile_page, tips: DatasetInfo, tips_run: RunInfo) -> AppTest:
    """The Profile page on tips and its run, switched to comparing both tables."""
    at = profile_page(dataset_id=tips.id, run_id=tips_run.id)
    at.run()
    at.radio(key="profile.kind").set_value("compare").run()
    return at


def _profiles_dir(workspace: Workspace) -> Path:
    return workspace.path.with_name(workspace.path.stem + ".profiles")


def _shown_html(at: AppTest) -> str:
    [frame] = at.get("iframe")
    return frame.proto.srcdoc


def test_only_real_data_without_a_run(profile_page, tips: DatasetInfo) -> None:
    # Setup
    at = profile_page(dataset_id=tips.id)

    # Run
    at.run()

    # Assert
    assert not at.exception
    assert at.radio(key="profile.kind").options == ["Real data"]


def test_nothing_is_built_before_the_click(
    profile_page, workspace: Workspace, tips: DatasetInfo, tips_run: RunInfo
) -> None:
    # Setup
    at = profile_page(dataset_id=tips.id, run_id=tips_run.id)

    # Run
    at.run()
    at.radio(key="profile.kind").set_value("compare").run()

    # Assert
    assert not at.exception
    assert at.radio(key="profile.kind").options == [
        "Real data",
        f"Synthetic data (run #{tips_run.id})",
        "Real vs synthetic",
    ]
    assert at.button(key="profile.build").label == "Build profile"
    assert not at.download_button and not at.get("iframe")
    assert not _profiles_dir(workspace).exists()


def test_build_shows_downloads_and_caches_the_profile(
    profile_page, workspace: Workspace, tips: DatasetInfo
) -> None:
    # Setup
    at = profile_page(dataset_id=tips.id)
    at.run()

    # Run
    at.button(key="profile.build").click().run()

    # Assert
    assert not at.exception
    assert at.download_button(key="profile.download").label == "Download the profile (HTML)"
    [caption] = [c.value for c in at.caption if "rows profiled" in c.value]
    assert caption.startswith("244 of 244 rows profiled, minimal mode, built in ")
    # The prompt is answered: no "No profile of this yet", no Build button, no spent bar.
    assert not [c.value for c in at.caption if c.value.startswith("No profile of this yet")]
    assert not at.button and not at.get("progress")
    assert "tips: real" in _shown_html(at)
    assert len(list(_profiles_dir(workspace).glob("*.html"))) == 1

    # Run: a new session on the same workspace
    again = profile_page(dataset_id=tips.id)
    again.run()

    # Assert: the stored profile, shown without a click
    assert not again.exception
    assert not again.button
    assert again.download_button(key="profile.download")
    assert "244 of 244 rows profiled, minimal mode, from the cache." in [
        c.value for c in again.caption
    ]
    assert _shown_html(again) == _shown_html(at)


def test_compare_build_profiles_both_tables(comparing: AppTest, tips_run: RunInfo) -> None:
    # Setup
    at = comparing

    # Run
    at.button(key="profile.build").click().run()

    # Assert
    assert not at.exception
    assert "444 of 444 rows profiled, minimal mode, built in " in " ".join(
        c.value for c in at.caption
    )
    html = _shown_html(at)
    assert "tips (real)" in html and f"tips (synthetic run #{tips_run.id})" in html


def test_forgetting_the_run_falls_back_to_real_data(comparing: AppTest) -> None:
    # Setup
    at = comparing

    # Run
    at.session_state[STATE_KEY].run_id = None
    at.run()

    # Assert
    assert not at.exception
    kind = at.radio(key="profile.kind")
    assert kind.options == ["Real data"] and kind.value == "real"


def test_direct_identifiers_are_left_out_of_the_profile(profile_page, workspace: Workspace) -> None:
    # Setup: emails and names; the metadata is detected here (the Metadata page was not opened)
    import pandas as pd
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(2)
    names = [fake.unique.name() for _ in range(80)]
    people = pd.DataFrame(
        {
            "email": [f"visitor{i}@example.org" for i in range(80)],
            "full_name": names,
            "visits": [i % 9 for i in range(80)],
        }
    )
    dataset = workspace.add_dataset(name="people", source="p.csv", fingerprint="pp", frame=people)
    at = profile_page(dataset_id=dataset.id)
    at.run()

    # Run
    at.button(key="profile.build").click().run()

    # Assert
    assert not at.exception
    html = _shown_html(at)
    assert "visitor" not in html and not any(name in html for name in names)
    assert "visits" in html
    [caption] = [c.value for c in at.caption if "rows profiled" in c.value]
    assert caption.endswith("Direct identifiers left out: email, full_name.")
    assert workspace.get_dataset(dataset.id).metadata is not None


def test_a_failed_build_says_why_and_offers_another_try(profile_page, workspace: Workspace) -> None:
    # Setup: every column is a direct identifier, so nothing is left to profile
    import pandas as pd

    emails = pd.DataFrame({"email": [f"visitor{i}@example.org" for i in range(40)]})
    dataset = workspace.add_dataset(name="emails", source="e.csv", fingerprint="ee", frame=emails)
    at = profile_page(dataset_id=dataset.id)
    at.run()

    # Run
    at.button(key="profile.build").click().run()

    # Assert: one line, a retry, no report
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("ydata-profiling could not profile this table: ")
    assert [b.key for b in at.button] == ["profile.retry"]
    assert not at.get("iframe") and not at.download_button

    # Run + Assert: the retry brings the prompt back
    at.button(key="profile.retry").click().run()
    assert not at.exception
    assert at.button(key="profile.build").label == "Build profile"
