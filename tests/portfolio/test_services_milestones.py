"""Portfolio services, milestones: the team submits evidence (links, text, files), a mentor (or a fund
manager) who is not on the team accepts it or returns it with comments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from seedbed.core.models import AuditEvent, Membership
from seedbed.core.roles import Role
from seedbed.portfolio import services
from seedbed.portfolio.models import (
    Evidence,
    Investment,
    Milestone,
    MilestoneStatus,
)
from tests.conftest import make_user


def milestone(investment: Investment, check_key: str, quarter: int) -> Milestone:
    return investment.milestones.get(check_key=check_key, quarter=quarter)


def fresh(row: Milestone) -> Milestone:
    return Milestone.objects.get(pk=row.pk)


@pytest.fixture
def investment(make_investment, team) -> Investment:
    return make_investment(team, amount_usd=80_000)


@pytest.mark.django_db
def test_a_member_submits_evidence_as_a_link_text_and_files(investment, people):
    target = milestone(investment, "oss.license", 1)
    upload = SimpleUploadedFile("licence.txt", b"MIT License", content_type="text/plain")
    submitted = services.evidence_submit(
        actor=people["grantee"],
        milestone=target,
        url="https://github.com/kijani/crops/blob/main/LICENSE",
        text="We chose MIT.",
        files=[upload],
    )
    assert submitted.status == MilestoneStatus.SUBMITTED
    assert submitted.submitted_by == people["grantee"]
    assert fresh(target).status == MilestoneStatus.SUBMITTED
    evidence = {row.kind: row for row in Evidence.objects.filter(milestone=target)}
    assert set(evidence) == {"link", "text", "file"}
    assert evidence["link"].url == "https://github.com/kijani/crops/blob/main/LICENSE"
    assert evidence["text"].text == "We chose MIT."
    assert evidence["file"].name == "licence.txt"
    assert evidence["file"].size == len(b"MIT License")
    with evidence["file"].file.open("rb") as handle:
        assert handle.read() == b"MIT License"
    assert AuditEvent.objects.filter(action="milestone.submit").count() == 1


@pytest.mark.django_db
def test_evidence_needs_something_and_a_web_address(investment, people):
    target = milestone(investment, "oss.readme", 1)
    with pytest.raises(ValidationError) as refused:
        services.evidence_submit(actor=people["grantee"], milestone=target, url="  ", text=" ")
    assert "url" in refused.value.message_dict
    for url in ("ftp://example.org/readme", "not a link", "javascript:alert(1)"):
        with pytest.raises(ValidationError, match="https://"):
            services.evidence_submit(actor=people["grantee"], milestone=target, url=url)
    assert fresh(target).status == MilestoneStatus.PLANNED
    assert Evidence.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["other_grantee", "mentor", "fund_manager", "outsider"])
def test_only_the_team_submits_evidence(investment, people, persona):
    target = milestone(investment, "oss.readme", 1)
    with pytest.raises(PermissionDenied):
        services.evidence_submit(actor=people[persona], milestone=target, text="Done.")
    assert fresh(target).status == MilestoneStatus.PLANNED
    assert Evidence.objects.count() == 0


@pytest.mark.django_db
def test_submit_return_resubmit_accept(investment, people):
    grantee, mentor = people["grantee"], people["mentor"]
    target = milestone(investment, "oss.contributing", 2)
    services.evidence_submit(actor=grantee, milestone=target, url="https://example.org/CONTRIBUTING.md")

    with pytest.raises(ValidationError, match="Tell the team what is missing"):
        services.milestone_decide(actor=mentor, milestone=target, accept=False, comment="  ")
    assert fresh(target).status == MilestoneStatus.SUBMITTED

    returned = services.milestone_decide(
        actor=mentor, milestone=target, accept=False, comment="Add how to run the tests."
    )
    assert returned.status == MilestoneStatus.RETURNED
    assert fresh(target).decision_comment == "Add how to run the tests."
    assert fresh(target).decided_by == mentor

    services.evidence_submit(actor=grantee, milestone=target, text="Added a testing section.")
    assert fresh(target).status == MilestoneStatus.SUBMITTED
    assert Evidence.objects.filter(milestone=target).count() == 2

    accepted = services.milestone_decide(actor=mentor, milestone=target, accept=True)
    assert accepted.status == MilestoneStatus.ACCEPTED
    assert fresh(target).decided_by == mentor
    assert list(
        AuditEvent.objects.filter(action__startswith="milestone.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["milestone.submit", "milestone.return", "milestone.submit", "milestone.accept"]

    # Accepted is final: no more evidence, no second decision.
    with pytest.raises(ValidationError, match="already accepted"):
        services.evidence_submit(actor=grantee, milestone=target, text="More.")
    with pytest.raises(ValidationError, match="already accepted"):
        services.milestone_decide(actor=mentor, milestone=target, accept=False, comment="Changed my mind.")


@pytest.mark.django_db
def test_a_fund_manager_may_decide_milestones_too(investment, people):
    target = milestone(investment, "oss.readme", 1)
    services.evidence_submit(actor=people["grantee"], milestone=target, text="README written.")
    services.milestone_decide(actor=people["fund_manager"], milestone=target, accept=True)
    assert fresh(target).status == MilestoneStatus.ACCEPTED


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["finance_officer", "grantee", "reviewer", "committee_member"])
def test_only_mentors_and_fund_managers_decide_milestones(investment, people, persona):
    target = milestone(investment, "oss.readme", 1)
    services.evidence_submit(actor=people["grantee"], milestone=target, text="README written.")
    with pytest.raises(PermissionDenied):
        services.milestone_decide(actor=people[persona], milestone=target, accept=True, comment="Fine.")
    assert fresh(target).status == MilestoneStatus.SUBMITTED


@pytest.mark.django_db
def test_a_mentor_who_is_a_member_of_the_team_cannot_decide(investment, people, team):
    insider = make_user("insider_mentor", (Role.OSS_MENTOR,))
    Membership.objects.create(user=insider, organization=team, role="member")
    target = milestone(investment, "oss.readme", 1)
    services.evidence_submit(actor=insider, milestone=target, text="README written.")  # a member may submit
    with pytest.raises(PermissionDenied, match="member of this team"):
        services.milestone_decide(actor=insider, milestone=target, accept=True, comment="Looks good.")
    assert fresh(target).status == MilestoneStatus.SUBMITTED


@pytest.mark.django_db
def test_accepting_with_nothing_submitted_needs_a_comment(investment, people):
    target = milestone(investment, "oss.ci", 3)
    with pytest.raises(ValidationError) as refused:
        services.milestone_decide(actor=people["mentor"], milestone=target, accept=True)
    assert "say how you checked it" in " ".join(refused.value.message_dict["comment"])
    assert fresh(target).status == MilestoneStatus.PLANNED

    services.milestone_decide(
        actor=people["mentor"], milestone=target, accept=True, comment="CI runs on every pull request."
    )
    assert fresh(target).status == MilestoneStatus.ACCEPTED
    assert fresh(target).decision_comment == "CI runs on every pull request."


@pytest.mark.django_db
def test_only_submitted_evidence_can_be_returned(investment, people):
    target = milestone(investment, "oss.ci", 3)
    with pytest.raises(ValidationError, match="Only submitted evidence"):
        services.milestone_decide(actor=people["mentor"], milestone=target, accept=False, comment="Missing.")
    assert fresh(target).status == MilestoneStatus.PLANNED


@pytest.mark.django_db
def test_a_fund_manager_adds_a_business_milestone(investment, people):
    added = services.milestone_add(
        actor=people["fund_manager"],
        investment=investment,
        title="10,000 farmers onboarded",
        quarter=3,
        due_on=dt.date(2030, 1, 1),
        required=True,
    )
    assert added.kind == "business"
    assert added in services.missing_for_graduation(investment)
    with pytest.raises(ValidationError) as refused:
        services.milestone_add(
            actor=people["fund_manager"], investment=investment, title="", quarter=9, due_on=None
        )
    assert set(refused.value.message_dict) == {"title", "quarter", "due_on"}
    with pytest.raises(PermissionDenied):
        services.milestone_add(
            actor=people["mentor"], investment=investment, title="X", quarter=1, due_on=dt.date(2030, 1, 1)
        )


@pytest.mark.django_db
def test_a_scan_satisfies_planned_milestones_with_its_check_keys_and_a_mentor_may_override(
    make_investment, team, people
):
    from seedbed.portfolio.models import Solution

    solution = services.solution_create(actor=people["fund_manager"], organization=team, name="Kijani Maps")
    investment = make_investment(team, solutions=[solution])
    not_funding = make_investment(team)
    returned = investment.milestones.get(quarter=2, check_key="oss.license")
    services.evidence_submit(actor=people["grantee"], milestone=returned, url="https://example.org/LICENSE")
    services.milestone_decide(
        actor=people["mentor"], milestone=returned, accept=False, comment="Not in every repository."
    )

    count = services.milestones_satisfy(
        solution=solution,
        check_keys=["oss.license", "oss.ci"],
        evidence_url="https://seedbed.example/scans/1/",
        note="Scan",
    )

    assert count == 2  # Q1 licence and Q3 CI; the returned Q2 licence waits for the team and the mentor
    q1 = investment.milestones.get(quarter=1, check_key="oss.license")
    assert q1.status == "accepted" and q1.automatic and q1.decided_by is None
    assert q1.evidence.get().url == "https://seedbed.example/scans/1/"
    returned.refresh_from_db()
    assert returned.status == "returned"
    assert not not_funding.milestones.filter(status="accepted").exists()
    with pytest.raises(ValidationError):
        services.milestone_decide(actor=people["mentor"], milestone=q1, accept=True, comment="ok")
    services.milestone_decide(
        actor=people["mentor"], milestone=q1, accept=False, comment="The licence is GPL-2.0 only."
    )
    q1.refresh_from_db()
    assert q1.status == "returned" and not q1.automatic and q1.decided_by == people["mentor"]
    assert Solution.objects.count() == 1
