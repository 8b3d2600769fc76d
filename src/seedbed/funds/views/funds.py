"""The funds' overview, a fund with its movements (and their export), and a fund's statement."""

from __future__ import annotations

from typing import IO, Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.core.exports import FORMATS
from seedbed.core.models import User
from seedbed.core.views.common import paginate, querystring_without
from seedbed.funds import access, selectors
from seedbed.funds.forms import MovementFilterForm, PeriodForm
from seedbed.funds.models import Fund
from seedbed.funds.tasks import (
    movement_export_start,
    movement_export_write,
    statement_export_write,
    statement_filename,
)
from seedbed.funds.views.common import _require_ledger


@login_required
def fund_list(request: HttpRequest) -> HttpResponse:
    _require_ledger(request.user)
    on = selectors.parse_day(request.GET.get("on")) or timezone.localdate()
    funds = list(access.funds_for_user(request.user).order_by("name"))
    valuers = selectors.Valuers()
    rows = selectors.holdings_for_funds(funds=funds, on=on, valuers=valuers)
    return render(
        request,
        "funds/fund_list.html",
        {
            "rows": rows,
            "on": on,
            "totals": selectors.holdings_totals(rows),
            "can_record_money": access.can_record_money(request.user),
        },
    )


@login_required
def fund_detail(request: HttpRequest, slug: str) -> HttpResponse:
    fund = access.get_fund_for_user(request.user, slug)
    filters = selectors.MovementFilters.from_mapping(request.GET)
    export = request.GET.get("export", "")
    if export in FORMATS:
        return _movement_export(request, fund, filters, export)
    page = paginate(request, selectors.movement_list(fund=fund, filters=filters))
    context: dict[str, Any] = {
        "fund": fund,
        "page": page,
        "movements": [(entry, selectors.movement_amounts(entry)) for entry in page.object_list],
        "filters": filters,
        "form": MovementFilterForm(
            request.GET or None,
            assets=selectors.fund_assets(fund),
            counterparties=selectors.movement_counterparties(fund),
        ),
        "querystring": querystring_without(request, "page", "export"),
    }
    if request.headers.get("HX-Target") == "movement-results":
        return render(request, "funds/fund_detail.html#movements", context)
    today = timezone.localdate()
    valuer = selectors.Valuer(fund.reporting_asset)
    context.update(
        {
            "today": today,
            "holdings": selectors.fund_holdings(fund=fund, on=today, valuer=valuer),
            "history": selectors.holdings_history(fund=fund, until=today),
            "trial_balance": selectors.trial_balance(fund=fund, on=today),
            "pending": selectors.pending_payment_requests(fund),
            "donors": selectors.donor_summary(fund),
            "can_record_money": access.can_record_money(request.user),
            "rules": selectors.fund_rules(fund),
            "can_edit_rules": access.can_edit_fund_rules(request.user),
        }
    )
    return render(request, "funds/fund_detail.html", context)


def _movement_export(
    request: HttpRequest, fund: Fund, filters: selectors.MovementFilters, fmt: str
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    count = selectors.movement_list(fund=fund, filters=filters).count()
    if count > settings.SEEDBED_EXPORT_SYNC_LIMIT:
        job = movement_export_start(actor=user, fund=fund, filters=filters, fmt=fmt)
        messages.info(request, _("The export runs in the background. This page shows its progress."))
        return redirect(job.get_absolute_url())
    content_type, extension = FORMATS[fmt]
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="movements-{fund.slug}-{timezone.now():%Y%m%d}.{extension}"'
    )
    # HttpResponse is a writable byte stream.
    movement_export_write(
        fund=fund, filters=filters, fmt=fmt, target=cast(IO[bytes], response), progress=None
    )
    return response


@login_required
def fund_statement(request: HttpRequest, slug: str) -> HttpResponse:
    fund = access.get_fund_for_user(request.user, slug)
    default = selectors.default_period()
    asked = "from" in request.GET or "to" in request.GET
    form = PeriodForm(request.GET if asked else None, initial_period=default)
    date_from, date_to = default
    if asked and form.is_valid():
        date_from, date_to = form.cleaned_data["from"], form.cleaned_data["to"]
    statement = selectors.fund_statement(fund=fund, date_from=date_from, date_to=date_to)
    export = request.GET.get("export", "")
    if export in FORMATS and (not asked or form.is_valid()):
        content_type, _extension = FORMATS[export]
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{statement_filename(statement, export)}"'
        statement_export_write(statement=statement, fmt=export, target=cast(IO[bytes], response))
        return response
    return render(
        request,
        "funds/fund_statement.html",
        {
            "fund": fund,
            "form": form,
            "statement": statement,
            "querystring": querystring_without(request, "export"),
        },
        status=200 if not asked or form.is_valid() else 422,
    )
