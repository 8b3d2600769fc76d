"""The DPGA registry as imported: a public browser (the registry is public-domain data; contacts are
never imported), with the portfolio solution each record matches shown to the fund's staff."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from seedbed.core.views.common import paginate
from seedbed.dpg import access
from seedbed.dpg.models import RegistryRecord, RegistryStage


def registry_list(request: HttpRequest) -> HttpResponse:
    qs = RegistryRecord.objects.select_related("solution").order_by("name", "key")
    q = request.GET.get("q", "").strip()[:100]
    stage = request.GET.get("stage", "")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if stage in RegistryStage.values:
        qs = qs.filter(stage=stage)
    return render(
        request,
        "dpg/registry_list.html",
        {
            "page": paginate(request, qs),
            "q": q,
            "stage": stage,
            "stages": RegistryStage.choices,
            "total": RegistryRecord.objects.count(),
            "staff": access.can_view_all(request.user),
        },
    )


def registry_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        record = RegistryRecord.objects.select_related("solution").get(key=key)
    except RegistryRecord.DoesNotExist:
        raise Http404 from None
    return render(
        request, "dpg/registry_detail.html", {"record": record, "staff": access.can_view_all(request.user)}
    )
