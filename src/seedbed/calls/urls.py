from __future__ import annotations

from django.urls import path

from seedbed.calls.views import calls as views

urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/new/", views.call_create, name="call_create"),
    path("calls/<slug:slug>/", views.call_detail, name="call_detail"),
    path("calls/<slug:slug>/edit/", views.call_edit, name="call_edit"),
    path("calls/<slug:slug>/stages/", views.call_stages_edit, name="call_stages_edit"),
    path("calls/<slug:slug>/copy-questions/", views.call_questions_copy, name="call_questions_copy"),
]
