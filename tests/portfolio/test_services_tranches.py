"""Portfolio services, tranches: released by a finance officer once their milestones are accepted, paid
through a four-eyes payment request that posts the disbursement and releases the commitment in the
ledger; cancelled, reduced or added by a fund manager, never beyond the investment."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection
from django.utils import timezone

from seedbed.core.models import AuditEvent
from seedbed.core.roles import Role
from seedbed.funds import services as funds_services
from seedbed.funds.models import (
    EntryKind,
    JournalEntry,
    PaymentRequest,
    PaymentRequestKind,
    PaymentRequestStatus,
)
from seedbed.portfolio import services
from seedbed.portfolio.models import (
    Investment,
    InvestmentStatus,
    Milestone,
    Tranche,
    TrancheState,
)
from tests.portfolio.conftest import USD_CENTS, accept_all

AMOUNT = 80_000 * USD_CENTS


def open_commitment(investment: Investment) -> int:
    return funds_services.open_commitment(
        fund=investment.fund, grantee=investment.organization, asset=investment.asset
    )


def tranche(investment: Investment, number: int) -> Tranche:
    """A fresh copy, as the next request would read it."""
    return Tranche.objects.select_related("payment_request").get(investment=investment, number=number)


def milestone(investment: Investment, check_key: str, quarter: int) -> Milestone:
    return investment.milestones.get(check_key=check_key, quarter=quarter)


@pytest.fixture
def investment(make_investment, team) -> Investment:
    return make_investment(team, amount_usd=80_000)


def release(people, row: Tranche, who: str = "finance_officer") -> PaymentRequest:
    return services.tranche_release(actor=people[who], tranche=row)


def approve(people, request: PaymentRequest) -> PaymentRequest:
    return funds_services.payment_request_approve(actor=people["finance_officer_2"], request=request)


# --- Releasing a tranche ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tranche_waits_for_its_milestones_and_says_which(investment, people):
    second = tranche(investment, 2)
    with pytest.raises(ValidationError) as refused:
        release(people, second)
    message = " ".join(refused.value.messages)
    assert "waits for 2 milestone(s)" in message
    for row in second.milestones.all():
        assert row.title in message
    assert PaymentRequest.objects.count() == 0
    assert tranche(investment, 2).state == TrancheState.SCHEDULED

    # A submitted (not yet accepted) milestone still holds the tranche.
    licence = milestone(investment, "oss.license", 2)
    services.evidence_submit(actor=people["grantee"], milestone=licence, url="https://example.org/LICENSE")
    with pytest.raises(ValidationError, match="waits for 2 milestone"):
        release(people, tranche(investment, 2))

    accept_all(investment, people["mentor"], quarter=2)
    request = release(people, tranche(investment, 2))
    assert request.amount == tranche(investment, 2).amount


@pytest.mark.django_db
def test_a_mentor_cannot_release_a_tranche(investment, people):
    for persona in ("mentor", "fund_manager", "grantee"):
        with pytest.raises(PermissionDenied):
            release(people, tranche(investment, 1), who=persona)
    assert PaymentRequest.objects.count() == 0


@pytest.mark.django_db
def test_release_makes_a_pending_disbursement_request_for_the_team(investment, people, team):
    first = tranche(investment, 1)
    request = release(people, first)
    request.refresh_from_db()
    assert request.status == PaymentRequestStatus.PENDING
    assert request.kind == PaymentRequestKind.DISBURSEMENT
    assert request.amount == first.amount == AMOUNT * 40 // 100
    assert request.counterparty == team
    assert request.fund == investment.fund
    assert request.requested_by == people["finance_officer"]
    assert request.cause_type == ContentType.objects.get_for_model(Tranche)
    assert request.cause_id == str(first.pk)
    assert investment.reference in request.memo
    assert tranche(investment, 1).payment_request == request
    assert tranche(investment, 1).state == TrancheState.REQUESTED
    # Nothing is paid yet: the commitment is still open in full.
    assert open_commitment(investment) == AMOUNT
    assert not JournalEntry.objects.filter(kind=EntryKind.DISBURSEMENT).exists()

    with pytest.raises(ValidationError, match="already waiting for payment approval"):
        release(people, tranche(investment, 1), who="finance_officer_2")
    assert PaymentRequest.objects.count() == 1


@pytest.mark.django_db
def test_approval_by_a_second_officer_pays_the_tranche_and_releases_the_commitment(investment, people):
    first = tranche(investment, 1)
    request = release(people, first)
    with pytest.raises(PermissionDenied):  # four-eyes: the requester cannot approve
        funds_services.payment_request_approve(actor=people["finance_officer"], request=request)
    assert tranche(investment, 1).state == TrancheState.REQUESTED

    approve(people, request)
    assert tranche(investment, 1).state == TrancheState.PAID
    entry = JournalEntry.objects.get(kind=EntryKind.DISBURSEMENT)
    assert entry.cause_type == ContentType.objects.get_for_model(Tranche)
    assert entry.cause_id == str(first.pk)
    assert entry.counterparty == investment.organization
    assert entry.approved_by == people["finance_officer_2"]
    assert open_commitment(investment) == AMOUNT - first.amount

    with pytest.raises(ValidationError, match="already paid"):
        release(people, tranche(investment, 1))


@pytest.mark.django_db
def test_a_rejected_request_puts_the_tranche_back_and_it_can_be_released_again(investment, people):
    first = tranche(investment, 1)
    request = release(people, first)
    funds_services.payment_request_reject(
        actor=people["finance_officer_2"], request=request, note="Wrong bank account."
    )
    assert tranche(investment, 1).state == TrancheState.SCHEDULED
    assert open_commitment(investment) == AMOUNT

    again = release(people, tranche(investment, 1), who="finance_officer_2")
    assert again.pk != request.pk
    assert tranche(investment, 1).payment_request == again
    assert tranche(investment, 1).state == TrancheState.REQUESTED
    funds_services.payment_request_approve(actor=people["finance_officer"], request=again)
    assert tranche(investment, 1).state == TrancheState.PAID
    assert JournalEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1


@pytest.mark.django_db
def test_a_cancelled_request_puts_the_tranche_back(investment, people):
    request = release(people, tranche(investment, 1))
    funds_services.payment_request_cancel(actor=people["finance_officer"], request=request)
    assert tranche(investment, 1).state == TrancheState.SCHEDULED
    assert release(people, tranche(investment, 1)).status == PaymentRequestStatus.PENDING


@pytest.mark.django_db
def test_paying_every_tranche_closes_the_commitment(investment, people):
    accept_all(investment, people["mentor"])
    for number in (1, 2, 3):
        approve(people, release(people, tranche(investment, number)))
    assert [tranche(investment, n).state for n in (1, 2, 3)] == [TrancheState.PAID] * 3
    assert open_commitment(investment) == 0
    assert JournalEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("status", [InvestmentStatus.DISCONTINUED, InvestmentStatus.FAILED])
def test_no_tranche_is_released_after_the_investment_ended(investment, people, status):
    services.investment_set_status(
        actor=people["fund_manager"],
        investment=investment,
        status=status,
        on=timezone.localdate(),
        reason_text="The team stopped working on it.",
    )
    # Its scheduled tranches are cancelled and nothing stays committed to it in the ledger.
    assert [t.state for t in investment.tranches.order_by("number")] == ["cancelled"] * 3
    assert (
        funds_services.open_commitment(
            fund=investment.fund, grantee=investment.organization, asset=investment.asset
        )
        == 0
    )
    with pytest.raises(ValidationError, match="cancelled"):
        release(people, tranche(investment, 1))
    assert PaymentRequest.objects.count() == 0


@pytest.mark.django_db
def test_an_investment_cannot_end_while_a_tranche_waits_for_payment_approval(investment, people):
    release(people, tranche(investment, 1))
    with pytest.raises(ValidationError, match="waits for payment approval"):
        services.investment_set_status(
            actor=people["fund_manager"],
            investment=investment,
            status=InvestmentStatus.FAILED,
            on=timezone.localdate(),
            reason_text="The team stopped.",
        )
    investment.refresh_from_db()
    assert investment.status == InvestmentStatus.ACTIVE


# --- Two finance officers release the same tranche at the same moment ---------------------------------


def press_together(*calls):
    """Run each call in its own thread and database connection, released at the same instant."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_releases_at_the_same_moment_make_one_payment_request(investment, people):
    officers = people["finance_officer"], people["finance_officer_2"]
    assert all(officer.has_role(Role.FINANCE_OFFICER) for officer in officers)  # roles cached
    first = tranche(investment, 1)

    outcomes = press_together(
        *(
            lambda officer=officer: services.tranche_release(actor=officer, tranche=first)
            for officer in officers
        )
    )

    made = [o for o in outcomes if isinstance(o, PaymentRequest)]
    refused = [o for o in outcomes if not isinstance(o, PaymentRequest)]
    assert len(made) == 1, outcomes
    assert len(refused) == 1, outcomes
    loser = refused[0]
    if connection.vendor == "sqlite" and connection.is_in_memory_db() and isinstance(loser, OperationalError):
        # The in-memory test database refuses a second writer at once (see tests/funds); one effect still.
        assert "locked" in str(loser)
    else:
        assert isinstance(loser, ValidationError), loser
        assert "already waiting for payment approval" in loser.messages[0]
    assert PaymentRequest.objects.count() == 1
    assert tranche(investment, 1).payment_request == made[0]
    assert AuditEvent.objects.filter(action="tranche.release").count() == 1


# --- Changing the schedule ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancelling_a_tranche_needs_a_reason_and_releases_its_commitment(investment, people):
    third = tranche(investment, 3)
    with pytest.raises(ValidationError, match="Say why the tranche is cancelled"):
        services.tranche_cancel(actor=people["fund_manager"], tranche=third, reason_text="  ")
    assert tranche(investment, 3).state == TrancheState.SCHEDULED
    assert open_commitment(investment) == AMOUNT

    services.tranche_cancel(actor=people["fund_manager"], tranche=third, reason_text="Scope reduced.")
    cancelled = tranche(investment, 3)
    assert cancelled.state == TrancheState.CANCELLED
    assert cancelled.change_reason == "Scope reduced."
    assert open_commitment(investment) == AMOUNT - third.amount
    assert AuditEvent.objects.filter(action="tranche.cancel").count() == 1

    accept_all(investment, people["mentor"])
    with pytest.raises(ValidationError, match="cancelled"):
        release(people, cancelled)
    with pytest.raises(ValidationError, match="cancelled"):
        services.tranche_cancel(actor=people["fund_manager"], tranche=cancelled, reason_text="Again.")
    assert open_commitment(investment) == AMOUNT - third.amount


@pytest.mark.django_db
def test_reducing_a_tranche_needs_a_reason_and_releases_the_difference(investment, people):
    second = tranche(investment, 2)
    before = second.amount
    with pytest.raises(ValidationError, match="Say why the tranche is reduced"):
        services.tranche_reduce(
            actor=people["fund_manager"], tranche=second, amount=10_000_00, reason_text=""
        )
    for amount in (0, -5, before, before + 1):
        with pytest.raises(ValidationError):
            services.tranche_reduce(
                actor=people["fund_manager"], tranche=second, amount=amount, reason_text="Less."
            )
    assert tranche(investment, 2).amount == before
    assert open_commitment(investment) == AMOUNT

    services.tranche_reduce(
        actor=people["fund_manager"], tranche=second, amount=10_000_00, reason_text="Partial delivery."
    )
    reduced = tranche(investment, 2)
    assert reduced.amount == 10_000_00
    assert reduced.original_amount == before
    assert reduced.change_reason == "Partial delivery."
    assert reduced.state == TrancheState.SCHEDULED
    assert open_commitment(investment) == AMOUNT - (before - 10_000_00)

    # Reduced twice: the first scheduled amount is kept.
    services.tranche_reduce(
        actor=people["fund_manager"], tranche=reduced, amount=5_000_00, reason_text="Less."
    )
    assert tranche(investment, 2).original_amount == before
    assert open_commitment(investment) == AMOUNT - (before - 5_000_00)


@pytest.mark.django_db
def test_a_requested_or_paid_tranche_cannot_be_cancelled_or_reduced(investment, people):
    manager = people["fund_manager"]
    request = release(people, tranche(investment, 1))
    with pytest.raises(ValidationError, match="waits for payment approval"):
        services.tranche_cancel(actor=manager, tranche=tranche(investment, 1), reason_text="Stop.")
    with pytest.raises(ValidationError, match="waits for payment approval"):
        services.tranche_reduce(
            actor=manager, tranche=tranche(investment, 1), amount=1_00, reason_text="Less."
        )

    approve(people, request)
    paid_commitment = open_commitment(investment)
    with pytest.raises(ValidationError, match="A paid tranche cannot change"):
        services.tranche_cancel(actor=manager, tranche=tranche(investment, 1), reason_text="Stop.")
    with pytest.raises(ValidationError, match="A paid tranche cannot change"):
        services.tranche_reduce(
            actor=manager, tranche=tranche(investment, 1), amount=1_00, reason_text="Less."
        )
    assert tranche(investment, 1).state == TrancheState.PAID
    assert open_commitment(investment) == paid_commitment


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["finance_officer", "mentor", "grantee"])
def test_only_fund_managers_change_the_schedule(investment, people, persona):
    with pytest.raises(PermissionDenied):
        services.tranche_cancel(actor=people[persona], tranche=tranche(investment, 3), reason_text="Stop.")
    with pytest.raises(PermissionDenied):
        services.tranche_reduce(
            actor=people[persona], tranche=tranche(investment, 3), amount=1_00, reason_text="Less."
        )
    with pytest.raises(PermissionDenied):
        services.tranche_add(
            actor=people[persona], investment=investment, amount=1_00, due_on=dt.date(2030, 1, 1)
        )
    assert open_commitment(investment) == AMOUNT


@pytest.mark.django_db
def test_the_schedule_never_exceeds_the_investment(investment, people):
    manager = people["fund_manager"]
    due = dt.date(2030, 1, 1)
    with pytest.raises(ValidationError) as refused:
        services.tranche_add(actor=manager, investment=investment, amount=1, due_on=due)
    assert "Only 0.00 USD of the investment is not scheduled yet" in " ".join(
        refused.value.message_dict["amount"]
    )

    third = tranche(investment, 3)
    services.tranche_cancel(actor=manager, tranche=third, reason_text="Split in two.")
    with pytest.raises(ValidationError, match="not scheduled yet"):
        services.tranche_add(actor=manager, investment=investment, amount=third.amount + 1, due_on=due)
    half = third.amount // 2
    fourth = services.tranche_add(actor=manager, investment=investment, amount=half, due_on=due)
    fifth = services.tranche_add(
        actor=manager,
        investment=investment,
        amount=third.amount - half,
        due_on=due,
        milestones=[milestone(investment, "oss.ci", 3)],
    )
    assert (fourth.number, fifth.number) == (4, 5)
    assert list(fifth.milestones.all()) == [milestone(investment, "oss.ci", 3)]
    live = Tranche.objects.filter(investment=investment, cancelled_at__isnull=True)
    assert sum(live.values_list("amount", flat=True)) == AMOUNT
    with pytest.raises(ValidationError, match="not scheduled yet"):
        services.tranche_add(actor=manager, investment=investment, amount=1, due_on=due)


@pytest.mark.django_db
def test_a_tranche_depends_only_on_milestones_of_its_investment(
    investment, people, make_investment, other_team
):
    other = make_investment(other_team)
    services.tranche_cancel(actor=people["fund_manager"], tranche=tranche(investment, 3), reason_text="Redo.")
    with pytest.raises(ValidationError) as refused:
        services.tranche_add(
            actor=people["fund_manager"],
            investment=investment,
            amount=1_00,
            due_on=dt.date(2030, 1, 1),
            milestones=[other.milestones.first()],
        )
    assert "milestones" in refused.value.message_dict


@pytest.mark.django_db
def test_the_open_commitment_follows_the_schedule_after_a_tranche_is_replaced(investment, people):
    """Cancelling a tranche releases its commitment; scheduling a new one in its place commits it again,
    so the ledger's open commitment is what the fund still owes the team."""
    manager = people["fund_manager"]
    third = tranche(investment, 3)
    services.tranche_cancel(actor=manager, tranche=third, reason_text="Replaced by a later tranche.")
    services.tranche_add(
        actor=manager, investment=investment, amount=third.amount, due_on=dt.date(2030, 1, 1)
    )
    unpaid = sum(
        Tranche.objects.filter(investment=investment, cancelled_at__isnull=True).values_list(
            "amount", flat=True
        )
    )
    assert unpaid == AMOUNT
    assert open_commitment(investment) == unpaid


@pytest.mark.django_db
def test_an_investment_that_ended_in_the_past_releases_its_commitment_on_that_date(investment, people):
    ended_on = investment.start_date + dt.timedelta(days=10)
    services.investment_set_status(
        actor=people["fund_manager"],
        investment=investment,
        status=InvestmentStatus.DISCONTINUED,
        on=ended_on,
        reason_text="The country office closed the project.",
    )
    releases = JournalEntry.objects.filter(kind="commitment").exclude(pk=investment.commitment_entry_id)
    assert releases.count() == 3
    assert set(releases.values_list("effective_date", flat=True)) == {ended_on}
