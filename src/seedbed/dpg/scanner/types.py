"""What every check returns. Plain data: the scanner stores it, the CLI prints it, pages render it."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any


class Status(enum.StrEnum):
    PASS = "pass"  # noqa: S105 - a check status, not a password
    FAIL = "fail"
    WARNING = "warning"
    NOT_APPLICABLE = "n/a"


@dataclasses.dataclass(frozen=True)
class Evidence:
    """Where the check looked: a path relative to the repository root, a line (1-based) when it points at
    one, and a short note. The scanner adds a permalink when the forge is known."""

    path: str
    line: int | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "note": self.note}


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """One check's outcome.

    ``key`` is stable (``licence.identified``, ``readme.present``…); ``indicators`` are the DPG Standard
    indicators it supports (``"1"``, ``"4"``, ``"9a"``…); ``check_keys`` the milestone check keys it can
    satisfy (``oss.license``…); ``details`` holds machine-readable facts (an SPDX id, a score, counts)."""

    key: str
    title: str
    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()
    indicators: tuple[str, ...] = ()
    check_keys: tuple[str, ...] = ()
    details: dict[str, Any] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "status": str(self.status),
            "message": self.message,
            "evidence": [item.as_dict() for item in self.evidence],
            "indicators": list(self.indicators),
            "check_keys": list(self.check_keys),
            "details": self.details,
        }
