"""Constant query counts for the calls list page and API, and the demo loader."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from seedbed.calls import demo, services
from seedbed.calls.models import Application, Call, Review, Theme
from seedbed.core.jobs import NullProgress
from seedbed.funds.models import Fund
from tests.calls.conftest import DAY

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


class Grow:
    def __init__(self, make_call) -> None:
        self.make_call = make_call
        self.made = 0
        self.themes = list(Theme.objects.all())

    def __call__(self, count: int) -> None:
        for _ in range(count):
            n = self.made
            self.made += 1
            call = self.make_call(
                f"Call {n:03d}", (n - 10) * DAY, (n - 5) * DAY, themes=self.themes[n % 3 : n % 3 + 2]
            )
            del call  # open, closed and draft calls, with zero to two themes each


@pytest.mark.parametrize("url", ["/calls/", "/api/calls", "/calls/?theme=blockchain"])
@pytest.mark.parametrize("persona", [None, "reviewer"])
def test_lists_keep_a_constant_number_of_queries(make_call, personas, client_for, url, persona):
    client = client_for(personas[persona] if persona else None)
    grow = Grow(make_call)
    grow(3)
    client.get(url)
    small = _count(client, url)
    grow(9)
    assert _count(client, url) == small


def test_the_call_api_keeps_a_constant_number_of_queries(make_call, client):
    call = make_call("Detail", DAY, 2 * DAY)
    section = services.section_create(actor=None, call=call, title="S")

    def add(n: int) -> None:
        for i in range(n):
            services.question_create(
                actor=None,
                call=call,
                section=section if i % 2 else None,
                data={"kind": "number", "label": f"Q{i}"},
            )
            services.eligibility_rule_create(actor=None, call=call, kind="custom", text=f"Rule {i}")

    add(2)
    Call.objects.filter(pk=call.pk).update(opens_at=call.opens_at - 3 * DAY)
    small = _count(client, f"/api/calls/{call.slug}")
    page_small = _count(client, f"/calls/{call.slug}/")
    Call.objects.filter(pk=call.pk).update(opens_at=call.opens_at)
    add(6)
    Call.objects.filter(pk=call.pk).update(opens_at=call.opens_at - 3 * DAY)
    assert _count(client, f"/api/calls/{call.slug}") == small
    assert _count(client, f"/calls/{call.slug}/") == page_small


def test_the_demo_loader_creates_the_2018_calls_and_an_open_call(fund, countries):
    Fund.objects.filter(pk=fund.pk).update(slug=demo.VENTURE_FUND)
    demo.load(progress=NullProgress())
    demo.load(progress=NullProgress())  # idempotent
    calls = {call.slug: call for call in Call.objects.all()}
    assert set(calls) == {
        "data-science-and-ai-2018",
        "blockchain-2018",
        "extended-reality-2018",
        demo.OPEN_CALL,
    }
    assert all(call.is_sample for call in calls.values())
    assert all(calls[slug].status == "closed" for slug in calls if slug.endswith("2018"))
    open_call = calls[demo.OPEN_CALL]
    assert open_call.status == "open"
    weeks = (open_call.closes_at - open_call.opens_at).days / 7
    assert 7 < weeks < 9
    assert "sample" in open_call.description
    kinds = set(open_call.questions.values_list("kind", flat=True))
    assert {"short_text", "long_text", "single_choice", "multiple_choice", "file", "date", "number"} <= kinds
    assert open_call.rules.count() == 4 and open_call.criteria.count() == 7 and open_call.stages.count() == 6


def test_the_demo_has_applications_in_every_stage_reviews_in_progress_and_a_meeting(fund, countries):
    Fund.objects.filter(pk=fund.pk).update(slug=demo.VENTURE_FUND)
    demo.load(progress=NullProgress())
    open_call = Call.objects.get(slug=demo.OPEN_CALL)
    applications = open_call.applications.all()
    assert 190 <= applications.count() <= 210
    stages = set(applications.exclude(stage=None).values_list("stage__kind", flat=True))
    assert stages == set(open_call.stages.values_list("kind", flat=True))
    assert {"draft", "submitted", "withdrawn"} == set(applications.values_list("status", flat=True))
    statuses = set(Review.objects.filter(application__call=open_call).values_list("status", flat=True))
    assert {"assigned", "draft", "submitted"} <= statuses
    meeting = open_call.meetings.get()
    assert meeting.scheduled_at > timezone.now() and meeting.items.exists()
    assert all(item.application.stage.kind == "committee" for item in meeting.items.all())
    for cohort in Call.objects.filter(slug__endswith="2018"):
        outcomes = set(cohort.applications.values_list("outcome", flat=True))
        assert outcomes == {"awarded", "declined"}
    # Everything the demo made obeys the rules the services keep.
    assert not Review.objects.filter(status="submitted", total=None).exists()
    assert not applications.filter(status="submitted", stage=None).exists()
    # Nobody the screening refuses sits in a late stage or won an award.
    refused = Application.objects.filter(eligibility="ineligible")
    assert refused.exists()
    assert not refused.filter(stage__kind__in=["shortlist", "due_diligence", "committee"]).exists()
    assert not refused.filter(outcome="awarded").exists()


def test_the_demo_loader_does_nothing_without_the_venture_fund(db):
    assert demo.load(progress=NullProgress()) == []
    assert not Call.objects.exists()
