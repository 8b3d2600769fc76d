from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from seedbed.api import api

urlpatterns = [
    path("", include("seedbed.core.urls")),
    path("", include("seedbed.funds.urls")),
    path("", include("seedbed.calls.urls")),
    path("", include("seedbed.portfolio.urls")),
    path("", include("seedbed.dpg.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
