"""The checks that read the git history: activity and pull requests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from seedbed.dpg.scanner.checks import run_checks
from seedbed.dpg.scanner.tree import RepoTree
from seedbed.dpg.scanner.types import Status

from .test_checks import ALICE, BOB, CAROL, NOW, by_key, git, make_repo

HISTORY_CHECKS = {"activity", "pull_requests"}


def history_results(tree: RepoTree, now: dt.datetime = NOW) -> dict:
    return by_key(run_checks(tree, now=now, only=HISTORY_CHECKS))


def test_one_author_making_every_recent_commit_is_a_warning(tmp_path: Path) -> None:
    history = [(ALICE, days, f"Change {days}") for days in (70, 50, 30, 10, 1)]
    activity = history_results(make_repo(tmp_path / "solo", {"a.txt": "a"}, history=history))["activity"]
    assert activity.status == Status.WARNING
    assert activity.details["authors_recent"] == 1
    assert activity.details["top_author_share"] == 1.0
    assert "100 per cent" in activity.message
    assert "alice" not in str(activity.as_dict()).lower()  # e-mail addresses are counted, never shown


def test_the_top_author_share_threshold_is_more_than_80_per_cent(tmp_path: Path) -> None:
    eight = [(ALICE, day, f"A{day}") for day in range(1, 9)] + [(BOB, 20, "B"), (CAROL, 21, "C")]
    nine = [(ALICE, day, f"A{day}") for day in range(1, 10)] + [(BOB, 20, "B")]
    assert (
        history_results(make_repo(tmp_path / "eight", {"a": "a"}, history=eight))["activity"].status == "pass"
    )
    found = history_results(make_repo(tmp_path / "nine", {"a": "a"}, history=nine))["activity"]
    assert (found.status, found.details["top_author_share"]) == (Status.WARNING, 0.9)


def test_authors_are_counted_by_lower_cased_e_mail_and_bots_apart(tmp_path: Path) -> None:
    bob_again = ("Robert", "bob@example.org")  # BOB's address in another case
    bot = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
    history = [(ALICE, 40, "A"), (BOB, 30, "B"), (bob_again, 20, "B2"), (bot, 10, "Bump"), (bot, 5, "Bump")]
    found = history_results(make_repo(tmp_path / "r", {"a": "a"}, history=history))["activity"]
    assert found.details["authors_recent"] == 2
    assert found.details["bot_commits_recent"] == 2
    assert found.details["commits_recent"] == 5
    assert found.details["top_author_share"] == round(2 / 3, 3)
    assert found.status == Status.PASS


def test_only_commits_of_the_last_90_days_count_and_now_is_injectable(tmp_path: Path) -> None:
    history = [(ALICE, 200, "Old"), (BOB, 150, "Old too"), (CAROL, 95, "Almost")]
    tree = make_repo(tmp_path / "old", {"a": "a"}, history=history, tags=["v0.1", "v0.2"])
    found = history_results(tree)["activity"]
    assert found.status == Status.WARNING
    assert found.details["commits_recent"] == 0
    assert found.details["days_since_last_commit"] == 95
    assert found.details["tags"] == 2
    assert "Nobody has committed in the last 90 days" in found.message
    earlier = history_results(tree, now=NOW - dt.timedelta(days=60))["activity"]
    assert earlier.status == Status.PASS
    assert (earlier.details["commits_recent"], earlier.details["authors_recent"]) == (
        2,
        2,
    )  # 150 days: the edge
    naive = history_results(tree, now=(NOW - dt.timedelta(days=60)).replace(tzinfo=None))["activity"]
    assert naive.details["commits_recent"] == 2


def test_a_shallow_clone_with_one_commit_cannot_tell(tmp_path: Path) -> None:
    history = [(ALICE, 40, "A"), (BOB, 30, "B"), (CAROL, 20, "C")]
    make_repo(tmp_path / "origin", {"a": "a"}, history=history)
    git(tmp_path, "clone", "-q", "--depth", "1", (tmp_path / "origin").as_uri(), "clone")
    found = history_results(RepoTree(tmp_path / "clone"))
    for key in HISTORY_CHECKS:
        assert found[key].status == Status.NOT_APPLICABLE
        assert "only its last commit" in found[key].message
    assert found["activity"].details["shallow"] is True


def test_a_shallow_clone_with_some_history_gives_lower_bounds(tmp_path: Path) -> None:
    history = [(ALICE, 200, "A"), (BOB, 30, "B"), (CAROL, 20, "C"), (ALICE, 10, "D")]
    make_repo(tmp_path / "origin", {"a": "a"}, history=history)
    git(tmp_path, "clone", "-q", "--depth", "3", (tmp_path / "origin").as_uri(), "clone")
    found = history_results(RepoTree(tmp_path / "clone"))["activity"]
    assert found.status == Status.PASS
    assert (found.details["shallow"], found.details["complete"]) == (True, False)
    assert "lower bounds" in found.message


def test_merged_pull_requests_are_read_from_commit_subjects(tmp_path: Path) -> None:
    subjects = [
        "Merge pull request #12 from alice/feature",
        "Merge branch 'fix-login' into 'main'",
        "Add the export (#41)",
        "Merged in feature/x (pull request #7)",
        "Merge branch 'main' into feature",  # a local merge, not a pull request
        "Fix a typo",
    ]
    history = [(ALICE, 60 - index, subject) for index, subject in enumerate(subjects)]
    found = history_results(make_repo(tmp_path / "prs", {"a": "a"}, history=history))["pull_requests"]
    assert found.status == Status.PASS
    assert found.check_keys == ("oss.pull_requests",)
    assert found.details["merged_pull_requests"] == 4
    none = history_results(make_repo(tmp_path / "none", {"a": "a"}))["pull_requests"]
    assert (none.status, none.check_keys) == (Status.WARNING, ())
