"""Background jobs as users see them: a ``Job`` row with status and progress, run by a Huey task.

A service creates the job and enqueues the task with ``transaction.on_commit``; the task takes only the
job's id, so it is safe to retry. The page polls the job's progress partial; the CLI draws the same
progress in the terminal through a ``Progress`` callback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from seedbed.core.audit import new_request_id, request_id_var
from seedbed.core.models import Job, JobStatus

logger = logging.getLogger(__name__)


class Progress(Protocol):
    def start(self, total: int | None, message: str = "") -> None: ...
    def advance(self, step: int = 1) -> None: ...
    def message(self, text: str) -> None: ...


class NullProgress:
    def start(self, total: int | None, message: str = "") -> None:
        pass

    def advance(self, step: int = 1) -> None:
        pass

    def message(self, text: str) -> None:
        pass


class JobProgress:
    """Writes progress to the job row, at most every ``interval`` seconds, so polling pages see it move."""

    def __init__(self, job_id: Any, interval: float = 0.5) -> None:
        self.job_id = job_id
        self.interval = interval
        self.done = 0
        self._pending = 0
        self._last = 0.0

    def start(self, total: int | None, message: str = "") -> None:
        Job.objects.filter(pk=self.job_id).update(total=total, done=0, message=message[:300])

    def advance(self, step: int = 1) -> None:
        self.done += step
        self._pending += step
        now = time.monotonic()
        if now - self._last >= self.interval:
            self.flush()
            self._last = now

    def flush(self) -> None:
        if self._pending:
            Job.objects.filter(pk=self.job_id).update(done=F("done") + self._pending)
            self._pending = 0

    def message(self, text: str) -> None:
        Job.objects.filter(pk=self.job_id).update(message=text[:300])


def job_create(*, actor: Any, kind: str, title: str, params: dict[str, Any] | None = None) -> Job:
    return Job.objects.create(
        kind=kind,
        title=title[:200],
        params=params or {},
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def job_enqueue(job: Job, task: Callable[[str], Any]) -> None:
    """Queue ``task(job_id)`` once the surrounding transaction has committed."""
    job_id = str(job.pk)
    transaction.on_commit(lambda: task(job_id))


def job_run(job_id: str, work: Callable[[Job, JobProgress], None]) -> None:
    """Run ``work`` for a queued job, recording start, progress, success or failure. Idempotent."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        logger.info("job %s is not queued any more; skipping", job_id)
        return
    job = Job.objects.get(pk=job_id)
    token = request_id_var.set(new_request_id())
    progress = JobProgress(job.pk)
    try:
        work(job, progress)
        progress.flush()
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        return
    finally:
        request_id_var.reset(token)
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.SUCCEEDED, done=F("total"), finished_at=timezone.now()
    )
