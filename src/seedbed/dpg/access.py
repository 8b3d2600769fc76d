"""Who may see and change solutions' repositories and scans. Same contract as ``seedbed.core.access``.

- The fund's **staff** see every solution, repository and scan.
- A **team** (members of the solution's organization) sees its own solutions' repositories and scans,
  adds repositories and asks for a scan; nothing of other teams (404).
- **Fund managers, administrators and open-source mentors** add repositories to any solution and ask for
  scans.
- The DPG Standard **assessment**: the team and those scan managers write answers; fund managers,
  administrators and mentors sign them off, but never for a solution of their own organization.
- A solution's **DPG status** is recorded by fund managers and administrators.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from seedbed.core.access import is_signed_in
from seedbed.core.models import Membership
from seedbed.core.roles import STAFF_ROLES, Role
from seedbed.dpg.models import Repository, Scan
from seedbed.portfolio.models import Solution

SCAN_MANAGERS = frozenset({Role.FUND_MANAGER, Role.ADMINISTRATOR, Role.OSS_MENTOR})
ASSESSMENT_REVIEWERS = SCAN_MANAGERS
STATUS_KEEPERS = frozenset({Role.FUND_MANAGER, Role.ADMINISTRATOR})


def can_view_all(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*STAFF_ROLES)


def solutions_for_user(user: Any) -> QuerySet[Solution]:
    if can_view_all(user):
        return Solution.objects.all()
    if not is_signed_in(user):
        return Solution.objects.none()
    return Solution.objects.filter(
        organization__in=Membership.objects.filter(user=user).values("organization")
    )


def is_team(user: Any, solution: Solution) -> bool:
    return (
        is_signed_in(user)
        and Membership.objects.filter(user=user, organization_id=solution.organization_id).exists()
    )


def can_manage_scans(user: Any, solution: Solution) -> bool:
    """Add repositories and ask for scans: scan managers, and the solution's own team."""
    return is_signed_in(user) and (user.has_role(*SCAN_MANAGERS) or is_team(user, solution))


def can_answer(user: Any, solution: Solution) -> bool:
    """Write the DPG Standard answers: the same people who manage the solution's scans."""
    return can_manage_scans(user, solution)


def can_sign_off(user: Any, solution: Solution) -> bool:
    """Sign off an answer: a reviewer of the fund who is not on the solution's own team."""
    return is_signed_in(user) and user.has_role(*ASSESSMENT_REVIEWERS) and not is_team(user, solution)


def can_set_dpg_status(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*STATUS_KEEPERS)


def can_view_solutions_nav(user: Any) -> bool:
    return can_view_all(user)


def get_solution_for_user(user: Any, slug: str, write: bool = False) -> Solution:
    try:
        solution = solutions_for_user(user).select_related("organization__country").get(slug=slug)
    except Solution.DoesNotExist:
        raise Http404 from None
    if write and not can_manage_scans(user, solution):
        raise PermissionDenied
    return solution


def get_repository_for_user(user: Any, pk: Any, write: bool = False) -> Repository:
    try:
        repository = Repository.objects.select_related("solution__organization", "last_scan").get(
            pk=int(pk), solution__in=solutions_for_user(user)
        )
    except (Repository.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not can_manage_scans(user, repository.solution):
        raise PermissionDenied
    return repository


def get_scan_for_user(user: Any, pk: Any) -> Scan:
    try:
        return Scan.objects.select_related("repository__solution__organization", "requested_by").get(
            pk=int(pk), repository__solution__in=solutions_for_user(user)
        )
    except (Scan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
