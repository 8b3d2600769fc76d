from __future__ import annotations

from django.urls import path

from seedbed.funds import views

urlpatterns = [
    # Funds
    path("funds/", views.fund_list, name="fund_list"),
    path("funds/<slug:slug>/", views.fund_detail, name="fund_detail"),
    path("funds/<slug:slug>/statement/", views.fund_statement, name="fund_statement"),
    # Journal entries
    path("ledger/entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("ledger/entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    # Payment requests (four-eyes)
    path("payment-requests/", views.payment_request_list, name="payment_request_list"),
    path("payment-requests/new/", views.payment_request_create, name="payment_request_create"),
    path("payment-requests/<int:pk>/", views.payment_request_detail, name="payment_request_detail"),
    path("payment-requests/<int:pk>/approve/", views.payment_request_approve, name="payment_request_approve"),
    path("payment-requests/<int:pk>/reject/", views.payment_request_reject, name="payment_request_reject"),
    path("payment-requests/<int:pk>/cancel/", views.payment_request_cancel, name="payment_request_cancel"),
]
