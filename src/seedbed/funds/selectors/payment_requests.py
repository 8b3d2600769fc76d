"""Payment requests as the pages and the API list them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from seedbed.funds import access
from seedbed.funds.models import Fund, PaymentRequest, PaymentRequestStatus


@dataclass(frozen=True)
class PaymentRequestFilters:
    status: str = ""
    fund: str = ""  # fund slug

    @classmethod
    def from_mapping(cls, data: Any) -> PaymentRequestFilters:
        status = data.get("status")
        if status is None:
            status = PaymentRequestStatus.PENDING  # what a finance officer opens the page for
        return cls(
            status=status if status in PaymentRequestStatus.values else "",
            fund=(data.get("fund") or "").strip()[:60],
        )


def payment_request_list(*, user: Any, filters: PaymentRequestFilters) -> QuerySet[PaymentRequest]:
    if not access.can_view_ledger(user):
        return PaymentRequest.objects.none()
    qs = PaymentRequest.objects.select_related(
        "fund", "asset", "counterparty", "to_fund", "requested_by", "decided_by", "entry"
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.fund:
        qs = qs.filter(fund__slug=filters.fund)
    return qs.order_by("-requested_at", "-id")


def pending_payment_requests(fund: Fund) -> QuerySet[PaymentRequest]:
    return (
        PaymentRequest.objects.filter(fund=fund, status=PaymentRequestStatus.PENDING)
        .select_related("asset", "counterparty", "to_fund", "requested_by")
        .order_by("effective_date", "id")
    )
