"""ydata-profiling reports of plotly's tips data: content, sampling, comparison, disk cache."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from core.data.demos import DEMOS
from core.data.profile import (
    ProfileCache,
    ProfileResult,
    ProfileSettings,
    cache_key,
    compare_html,
    profile_html,
    sample_table,
)
from core.errors import StudioError


@pytest.fixture(scope="module")
def tips_profile() -> tuple[ProfileResult, list[tuple]]:
    """The profile of tips (the ``tips`` fixture's table), built once for the module."""
    tips = pd.read_csv(DEMOS["tips"].path)
    calls: list[tuple] = []
    result = profile_html(tips, title="Tips real", progress=lambda *call: calls.append(call))
    return result, calls


def _observations(html: str) -> int:
    """The row count the report's overview table states."""
    match = re.search(r"Number of observations(?:</th>)?<td[^>]*>([\d,]+)<", html)
    assert match, "no 'Number of observations' row in the report"
    return int(match.group(1).replace(",", ""))


def test_profile_names_every_column_and_is_self_contained(
    tips: pd.DataFrame, tips_profile: tuple[ProfileResult, list[tuple]]
) -> None:
    # Setup
    result, _ = tips_profile

    # Assert
    assert "Tips real" in result.html
    for column in tips.columns:
        assert column in result.html
    assert not re.search(r"""src=["']?https?:""", result.html)
    assert not re.search(r"""<link[^>]*href=["']?https?:""", result.html)
    assert (result.sample_rows, result.total_rows, result.minimal) == (244, 244, True)
    assert _observations(result.html) == 244
    assert 0 < result.seconds < 60
    # Fills its frame; a single report keeps its blocks side by side.
    assert result.html.endswith("<style>.container{max-width:none}</style>")


def test_profile_reports_its_steps(tips_profile: tuple[ProfileResult, list[tuple]]) -> None:
    # Setup
    _, calls = tips_profile

    # Assert
    assert calls[0] == ("profile", 0, 2)
    assert calls[-1] == ("profile", 2, 2)
    assert {stage for stage, _, _ in calls} == {"profile"}
    done = [d for _, d, _ in calls]
    assert done == sorted(done)


def test_sampling_above_max_rows_is_seeded_and_minimal(tips: pd.DataFrame) -> None:
    # Setup
    settings = ProfileSettings(max_rows=100, minimal=False, seed=3)

    # Run
    result = profile_html(tips, title="Tips sampled", settings=settings)

    # Assert
    assert (result.sample_rows, result.total_rows, result.minimal) == (100, 244, True)
    assert _observations(result.html) == 100
    first, again = sample_table(tips, settings), sample_table(tips, settings)
    assert len(first) == 100
    pd.testing.assert_frame_equal(first, again)
    other_seed = sample_table(tips, ProfileSettings(max_rows=100, seed=4))
    assert not first.index.equals(other_seed.index)
    assert sample_table(tips, ProfileSettings(max_rows=244)) is tips


def test_comparison_names_both_sides(tips: pd.DataFrame) -> None:
    # Setup
    synthetic = tips.sample(n=150, random_state=1).reset_index(drop=True)
    calls: list[tuple] = []

    # Run
    result = compare_html(tips, synthetic, title="Tips", progress=lambda *call: calls.append(call))

    # Assert
    assert "Tips (real)" in result.html
    assert "Tips (synthetic)" in result.html
    assert not re.search(r"""src=["']?https?:""", result.html)
    assert (result.sample_rows, result.total_rows, result.minimal) == (394, 394, True)
    assert calls[0] == ("profile", 0, 3) and calls[-1] == ("profile", 3, 3)
    # A table per side does not fit in a third of the frame: the blocks are stacked.
    assert result.html.endswith(
        "<style>.container{max-width:none}"
        ".row.sub-item>[class*=col-sm-]{flex:0 0 100%;max-width:100%}</style>"
    )


def test_library_failure_becomes_one_line_studio_error() -> None:
    # Setup
    empty = pd.DataFrame()

    # Run / Assert
    with pytest.raises(StudioError, match=r"^ydata-profiling could not profile") as caught:
        profile_html(empty, title="Nothing")
    assert "\n" not in str(caught.value)


def test_cache_returns_what_was_put_across_objects(tmp_path: Path) -> None:
    # Setup
    root = tmp_path / "workspace.profiles"
    key = cache_key("real", "abc123", ProfileSettings())

    # Run
    assert ProfileCache(root).get(key) is None
    written = ProfileCache(root).put(key, "<html>tips</html>")

    # Assert
    assert written.parent == root and written.suffix == ".html"
    assert ProfileCache(root).get(key) == "<html>tips</html>"
    ProfileCache(root).put(key, "<html>newer</html>")
    assert ProfileCache(root).get(key) == "<html>newer</html>"
    assert [p.name for p in root.iterdir()] == [written.name]


def test_cache_never_returns_a_half_written_file(tmp_path: Path) -> None:
    # Setup: a put that died mid-write leaves only its partial file behind
    root = tmp_path / "workspace.profiles"
    key = cache_key("real", "abc123", ProfileSettings())
    root.mkdir()
    (root / f"{key}.1234.partial").write_text("<html>half")

    # Run / Assert
    assert ProfileCache(root).get(key) is None


def test_cache_keys_differ_by_kind_data_and_settings() -> None:
    # Setup
    base = ProfileSettings()
    variants = [
        ("real", "fp1", base),
        ("synthetic-run-1", "fp1", base),
        ("compare-run-1", "fp1", base),
        ("compare-run-2", "fp1", base),
        ("real", "fp2", base),
        ("real", "fp1", ProfileSettings(max_rows=500)),
        ("real", "fp1", ProfileSettings(minimal=False)),
        ("real", "fp1", ProfileSettings(seed=1)),
    ]

    # Run
    keys = [cache_key(*variant) for variant in variants]

    # Assert
    assert len(set(keys)) == len(keys)
    assert keys[0] == cache_key("real", "fp1", ProfileSettings())
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)


def test_cache_refuses_a_key_that_is_a_path(tmp_path: Path) -> None:
    # Run / Assert
    with pytest.raises(ValueError):
        ProfileCache(tmp_path).get("../escape")


def test_hidden_columns_are_left_out_of_both_reports(tips: pd.DataFrame) -> None:
    # Setup: a column of emails stands in for a direct identifier
    people = tips.head(60).assign(email=[f"diner{i}@example.org" for i in range(60)])

    # Run
    alone = profile_html(people, title="People", hidden=["email"])
    both = compare_html(people, people, title="People", hidden=["email", "absent"])

    # Assert
    for result in (alone, both):
        assert result.hidden == ("email",)
        assert "diner" not in result.html and "email" not in result.html
        assert "total_bill" in result.html


def test_cache_keys_change_with_the_hidden_columns() -> None:
    # Setup
    settings = ProfileSettings()

    # Run
    keys = {
        cache_key("real", "f", settings),
        cache_key("real", "f", settings, ["email"]),
        cache_key("real", "f", settings, ["email", "phone"]),
    }

    # Assert
    assert len(keys) == 3
    assert cache_key("real", "f", settings, ["phone", "email"]) in keys
