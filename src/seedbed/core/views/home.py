from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.core import access, selectors
from seedbed.core.attention import Attention, from_parts
from seedbed.core.models import Country, Organization, User
from seedbed.core.roles import TWO_FACTOR_ROLES, Role


def _attention_for(user: User) -> list[Attention]:
    items: list[Attention] = []
    if access.can_invite(user):
        pending = selectors.pending_invitations(user).count()
        if pending:
            items.append(
                Attention(
                    ngettext(
                        "%(count)s invitation has not been accepted yet.",
                        "%(count)s invitations have not been accepted yet.",
                        pending,
                    )
                    % {"count": pending},
                    reverse("invitation_list"),
                    _("See invitations"),
                )
            )
    if user.has_role(Role.ADMINISTRATOR):
        missing = (
            User.objects.filter(is_active=True, role_grants__role__in=TWO_FACTOR_ROLES)
            .exclude(totpdevice__confirmed=True)
            .distinct()
            .count()
        )
        if missing:
            items.append(
                Attention(
                    ngettext(
                        "%(count)s finance officer or administrator has not enrolled a second factor yet.",
                        "%(count)s finance officers or administrators have not enrolled a second factor yet.",
                        missing,
                    )
                    % {"count": missing},
                    reverse("audit_log"),
                    _("Open the audit log"),
                )
            )
    for job in selectors.recent_jobs_for(user, limit=3):
        if not job.is_finished:
            items.append(
                Attention(
                    _("“%(title)s” is running.") % {"title": job.title},
                    job.get_absolute_url(),
                    _("Follow it"),
                )
            )
        elif job.status == "succeeded" and job.result_file:
            items.append(
                Attention(
                    _("“%(title)s” is ready.") % {"title": job.title}, job.get_absolute_url(), _("Download")
                )
            )
    return items


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.is_signed_in(user):
        return render(
            request,
            "core/welcome.html",
            {
                "country_count": Country.objects.count(),
                "programme_count": Country.objects.filter(programme_country=True).count(),
            },
        )
    assert isinstance(user, User)
    context = {
        "attention": _attention_for(user) + from_parts(user),
        "memberships": selectors.memberships_of(user),
        "jobs": selectors.recent_jobs_for(user),
        "can_invite": access.can_invite(user),
        "can_create_organization": access.can_create_organization(user),
        "can_view_audit_log": access.can_view_audit_log(user),
        "organization_count": Organization.objects.count(),
        "country_count": Country.objects.count(),
        # What each role looks at first, beside what needs attention.
        "recent_changes": selectors.audit_log(filters=selectors.AuditFilters())[:6]
        if access.can_view_audit_log(user)
        else None,
        "recent_organizations": Organization.objects.select_related("country").order_by("-created_at")[:6]
        if access.can_manage_directory(user)
        else None,
    }
    return render(request, "core/home.html", context)
