from __future__ import annotations

from django.urls import path

from seedbed.funds.views import donors, entries, funds, payment_requests, record, rules

urlpatterns = [
    # Funds
    path("funds/", funds.fund_list, name="fund_list"),
    path("funds/<slug:slug>/", funds.fund_detail, name="fund_detail"),
    path("funds/<slug:slug>/statement/", funds.fund_statement, name="fund_statement"),
    # Journal entries
    path("ledger/entries/<int:pk>/", entries.entry_detail, name="entry_detail"),
    path("ledger/entries/<int:pk>/reverse/", entries.entry_reverse, name="entry_reverse"),
    # Payment requests (four-eyes)
    path("payment-requests/", payment_requests.payment_request_list, name="payment_request_list"),
    path("payment-requests/new/", payment_requests.payment_request_create, name="payment_request_create"),
    path(
        "payment-requests/<int:pk>/",
        payment_requests.payment_request_detail,
        name="payment_request_detail",
    ),
    path(
        "payment-requests/<int:pk>/approve/",
        payment_requests.payment_request_approve,
        name="payment_request_approve",
    ),
    path(
        "payment-requests/<int:pk>/reject/",
        payment_requests.payment_request_reject,
        name="payment_request_reject",
    ),
    path(
        "payment-requests/<int:pk>/cancel/",
        payment_requests.payment_request_cancel,
        name="payment_request_cancel",
    ),
    # Recording money coming in and commitments (finance officers); a fund's rules (fund managers)
    path("funds/<slug:slug>/record/donation/", record.fund_record_donation, name="fund_record_donation"),
    path("funds/<slug:slug>/record/pledge/", record.fund_record_pledge, name="fund_record_pledge"),
    path("funds/<slug:slug>/record/receipt/", record.fund_record_receipt, name="fund_record_receipt"),
    path(
        "funds/<slug:slug>/record/commitment/",
        record.fund_record_commitment,
        name="fund_record_commitment",
    ),
    path("funds/<slug:slug>/rules/", rules.fund_rules_edit, name="fund_rules_edit"),
    # A donor's statement (organizations are named by their slug, as in the directory)
    path("donors/<slug:slug>/statement/", donors.donor_statement, name="donor_statement"),
]
