"""Review pages: a reviewer's list and score sheet (with the conflict declaration), and the managers'
reviewer assignment and ranking (with its CSV and XLSX export, ``?export=csv`` or ``xlsx``).

Reviewers reach only their own live reviews (``access.get_review_for_user``); in a blind call the
sheet hides the applicant's identity. Managers see identities everywhere, exports included.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.calls import access, services
from seedbed.calls.forms.reviews import (
    AssignForm,
    AssignmentFilterForm,
    AutoAssignForm,
    ConflictForm,
    RankingFilterForm,
    ReviewFilterForm,
    ReviewForm,
)
from seedbed.calls.models import Application, Call, Review, ReviewStatus
from seedbed.calls.selectors import reviews as review_selectors
from seedbed.core.exports import FORMATS, Column, write_table
from seedbed.core.views.common import add_service_errors, paginate, querystring_without

# --- Reviewers ----------------------------------------------------------------------------------------


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    if not access.can_review(request.user):
        raise PermissionDenied
    form = ReviewFilterForm(request.GET or None, calls=review_selectors.reviewed_calls(request.user))
    call, status = "", ""
    if form.is_valid():
        call, status = form.cleaned_data["call"], form.cleaned_data["status"]
    page = paginate(request, review_selectors.review_list(user=request.user, call=call, status=status))
    return render(
        request,
        "calls/reviews/review_list.html",
        {"page": page, "form": form, "querystring": querystring_without(request, "page")},
    )


def _render_review(
    request: HttpRequest,
    review: Review,
    form: ReviewForm | None = None,
    conflict_form: ConflictForm | None = None,
    status: int = 200,
) -> HttpResponse:
    sheet = review_selectors.review_sheet(review=review, user=request.user, language=get_language() or "en")
    criteria = [line.criterion for line in sheet.criteria]
    if form is None:
        initial: dict[str, Any] = {"comment": review.comment}
        for line in sheet.criteria:
            initial[f"score_{line.criterion.pk}"] = line.score
            initial[f"comment_{line.criterion.pk}"] = line.comment
        form = ReviewForm(criteria=criteria, initial=initial)
    return render(
        request,
        "calls/reviews/review_detail.html",
        {
            "review": review,
            "sheet": sheet,
            "application": review.application,
            "call": review.application.call,
            "form": form,
            "editable": review.status in (ReviewStatus.ASSIGNED, ReviewStatus.DRAFT),
            "conflict_form": conflict_form or ConflictForm(),
        },
        status=status,
    )


def _add_review_errors(form: ReviewForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages_ in error.message_dict.items():
        field = ReviewForm.field_name(key)
        form.add_error(field if field in form.fields else None, messages_)


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.get_review_for_user(request.user, pk)
    if request.method != "POST":
        return _render_review(request, review)
    criteria = list(review.application.call.criteria.order_by("position"))
    form = ReviewForm(request.POST, criteria=criteria)
    if form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.review_save(
                actor=request.user,
                review=review,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                submit=submit,
            )
        except ValidationError as error:
            _add_review_errors(form, error)
        else:
            if submit:
                messages.success(
                    request, _("Your review was submitted. The other reviewers' scores are shown below.")
                )
            else:
                messages.success(request, _("Your draft was saved."))
            return redirect("review_detail", pk=review.pk)
    return _render_review(request, review, form=form, status=422)


@login_required
@require_POST
def review_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.get_review_for_user(request.user, pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(
                actor=request.user, application=review.application, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your conflict of interest on %(reference)s was recorded: you no longer review it, and "
                    "the fund assigns another reviewer."
                )
                % {"reference": review.application.reference},
            )
            return redirect("review_list")
    return _render_review(request, review, conflict_form=form, status=422)


# --- Managers: assignment ---------------------------------------------------------------------------


def _managed_call(request: HttpRequest, slug: str) -> Call:
    if not access.can_manage_applications(request.user):
        raise PermissionDenied
    return access.get_call_for_user(request.user, slug)


def _auto_message(request: HttpRequest, result: services.AutoAssignment) -> None:
    count = len(result.reviews)
    messages.success(
        request,
        ngettext("%(count)s review was assigned.", "%(count)s reviews were assigned.", count)
        % {"count": count},
    )
    if result.understaffed:
        shown = ", ".join(
            f"{application.reference} (−{missing})" for application, missing in result.understaffed[:20]
        )
        more = len(result.understaffed) - 20
        messages.warning(
            request,
            _("Not enough eligible reviewers for %(count)s applications: %(list)s%(more)s.")
            % {
                "count": len(result.understaffed),
                "list": shown,
                "more": _(" and %(more)s more") % {"more": more} if more > 0 else "",
            },
        )


@login_required
def call_reviewers(request: HttpRequest, slug: str) -> HttpResponse:
    call = _managed_call(request, slug)
    action = request.POST.get("action") if request.method == "POST" else None
    applications = review_selectors.assignable_applications(call)
    assign_form = AssignForm(
        request.POST if action == "assign" else None,
        prefix="assign",
        applications=applications,
        reviewers=review_selectors.reviewer_loads(call),
    )
    auto_form = AutoAssignForm(request.POST if action == "auto" else None, prefix="auto", call=call)
    if action == "assign" and assign_form.is_valid():
        try:
            created = services.reviews_assign_many(
                actor=request.user,
                applications=assign_form.cleaned_data["applications"],
                reviewers=list(assign_form.cleaned_data["reviewers"]),
            )
        except ValidationError as error:
            add_service_errors(assign_form, error)
        else:
            messages.success(
                request,
                ngettext("%(count)s review was assigned.", "%(count)s reviews were assigned.", len(created))
                % {"count": len(created)},
            )
            return redirect("call_reviewers", slug=call.slug)
    elif action == "auto" and auto_form.is_valid():
        stage = auto_form.cleaned_data["stage"]
        in_stage = applications.filter(stage__position=stage) if stage else applications
        try:
            result = services.reviews_assign_auto(
                actor=request.user,
                applications=in_stage,
                per_application=auto_form.cleaned_data["per_application"],
            )
        except ValidationError as error:
            add_service_errors(auto_form, error)
        else:
            _auto_message(request, result)
            return redirect("call_reviewers", slug=call.slug)
    filter_form = AssignmentFilterForm(request.GET or None, call=call)
    stage, short_only = None, False
    if filter_form.is_valid():
        stage, short_only = filter_form.cleaned_data["stage"], filter_form.cleaned_data["short"]
    page = paginate(request, review_selectors.assignment_table(call, stage=stage, short_only=short_only))
    chosen = {str(pk) for pk in request.POST.getlist("assign-applications")} if action == "assign" else set()
    return render(
        request,
        "calls/reviews/call_reviewers.html",
        {
            "call": call,
            "assign_form": assign_form,
            "auto_form": auto_form,
            "filter_form": filter_form,
            "loads": review_selectors.reviewer_loads(call),
            "page": page,
            "chosen": chosen,
            "wanted": call.reviewers_per_application,
            "querystring": querystring_without(request, "page"),
        },
        status=422 if action and (assign_form.errors or auto_form.errors) else 200,
    )


@login_required
@require_POST
def review_reopen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    call = _managed_call(request, slug)
    review = get_object_or_404(
        Review.objects.select_related("application__call"), pk=pk, application__call=call
    )
    try:
        services.review_reopen(actor=request.user, review=review, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The review of %(reference)s by %(name)s is open again.")
            % {"reference": review.application.reference, "name": review.reviewer},
        )
    return redirect("call_reviewers", slug=call.slug)


# --- Managers: the ranking ------------------------------------------------------------------------


def _decimal(value: Decimal | None) -> Decimal | None:
    return review_selectors.as_total(value)


def ranking_columns() -> list[Column]:
    """Columns of the ranking export (rows are ``(rank, application)``). Managers only: with identity."""
    return [
        Column(_("Rank"), lambda row: row[0]),
        Column(_("Reference"), lambda row: row[1].reference),
        Column(_("Name of the solution"), lambda row: row[1].title),
        Column(_("Organization"), lambda row: row[1].organization.name),
        Column(
            _("Country"),
            lambda row: row[1].organization.country.name if row[1].organization.country_id else "",
        ),
        Column(_("Stage"), lambda row: row[1].stage.name if row[1].stage else ""),
        Column(_("Eligibility"), lambda row: row[1].get_eligibility_display()),
        Column(_("Mean score"), lambda row: _decimal(row[1].mean)),
        Column(_("Spread"), lambda row: _decimal(row[1].spread)),
        Column(_("Reviewers disagree"), lambda row: _("yes") if row[1].disagreement else _("no")),
        Column(_("Submitted reviews"), lambda row: row[1].submitted_reviews),
        Column(_("Live reviews"), lambda row: row[1].live_reviews),
    ]


def _ranked(qs: Any) -> Iterator[tuple[int, Application]]:
    return enumerate(qs.iterator(chunk_size=2000), start=1)


@login_required
def call_ranking(request: HttpRequest, slug: str) -> HttpResponse:
    call = _managed_call(request, slug)
    form = RankingFilterForm(request.GET or None, call=call)
    valid = form.is_valid() if request.GET else True
    filters = review_selectors.RankingFilters.from_mapping(form.cleaned_data if request.GET and valid else {})
    qs = review_selectors.ranking(call=call, filters=filters)
    export = request.GET.get("export", "")
    if export in FORMATS:
        content_type, extension = FORMATS[export]
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="ranking-{call.slug}-{timezone.now():%Y%m%d}.{extension}"'
        )
        # HttpResponse is a writable byte stream.
        write_table(
            rows=_ranked(qs),
            columns=ranking_columns(),
            fmt=export,
            target=cast(IO[bytes], response),
            sheet_title=_("Ranking"),
        )
        return response
    page = paginate(request, qs)
    return render(
        request,
        "calls/reviews/call_ranking.html",
        {
            "call": call,
            "form": form,
            "page": page,
            "filters": filters,
            "querystring": querystring_without(request, "page", "export"),
        },
    )
