"""Who may see and change the portfolio. Same contract as ``seedbed.core.access``: ``can_*`` answer a
question, ``*_for_user`` narrow a query, ``get_*_for_user`` return one row or raise 404/403.

Decisions:

- The fund's **staff** (every role but applicants) see every investment, read-only unless their role says
  otherwise. The public portfolio is the transparency part's: here an anonymous visitor sees nothing.
- A **grantee** (a member of the investment's organization) sees that organization's investments, and
  nothing of other teams (404, as if they did not exist): milestones, evidence, tranches and payment
  states, reports. Members submit milestone evidence and reports.
- **Fund managers and administrators** create investments and edit their contract, plan, tranche schedule,
  status, follow-on rounds, cohorts' KPIs and knowledge products.
- **Open-source mentors and fund managers** accept or return milestones; they cannot pay.
- **Finance officers** release tranches (a payment request that a second finance officer approves in the
  ledger); they cannot accept milestones.
- **Knowledge products** are public: the fund publishes its research in the public domain.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from seedbed.core.access import is_signed_in
from seedbed.core.models import Membership
from seedbed.core.roles import STAFF_ROLES, Role
from seedbed.portfolio.models import Investment, KnowledgeProduct, Milestone, Report, Tranche

PORTFOLIO_MANAGERS = frozenset({Role.FUND_MANAGER, Role.ADMINISTRATOR})
MILESTONE_DECIDERS = frozenset({Role.OSS_MENTOR, Role.FUND_MANAGER})
TRANCHE_RELEASERS = frozenset({Role.FINANCE_OFFICER})


def can_view_portfolio(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*STAFF_ROLES)


def can_manage_portfolio(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*PORTFOLIO_MANAGERS)


def can_decide_milestones(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*MILESTONE_DECIDERS)


def can_release_tranches(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*TRANCHE_RELEASERS)


def is_mentor_nav(user: Any) -> bool:
    """Mentors have the queue in the navigation; fund managers reach it from the portfolio and home."""
    return is_signed_in(user) and user.has_role(Role.OSS_MENTOR)


def is_grantee_nav(user: Any) -> bool:
    """Whether the navigation shows "My investments": a member of an organization with an investment."""
    return is_signed_in(user) and investments_of_member(user).exists()


def investments_of_member(user: Any) -> QuerySet[Investment]:
    if not is_signed_in(user):
        return Investment.objects.none()
    return Investment.objects.filter(
        organization__in=Membership.objects.filter(user=user).values("organization")
    )


def is_member(user: Any, investment: Investment) -> bool:
    return (
        is_signed_in(user)
        and Membership.objects.filter(user=user, organization_id=investment.organization_id).exists()
    )


def investments_for_user(user: Any) -> QuerySet[Investment]:
    """Every investment ``user`` may open."""
    if can_view_portfolio(user):
        return Investment.objects.all()
    return investments_of_member(user)


def get_investment_for_user(user: Any, reference: str, write: bool = False) -> Investment:
    """``write`` means editing the investment itself: portfolio managers."""
    try:
        investment = (
            investments_for_user(user)
            .select_related(
                "fund__reporting_asset",
                "organization__country",
                "cohort__theme",
                "asset",
                "guarantee_beneficiary",
            )
            .get(reference=reference)
        )
    except Investment.DoesNotExist:
        raise Http404 from None
    if write and not can_manage_portfolio(user):
        raise PermissionDenied
    return investment


def get_milestone_for_user(user: Any, pk: Any) -> Milestone:
    try:
        return Milestone.objects.select_related(
            "investment__organization", "investment__fund", "decided_by", "submitted_by"
        ).get(pk=int(pk), investment__in=investments_for_user(user))
    except (Milestone.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_tranche_for_user(user: Any, pk: Any) -> Tranche:
    try:
        return Tranche.objects.select_related(
            "investment__organization", "investment__fund", "investment__asset", "payment_request"
        ).get(pk=int(pk), investment__in=investments_for_user(user))
    except (Tranche.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_report_for_user(user: Any, pk: Any) -> Report:
    try:
        return Report.objects.select_related("investment__organization", "investment__cohort").get(
            pk=int(pk), investment__in=investments_for_user(user)
        )
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_view_knowledge(user: Any) -> bool:
    return True


def get_knowledge_product(pk: Any) -> KnowledgeProduct:
    try:
        return KnowledgeProduct.objects.get(pk=int(pk))
    except (KnowledgeProduct.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
