"""Payment requests (four-eyes): one finance officer asks for money to go out, a different one approves
(and the entry is posted) or rejects it; the requester may cancel it while it waits. Approval locks the
request row, so two approvals pressed together post once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.core.audit import audit_record
from seedbed.core.models import Organization
from seedbed.funds import access
from seedbed.funds.ledger import Line
from seedbed.funds.models import (
    Account,
    Asset,
    EntryKind,
    Fund,
    PaymentRequest,
    PaymentRequestKind,
    PaymentRequestStatus,
)
from seedbed.funds.money import format_amount
from seedbed.funds.services.common import _amount, _asset, _date, _organization, _require, fund_accepts
from seedbed.funds.services.outflows import (
    _disbursement_lines,
    _fee_lines,
    _post_outflow,
    _refund_lines,
    _transfer_lines,
)


def _cause_of(obj: PaymentRequest) -> models.Model | None:
    if obj.cause_type_id is None or not obj.cause_id:
        return None
    model = ContentType.objects.get_for_id(obj.cause_type_id).model_class()
    return model._default_manager.filter(pk=obj.cause_id).first() if model is not None else None


def _validate_request(
    *,
    fund: Fund,
    kind: str,
    asset: Asset,
    counterparty: Organization | None,
    to_fund: Fund | None,
) -> None:
    if kind not in PaymentRequestKind.values:
        raise ValidationError(_("Unknown kind of payment."), code="kind")
    fund_accepts(fund, asset)
    if kind == PaymentRequestKind.TRANSFER:
        if to_fund is None:
            raise ValidationError(_("Choose the fund that receives the transfer."), code="to_fund")
        if to_fund.pk == fund.pk:
            raise ValidationError(_("A transfer goes to another fund."), code="to_fund")
        if counterparty is not None:
            raise ValidationError(_("A transfer between funds has no counterparty."), code="counterparty")
        fund_accepts(to_fund, asset)
        return
    if to_fund is not None:
        raise ValidationError(_("Only a transfer goes to another fund."), code="to_fund")
    if kind == PaymentRequestKind.DISBURSEMENT:
        _organization(counterparty, _("Choose the grantee to pay."))
    elif kind == PaymentRequestKind.REFUND:
        _organization(counterparty, _("Choose the donor to refund."))
    elif counterparty is not None:
        _organization(counterparty, _("Choose who is paid the fee."))


@transaction.atomic
def payment_request_create(
    *,
    actor: Any,
    fund: Fund,
    kind: str,
    asset: Asset | str,
    amount: int,
    effective_date: dt.date,
    memo: str,
    counterparty: Organization | None = None,
    to_fund: Fund | None = None,
    cause: models.Model | None = None,
    is_sample: bool = False,
) -> PaymentRequest:
    """A finance officer asks for money to go out; a different finance officer must approve it."""
    _require(access.can_record_money(actor), _("Only finance officers can request payments."))
    asset, amount, effective_date = _asset(asset), _amount(amount), _date(effective_date, happened=False)
    memo = (memo or "").strip()
    if not memo:
        raise ValidationError(_("Say what the payment is for."), code="memo")
    _validate_request(fund=fund, kind=kind, asset=asset, counterparty=counterparty, to_fund=to_fund)
    request = PaymentRequest.objects.create(
        fund=fund,
        kind=kind,
        asset=asset,
        amount=amount,
        counterparty=counterparty,
        to_fund=to_fund,
        effective_date=effective_date,
        memo=memo,
        requested_by=actor,
        cause_type=ContentType.objects.get_for_model(cause) if cause is not None else None,
        cause_id=str(cause.pk) if cause is not None else "",
        is_sample=is_sample,
    )
    audit_record(
        actor=actor,
        action="payment_request.create",
        target=request,
        changes={
            "fund": [None, str(fund)],
            "kind": [None, kind],
            "amount": [None, format_amount(amount, asset)],
            "counterparty": [None, str(counterparty or to_fund or "")],
            "effective_date": [None, effective_date.isoformat()],
        },
    )
    return request


def _ensure_pending(request: PaymentRequest) -> None:
    if request.status != PaymentRequestStatus.PENDING:
        raise ValidationError(
            _("This payment request is no longer waiting for approval: %(status)s.")
            % {"status": request.get_status_display().lower()},
            code="not_pending",
        )


def _lock_request(request: PaymentRequest) -> PaymentRequest:
    locked = PaymentRequest.objects.select_for_update().filter(pk=request.pk).first()
    if locked is None:
        raise ValidationError(_("This payment request no longer exists."), code="missing")
    return locked


def _require_second_officer(actor: Any, request: PaymentRequest, message: str) -> None:
    """Four-eyes: whoever requested a payment never decides it (the database refuses it too)."""
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(message)


@transaction.atomic
def payment_request_approve(*, actor: Any, request: PaymentRequest) -> PaymentRequest:
    """Approve and post. Locks the request, so two approvals at the same moment post exactly once."""
    _require(access.can_record_money(actor), _("Only finance officers can approve payments."))
    request = _lock_request(request)
    _ensure_pending(request)
    _require_second_officer(
        actor, request, _("You requested this payment, so another finance officer must approve it.")
    )
    # The rules may have changed since the request was made: check them again, with the same messages.
    _validate_request(
        fund=request.fund,
        kind=request.kind,
        asset=request.asset,
        counterparty=request.counterparty,
        to_fund=request.to_fund,
    )
    fund, asset, amount = request.fund, request.asset, request.amount
    counterparty = request.counterparty
    lines_for: Callable[[], tuple[Account, list[Line]]]
    if request.kind == PaymentRequestKind.DISBURSEMENT:
        assert counterparty is not None
        kind, lines_for = (
            EntryKind.DISBURSEMENT,
            lambda: _disbursement_lines(fund, asset, counterparty, amount),
        )
    elif request.kind == PaymentRequestKind.FEE:
        kind, lines_for = EntryKind.FEE, lambda: _fee_lines(fund, asset, amount)
    elif request.kind == PaymentRequestKind.REFUND:
        assert counterparty is not None
        kind, lines_for = EntryKind.REFUND, lambda: _refund_lines(fund, asset, counterparty, amount)
    else:
        to_fund = request.to_fund
        assert to_fund is not None
        kind, lines_for = EntryKind.TRANSFER, lambda: _transfer_lines(fund, to_fund, asset, amount)
    entry = _post_outflow(
        actor=actor,
        fund=fund,
        kind=kind,
        lines_for=lines_for,
        amount=amount,
        effective_date=request.effective_date,
        memo=request.memo,
        counterparty=counterparty,
        cause=_cause_of(request),
        approved_by=actor,
        is_sample=request.is_sample,
        recorded_by=request.requested_by,
    )
    request.status = PaymentRequestStatus.POSTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.entry = entry
    request.save(update_fields=["status", "decided_by", "decided_at", "entry"])
    audit_record(
        actor=actor,
        action="payment_request.approve",
        target=request,
        changes={"status": [PaymentRequestStatus.PENDING, request.status], "entry": [None, entry.pk]},
    )
    return request


@transaction.atomic
def payment_request_reject(*, actor: Any, request: PaymentRequest, note: str) -> PaymentRequest:
    """A different finance officer turns the request down, saying why."""
    _require(access.can_record_money(actor), _("Only finance officers can reject payments."))
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say why the payment is rejected."), code="note")
    request = _lock_request(request)
    _ensure_pending(request)
    _require_second_officer(
        actor, request, _("You requested this payment, so another finance officer must reject it.")
    )
    request.status = PaymentRequestStatus.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action="payment_request.reject",
        target=request,
        changes={"status": [PaymentRequestStatus.PENDING, request.status], "note": [None, note]},
    )
    return request


@transaction.atomic
def payment_request_cancel(*, actor: Any, request: PaymentRequest) -> PaymentRequest:
    """The requester withdraws the request while it waits. ``decided_by`` stays empty (four-eyes rule)."""
    request = _lock_request(request)
    if request.requested_by_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the person who requested a payment can cancel it."))
    _ensure_pending(request)
    request.status = PaymentRequestStatus.CANCELLED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=actor,
        action="payment_request.cancel",
        target=request,
        changes={"status": [PaymentRequestStatus.PENDING, request.status]},
    )
    return request
