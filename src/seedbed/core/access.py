"""Who may see and change what. Views and the API call these; templates only mirror them.

``get_<thing>_for_user(user, key, write=False)`` returns the object or raises ``Http404`` (it does not
exist, or the user may not know it exists) or ``PermissionDenied`` (the user may see it but not change it).
Later parts add their own getters in their apps, following the same contract.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from seedbed.core.models import ApiToken, Country, Job, Organization, User
from seedbed.core.roles import (
    DIRECTORY_MANAGERS,
    INVITERS,
    MEMBERSHIP_REQUESTERS,
    ORGANIZATION_CREATORS,
    Role,
)


def is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_view_directory(user: Any) -> bool:
    """The directory lists people's memberships, so it is for signed-in users only."""
    return is_signed_in(user)


def can_create_organization(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*ORGANIZATION_CREATORS)


def can_manage_directory(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*DIRECTORY_MANAGERS)


def can_edit_organization(user: Any, organization: Organization) -> bool:
    if not is_signed_in(user):
        return False
    if can_manage_directory(user):
        return True
    return organization.memberships.filter(user=user, role="owner").exists()


def can_request_membership(user: Any, organization: Organization) -> bool:
    """Applicants and focal points may ask to join an organization they do not belong to yet."""
    if not is_signed_in(user) or not user.has_role(*MEMBERSHIP_REQUESTERS):
        return False
    return not organization.memberships.filter(user=user).exists()


def can_invite(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*INVITERS)


def invitable_roles(user: Any) -> list[tuple[str, str]]:
    if not can_invite(user):
        return []
    roles = [(role.value, str(role.label)) for role in Role]
    if not user.has_role(Role.ADMINISTRATOR):
        roles = [item for item in roles if item[0] != Role.ADMINISTRATOR]
    return roles


def can_view_audit_log(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(Role.ADMINISTRATOR)


def can_view_activity(user: Any, obj: Any) -> bool:
    """Everyone who may see an object may see its history (names of staff, no personal data)."""
    return is_signed_in(user)


def get_country_for_user(user: Any, iso2: str, write: bool = False) -> Country:
    if not can_view_directory(user):
        raise PermissionDenied
    if write:
        raise PermissionDenied  # countries are reference data, changed only by `seedbed countries sync`
    try:
        return Country.objects.get(iso2=iso2.upper())
    except Country.DoesNotExist:
        raise Http404 from None


def get_organization_for_user(user: Any, key: str | int, write: bool = False) -> Organization:
    if not can_view_directory(user):
        raise PermissionDenied
    lookup: dict[str, Any] = {"pk": key} if isinstance(key, int) else {"slug": key}
    try:
        organization = Organization.objects.select_related("country", "parent").get(**lookup)
    except Organization.DoesNotExist:
        raise Http404 from None
    if write and not can_edit_organization(user, organization):
        raise PermissionDenied
    return organization


def get_job_for_user(user: Any, pk: Any, write: bool = False) -> Job:
    """A job's owner sees it; administrators see every job. Others are told it does not exist."""
    if not is_signed_in(user):
        raise PermissionDenied
    try:
        job = Job.objects.get(pk=pk)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if job.created_by_id != user.pk and not user.has_role(Role.ADMINISTRATOR):
        raise Http404
    return job


def get_api_token_for_user(user: Any, pk: int, write: bool = False) -> ApiToken:
    if not is_signed_in(user):
        raise PermissionDenied
    try:
        return ApiToken.objects.get(pk=pk, user=user)
    except ApiToken.DoesNotExist:
        raise Http404 from None


def organizations_for_user(user: Any) -> QuerySet[Organization]:
    if not can_view_directory(user):
        return Organization.objects.none()
    return Organization.objects.all()


def users_for_user(user: Any) -> QuerySet[User]:
    if not can_manage_directory(user):
        return User.objects.none()
    return User.objects.all()
