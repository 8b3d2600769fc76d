"""The page that edits a fund's rules (fund managers). The service audits every rule before and after."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from seedbed.core.views.common import add_service_errors
from seedbed.funds import access, services
from seedbed.funds.forms import FundRulesForm


@login_required
def fund_rules_edit(request: HttpRequest, slug: str) -> HttpResponse:
    fund = access.get_fund_for_user(request.user, slug, write=True)
    form = FundRulesForm(request.POST if request.method == "POST" else None, fund=fund)
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_rules_update(actor=request.user, fund=fund, data=form.rules())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The rules of %(fund)s were saved.") % {"fund": fund})
            return redirect(fund)
    return render(
        request,
        "funds/fund_rules_form.html",
        {"fund": fund, "form": form},
        status=422 if request.method == "POST" else 200,
    )
