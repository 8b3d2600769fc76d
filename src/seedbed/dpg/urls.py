from __future__ import annotations

from django.urls import path

from seedbed.dpg.views import assessment, matrix, registry, solutions

urlpatterns = [
    path("solutions/", solutions.solution_list, name="solution_list"),
    path("solutions/<slug:slug>/", solutions.solution_detail, name="solution_detail"),
    path("solutions/<slug:slug>/edit/", solutions.solution_edit, name="solution_edit"),
    path("solutions/<slug:slug>/repositories/new/", solutions.repository_new, name="repository_new"),
    path("solutions/<slug:slug>/assessment/", assessment.assessment_detail, name="assessment_detail"),
    path(
        "solutions/<slug:slug>/assessment/<str:indicator>/",
        assessment.assessment_edit,
        name="assessment_edit",
    ),
    path("solutions/<slug:slug>/dpg-status/", assessment.dpg_status_edit, name="dpg_status_edit"),
    path("solutions/<slug:slug>/nomination/", assessment.nomination, name="nomination"),
    path(
        "solutions/<slug:slug>/nomination/download/<str:document>/",
        assessment.nomination_download,
        name="nomination_download",
    ),
    path("repositories/<int:pk>/", solutions.repository_detail, name="repository_detail"),
    path("repositories/<int:pk>/scan/", solutions.repository_scan, name="repository_scan"),
    path("scans/<int:pk>/", solutions.scan_detail, name="scan_detail"),
    path("dpg/readiness/", matrix.readiness_matrix, name="readiness_matrix"),
    path("dpg/registry/", registry.registry_list, name="registry_list"),
    path("dpg/registry/<str:key>/", registry.registry_detail, name="registry_detail"),
]
