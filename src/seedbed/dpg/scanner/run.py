"""One scan from end to end, without the database: fetch, run every check, add permalinks. The CLI prints
its report; ``dpg.services`` stores it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from seedbed.core.jobs import NullProgress, Progress
from seedbed.dpg.scanner.fetch import Fetched, Forge, check_source, fetch
from seedbed.dpg.scanner.tree import RepoTree
from seedbed.dpg.scanner.types import CheckResult, Status


@dataclasses.dataclass
class ScanReport:
    source: str
    commit: str
    forge: Forge
    checks: list[CheckResult]
    seconds: float
    timings: dict[str, float] = dataclasses.field(default_factory=dict)  # seconds per check group

    @property
    def licence(self) -> str:
        """The project's licence as an SPDX expression, or "" when none was identified."""
        for check in self.checks:
            if check.key == "licence.identified" and check.status != Status.FAIL:
                return str(check.details.get("expression") or check.details.get("spdx") or "")
        return ""

    def counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Status}
        for check in self.checks:
            counts[str(check.status)] += 1
        return counts

    def evidence_url(self, path: str, line: int | None) -> str:
        return self.forge.permalink(self.commit, path, line)

    def as_dict(self) -> dict[str, Any]:
        checks = []
        for check in self.checks:
            row = check.as_dict()
            for item in row["evidence"]:
                item["url"] = self.evidence_url(item["path"], item["line"])
            checks.append(row)
        return {
            "source": self.source,
            "commit": self.commit,
            "licence": self.licence,
            "counts": self.counts(),
            "seconds": round(self.seconds, 3),
            "checks": checks,
        }


def run_all_checks(
    tree: RepoTree, *, now: dt.datetime | None = None
) -> tuple[list[CheckResult], dict[str, float]]:
    """The licence checks, then every other check, with the time each group took."""
    from seedbed.dpg.licences import licence_checks
    from seedbed.dpg.scanner.checks import run_checks

    timings: dict[str, float] = {}
    started = time.perf_counter()
    results = list(licence_checks(tree))
    timings["licence"] = time.perf_counter() - started
    started = time.perf_counter()
    results += run_checks(tree, now=now)
    timings["other"] = time.perf_counter() - started
    return results, timings


def scan_source(
    source: str,
    *,
    cache_dir: Path,
    cli: bool = False,
    local_roots: Sequence[Path] = (),
    timeout: float = 120,
    max_mb: int = 500,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> ScanReport:
    """Fetch and scan ``source``; ``FetchError`` when it cannot be fetched."""
    progress = progress or NullProgress()
    started = time.perf_counter()
    progress.start(3, "Checking the address")
    checked = check_source(source, local_roots=list(local_roots), cli=cli)
    progress.advance()
    progress.message("Fetching the repository")
    fetched: Fetched = fetch(checked, cache_dir=cache_dir, timeout=timeout, max_mb=max_mb)
    progress.advance()
    progress.message("Running the checks")
    checks, timings = run_all_checks(fetched.tree, now=now)
    progress.advance()
    return ScanReport(
        source=checked,
        commit=fetched.commit,
        forge=fetched.forge,
        checks=checks,
        seconds=time.perf_counter() - started,
        timings=timings,
    )
