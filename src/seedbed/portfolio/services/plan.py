"""Milestones (the team submits evidence, a mentor accepts or returns it) and tranches (released by a
finance officer once their milestones are accepted, paid through a four-eyes payment request)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.core.audit import audit_record
from seedbed.funds import services as funds_services
from seedbed.funds.models import PaymentRequest, PaymentRequestKind
from seedbed.funds.money import format_amount
from seedbed.portfolio import access
from seedbed.portfolio.models import (
    Evidence,
    EvidenceKind,
    Investment,
    InvestmentStatus,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Solution,
    Tranche,
    TrancheState,
)
from seedbed.portfolio.services.common import reason, require, system_or

# --- Milestones -----------------------------------------------------------------------------------


@transaction.atomic
def milestone_add(
    *,
    actor: Any,
    investment: Investment,
    title: str,
    quarter: int,
    due_on: dt.date,
    required: bool = False,
    description: str = "",
    check_key: str = "",
) -> Milestone:
    """A fund manager adds a business milestone to the plan."""
    system_or(actor, access.can_manage_portfolio(actor), _("Only fund managers can change the plan."))
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Say what the team must achieve.")]
    if not isinstance(quarter, int) or not 1 <= quarter <= 8:
        errors["quarter"] = [_("Choose a quarter from 1 to 8.")]
    if not isinstance(due_on, dt.date):
        errors["due_on"] = [_("Enter the due date.")]
    if errors:
        raise ValidationError(errors)
    position = (investment.milestones.filter(quarter=quarter).aggregate(m=Max("position"))["m"] or 0) + 1
    milestone = Milestone.objects.create(
        investment=investment,
        kind=MilestoneKind.BUSINESS,
        quarter=quarter,
        position=position,
        title=title,
        description=(description or "").strip(),
        due_on=due_on,
        required=bool(required),
        check_key=(check_key or "").strip(),
    )
    audit_record(
        actor=actor,
        action="milestone.add",
        target=investment,
        changes={"milestone": [None, title], "quarter": [None, quarter], "required": [None, bool(required)]},
    )
    return milestone


def _lock_milestone(milestone: Milestone) -> Milestone:
    """Lock the row, then read it with its investment (see ``_lock_tranche``)."""
    Milestone.objects.select_for_update().filter(pk=milestone.pk).values_list("pk", flat=True).first()
    return Milestone.objects.select_related("investment").get(pk=milestone.pk)


@transaction.atomic
def evidence_submit(
    *,
    actor: Any,
    milestone: Milestone,
    url: str = "",
    text: str = "",
    files: Iterable[UploadedFile] = (),
) -> Milestone:
    """A member of the team submits evidence (links, files, text); the milestone waits for a mentor."""
    milestone = _lock_milestone(milestone)
    require(
        access.is_member(actor, milestone.investment), _("Only the team submits evidence for its milestones.")
    )
    if milestone.status == MilestoneStatus.ACCEPTED:
        raise ValidationError(_("This milestone is already accepted."), code="accepted")
    url, text, files = (url or "").strip(), (text or "").strip(), list(files)
    if not (url or text or files):
        raise ValidationError({"url": [_("Give a link, a file or a few words as evidence.")]})
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError({"url": [_("Enter a web address that starts with https://.")]}) from None
    rows = []
    if url:
        rows.append(Evidence(milestone=milestone, kind=EvidenceKind.LINK, url=url, submitted_by=actor))
    if text:
        rows.append(Evidence(milestone=milestone, kind=EvidenceKind.TEXT, text=text, submitted_by=actor))
    for upload in files:
        rows.append(
            Evidence(
                milestone=milestone,
                kind=EvidenceKind.FILE,
                file=upload,
                name=(upload.name or "file")[:200],
                size=upload.size,
                submitted_by=actor,
            )
        )
    for row in rows:
        row.save()
    before = milestone.status
    milestone.status = MilestoneStatus.SUBMITTED
    milestone.submitted_at = timezone.now()
    milestone.submitted_by = actor
    milestone.save(update_fields=["status", "submitted_at", "submitted_by"])
    audit_record(
        actor=actor,
        action="milestone.submit",
        target=milestone.investment,
        changes={
            "milestone": [None, milestone.title],
            "status": [before, milestone.status],
            "evidence": [None, len(rows)],
        },
    )
    return milestone


@transaction.atomic
def milestone_decide(*, actor: Any, milestone: Milestone, accept: bool, comment: str = "") -> Milestone:
    """A mentor accepts the milestone, or returns it to the team with comments."""
    system_or(
        actor,
        access.can_decide_milestones(actor),
        _("Only open-source mentors and fund managers decide milestones."),
    )
    milestone = _lock_milestone(milestone)
    if actor is not None:
        ensure_not_member_deciding(actor, milestone)
    comment = (comment or "").strip()
    overriding = milestone.automatic and milestone.status == MilestoneStatus.ACCEPTED and not accept
    if milestone.status == MilestoneStatus.ACCEPTED and not overriding:
        raise ValidationError(_("This milestone is already accepted."), code="accepted")
    if overriding:
        comment = reason(comment, _("Say why the scan's result does not count."))
    elif not accept:
        comment = reason(comment, _("Tell the team what is missing."))
        if milestone.status != MilestoneStatus.SUBMITTED:
            raise ValidationError(_("Only submitted evidence can be returned."), code="not_submitted")
    elif milestone.status != MilestoneStatus.SUBMITTED and not comment:
        raise ValidationError(
            {"comment": [_("Nothing was submitted: say how you checked it before accepting.")]}
        )
    before = milestone.status
    milestone.status = MilestoneStatus.ACCEPTED if accept else MilestoneStatus.RETURNED
    milestone.decided_by = actor
    milestone.decided_at = timezone.now()
    milestone.decision_comment = comment
    milestone.automatic = False
    milestone.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "automatic"])
    audit_record(
        actor=actor,
        action="milestone.override" if overriding else "milestone.accept" if accept else "milestone.return",
        target=milestone.investment,
        changes={
            "milestone": [None, milestone.title],
            "status": [before, milestone.status],
            "comment": [None, comment],
        },
    )
    return milestone


@transaction.atomic
def milestones_satisfy(*, solution: Solution, check_keys: Iterable[str], evidence_url: str, note: str) -> int:
    """A repository scan confirmed ``check_keys`` for ``solution``: the matching milestones (planned or
    submitted) of the running investments that fund it are accepted automatically, with the scan as their
    evidence. A mentor may override that with a reason (``milestone_decide``); a milestone a mentor
    returned waits for the team again. Returns how many were accepted."""
    keys = [key for key in check_keys if key]
    milestones = list(
        Milestone.objects.select_for_update(of=("self",))
        .filter(
            investment__solutions=solution,
            investment__status=InvestmentStatus.ACTIVE,
            check_key__in=keys,
            status__in=[MilestoneStatus.PLANNED, MilestoneStatus.SUBMITTED],
        )
        .select_related("investment")
    )
    now = timezone.now()
    for milestone in milestones:
        Evidence.objects.create(
            milestone=milestone, kind=EvidenceKind.LINK, url=evidence_url[:500], text=note
        )
        before = milestone.status
        milestone.status = MilestoneStatus.ACCEPTED
        milestone.automatic = True
        milestone.decided_by = None
        milestone.decided_at = now
        milestone.decision_comment = note
        milestone.save(update_fields=["status", "automatic", "decided_by", "decided_at", "decision_comment"])
        audit_record(
            actor=None,
            action="milestone.accept_automatically",
            target=milestone.investment,
            changes={
                "milestone": [None, milestone.title],
                "status": [before, milestone.status],
                "evidence": [None, evidence_url],
            },
        )
    return len(milestones)


# --- Tranches -------------------------------------------------------------------------------------


def _lock_tranche(tranche: Tranche) -> Tranche:
    """Lock the tranche's row, then read it with its payment request. Two steps: PostgreSQL re-reads a
    locked row when the lock is granted but not the rows joined to it, so a locking query that joined
    the payment request would still see none after a concurrent release had made one."""
    Tranche.objects.select_for_update().filter(pk=tranche.pk).values_list("pk", flat=True).first()
    return Tranche.objects.select_related(
        "investment__fund", "investment__organization", "investment__asset", "payment_request"
    ).get(pk=tranche.pk)


def scheduled_total(investment: Investment, exclude: Tranche | None = None) -> int:
    qs = investment.tranches.filter(cancelled_at__isnull=True)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return sum(qs.values_list("amount", flat=True))


@transaction.atomic
def tranche_add(
    *,
    actor: Any,
    investment: Investment,
    amount: int,
    due_on: dt.date,
    milestones: Iterable[Milestone] = (),
) -> Tranche:
    """A fund manager adds a tranche to the schedule; the schedule never exceeds the investment."""
    system_or(actor, access.can_manage_portfolio(actor), _("Only fund managers can change the schedule."))
    investment = (
        Investment.objects.select_for_update(of=("self",)).select_related("asset").get(pk=investment.pk)
    )
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError({"amount": [_("The amount must be more than zero.")]})
    milestones = list(milestones)
    if any(m.investment_id != investment.pk for m in milestones):
        raise ValidationError({"milestones": [_("Choose milestones of this investment.")]})
    left = investment.amount - scheduled_total(investment)
    if amount > left:
        raise ValidationError(
            {
                "amount": [
                    _("Only %(left)s of the investment is not scheduled yet.")
                    % {"left": format_amount(max(left, 0), investment.asset)}
                ]
            }
        )
    number = (investment.tranches.aggregate(m=Max("number"))["m"] or 0) + 1
    need = scheduled_total(investment) + amount - committed_total(investment)
    tranche = Tranche.objects.create(
        investment=investment,
        number=number,
        amount=amount,
        due_on=due_on,
        added_commitment=max(need, 0) or None,
    )
    tranche.milestones.set(milestones)
    if need > 0:  # a tranche replacing a cancelled one: the fund commits its money again
        funds_services.commitment_record(
            actor=actor,
            fund=investment.fund,
            grantee=investment.organization,
            asset=investment.asset,
            amount=need,
            effective_date=timezone.localdate(),
            memo=_("%(reference)s, tranche %(number)s added")
            % {"reference": investment.reference, "number": number},
            cause=tranche,
            is_sample=investment.is_sample,
            authorised=True,
        )
    audit_record(
        actor=actor,
        action="tranche.add",
        target=investment,
        changes={"tranche": [None, number], "amount": [None, format_amount(amount, investment.asset)]},
    )
    return tranche


def committed_total(investment: Investment) -> int:
    """What the fund has committed to this investment over its life: the amount, less what cancelled or
    reduced tranches released, plus what added tranches committed again. Never less than the schedule."""
    total = investment.amount
    for amount, original, cancelled, added in investment.tranches.values_list(
        "amount", "original_amount", "cancelled_at", "added_commitment"
    ):
        if cancelled is not None:
            total -= original if original is not None else amount
        elif original is not None:
            total -= original - amount
        total += added or 0
    return total


def waiting_milestones(tranche: Tranche) -> list[Milestone]:
    return list(tranche.milestones.exclude(status=MilestoneStatus.ACCEPTED).order_by("quarter", "position"))


@transaction.atomic
def tranche_release(*, actor: Any, tranche: Tranche, payment_date: dt.date | None = None) -> PaymentRequest:
    """A finance officer asks for the tranche to be paid: a payment request that a second finance officer
    approves in the ledger. Locks the tranche, so two releases at the same moment make one request."""
    require(access.can_release_tranches(actor), _("Only finance officers release tranches."))
    tranche = _lock_tranche(tranche)
    investment = tranche.investment
    state = tranche.state
    if state == TrancheState.CANCELLED:
        raise ValidationError(_("This tranche is cancelled."), code="cancelled")
    if state == TrancheState.REQUESTED:
        raise ValidationError(_("This tranche is already waiting for payment approval."), code="requested")
    if state == TrancheState.PAID:
        raise ValidationError(_("This tranche is already paid."), code="paid")
    if investment.status in (InvestmentStatus.DISCONTINUED, InvestmentStatus.FAILED):
        raise ValidationError(
            _("The investment is %(status)s: its tranches are no longer paid.")
            % {"status": investment.get_status_display().lower()},
            code="ended",
        )
    waiting = waiting_milestones(tranche)
    if waiting:
        raise ValidationError(
            _("This tranche waits for %(count)s milestone(s) to be accepted: %(titles)s.")
            % {"count": len(waiting), "titles": "; ".join(m.title for m in waiting[:5])},
            code="milestones",
        )
    request = funds_services.payment_request_create(
        actor=actor,
        fund=investment.fund,
        kind=PaymentRequestKind.DISBURSEMENT,
        asset=investment.asset,
        amount=tranche.amount,
        effective_date=payment_date or timezone.localdate(),
        memo=_("%(reference)s, tranche %(number)s: %(title)s")
        % {"reference": investment.reference, "number": tranche.number, "title": investment.title},
        counterparty=investment.organization,
        cause=tranche,
        is_sample=investment.is_sample,
    )
    tranche.payment_request = request
    tranche.save(update_fields=["payment_request"])
    audit_record(
        actor=actor,
        action="tranche.release",
        target=investment,
        changes={"tranche": [None, tranche.number], "payment_request": [None, request.pk]},
    )
    return request


def _release_commitment(
    actor: Any, tranche: Tranche, amount: int, memo: str, on: dt.date | None = None
) -> None:
    investment = tranche.investment
    open_amount = funds_services.open_commitment(
        fund=investment.fund, grantee=investment.organization, asset=investment.asset
    )
    amount = min(amount, open_amount)
    if amount > 0:
        funds_services.commitment_release(
            actor=actor,
            fund=investment.fund,
            grantee=investment.organization,
            asset=investment.asset,
            amount=amount,
            effective_date=on or timezone.localdate(),
            memo=memo,
            cause=tranche,
            authorised=True,
            is_sample=investment.is_sample,
        )


def _ensure_changeable(tranche: Tranche) -> None:
    state = tranche.state
    if state == TrancheState.PAID:
        raise ValidationError(_("A paid tranche cannot change."), code="paid")
    if state == TrancheState.REQUESTED:
        raise ValidationError(
            _("The tranche waits for payment approval: the request must be rejected or cancelled first."),
            code="requested",
        )
    if state == TrancheState.CANCELLED:
        raise ValidationError(_("This tranche is cancelled."), code="cancelled")


@transaction.atomic
def tranche_cancel(*, actor: Any, tranche: Tranche, reason_text: str, on: dt.date | None = None) -> Tranche:
    """A fund manager cancels a tranche that will not be paid; its commitment is released in the ledger,
    dated ``on`` (today by default; an investment that ended on a past date releases it then)."""
    system_or(actor, access.can_manage_portfolio(actor), _("Only fund managers can change the schedule."))
    text = reason(reason_text, _("Say why the tranche is cancelled."))
    tranche = _lock_tranche(tranche)
    _ensure_changeable(tranche)
    tranche.cancelled_at = timezone.now()
    tranche.change_reason = text
    tranche.save(update_fields=["cancelled_at", "change_reason"])
    investment = tranche.investment
    _release_commitment(
        actor,
        tranche,
        tranche.amount,
        _("%(reference)s, tranche %(number)s cancelled: %(reason)s")
        % {"reference": investment.reference, "number": tranche.number, "reason": text},
        on,
    )
    audit_record(
        actor=actor,
        action="tranche.cancel",
        target=investment,
        changes={"tranche": [None, tranche.number], "reason": [None, text]},
    )
    return tranche


@transaction.atomic
def tranche_reduce(*, actor: Any, tranche: Tranche, amount: int, reason_text: str) -> Tranche:
    """A fund manager lowers a tranche that is not paid yet; the difference is released in the ledger."""
    system_or(actor, access.can_manage_portfolio(actor), _("Only fund managers can change the schedule."))
    text = reason(reason_text, _("Say why the tranche is reduced."))
    tranche = _lock_tranche(tranche)
    _ensure_changeable(tranche)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError(
            {"amount": [_("The amount must be more than zero; cancel the tranche instead.")]}
        )
    if amount >= tranche.amount:
        raise ValidationError({"amount": [_("A reduced amount is less than the scheduled one.")]})
    investment = tranche.investment
    before = tranche.amount
    if tranche.original_amount is None:
        tranche.original_amount = before
    tranche.amount = amount
    tranche.change_reason = text
    tranche.save(update_fields=["amount", "original_amount", "change_reason"])
    _release_commitment(
        actor,
        tranche,
        before - amount,
        _("%(reference)s, tranche %(number)s reduced: %(reason)s")
        % {"reference": investment.reference, "number": tranche.number, "reason": text},
    )
    audit_record(
        actor=actor,
        action="tranche.reduce",
        target=investment,
        changes={
            "tranche": [None, tranche.number],
            "amount": [format_amount(before, investment.asset), format_amount(amount, investment.asset)],
            "reason": [None, text],
        },
    )
    return tranche


def ensure_not_member_deciding(actor: Any, milestone: Milestone) -> None:
    """A mentor who is also a member of the team cannot accept the team's own evidence."""
    if access.is_member(actor, milestone.investment):
        raise PermissionDenied(_("You are a member of this team: another mentor decides its milestones."))
