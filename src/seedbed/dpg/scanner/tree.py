"""A read-only view of a checked-out repository: its file list (without ``.git``), bounded text reads,
and its git history. Checks take a ``RepoTree`` and never touch the file system or git themselves."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
from functools import cached_property
from pathlib import Path, PurePosixPath

MAX_READ_BYTES = 512 * 1024  # a check reads at most this much of one file
MAX_FILES = 200_000


@dataclasses.dataclass(frozen=True)
class Commit:
    sha: str
    author_email: str
    author_name: str
    when: dt.datetime
    subject: str


class RepoTree:
    def __init__(self, root: Path, *, git_dir: Path | None = None) -> None:
        self.root = root
        self.git_dir = git_dir  # for a bare repository, the files come from a worktree made by fetch

    @cached_property
    def files(self) -> list[str]:
        """Every file's path relative to the root, posix style, sorted; ``.git`` left out."""
        found: list[str] = []
        for directory, subdirs, names in os.walk(self.root):
            subdirs[:] = sorted(d for d in subdirs if d != ".git")
            base = Path(directory).relative_to(self.root)
            for name in sorted(names):
                found.append(str(PurePosixPath(base / name)) if str(base) != "." else name)
                if len(found) >= MAX_FILES:
                    return found
        return found

    def top_level(self) -> list[str]:
        return [path for path in self.files if "/" not in path]

    def exists(self, path: str) -> bool:
        return path in self._file_set or any(f.startswith(path.rstrip("/") + "/") for f in self.files)

    @cached_property
    def _file_set(self) -> frozenset[str]:
        return frozenset(self.files)

    def read_text(self, path: str, limit: int = MAX_READ_BYTES) -> str:
        """The file's text (UTF-8, undecodable bytes replaced), at most ``limit`` bytes; "" if unreadable."""
        try:
            with open(self.root / path, "rb") as handle:
                data = handle.read(limit)
        except OSError:
            return ""
        return data.decode("utf-8", errors="replace")

    def _git(self, *args: str) -> str:
        command = ["git", "-C", str(self.root)]
        if self.git_dir is not None:
            command = ["git", f"--git-dir={self.git_dir}", f"--work-tree={self.root}"]
        try:
            result = subprocess.run(  # noqa: S603 - fixed git arguments from PATH, no shell
                [*command, *args], capture_output=True, text=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return result.stdout if result.returncode == 0 else ""

    @cached_property
    def commits(self) -> list[Commit]:
        """The history reachable from HEAD (a shallow clone has only its depth), newest first."""
        out = self._git("log", "--no-color", "--format=%H%x1f%ae%x1f%an%x1f%aI%x1f%s", "-n", "5000")
        rows = []
        for line in out.splitlines():
            parts = line.split("\x1f")
            if len(parts) == 5:
                rows.append(
                    Commit(
                        parts[0], parts[1].lower(), parts[2], dt.datetime.fromisoformat(parts[3]), parts[4]
                    )
                )
        return rows

    @cached_property
    def tags(self) -> list[str]:
        return [tag for tag in self._git("tag", "--list").splitlines() if tag]

    @cached_property
    def is_shallow(self) -> bool:
        """Whether the history is cut (a shallow clone): the activity figures are then lower bounds."""
        return self._git("rev-parse", "--is-shallow-repository").strip() == "true"

    @cached_property
    def head(self) -> str:
        return self._git("rev-parse", "HEAD").strip()
