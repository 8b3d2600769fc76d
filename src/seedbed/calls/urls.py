from __future__ import annotations

from django.urls import path

from seedbed.calls.views import applications, committee, reminders, reviews, setup
from seedbed.calls.views import calls as views

urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/new/", views.call_create, name="call_create"),
    path("calls/<slug:slug>/", views.call_detail, name="call_detail"),
    path("calls/<slug:slug>/edit/", views.call_edit, name="call_edit"),
    path("calls/<slug:slug>/stages/", views.call_stages_edit, name="call_stages_edit"),
    path("calls/<slug:slug>/copy-questions/", views.call_questions_copy, name="call_questions_copy"),
    # Applications: the applicant portal and the managers' pages
    path("applications/", applications.my_applications, name="my_applications"),
    path("calls/<slug:slug>/apply/", applications.application_start, name="application_start"),
    path("calls/<slug:slug>/applications/", applications.call_applications, name="call_applications"),
    path("calls/<slug:slug>/board/", applications.call_board, name="call_board"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path("applications/<int:pk>/autosave/", applications.application_autosave, name="application_autosave"),
    path("applications/<int:pk>/withdraw/", applications.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/delete/", applications.application_delete, name="application_delete"),
    path(
        "applications/<int:pk>/questions/<int:question_pk>/file/",
        applications.application_file_upload,
        name="application_file_upload",
    ),
    path(
        "applications/<int:pk>/files/<int:file_pk>/",
        applications.application_file_download,
        name="application_file",
    ),
    path(
        "applications/<int:pk>/files/<int:file_pk>/remove/",
        applications.application_file_remove,
        name="application_file_remove",
    ),
    path(
        "applications/<int:pk>/eligibility/<int:check_pk>/",
        applications.eligibility_override,
        name="eligibility_override",
    ),
    path("applications/<int:pk>/message/", applications.application_message, name="application_message"),
    path("applications/<int:pk>/move/", applications.application_move, name="application_move"),
]

# The investment committee
urlpatterns += [
    path("meetings/", committee.my_meetings, name="my_meetings"),
    path("calls/<slug:slug>/meetings/", committee.call_meetings, name="call_meetings"),
    path("meetings/<int:pk>/", committee.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", committee.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/", committee.agenda_add, name="meeting_agenda_add"),
    path("meetings/<int:pk>/minutes/", committee.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/close/", committee.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/items/<int:item_pk>/vote/", committee.meeting_vote, name="meeting_vote"),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/conflict/", committee.meeting_conflict, name="meeting_conflict"
    ),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/decision/", committee.meeting_decision, name="meeting_decision"
    ),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/remove/", committee.agenda_remove, name="meeting_agenda_remove"
    ),
]

# Reviews: the reviewers' pages and the managers' assignment and ranking
urlpatterns += [
    path("reviews/", reviews.review_list, name="review_list"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("reviews/<int:pk>/conflict/", reviews.review_conflict, name="review_conflict"),
    path("calls/<slug:slug>/reviewers/", reviews.call_reviewers, name="call_reviewers"),
    path("calls/<slug:slug>/reviewers/<int:pk>/reopen/", reviews.review_reopen, name="review_reopen"),
    path("calls/<slug:slug>/ranking/", reviews.call_ranking, name="call_ranking"),
]

# Reminders: the stages' "reviews due by" dates
urlpatterns += [
    path("calls/<slug:slug>/stages/dates/", reminders.call_stage_dates, name="call_stage_dates"),
]

# Set-up: the managers' pages for a call's eligibility rules, rubric and form, and the themes.
# (Themes live at /themes/: /calls/themes/ would be read as the call whose short name is "themes".)
urlpatterns += [
    path("calls/<slug:slug>/rules/", setup.call_rules, name="call_rules"),
    path("calls/<slug:slug>/rules/<int:pk>/", setup.call_rule_edit, name="call_rule_edit"),
    path("calls/<slug:slug>/rules/<int:pk>/move/", setup.item_move, {"kind": "rule"}, name="call_rule_move"),
    path(
        "calls/<slug:slug>/rules/<int:pk>/delete/",
        setup.item_delete,
        {"kind": "rule"},
        name="call_rule_delete",
    ),
    path("calls/<slug:slug>/rubric/", setup.call_rubric, name="call_rubric"),
    path("calls/<slug:slug>/rubric/<int:pk>/", setup.call_criterion_edit, name="call_criterion_edit"),
    path(
        "calls/<slug:slug>/rubric/<int:pk>/move/",
        setup.item_move,
        {"kind": "criterion"},
        name="call_criterion_move",
    ),
    path(
        "calls/<slug:slug>/rubric/<int:pk>/delete/",
        setup.item_delete,
        {"kind": "criterion"},
        name="call_criterion_delete",
    ),
    path("calls/<slug:slug>/form/", setup.call_form_setup, name="call_form_setup"),
    path("calls/<slug:slug>/form/preview/", setup.call_form_preview, name="call_form_preview"),
    path("calls/<slug:slug>/form/sections/<int:pk>/", setup.call_section_edit, name="call_section_edit"),
    path(
        "calls/<slug:slug>/form/sections/<int:pk>/move/",
        setup.item_move,
        {"kind": "section"},
        name="call_section_move",
    ),
    path(
        "calls/<slug:slug>/form/sections/<int:pk>/delete/",
        setup.item_delete,
        {"kind": "section"},
        name="call_section_delete",
    ),
    path("calls/<slug:slug>/form/questions/new/", setup.call_question_create, name="call_question_create"),
    path("calls/<slug:slug>/form/questions/<int:pk>/", setup.call_question_edit, name="call_question_edit"),
    path(
        "calls/<slug:slug>/form/questions/<int:pk>/move/",
        setup.item_move,
        {"kind": "question"},
        name="call_question_move",
    ),
    path(
        "calls/<slug:slug>/form/questions/<int:pk>/delete/",
        setup.item_delete,
        {"kind": "question"},
        name="call_question_delete",
    ),
    path("themes/", setup.theme_list, name="theme_list"),
    path("themes/<int:pk>/", setup.theme_edit, name="theme_edit"),
]
