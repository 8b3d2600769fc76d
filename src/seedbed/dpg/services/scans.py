"""Adding repositories, asking for scans, running them (in the worker) and storing their results; the
checks that pass satisfy the milestones with the same check key on the investments funding the solution.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.core.audit import audit_record
from seedbed.core.jobs import NullProgress, Progress, job_create, job_enqueue
from seedbed.dpg import access
from seedbed.dpg.models import Repository, Scan, ScanCheck, ScanStatus
from seedbed.dpg.scanner.fetch import FetchError, check_source
from seedbed.dpg.scanner.run import ScanReport, scan_source
from seedbed.dpg.scanner.types import Status
from seedbed.dpg.services.assessment import assessment_suggest
from seedbed.portfolio.models import InvestmentStatus, Solution
from seedbed.portfolio.services import milestones_satisfy

RESCAN_AFTER = dt.timedelta(days=7)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You cannot change this solution's repositories."))


@transaction.atomic
def repository_add(
    *, actor: Any, solution: Solution, url: str, name: str = "main", is_sample: bool = False
) -> Repository:
    if actor is not None:
        _require(access.can_manage_scans(actor, solution))
    try:
        source = check_source(url, local_roots=settings.SEEDBED_SCAN_LOCAL_ROOTS, cli=actor is None)
    except FetchError as error:
        raise ValidationError({"url": [str(error)]}) from None
    if Repository.objects.filter(solution=solution, url=source).exists():
        raise ValidationError({"url": [_("This repository is already listed for the solution.")]})
    repository = Repository.objects.create(
        solution=solution,
        url=source,
        name=(name or "main").strip()[:100] or "main",
        added_by=actor,
        is_sample=is_sample,
    )
    audit_record(actor=actor, action="repository.add", target=repository, changes={"url": [None, source]})
    return repository


@transaction.atomic
def repository_remove(*, actor: Any, repository: Repository) -> None:
    if actor is not None:
        _require(access.can_manage_scans(actor, repository.solution))
    audit_record(
        actor=actor,
        action="repository.remove",
        target=repository.solution,
        changes={"url": [repository.url, None]},
    )
    repository.delete()


QUEUED_FOR_TOO_LONG = dt.timedelta(hours=1)


def _give_up_stale(repository: Repository) -> None:
    """A scan whose worker stopped (killed, restarted) would keep its repository from being scanned
    again: one queued for an hour, or running past its time limit and five minutes more, has failed."""
    now = timezone.now()
    running_limit = dt.timedelta(seconds=settings.SEEDBED_SCAN_TIMEOUT) + dt.timedelta(minutes=5)
    stale = repository.scans.filter(
        Q(status=ScanStatus.QUEUED, requested_at__lt=now - QUEUED_FOR_TOO_LONG)
        | Q(status=ScanStatus.RUNNING, started_at__lt=now - running_limit)
    )
    stale.update(status=ScanStatus.FAILED, finished_at=now, error=_("The scan stopped without finishing."))


@transaction.atomic
def scan_request(*, actor: Any, repository: Repository, run_now: bool = False) -> Scan:
    """Queue a scan (the worker runs it, with progress on its job); one waiting scan per repository."""
    if actor is not None:
        _require(access.can_manage_scans(actor, repository.solution))
    Repository.objects.select_for_update().filter(pk=repository.pk).values_list("pk", flat=True).first()
    _give_up_stale(repository)
    waiting = repository.scans.filter(status__in=[ScanStatus.QUEUED, ScanStatus.RUNNING]).first()
    if waiting is not None:
        return waiting
    job = job_create(actor=actor, kind="dpg.scan", title=_("Scan of %(url)s") % {"url": repository.url})
    scan = Scan.objects.create(
        repository=repository, requested_by=actor, job=job, is_sample=repository.is_sample
    )
    audit_record(actor=actor, action="scan.request", target=repository, changes={"scan": [None, scan.pk]})
    if not run_now:
        from seedbed.dpg.tasks import scan_task

        job_enqueue(job, scan_task)
    return scan


def _store(scan: Scan, report: ScanReport) -> None:
    rows = []
    for position, check in enumerate(report.checks):
        evidence = [
            {**item.as_dict(), "url": report.evidence_url(item.path, item.line)} for item in check.evidence
        ]
        rows.append(
            ScanCheck(
                scan=scan,
                key=check.key,
                title=check.title,
                status=str(check.status),
                message=check.message,
                evidence=evidence,
                indicators=list(check.indicators),
                check_keys=list(check.check_keys),
                details=check.details,
                position=position,
            )
        )
    ScanCheck.objects.bulk_create(rows)
    counts = report.counts()
    scan.commit = report.commit
    scan.licence = report.licence[:200]
    scan.passed, scan.failed, scan.warnings = counts["pass"], counts["fail"], counts["warning"]


def scan_execute(*, scan: Scan, progress: Progress | None = None, now: dt.datetime | None = None) -> Scan:
    """Run a queued scan and store its result (or its error). Not one transaction: the fetch can take
    minutes; each step's rows are written atomically."""
    progress = progress or NullProgress()
    claimed = Scan.objects.filter(pk=scan.pk, status=ScanStatus.QUEUED).update(
        status=ScanStatus.RUNNING, started_at=timezone.now()
    )
    scan.refresh_from_db()
    if not claimed:
        return scan
    started = time.perf_counter()
    repository = scan.repository
    try:
        report = scan_source(
            repository.url,
            cache_dir=settings.SEEDBED_SCAN_CACHE,
            cli=True,  # the address was checked when the repository was added
            timeout=settings.SEEDBED_SCAN_TIMEOUT,
            max_mb=settings.SEEDBED_SCAN_MAX_MB,
            progress=progress,
            now=now,
        )
    except FetchError as error:
        Scan.objects.filter(pk=scan.pk).update(
            status=ScanStatus.FAILED,
            error=str(error),
            finished_at=timezone.now(),
            duration_ms=int((time.perf_counter() - started) * 1000),
        )
        scan.refresh_from_db()
        return scan
    with transaction.atomic():
        _store(scan, report)
        scan.status = ScanStatus.DONE
        scan.finished_at = timezone.now()
        scan.duration_ms = int((time.perf_counter() - started) * 1000)
        scan.save()
        Repository.objects.filter(pk=repository.pk).update(last_scan=scan)
        passed_keys = sorted(
            {key for check in report.checks if check.status == Status.PASS for key in check.check_keys}
        )
        if passed_keys:
            milestones_satisfy(
                solution=repository.solution,
                check_keys=passed_keys,
                evidence_url=f"{settings.SITE_URL}{scan.get_absolute_url()}",
                note=_("Confirmed by the scan of %(url)s at commit %(commit)s.")
                % {"url": repository.url, "commit": report.commit[:12] or "—"},
            )
        assessment_suggest(solution=repository.solution)
    return scan


def scans_due(now: dt.datetime | None = None) -> QuerySet[Repository]:
    """Portfolio repositories to rescan: those of solutions a running or graduated investment funds,
    not scanned in the last week and with no scan waiting."""
    now = now or timezone.now()
    return (
        Repository.objects.filter(
            solution__investments__status__in=[InvestmentStatus.ACTIVE, InvestmentStatus.GRADUATED]
        )
        .filter(Q(last_scan__isnull=True) | Q(last_scan__requested_at__lt=now - RESCAN_AFTER))
        .exclude(scans__status__in=[ScanStatus.QUEUED, ScanStatus.RUNNING])
        .distinct()
        .order_by("pk")
    )
