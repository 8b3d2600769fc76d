"""The portfolio's demo, loaded once with every other part's demo: the seed's figures (113 investments in 67
countries by Q4 2021, 33 in startups, the 2018 cohorts), a ledger that agrees with the tranches, and a
second load that creates nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from huey.contrib.djhuey import HUEY

from seedbed.calls.models import Theme
from seedbed.core.demo_framework import load_all
from seedbed.core.jobs import NullProgress
from seedbed.core.models import AuditEvent, User
from seedbed.funds.ledger import fund_balances_at, ledger_verify
from seedbed.funds.models import EntryKind, Fund, JournalEntry, PaymentRequest
from seedbed.funds.selectors.holdings import fund_holdings
from seedbed.portfolio.access import investments_of_member
from seedbed.portfolio.models import (
    FollowOnRound,
    Investment,
    KnowledgeProduct,
    Milestone,
    Report,
    Solution,
    Tranche,
)
from seedbed.portfolio.selectors import mentor_queue, releasable_tranches

USD_CENTS = 100
END_2021 = dt.date(2021, 12, 31)


def _load() -> None:
    load_all(lambda _name: contextlib.nullcontext(NullProgress()))


def _counts() -> dict[str, int]:
    return {
        "investments": Investment.objects.count(),
        "milestones": Milestone.objects.count(),
        "tranches": Tranche.objects.count(),
        "reports": Report.objects.count(),
        "solutions": Solution.objects.count(),
        "follow_ons": FollowOnRound.objects.count(),
        "knowledge": KnowledgeProduct.objects.count(),
        "entries": JournalEntry.objects.count(),
        "payment_requests": PaymentRequest.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture(scope="module")
def demo(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The whole demo, loaded once for the module inside a transaction that is rolled back at the end."""
    immediate = HUEY.immediate
    HUEY.immediate = True
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            # The DPG part builds and scans its sample repositories in the data folder.
            DATA_DIR=tmp_path_factory.mktemp("data"),
            SEEDBED_SCAN_CACHE=tmp_path_factory.mktemp("scan-cache"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            seed = importlib.import_module("seedbed.calls.migrations.0002_seed_themes")
            for name, slug in seed.THEMES:  # browser tests flush the database, themes included
                Theme.objects.get_or_create(slug=slug, defaults={"name": name})
            _load()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            HUEY.immediate = immediate


@pytest.fixture
def venture(demo: None, db: Any) -> Fund:
    return Fund.objects.get(slug="venture-fund")


def test_the_portfolio_carries_the_seeds_figures(venture: Fund, client: Any) -> None:
    # 113 investments by Q4 2021 across 67 countries, 33 in startups: 110 by the Venture Fund and three
    # Acceleration Fund grants to its graduates.
    everything = Investment.objects.all()
    assert everything.count() == 113
    assert all(investment.is_sample for investment in everything)
    assert not everything.filter(start_date__gt=END_2021).exists()
    countries = Investment.countries.through.objects.all()
    assert countries.values("country_id").distinct().count() == 67
    kinds = Counter(everything.values_list("organization__kind", flat=True))
    assert kinds == {"startup": 33, "country_office": 80}
    # The portfolio page's counts show them.
    client.force_login(
        User.objects.get(username="manager"), backend="django.contrib.auth.backends.ModelBackend"
    )
    page = client.get("/portfolio/").content.decode()
    assert 'id="count-investments">113<' in page and 'id="count-countries">67<' in page
    investments = Investment.objects.filter(fund=venture)
    assert investments.count() == 110
    years = Counter(investments.values_list("cohort__year", flat=True))
    assert sorted(years) == [2016, 2017, 2018, 2019, 2020, 2021]
    assert years[2018] == 24
    themes_2018 = set(investments.filter(cohort__year=2018).values_list("cohort__theme__slug", flat=True))
    assert themes_2018 == {"data-science-and-ai", "blockchain", "extended-reality"}
    # The 15 awarded applications of the 2018 calls became investments.
    awarded = investments.filter(application__outcome="awarded", application__call__slug__endswith="-2018")
    assert awarded.count() == 15
    amounts = [int(amount) for amount in investments.values_list("amount", flat=True)]
    assert all(50_000 * USD_CENTS <= amount <= 100_000 * USD_CENTS for amount in amounts)
    assert all(amount % (1000 * USD_CENTS) == 0 for amount in amounts)
    for investment in investments.only("start_date", "cohort__year").select_related("cohort"):
        assert investment.start_date.year == investment.cohort.year
    assert Solution.objects.filter(investments__fund=venture).distinct().count() > 80


def test_every_paid_tranche_is_a_disbursement_and_the_fund_still_holds_35_million(venture: Fund) -> None:
    paid = [t for t in Tranche.objects.select_related("payment_request__entry") if t.state == "paid"]
    assert len(paid) > 200
    for tranche in paid:
        entry = tranche.payment_request.entry
        assert entry is not None and entry.kind == EntryKind.DISBURSEMENT
        assert entry.cause_id == str(tranche.pk) and entry.effective_date <= END_2021
        assert tranche.payment_request.requested_by.username == "finance"
        assert tranche.payment_request.decided_by.username == "finance2"
    assert fund_balances_at(fund=venture, on=END_2021) == {"USD": 35_000_000 * USD_CENTS}
    holdings = fund_holdings(fund=venture, on=END_2021)
    assert [(h.asset.code, h.amount) for h in holdings.holdings] == [("USD", 35_000_000 * USD_CENTS)]
    assert ledger_verify() == []
    # Two tranches wait for a second finance officer, and at least one can be released.
    assert sum(1 for t in Tranche.objects.select_related("payment_request") if t.state == "requested") == 2
    assert releasable_tranches().exists()


def test_outcomes_graduates_and_the_acceleration_fund(venture: Fund) -> None:
    investments = Investment.objects.filter(fund=venture)
    statuses = Counter(investments.values_list("status", flat=True))
    assert statuses["graduated"] > 50 and statuses["discontinued"] > 0 and statuses["failed"] > 0
    assert not investments.filter(status__in=["discontinued", "failed"], status_reason="").exists()
    assert not investments.filter(cohort__year=2021).exclude(status="active").exists()
    for investment in investments.filter(status="graduated"):
        assert not investment.milestones.filter(required=True).exclude(status="accepted").exists()
    accelerated = Investment.objects.filter(fund__slug="acceleration-fund")
    assert accelerated.exists()
    for investment in accelerated:
        assert 200_000 * USD_CENTS <= int(investment.amount) <= 400_000 * USD_CENTS
        assert investment.start_date.year == 2021
        assert investments.filter(organization=investment.organization, status="graduated").exists()
    assert FollowOnRound.objects.exists()
    assert all(
        kind in {"investor", "private_sector", "donor"}
        for kind in FollowOnRound.objects.values_list("investors__kind", flat=True)
    )
    products = KnowledgeProduct.objects.all()
    assert 3 <= products.count() <= 5
    assert all(p.is_sample and "example.org" in p.url and "ample" in p.title for p in products)
    assert all(p.investments.exists() for p in products)


def test_the_grantee_portal_and_the_mentor_queue_have_something(venture: Fund) -> None:
    applicant = User.objects.get(username="applicant")
    mine = investments_of_member(applicant).get(fund=venture)
    assert mine.cohort.year == 2021 and mine.status == "active"
    waiting = list(mentor_queue())
    assert waiting and all(m.investment_id == mine.pk for m in waiting)
    assert all(m.submitted_by == applicant for m in waiting)
    assert mine.reports.filter(status="submitted", submitted_by=applicant).exists()
    assert mine.reports.filter(status="due").exists()
    assert Milestone.objects.filter(status="accepted", decided_by__username="mentor").count() > 1000


def test_a_second_load_creates_nothing(venture: Fund) -> None:
    before = _counts()
    _load()
    assert _counts() == before
