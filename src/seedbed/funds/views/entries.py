"""A journal entry with its postings, and its reversal (finance officers)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.funds import access, ledger, selectors
from seedbed.funds.forms import ReverseForm
from seedbed.funds.models import EntryKind


def _entry_page(request: HttpRequest, pk: int, reverse_form: ReverseForm | None, status: int) -> HttpResponse:
    entry = access.get_entry_for_user(request.user, pk)
    detail = selectors.entry_detail(entry)
    valuer = selectors.Valuer(entry.fund.reporting_asset)
    can_reverse = (
        access.can_record_money(request.user) and entry.kind != EntryKind.REVERSAL and detail.reversal is None
    )
    return render(
        request,
        "funds/entry_detail.html",
        {
            "entry": entry,
            "detail": detail,
            "postings": [
                (posting, valuer.value(abs(posting.amount), posting.asset, entry.effective_date))
                for posting in detail.postings
            ],
            "quote": valuer.quote,
            "can_reverse": can_reverse,
            "reverse_form": (reverse_form or ReverseForm()) if can_reverse else None,
        },
        status=status,
    )


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_page(request, pk, None, 200)


@login_required
@require_POST
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.get_entry_for_user(request.user, pk)
    if not access.can_record_money(request.user):
        raise PermissionDenied
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            reversal = ledger.entry_reverse(
                actor=request.user,
                entry=entry,
                memo=form.cleaned_data["memo"],
                effective_date=form.cleaned_data["effective_date"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Entry #%(number)s was reversed by entry #%(reversal)s.")
                % {"number": entry.pk, "reversal": reversal.pk},
            )
            return redirect(reversal)
    return _entry_page(request, pk, form, 422)
