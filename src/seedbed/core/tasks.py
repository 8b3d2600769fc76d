"""Background tasks of the core app. Tasks take ids only and delegate to services, selectors and exports."""

from __future__ import annotations

import dataclasses
from typing import IO, Any

from django.core.files.base import File
from django.core.files.temp import NamedTemporaryFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from huey.contrib.djhuey import db_task

from seedbed.core import selectors
from seedbed.core.audit import audit_record
from seedbed.core.exports import FORMATS, Column, write_table
from seedbed.core.jobs import Progress, job_create, job_enqueue, job_run
from seedbed.core.models import Job, User


def organization_columns() -> list[Column]:
    return [
        Column(_("Name"), lambda o: o.name),
        Column(_("Kind"), lambda o: o.get_kind_display()),
        Column(_("Country"), lambda o: o.country.name if o.country else ""),
        Column(_("ISO code"), lambda o: o.country_id or ""),
        Column(_("UNICEF region"), lambda o: o.country.unicef_region if o.country else ""),
        Column(_("Website"), lambda o: o.website),
        Column(_("Description"), lambda o: o.description),
        Column(_("Sample data"), lambda o: _("yes") if o.is_sample else _("no")),
        Column(_("Link"), lambda o: o.get_absolute_url()),
    ]


def organization_export_write(
    *,
    user: Any,
    filters: selectors.OrganizationFilters,
    fmt: str,
    target: IO[bytes],
    progress: Progress | None,
) -> int:
    qs = selectors.organization_list(user=user, filters=filters)
    total = qs.count()
    return write_table(
        rows=qs.iterator(chunk_size=2000),
        columns=organization_columns(),
        fmt=fmt,
        target=target,
        total=total,
        progress=progress,
        sheet_title=_("Organizations"),
    )


@transaction.atomic
def organization_export_start(*, actor: User, filters: selectors.OrganizationFilters, fmt: str) -> Job:
    """Queue an export of the organizations matching ``filters``; the job's page shows its progress."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    job = job_create(
        actor=actor,
        kind="organization_export",
        title=_("Export of organizations (%(format)s)") % {"format": fmt.upper()},
        params={"filters": dataclasses.asdict(filters), "format": fmt},
    )
    audit_record(actor=actor, action="organization.export", target=job, changes={"format": [None, fmt]})
    job_enqueue(job, organization_export_task)
    return job


def _organization_export_work(job: Job, progress: Progress) -> None:
    filters = selectors.OrganizationFilters(**job.params["filters"])
    fmt = job.params["format"]
    with NamedTemporaryFile(suffix=f".{fmt}") as handle:
        count = organization_export_write(
            user=job.created_by, filters=filters, fmt=fmt, target=handle, progress=progress
        )
        handle.flush()
        handle.seek(0)
        name = f"organizations-{timezone.now():%Y%m%d-%H%M%S}.{FORMATS[fmt][1]}"
        job.result_file.save(name, File(handle), save=False)
    Job.objects.filter(pk=job.pk).update(
        result_file=job.result_file.name,
        message=ngettext("%(count)s organization exported.", "%(count)s organizations exported.", count)
        % {"count": count},
    )


@db_task()
def organization_export_task(job_id: str) -> None:
    job_run(job_id, _organization_export_work)
