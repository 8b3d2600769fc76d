"""What the check modules share: the per-scan ``Context`` (the tree, ``now``, the project's own files with
vendored folders left out, lookups by lower-cased name), the ``Outcome`` a check function returns and the
``CheckDef`` that turns it into a ``CheckResult``.

A check's **indicators** are static: the DPG indicators its evidence speaks to, whatever the status. Its
**check keys** are the milestone keys it *can* satisfy (``CheckDef.check_keys``); a result carries them
only when it actually satisfies them (``Outcome.satisfied``, by default a pass). So a consumer can treat
"a result that carries ``oss.readme``" as automatic evidence for that milestone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from django.utils.translation import gettext

from ..tree import RepoTree
from ..types import CheckResult, Evidence, Status

# Folders that hold other people's code or build output: never evidence about the project itself.
VENDORED_DIRS = frozenset(
    {
        "node_modules",
        "bower_components",
        "vendor",
        "third_party",
        "third-party",
        "thirdparty",
        "external",
        ".venv",
        "venv",
        "site-packages",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "dist",
        "build",
        "target",
        ".next",
        ".nuxt",
    }
)

# The folders where community files live (GitHub looks in the root, docs/ and .github/).
COMMUNITY_DIRS = ("", "docs/", ".github/", ".gitlab/")

SMALL_READ = 64 * 1024  # a community file, a CI config
README_READ = 256 * 1024  # a README: enough for the longest real ones, bounded for the rest


def is_vendored(path: str) -> bool:
    return any(part in VENDORED_DIRS for part in path.split("/")[:-1])


def line_of(text: str, index: int) -> int:
    """The 1-based line of a character offset."""
    return text.count("\n", 0, index) + 1


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def dirname(path: str) -> str:
    return path.rsplit("/", 1)[0] + "/" if "/" in path else ""


@dataclasses.dataclass
class Context:
    tree: RepoTree
    now: dt.datetime
    cache: dict[str, Any] = dataclasses.field(default_factory=dict)  # shared findings between checks

    @cached_property
    def files(self) -> list[str]:
        """The project's files: the tree's list without vendored or build folders."""
        return [path for path in self.tree.files if not is_vendored(path)]

    @cached_property
    def lowered(self) -> list[tuple[str, str]]:
        """(lower-cased path, path) pairs, for case-insensitive matching."""
        return [(path.lower(), path) for path in self.files]

    @cached_property
    def by_lower(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for low, path in self.lowered:
            found.setdefault(low, path)
        return found

    @cached_property
    def by_dir(self) -> dict[str, list[tuple[str, str]]]:
        """Lower-cased folder (``""`` or ending in ``/``) -> [(lower-cased name, path)]."""
        found: dict[str, list[tuple[str, str]]] = {}
        for low, path in self.lowered:
            cut = low.rfind("/") + 1
            found.setdefault(low[:cut], []).append((low[cut:], path))
        return found

    def named(self, dirs: Iterable[str], pattern: str) -> list[str]:
        """Files directly in one of ``dirs`` (``""`` is the root, others end in ``/``) whose lower-cased
        name matches ``pattern`` (a regular expression, matched in full), in the order of ``dirs``."""
        rx = re.compile(pattern)
        found: list[str] = []
        for directory in dirs:
            for name, path in self.by_dir.get(directory.lower(), []):
                if rx.fullmatch(name):
                    found.append(path)
        return found

    def under(self, directory: str) -> list[str]:
        """Files anywhere under a folder of the root (case-insensitive), e.g. ``.github/workflows/``."""
        prefix = directory.lower().rstrip("/") + "/"
        return [path for low, path in self.lowered if low.startswith(prefix)]

    def read(self, path: str, limit: int = SMALL_READ) -> str:
        key = f"read:{limit}:{path}"
        if key not in self.cache:
            self.cache[key] = self.tree.read_text(path, limit=limit)
        text: str = self.cache[key]
        return text


@dataclasses.dataclass
class Outcome:
    status: Status
    message: str
    evidence: list[Evidence] = dataclasses.field(default_factory=list)
    details: dict[str, Any] = dataclasses.field(default_factory=dict)
    satisfied: bool | None = None  # None: satisfied when the status is a pass


@dataclasses.dataclass(frozen=True)
class CheckDef:
    key: str
    title: str  # an English source string marked with gettext_noop; translated when the result is made
    indicators: tuple[str, ...]
    check_keys: tuple[str, ...]
    run: Callable[[Context], Outcome]

    def result(self, outcome: Outcome) -> CheckResult:
        satisfied = outcome.status == Status.PASS if outcome.satisfied is None else outcome.satisfied
        return CheckResult(
            key=self.key,
            title=gettext(self.title),
            status=outcome.status,
            message=outcome.message,
            evidence=tuple(outcome.evidence),
            indicators=self.indicators,
            check_keys=self.check_keys if satisfied else (),
            details=outcome.details,
        )


def file_evidence(paths: Iterable[str], note: str = "", limit: int = 20) -> list[Evidence]:
    return [Evidence(path, None, note) for path in list(paths)[:limit]]
