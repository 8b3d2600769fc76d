from __future__ import annotations

from django.urls import path

from seedbed.calls.views import applications, committee, reviews
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
