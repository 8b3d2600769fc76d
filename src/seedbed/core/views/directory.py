"""Countries and organizations: lists with filters and export, detail pages, create and edit."""

from __future__ import annotations

from typing import IO, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.core import access, selectors, services
from seedbed.core.exports import FORMATS
from seedbed.core.forms import (
    CountryFilterForm,
    MembershipForm,
    MembershipRequestDecisionForm,
    MembershipRequestForm,
    OrganizationFilterForm,
    OrganizationForm,
)
from seedbed.core.models import Membership, MembershipRequest, MembershipRequestOutcome, User
from seedbed.core.tasks import organization_export_start, organization_export_write
from seedbed.core.views.common import add_service_errors, paginate, querystring_without


@login_required
def country_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.CountryFilters.from_mapping(request.GET)
    page = paginate(request, selectors.country_list(filters=filters), per_page=50)
    return render(
        request,
        "core/country_list.html",
        {
            "page": page,
            "form": CountryFilterForm(request.GET or None),
            "filters": filters,
            "querystring": querystring_without(request, "page"),
        },
    )


@login_required
def country_detail(request: HttpRequest, iso2: str) -> HttpResponse:
    country = access.get_country_for_user(request.user, iso2)
    organizations = (
        access.organizations_for_user(request.user).filter(country=country).order_by("kind", "name")
    )
    return render(request, "core/country_detail.html", {"country": country, "organizations": organizations})


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.OrganizationFilters.from_mapping(request.GET)
    export = request.GET.get("export", "")
    if export in FORMATS:
        return _organization_export(request, filters, export)
    qs = selectors.organization_list(user=request.user, filters=filters)
    page = paginate(request, qs)
    context = {
        "page": page,
        "form": OrganizationFilterForm(request.GET or None),
        "filters": filters,
        "querystring": querystring_without(request, "page", "export"),
        "can_create": access.can_create_organization(request.user),
    }
    if request.headers.get("HX-Target") == "organization-results":
        return render(request, "core/organization_list.html#results", context)
    return render(request, "core/organization_list.html", context)


def _organization_export(
    request: HttpRequest, filters: selectors.OrganizationFilters, fmt: str
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    count = selectors.organization_list(user=user, filters=filters).count()
    if count > settings.SEEDBED_EXPORT_SYNC_LIMIT:
        job = organization_export_start(actor=user, filters=filters, fmt=fmt)
        messages.info(request, _("The export runs in the background. This page shows its progress."))
        return redirect(job.get_absolute_url())
    content_type, extension = FORMATS[fmt]
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="organizations-{timezone.now():%Y%m%d}.{extension}"'
    )
    # HttpResponse is a writable byte stream.
    organization_export_write(
        user=user, filters=filters, fmt=fmt, target=cast(IO[bytes], response), progress=None
    )
    return response


@login_required
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = access.get_organization_for_user(request.user, slug)
    can_edit = access.can_edit_organization(request.user, organization)
    own_request = selectors.pending_membership_request_of(request.user, organization)
    can_request = own_request is None and access.can_request_membership(request.user, organization)
    return render(
        request,
        "core/organization_detail.html",
        {
            "organization": organization,
            "members": selectors.organization_members(organization),
            "units": organization.units.select_related("country").order_by("name"),
            "activity": selectors.activity_for(organization, limit=10),
            "can_edit": can_edit,
            "membership_form": MembershipForm() if can_edit else None,
            "membership_requests": selectors.pending_membership_requests(organization) if can_edit else None,
            "own_request": own_request,
            "request_form": MembershipRequestForm() if can_request else None,
        },
    )


@login_required
def organization_activity(request: HttpRequest, slug: str) -> HttpResponse:
    organization = access.get_organization_for_user(request.user, slug)
    return render(
        request,
        "core/activity.html",
        {"object": organization, "events": selectors.activity_for(organization, limit=500)},
    )


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    if not access.can_create_organization(request.user):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added to the directory.") % {"name": organization.name})
            return redirect(organization)
    return render(request, "core/organization_form.html", {"form": form, "organization": None})


@login_required
def organization_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = access.get_organization_for_user(request.user, slug, write=True)
    form = OrganizationForm(request.POST or None, initial=OrganizationForm.initial_for(organization))
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request.user, organization=organization, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(organization)
    return render(request, "core/organization_form.html", {"form": form, "organization": organization})


@login_required
@require_POST
def membership_add(request: HttpRequest, slug: str) -> HttpResponse:
    organization = access.get_organization_for_user(request.user, slug, write=True)
    form = MembershipForm(request.POST)
    if form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
        if person is None:
            messages.error(
                request,
                _("No Seedbed user has the address %(email)s. Invite them first.")
                % {"email": form.cleaned_data["email"]},
            )
        else:
            services.membership_add(
                actor=request.user,
                organization=organization,
                user=person,
                role=form.cleaned_data["role"],
                title=form.cleaned_data["title"],
            )
            messages.success(
                request,
                _("%(person)s now belongs to %(organization)s.")
                % {"person": person, "organization": organization},
            )
    else:
        messages.error(request, _("Enter a valid e-mail address."))
    return redirect(organization)


@login_required
@require_POST
def membership_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = access.get_organization_for_user(request.user, slug, write=True)
    membership = get_object_or_404(Membership, pk=pk, organization=organization)
    services.membership_remove(actor=request.user, membership=membership)
    messages.success(request, _("%(person)s was removed.") % {"person": membership.user})
    return redirect(organization)


@login_required
@require_POST
def membership_request_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask to join the organization (applicants and focal points who are not members)."""
    organization = access.get_organization_for_user(request.user, slug)
    if not access.can_request_membership(request.user, organization):
        raise PermissionDenied
    user = request.user
    assert isinstance(user, User)
    form = MembershipRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors.get("message", [])))
        return redirect(organization)
    try:
        services.membership_request_create(
            actor=user,
            organization=organization,
            message=form.cleaned_data["message"],
            absolute_url=request.build_absolute_uri,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Your request to join %(organization)s was sent. You will get an e-mail with the answer.")
            % {"organization": organization},
        )
    return redirect(organization)


@login_required
@require_POST
def membership_request_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Approve or decline a request to join (the organization's owners and directory managers)."""
    organization = access.get_organization_for_user(request.user, slug, write=True)
    membership_request = get_object_or_404(
        MembershipRequest.objects.select_related("user"), pk=pk, organization=organization
    )
    user = request.user
    assert isinstance(user, User)
    form = MembershipRequestDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to decline."))
        return redirect(organization)
    outcome = form.cleaned_data["outcome"]
    try:
        services.membership_request_decide(
            actor=user,
            membership_request=membership_request,
            outcome=outcome,
            absolute_url=request.build_absolute_uri,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if outcome == MembershipRequestOutcome.APPROVED:
            text = _("%(person)s is now a member of %(organization)s.")
        else:
            text = _("The request of %(person)s was declined.")
        messages.success(request, text % {"person": membership_request.user, "organization": organization})
    return redirect(organization)
