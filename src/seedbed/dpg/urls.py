from __future__ import annotations

from django.urls import path

from seedbed.dpg.views import registry, solutions

urlpatterns = [
    path("solutions/", solutions.solution_list, name="solution_list"),
    path("solutions/<slug:slug>/", solutions.solution_detail, name="solution_detail"),
    path("solutions/<slug:slug>/repositories/new/", solutions.repository_new, name="repository_new"),
    path("repositories/<int:pk>/", solutions.repository_detail, name="repository_detail"),
    path("repositories/<int:pk>/scan/", solutions.repository_scan, name="repository_scan"),
    path("scans/<int:pk>/", solutions.scan_detail, name="scan_detail"),
    path("dpg/registry/", registry.registry_list, name="registry_list"),
    path("dpg/registry/<str:key>/", registry.registry_detail, name="registry_detail"),
]
