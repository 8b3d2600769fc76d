"""Fixtures of the DPG tests: git repositories built in a temporary folder, and scan settings that keep
every clone there."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from seedbed.dpg import services
from seedbed.dpg.models import Scan
from seedbed.portfolio import services as portfolio_services

# Plain fixtures of the portfolio tests (funds, people, teams, investments) are shared.
from tests.portfolio.conftest import (  # noqa: F401
    acceleration,
    cohort,
    donor,
    make_investment,
    other_team,
    people,
    team,
    usd,
    venture,
)

MIT_TEXT = """MIT License

Copyright (c) 2024 Kijani Data Labs

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def git(
    root: Path, *args: str, date: str = "2026-11-01T10:00:00+00:00", author: str = "Amina <amina@example.org>"
) -> None:
    name, email = author.rsplit(" <", 1)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email.rstrip(">"),
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email.rstrip(">"),
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """``make_repo("name", {"path": "text", ...})``: a git repository with one commit of those files."""

    def build(name: str, files: dict[str, str], *, commit: bool = True) -> Path:
        root = tmp_path / "repos" / name
        root.mkdir(parents=True)
        for path, text in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if commit:
            git(root, "init", "-q", "-b", "main")
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", "First commit")
        return root

    return build


@pytest.fixture(autouse=True)
def _scan_settings(settings: Any, tmp_path: Path) -> None:
    settings.SEEDBED_SCAN_CACHE = tmp_path / "scan-cache"
    settings.SEEDBED_SCAN_LOCAL_ROOTS = [tmp_path / "repos"]
    settings.SEEDBED_SCAN_TIMEOUT = 60


# --- A solution with a good repository, and scanning it through the services (shared by the scan,
# assessment and matrix tests) ---

README = """# Kijani Growth Monitor

Growth charts for community health workers, offline first.

## Installation

Run `make install` and then `make demo` on your machine.

## Usage

Open the application in your browser and sign in with the account you were given.
"""


@pytest.fixture
def solution(team, people):  # noqa: F811 (fixtures imported above)
    return portfolio_services.solution_create(
        actor=people["fund_manager"], organization=team, name="Growth Monitor"
    )


@pytest.fixture
def good_repo(make_repo):
    return make_repo(
        "growth-monitor",
        {
            "LICENSE": MIT_TEXT,
            "README.md": README,
            "CODE_OF_CONDUCT.md": "# Code of conduct\n\nBe kind. Report problems to conduct@example.org.\n",
            "CONTRIBUTING.md": "# Contributing\n\nOpen a pull request.\n",
            ".github/workflows/ci.yml": "on: [push, pull_request]\njobs: {}\n",
            ".github/ISSUE_TEMPLATE/bug.md": "---\nname: Bug\n---\n",
            "tests/test_growth.py": "def test_growth():\n    assert True\n",
            "src/growth.py": "print('growth')\n",
        },
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what waits for the commit (the worker takes a scan then; Huey runs it
    at once in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def scan_of(people, solution, committed):  # noqa: F811 (fixtures imported above)
    def run(path) -> Scan:
        repository = services.repository_add(actor=people["fund_manager"], solution=solution, url=str(path))
        with committed():
            scan = services.scan_request(actor=people["fund_manager"], repository=repository)
        scan.refresh_from_db()
        return scan

    return run
