"""Portfolio services, after the investment is made: its outcome (graduated, discontinued, failed),
follow-on rounds with their co-investors, and the fund's knowledge products."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from seedbed.core.models import AuditEvent, Organization
from seedbed.portfolio import services
from seedbed.portfolio.models import (
    FollowOnRound,
    InvestmentStatus,
    KnowledgeProduct,
    MilestoneStatus,
)
from tests.portfolio.conftest import USD_CENTS

TODAY = timezone.localdate  # called, not frozen: tests read "today" as the services do
pytestmark = pytest.mark.django_db


def field_messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


# --- The investment's outcome -------------------------------------------------------------------------


def test_graduation_needs_every_required_milestone_accepted(make_investment, team, people):
    investment = make_investment(team)
    manager, mentor = people["fund_manager"], people["mentor"]
    required = list(investment.milestones.filter(required=True).order_by("quarter", "position"))
    for milestone in required[:-1]:
        services.milestone_decide(actor=mentor, milestone=milestone, accept=True, comment="Checked.")

    with pytest.raises(ValidationError) as refused:
        services.investment_set_status(
            actor=manager, investment=investment, status=InvestmentStatus.GRADUATED, on=TODAY()
        )
    message = field_messages(refused.value, "status")
    assert "1 are not" in message
    assert required[-1].title in message
    investment.refresh_from_db()
    assert investment.status == InvestmentStatus.ACTIVE

    services.milestone_decide(actor=mentor, milestone=required[-1], accept=True, comment="Checked.")
    # Optional milestones are not needed to graduate.
    assert investment.milestones.exclude(status=MilestoneStatus.ACCEPTED).exists()
    graduated = services.investment_set_status(
        actor=manager, investment=investment, status=InvestmentStatus.GRADUATED, on=TODAY()
    )
    assert graduated.status == InvestmentStatus.GRADUATED
    assert graduated.status_date == TODAY()
    assert AuditEvent.objects.filter(action="investment.status", object_id=str(investment.pk)).exists()


@pytest.mark.parametrize("status", [InvestmentStatus.DISCONTINUED, InvestmentStatus.FAILED])
def test_ending_an_investment_needs_a_reason(make_investment, team, people, status):
    investment = make_investment(team)
    for text in ("", "   "):
        with pytest.raises(ValidationError, match="Say why the investment ends"):
            services.investment_set_status(
                actor=people["fund_manager"],
                investment=investment,
                status=status,
                on=TODAY(),
                reason_text=text,
            )
    ended = services.investment_set_status(
        actor=people["fund_manager"],
        investment=investment,
        status=status,
        on=TODAY(),
        reason_text="The team dissolved.",
    )
    assert ended.status == status
    assert ended.status_reason == "The team dissolved."


def test_the_status_date_is_between_the_start_and_today(make_investment, team, people):
    investment = make_investment(team)
    common = {"actor": people["fund_manager"], "investment": investment, "reason_text": "Stopped."}
    with pytest.raises(ValidationError, match="future"):
        services.investment_set_status(**common, status="discontinued", on=TODAY() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="before the investment started"):
        services.investment_set_status(
            **common, status="discontinued", on=investment.start_date - dt.timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="Choose a status"):
        services.investment_set_status(**common, status="paused", on=TODAY())


def test_only_fund_managers_change_the_status(make_investment, team, people):
    investment = make_investment(team)
    for persona in ("mentor", "finance_officer", "grantee"):
        with pytest.raises(PermissionDenied):
            services.investment_set_status(
                actor=people[persona],
                investment=investment,
                status="discontinued",
                on=TODAY(),
                reason_text="No.",
            )


# --- Follow-on rounds ------------------------------------------------------------------------------


@pytest.fixture
def investors(countries) -> list[Organization]:
    return [
        Organization.objects.create(name="Savannah Angels", slug="savannah-angels", kind="investor"),
        Organization.objects.create(name="Lagos Seed", slug="lagos-seed", kind="investor"),
    ]


def follow_on(people, investment, usd, **kwargs) -> FollowOnRound:
    params: dict[str, Any] = {
        "actor": people["fund_manager"],
        "investment": investment,
        "date": TODAY(),
        "asset": usd,
        "amount": 250_000 * USD_CENTS,
        "instrument": "equity",
        "investors": [],
    }
    params.update(kwargs)
    return services.follow_on_record(**params)


def test_a_follow_on_round_is_recorded_with_its_investors(make_investment, team, people, usd, investors):
    investment = make_investment(team)
    round_ = follow_on(people, investment, usd, investors=investors, note=" Series A ")
    assert set(round_.investors.all()) == set(investors)
    assert round_.note == "Series A"
    assert list(investment.follow_ons.all()) == [round_]
    assert AuditEvent.objects.filter(action="follow_on.record").exists()


def test_a_follow_on_round_needs_investors_and_a_date_from_the_start_to_today(
    make_investment, team, people, usd, investors
):
    investment = make_investment(team)
    with pytest.raises(ValidationError) as refused:
        follow_on(people, investment, usd, investors=[])
    assert "at least one investor" in field_messages(refused.value, "investors")
    with pytest.raises(ValidationError) as refused:
        follow_on(
            people, investment, usd, investors=investors, date=investment.start_date - dt.timedelta(days=1)
        )
    assert "after the investment started" in field_messages(refused.value, "date")
    with pytest.raises(ValidationError) as refused:
        follow_on(people, investment, usd, investors=investors, date=TODAY() + dt.timedelta(days=1))
    assert "future" in field_messages(refused.value, "date")
    with pytest.raises(ValidationError) as refused:
        follow_on(people, investment, usd, investors=investors, amount=0, instrument="shares")
    assert set(refused.value.message_dict) == {"amount", "instrument"}
    assert FollowOnRound.objects.count() == 0
    # The start date itself is fine.
    assert follow_on(people, investment, usd, investors=investors, date=investment.start_date)


def test_only_fund_managers_record_follow_on_rounds(make_investment, team, people, usd, investors):
    investment = make_investment(team)
    with pytest.raises(PermissionDenied):
        follow_on(people, investment, usd, investors=investors, actor=people["grantee"])


# --- Knowledge products ------------------------------------------------------------------------------


def knowledge(people, **kwargs) -> KnowledgeProduct:
    params: dict[str, Any] = {
        "actor": people["fund_manager"],
        "title": "Open data in agriculture",
        "kind": "research",
        "licence": "CC-BY-4.0",
        "published_on": dt.date(2022, 5, 1),
    }
    params.update(kwargs)
    return services.knowledge_product_create(**params)


def test_a_knowledge_product_needs_a_link_or_a_file_and_a_licence(people):
    with pytest.raises(ValidationError) as refused:
        knowledge(people, licence="  ")
    assert set(refused.value.message_dict) == {"url", "licence"}
    with pytest.raises(ValidationError) as refused:
        knowledge(people, kind="poem", title="")
    assert set(refused.value.message_dict) >= {"kind", "title", "url"}
    assert KnowledgeProduct.objects.count() == 0


def test_a_knowledge_product_with_a_link_or_a_file_is_published(people, make_investment, team):
    investment = make_investment(team)
    linked = knowledge(people, url="https://example.org/report", investments=[investment])
    assert linked.url == "https://example.org/report"
    assert list(linked.investments.all()) == [investment]

    upload = SimpleUploadedFile("study.pdf", b"%PDF-1.4 study", content_type="application/pdf")
    filed = knowledge(people, title="Case study", kind="case_study", file=upload)
    assert filed.file.name.startswith("knowledge/")
    with filed.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 study"
    assert AuditEvent.objects.filter(action="knowledge.create").count() == 2


@pytest.mark.parametrize("url", ["javascript:alert(1)", "not a link", "ftp//example.org"])
def test_a_knowledge_product_link_is_a_web_address(people, url):
    """Knowledge products are public pages: the service checks the link as ``evidence_submit`` does."""
    with pytest.raises(ValidationError) as refused:
        knowledge(people, url=url)
    assert "url" in refused.value.message_dict
    assert KnowledgeProduct.objects.count() == 0


def test_only_fund_managers_publish_knowledge_products(people):
    with pytest.raises(PermissionDenied):
        knowledge(people, url="https://example.org/report", actor=people["mentor"])
