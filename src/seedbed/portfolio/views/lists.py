"""Lists across the portfolio: the portfolio with its counts and export, the grantee's own investments,
the mentor's queue, the finance officers' tranches to release, and the knowledge products."""

from __future__ import annotations

from typing import IO, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.core.exports import FORMATS, Column, write_table
from seedbed.core.models import Region
from seedbed.core.views.common import add_service_errors, paginate, querystring_without
from seedbed.funds.money import format_amount, to_decimal
from seedbed.portfolio import access, selectors, services
from seedbed.portfolio.forms import KnowledgeForm
from seedbed.portfolio.models import Investment, InvestmentStatus, KnowledgeProduct, Report, ReportStatus


def _export_columns() -> list[Column]:
    return [
        Column(_("Reference"), lambda inv: inv.reference),
        Column(_("Title"), lambda inv: inv.title),
        Column(_("Team"), lambda inv: inv.organization.name),
        Column(_("Kind of team"), lambda inv: inv.organization.get_kind_display()),
        Column(_("Fund"), lambda inv: inv.fund.name),
        Column(_("Cohort"), lambda inv: str(inv.cohort)),
        Column(_("Countries"), lambda inv: "; ".join(c.iso2 for c in inv.country_list)),
        Column(_("Start date"), lambda inv: inv.start_date.isoformat()),
        Column(_("Instrument"), lambda inv: inv.get_instrument_display()),
        Column(_("Asset"), lambda inv: inv.asset.code),
        Column(_("Amount"), lambda inv: to_decimal(inv.amount, inv.asset)),
        Column(_("Status"), lambda inv: inv.get_status_display()),
        Column(_("Status date"), lambda inv: inv.status_date.isoformat() if inv.status_date else ""),
    ]


def _export_rows(qs: Any) -> Any:
    """The whole filtered list, a thousand at a time (one query for their countries per thousand)."""
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        rows = list(
            qs.model.objects.filter(pk__in=chunk).select_related(
                "fund", "organization", "cohort__theme", "asset"
            )
        )
        order = {pk: i for i, pk in enumerate(chunk)}
        rows.sort(key=lambda inv: order[inv.pk])
        yield from selectors.attach_countries(rows)


@login_required
def portfolio_list(request: HttpRequest) -> HttpResponse:
    if not access.can_view_portfolio(request.user):
        raise PermissionDenied
    filters = selectors.PortfolioFilters.from_query(request.GET)
    qs = selectors.portfolio_list(user=request.user, filters=filters)
    export = request.GET.get("export", "")
    if export in FORMATS:
        content_type, extension = FORMATS[export]
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="portfolio-{timezone.localdate():%Y%m%d}.{extension}"'
        )
        write_table(
            rows=_export_rows(qs),
            columns=_export_columns(),
            fmt=export,
            target=cast(IO[bytes], response),
            sheet_title=_("Portfolio"),
        )
        return response
    page = paginate(request, qs)
    selectors.attach_countries(list(page.object_list))
    return render(
        request,
        "portfolio/portfolio_list.html",
        {
            "page": page,
            "filters": filters,
            "summary": selectors.portfolio_summary(qs),
            "choices": selectors.filter_choices(),
            "regions": Region.choices,
            "statuses": InvestmentStatus.choices,
            "sorts": [
                ("newest", _("Newest first")),
                ("oldest", _("Oldest first")),
                ("team", _("Team")),
                ("reference", _("Reference")),
            ],
            "querystring": querystring_without(request, "page", "export"),
            "can_manage": access.can_manage_portfolio(request.user),
            "can_decide": access.can_decide_milestones(request.user),
            "can_release": access.can_release_tranches(request.user)
            or access.can_manage_portfolio(request.user),
        },
    )


@login_required
def my_investments(request: HttpRequest) -> HttpResponse:
    """The grantee portal: a team's own investments, what it owes, and its payments."""
    investments = list(selectors.own_investments(request.user))
    today = timezone.localdate()
    reports = (
        Report.objects.filter(
            investment__in=[inv.pk for inv in investments if inv.status == InvestmentStatus.ACTIVE],
            status=ReportStatus.DUE,
            period_start__lte=today,
        )
        .select_related("investment")
        .order_by("due_on")
    )
    counts = {
        row["pk"]: row
        for row in Investment.objects.filter(pk__in=[inv.pk for inv in investments])
        .annotate(
            milestones_total=Count("milestones", distinct=True),
            milestones_accepted=Count("milestones", filter=Q(milestones__status="accepted"), distinct=True),
            milestones_returned=Count("milestones", filter=Q(milestones__status="returned"), distinct=True),
        )
        .values("pk", "milestones_total", "milestones_accepted", "milestones_returned")
    }
    for inv in investments:
        row = counts.get(inv.pk, {})
        inv.milestones_total = row.get("milestones_total", 0)  # type: ignore[attr-defined]
        inv.milestones_accepted = row.get("milestones_accepted", 0)  # type: ignore[attr-defined]
        inv.milestones_returned = row.get("milestones_returned", 0)  # type: ignore[attr-defined]
    return render(
        request,
        "portfolio/my_investments.html",
        {"investments": investments, "reports": list(reports), "today": today},
    )


@login_required
def mentor_queue(request: HttpRequest) -> HttpResponse:
    if not access.can_decide_milestones(request.user):
        raise PermissionDenied
    page = paginate(request, selectors.mentor_queue())
    return render(request, "portfolio/mentor_queue.html", {"page": page})


@login_required
def tranche_queue(request: HttpRequest) -> HttpResponse:
    if not (access.can_release_tranches(request.user) or access.can_manage_portfolio(request.user)):
        raise PermissionDenied
    page = paginate(request, selectors.releasable_tranches())
    for tranche in page.object_list:
        tranche.amount_display = format_amount(tranche.amount, tranche.investment.asset)
    return render(
        request,
        "portfolio/tranche_queue.html",
        {
            "page": page,
            "can_release": access.can_release_tranches(request.user),
            "today": timezone.localdate(),
        },
    )


def knowledge_list(request: HttpRequest) -> HttpResponse:
    qs = KnowledgeProduct.objects.prefetch_related("investments").order_by("-published_on", "title")
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=kind)
    page = paginate(request, qs)
    return render(
        request,
        "portfolio/knowledge_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": KnowledgeProduct._meta.get_field("kind").choices,
            "can_manage": access.can_manage_portfolio(request.user),
            "can_view_portfolio": access.can_view_portfolio(request.user),
        },
    )


@login_required
def knowledge_new(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_portfolio(request.user):
        raise PermissionDenied
    form = KnowledgeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.knowledge_product_create(
                actor=request.user,
                title=data["title"],
                kind=data["kind"],
                licence=data["licence"],
                published_on=data["published_on"],
                url=data["url"],
                file=data.get("file"),
                summary=data["summary"],
                investments=data["investments"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The knowledge product is published."))
            return redirect("knowledge_list")
    return render(
        request,
        "portfolio/knowledge_form.html",
        {"form": form, "page_title": _("Publish a knowledge product")},
        status=422 if form.errors else 200,
    )


def knowledge_file(request: HttpRequest, pk: int) -> FileResponse:
    product = access.get_knowledge_product(pk)
    if not product.file:
        raise Http404
    return FileResponse(
        product.file.open("rb"), as_attachment=True, filename=product.file.name.rsplit("/", 1)[-1]
    )
