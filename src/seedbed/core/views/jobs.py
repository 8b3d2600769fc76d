from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from seedbed.core import access


@login_required
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    job = access.get_job_for_user(request.user, pk)
    return render(request, "core/job_detail.html", {"job": job})


@login_required
def job_progress(request: HttpRequest, pk: str) -> HttpResponse:
    """The progress partial the job page polls; it stops polling once the job has finished."""
    job = access.get_job_for_user(request.user, pk)
    return render(request, "core/job_detail.html#job-progress", {"job": job})


@login_required
def job_download(request: HttpRequest, pk: str) -> FileResponse:
    job = access.get_job_for_user(request.user, pk)
    if not job.result_file:
        raise Http404
    return FileResponse(
        job.result_file.open("rb"), as_attachment=True, filename=job.result_file.name.rsplit("/", 1)[-1]
    )
