from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from huey.contrib.djhuey import HUEY

from seedbed import __version__


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: is the database reachable, and how long is the job queue?"""
    checks: dict[str, object] = {"version": __version__}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # a monitoring endpoint reports failures, it does not raise them
        checks["database"] = "unreachable"
        status = 503
    try:
        checks["queued_jobs"] = HUEY.pending_count()
    except Exception:
        checks["queued_jobs"] = None
        checks["queue"] = "unreachable"
        status = 503
    checks["status"] = "ok" if status == 200 else "failing"
    return JsonResponse(checks, status=status)
