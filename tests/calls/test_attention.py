"""What the calls part puts under "Needs your attention" on each role's home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from seedbed.calls.models import AgendaItem, Conflict, Meeting, Review

DAY = dt.timedelta(days=1)


def _home(client: Any) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_each_role_is_told_what_waits_for_them(
    make_call: Any, make_application: Any, personas: dict[str, Any], client_for: Any
) -> None:
    call = make_call("Open call", -DAY, 30 * DAY)
    submitted = make_application(call, "Kijani Data Labs", stage_kind="committee")
    draft = make_application(call, "Nyota Health", status="draft")
    submitted.eligibility = "to_verify"
    submitted.save()
    Review.objects.create(application=submitted, reviewer=personas["reviewer"])
    meeting = Meeting.objects.create(call=call, title="Committee", scheduled_at=call.closes_at, quorum=1)
    meeting.members.set([personas["committee_member"]])
    AgendaItem.objects.create(meeting=meeting, application=submitted, position=1)

    applicant = _home(client_for(draft.organization.memberships.get().user))
    assert "1 draft application is not submitted yet." in applicant
    assert "review" not in applicant.split("Needs your attention")[1].split("</section>")[0]
    assert "1 review is waiting for you." in _home(client_for(personas["reviewer"]))
    assert "1 application on a committee agenda awaits your vote." in _home(
        client_for(personas["committee_member"])
    )
    manager = _home(client_for(personas["fund_manager"]))
    assert "1 application to Open call has eligibility rules to verify." in manager
    assert "eligibility=to_verify" in manager
    # The member who submitted sees no draft to finish; others see nothing of the calls part.
    assert "draft application" not in _home(client_for(submitted.organization.memberships.get().user))
    assert "awaits your vote" not in _home(client_for(personas["outsider"]))


def test_a_conflicted_member_is_not_asked_to_vote(
    make_call: Any, make_application: Any, personas: dict[str, Any], client_for: Any
) -> None:
    call = make_call("Open call", -DAY, 30 * DAY)
    application = make_application(call, stage_kind="committee")
    meeting = Meeting.objects.create(call=call, title="Committee", scheduled_at=call.closes_at, quorum=1)
    member = personas["committee_member"]
    meeting.members.set([member])
    AgendaItem.objects.create(meeting=meeting, application=application, position=1)
    Conflict.objects.create(application=application, user=member, note="My cousin runs it.")
    assert "awaits your vote" not in _home(client_for(member))
