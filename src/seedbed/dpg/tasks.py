"""Background tasks of the DPG part: running a scan (with progress on its job), and the daily rescan of
every portfolio repository not scanned for a week."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from seedbed.core.jobs import JobProgress, job_run
from seedbed.core.models import Job
from seedbed.dpg.models import Scan


@db_task()
def scan_task(job_id: str) -> None:
    def work(job: Job, progress: JobProgress) -> None:
        from seedbed.dpg.services import scan_execute

        scan = Scan.objects.select_related("repository__solution").get(job=job)
        scan_execute(scan=scan, progress=progress)
        if scan.status == "failed":
            raise RuntimeError(scan.error)
        job.result_url = scan.get_absolute_url()
        job.save(update_fields=["result_url"])

    job_run(job_id, work)


@db_periodic_task(crontab(minute="40", hour="2"))
def rescans_task() -> int:
    from seedbed.dpg.services import scan_request, scans_due

    repositories = list(scans_due()[:200])
    for repository in repositories:
        scan_request(actor=None, repository=repository)
    return len(repositories)
