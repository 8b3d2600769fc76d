"""The repository checks other than licences, on repositories the tests build with ``git init``."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from seedbed.dpg.scanner import checks
from seedbed.dpg.scanner.checks import CHECK_KEYS, CHECKS, INDICATORS, run_checks
from seedbed.dpg.scanner.checks._base import CheckDef, Outcome
from seedbed.dpg.scanner.tree import RepoTree
from seedbed.dpg.scanner.types import CheckResult, Status
from seedbed.portfolio.plan_defaults import CHECK_KEYS as MILESTONE_CHECK_KEYS

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
ALICE = ("Alice", "alice@example.org")
BOB = ("Bob", "Bob@Example.org")
CAROL = ("Carol", "carol@example.org")

Author = tuple[str, str]


def git(root: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    full_env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        **(env or {}),
    }
    result = subprocess.run(
        [
            "git",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
            *args,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env=full_env,
    )
    return result.stdout


def commit(root: Path, author: Author, when: dt.datetime, subject: str, *, allow_empty: bool = False) -> None:
    stamp = when.isoformat()
    env = {
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": author[0],
        "GIT_COMMITTER_EMAIL": author[1],
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
    }
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", subject, *(["--allow-empty"] if allow_empty else []), env=env)


def make_repo(
    root: Path,
    files: Mapping[str, str | bytes],
    *,
    history: Iterable[tuple[Author, int, str]] = ((ALICE, 10, "Start"),),
    tags: Iterable[str] = (),
) -> RepoTree:
    """A git repository at ``root`` with ``files``; ``history`` is (author, days before NOW, subject), the
    first commit adding every file and the others empty; then ``tags`` on HEAD."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    for index, (author, days_ago, subject) in enumerate(sorted(history, key=lambda row: -row[1])):
        commit(root, author, NOW - dt.timedelta(days=days_ago), subject, allow_empty=index > 0)
    for tag in tags:
        git(root, "tag", tag)
    return RepoTree(root)


def by_key(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {result.key: result for result in results}


def statuses(results: list[CheckResult]) -> dict[str, str]:
    return {result.key: str(result.status) for result in results}


def paths(result: CheckResult) -> list[str]:
    return [item.path for item in result.evidence]


README_EN = """# Tally

Tally is a small tool that helps health workers count the vaccines in a cold room and share the figures
with the district office. It works offline and synchronises when a network is available.
You can export every count as CSV or JSON for the national information system.

## Installation

You need Python 3.11. Clone the repository and install it with pip:

```sh
pip install -e .
```

## Usage

Run `tally count` to start a count, then `tally export --format csv` to write the figures to a file
that the district office can open in any spreadsheet. See the documentation for all the options that
are available and for the way the synchronisation works when the network comes back.

Documentation: https://tally.readthedocs.io/en/latest/
"""

README_FR = """# Tally

Tally est un petit outil qui aide les agents de santé à compter les vaccins dans une chambre froide et à
partager les chiffres avec le bureau du district. Il fonctionne hors ligne et se synchronise dès que le
réseau est disponible. Les données sont exportées dans un format ouvert pour le système national.

## Installation

Il faut Python 3.11. Clonez le dépôt puis installez le paquet avec pip dans un environnement virtuel.

## Utilisation

Lancez la commande de comptage, puis la commande d'export pour écrire les chiffres dans un fichier que
le bureau du district peut ouvrir avec un tableur. La documentation décrit toutes les options.
"""

WORKFLOW = """name: CI
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install -e . && pytest
  docs:
    runs-on: ubuntu-latest
    steps:
      - run: pip install mkdocs && mkdocs build --strict
"""

OPENAPI = """openapi: 3.0.3
info:
  title: Tally
  version: "1.0"
paths: {}
"""

GOOD_FILES: dict[str, str | bytes] = {
    "README.md": README_EN,
    "docs/index.md": "# Tally\n\nExport the counts as CSV from the Reports page.\n",
    "mkdocs.yml": "site_name: Tally\n",
    "CODE_OF_CONDUCT.md": "# Contributor Covenant Code of Conduct\n\nReport to conduct@tally.example.\n",
    "CONTRIBUTING.md": "# Contributing\n\nOpen a pull request. Sign off your commits (DCO).\n",
    "SECURITY.md": "# Security policy\n\nPlease e-mail security@tally.example with the details.\n",
    ".github/CODEOWNERS": "* @tally/maintainers\n",
    ".github/ISSUE_TEMPLATE/bug.md": "---\nname: Bug report\n---\nWhat happened?\n",
    ".github/pull_request_template.md": "## What this changes\n",
    ".github/workflows/ci.yml": WORKFLOW,
    "tests/test_x.py": "def test_x():\n    assert True\n",
    "tally/__init__.py": "",
    "tally/export.py": "def export_csv():\n    pass\n",
    "Dockerfile": "FROM python:3.11-slim\n",
    "openapi.yaml": OPENAPI,
}
GOOD_HISTORY = [
    (ALICE, 80, "Start"),
    (BOB, 60, "Add the export"),
    (CAROL, 30, "Merge pull request #3 from carol/docs"),
    (ALICE, 20, "Count offline (#4)"),
    (BOB, 5, "Fix the synchronisation"),
]


@pytest.fixture
def good(tmp_path: Path) -> RepoTree:
    return make_repo(tmp_path / "good", GOOD_FILES, history=GOOD_HISTORY, tags=["v1.0.0"])


def test_the_catalogue_names_each_check_once_with_real_indicators_and_milestone_keys() -> None:
    keys = [key for key, _title in CHECKS]
    assert len(keys) == len(set(keys))
    expected = {
        "readme.present", "readme.english", "readme.sections", "docs.present", "code_of_conduct",
        "contributing", "security_policy", "governance", "issue_templates", "pr_templates", "ci", "tests",
        "containers", "api_description", "data_export", "activity", "pull_requests",
    }  # fmt: skip
    assert set(keys) == expected
    valid_indicators = {"1", "2", "3", "4", "5", "6", "7", "8", "9a", "9b", "9c"}
    assert all(set(values) <= valid_indicators for values in INDICATORS.values())
    assert all(set(values) <= set(MILESTONE_CHECK_KEYS) for values in CHECK_KEYS.values())
    assert INDICATORS["code_of_conduct"] == ("9c",)
    assert INDICATORS["data_export"] == ("6",)
    assert CHECK_KEYS["readme.present"] == ("oss.readme",)
    assert all(title for _key, title in CHECKS)


def test_a_good_repository_passes_every_check(good: RepoTree) -> None:
    started = time.perf_counter()
    results = run_checks(good, now=NOW)
    assert time.perf_counter() - started < 5
    assert [result.key for result in results] == [key for key, _title in CHECKS]
    assert statuses(results) == {key: "pass" for key, _title in CHECKS}, {r.key: r.message for r in results}
    found = by_key(results)
    assert {key: result.check_keys for key, result in found.items() if result.check_keys} == {
        "readme.present": ("oss.readme",),
        "docs.present": ("oss.docs",),
        "code_of_conduct": ("oss.code_of_conduct",),
        "contributing": ("oss.contributing",),
        "issue_templates": ("oss.issue_templates",),
        "ci": ("oss.ci",),
        "tests": ("oss.tests",),
        "pull_requests": ("oss.pull_requests",),
    }
    assert found["code_of_conduct"].indicators == ("9c",)
    assert found["security_policy"].indicators == ("9a",)
    assert found["governance"].indicators == ("3",)
    assert found["api_description"].indicators == ("6", "8")
    assert paths(found["readme.present"]) == ["README.md"]
    assert found["readme.english"].details["english_share"] >= 0.2
    assert [(item.path, item.line) for item in found["readme.sections"].evidence] == [
        ("README.md", 7),
        ("README.md", 15),
    ]
    assert {"mkdocs.yml", "docs/", ".github/workflows/ci.yml"} <= set(paths(found["docs.present"]))
    assert found["docs.present"].details["site_links"] == ["https://tally.readthedocs.io/en/latest/"]
    assert paths(found["code_of_conduct"])[0] == "CODE_OF_CONDUCT.md"
    assert found["contributing"].details["mentions_cla_or_dco"] is True
    assert [(e.path, e.line) for e in found["security_policy"].evidence] == [("SECURITY.md", 3)]
    assert found["security_policy"].details["contact"] == "email"
    assert paths(found["governance"]) == [".github/CODEOWNERS"]
    assert paths(found["issue_templates"]) == [".github/ISSUE_TEMPLATE/bug.md"]
    assert paths(found["pr_templates"]) == [".github/pull_request_template.md"]
    assert found["ci"].details["systems"] == ["github_actions"]
    assert paths(found["ci"]) == [".github/workflows/ci.yml"]
    assert found["tests"].details["by_language"] == {"python": 1}
    assert "tests/test_x.py" in paths(found["tests"])
    assert paths(found["containers"]) == ["Dockerfile"]
    assert paths(found["api_description"]) == ["openapi.yaml"]
    assert "tally/export.py" in found["data_export"].details["commands"]
    assert ("README.md", 5) in [(e.path, e.line) for e in found["data_export"].evidence]
    activity = found["activity"].details
    assert (activity["commits_recent"], activity["authors_recent"], activity["tags"]) == (5, 3, 1)
    assert found["pull_requests"].details["merged_pull_requests"] == 2
    json.dumps([result.as_dict() for result in results])  # storable as it is


def test_a_readme_only_repository(tmp_path: Path) -> None:
    tree = make_repo(tmp_path / "r", {"README.md": README_EN})
    results = run_checks(tree, now=NOW)
    assert statuses(results) == {
        "readme.present": "pass",
        "readme.english": "pass",
        "readme.sections": "pass",
        "docs.present": "pass",  # a link to a docs site
        "code_of_conduct": "fail",
        "contributing": "fail",
        "security_policy": "fail",
        "governance": "warning",
        "issue_templates": "fail",
        "pr_templates": "warning",
        "ci": "fail",
        "tests": "fail",
        "containers": "warning",
        "api_description": "n/a",
        "data_export": "pass",  # the README says it exports CSV and JSON
        "activity": "warning",  # one author
        "pull_requests": "warning",
    }
    found = by_key(results)
    assert found["readme.present"].check_keys == ("oss.readme",)
    assert found["docs.present"].check_keys == ()  # nothing builds it
    assert "automatically" in found["docs.present"].message
    assert all(not result.check_keys for result in results if result.status != Status.PASS)
    assert all(result.message for result in results)


def test_a_french_readme_is_present_but_not_english_and_does_not_satisfy_oss_readme(tmp_path: Path) -> None:
    found = by_key(run_checks(make_repo(tmp_path / "fr", {"README.md": README_FR}), now=NOW))
    assert found["readme.present"].status == Status.PASS
    assert found["readme.present"].check_keys == ()
    english = found["readme.english"]
    assert english.status == Status.FAIL
    assert english.details["english_share"] < 0.05
    assert english.details["likely_language"] == "fr"
    assert paths(english) == ["README.md"]
    assert found["readme.sections"].status == Status.WARNING  # "Installation" yes, "Utilisation" no


def test_an_english_readme_beside_a_french_one_is_found(tmp_path: Path) -> None:
    tree = make_repo(tmp_path / "two", {"README.md": README_FR, "README.en.md": README_EN})
    found = by_key(run_checks(tree, now=NOW))
    assert found["readme.english"].status == Status.PASS
    assert paths(found["readme.english"]) == ["README.en.md"]
    assert found["readme.sections"].status == Status.PASS
    assert found["readme.present"].check_keys == ("oss.readme",)


def test_readme_checks_without_a_readme_and_with_an_almost_empty_one(tmp_path: Path) -> None:
    found = by_key(run_checks(make_repo(tmp_path / "none", {"main.py": "print(1)\n"}), now=NOW))
    assert found["readme.present"].status == Status.FAIL
    assert found["readme.english"].status == Status.NOT_APPLICABLE
    assert found["readme.sections"].status == Status.NOT_APPLICABLE
    found = by_key(run_checks(make_repo(tmp_path / "tiny", {"readme.txt": "Tally.\n"}), now=NOW))
    assert found["readme.present"].status == Status.WARNING
    assert paths(found["readme.present"]) == ["readme.txt"]
    assert found["readme.english"].status == Status.WARNING  # too short to tell


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("README.rst", "Tally\n=====\n\nGetting started\n---------------\n\nRun it.\n\nExamples\n~~~~~~~~\n"),
        ("README", "TALLY\n\nINSTALL:\n  make install\n\nHow to use\n\n  tally count\n"),
        ("README.md", "<h1>Tally</h1>\n<h2>Quick start</h2>\n<p>Run it.</p>\n"),
        ("README.markdown", "Tally\n=====\n\n**Setup**\n\nmake\n\n## 2. Using Tally\n"),
    ],
)
def test_set_up_and_usage_headings_in_several_markups(tmp_path: Path, name: str, text: str) -> None:
    found = by_key(run_checks(make_repo(tmp_path / "r", {name: text}), now=NOW, only={"readme.sections"}))
    assert found["readme.sections"].status == Status.PASS, found["readme.sections"].details


def test_headings_inside_code_blocks_and_plain_prose_do_not_count(tmp_path: Path) -> None:
    text = "# Tally\n\n```\n# Installation\n# Usage\n```\n\nThe usage is simple and installation is quick.\n"
    found = by_key(run_checks(make_repo(tmp_path / "r", {"README.md": text}), now=NOW))
    assert found["readme.sections"].status == Status.FAIL


def test_a_huge_readme_is_read_in_bounded_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    giant_word = "https://" + "a" * 100_000 + "\n"  # no pattern may backtrack on it
    huge = (
        README_EN
        + giant_word
        + ("Every count is written to the local store and it is sent later. " * 100_000)
    )
    tree = make_repo(tmp_path / "huge", {"README.md": huge})
    assert len(huge) > 6_000_000
    limits: list[int] = []
    original = RepoTree.read_text

    def spy(self: RepoTree, path: str, limit: int = 512 * 1024) -> str:
        limits.append(limit)
        return original(self, path, limit)

    monkeypatch.setattr(RepoTree, "read_text", spy)
    started = time.perf_counter()
    found = by_key(run_checks(tree, now=NOW))
    assert time.perf_counter() - started < 5
    assert limits and max(limits) <= 256 * 1024
    assert found["readme.english"].status == Status.PASS
    assert found["readme.english"].details["words"] <= 20_000
    assert found["readme.sections"].status == Status.PASS


def test_an_empty_repository(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    git(root, "init", "-q")
    results = run_checks(RepoTree(root), now=NOW)
    assert statuses(results) == {
        "readme.present": "fail",
        "readme.english": "n/a",
        "readme.sections": "n/a",
        "docs.present": "fail",
        "code_of_conduct": "fail",
        "contributing": "fail",
        "security_policy": "fail",
        "governance": "warning",
        "issue_templates": "fail",
        "pr_templates": "warning",
        "ci": "fail",
        "tests": "fail",
        "containers": "warning",
        "api_description": "n/a",
        "data_export": "warning",
        "activity": "n/a",
        "pull_requests": "n/a",
    }
    assert all(not result.check_keys and result.message for result in results)


def test_a_crashing_check_gives_a_warning_and_the_others_still_run(
    good: RepoTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(ctx: object) -> Outcome:
        raise RuntimeError("bug")

    broken = CheckDef("broken", "Broken", ("8",), ("oss.ci",), boom)
    monkeypatch.setattr(checks, "DEFINITIONS", (broken, *checks.DEFINITIONS[:1]))
    results = run_checks(good, now=NOW)
    assert [(r.key, str(r.status), r.check_keys) for r in results] == [
        ("broken", "warning", ()),
        ("readme.present", "pass", ("oss.readme",)),
    ]
    assert results[0].details == {"error": "RuntimeError"}
