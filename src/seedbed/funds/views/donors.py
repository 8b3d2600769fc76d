"""A donor's statement: the page, and its CSV and XLSX export (``?export=csv`` or ``xlsx``).

For the people who may see the ledger (``access.can_view_ledger``), like every other ledger page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from seedbed.core.exports import FORMATS, Column, write_table
from seedbed.core.views.common import querystring_without
from seedbed.funds import selectors
from seedbed.funds.forms import PeriodForm
from seedbed.funds.models import Asset, EntryKind, Fund, JournalEntry
from seedbed.funds.selectors import DonorEntryLine, DonorStatement, DonorStatementLine
from seedbed.funds.tasks import amount_number, value_number


def entry_label(line: DonorEntryLine) -> str:
    """``Donation``, or ``Reversal of #12 (Donation)``."""
    kind = str(EntryKind(line.base_kind).label)
    if line.entry.kind != EntryKind.REVERSAL:
        return kind
    return _("Reversal of #%(number)s (%(kind)s)") % {"number": line.entry.reverses_id, "kind": kind}


@login_required
def donor_statement(request: HttpRequest, slug: str) -> HttpResponse:
    donor = selectors.get_donor_for_user(request.user, slug)
    default = selectors.default_period()
    asked = "from" in request.GET or "to" in request.GET
    form = PeriodForm(request.GET if asked else None, initial_period=default)
    start, end = default
    valid = not asked or form.is_valid()
    if asked and valid:
        start, end = form.cleaned_data["from"], form.cleaned_data["to"]
    statement = selectors.donor_statement(donor=donor, start=start, end=end)
    export = request.GET.get("export", "")
    if export in FORMATS and valid:
        content_type, _extension = FORMATS[export]
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{donor_statement_filename(statement, export)}"'
        )
        donor_statement_export_write(statement=statement, fmt=export, target=cast(IO[bytes], response))
        return response
    return render(
        request,
        "funds/donor_statement.html",
        {
            "donor": donor,
            "form": form,
            "statement": statement,
            "entries": [(line, entry_label(line)) for line in statement.entries],
            "querystring": querystring_without(request, "export"),
        },
        status=200 if valid else 422,
    )


# --- Export ------------------------------------------------------------------------------------------
# One table, like a bank statement: per fund and asset an opening row, one row per entry with the running
# "paid in" and "outstanding pledges" after it, and a closing row with the period's totals.


@dataclass(frozen=True)
class ExportRow:
    fund: Fund
    asset: Asset
    date: str
    label: str
    entry: JournalEntry | None = None
    pledged: int | None = None
    received: int | None = None
    refunded: int | None = None
    paid_in: int | None = None
    outstanding: int | None = None
    pledged_value: Decimal | str | None = ""  # "" for a cell left empty; None is a missing price
    received_value: Decimal | str | None = ""
    refunded_value: Decimal | str | None = ""
    outstanding_value: Decimal | str | None = ""
    base_units: str = ""


def _rows(statement: DonorStatement) -> Iterator[ExportRow]:
    by_line: dict[tuple[int, int], list[DonorEntryLine]] = defaultdict(list)
    for entry in statement.entries:
        by_line[(entry.entry.fund_id, entry.asset.pk)].append(entry)
    for line in statement.lines:
        yield from _line_rows(statement, line, by_line[(line.fund.pk, line.asset.pk)])


def _line_rows(
    statement: DonorStatement, line: DonorStatementLine, entries: list[DonorEntryLine]
) -> Iterator[ExportRow]:
    fund, asset = line.fund, line.asset
    paid_in, outstanding = line.opening_paid_in, line.opening_outstanding
    yield ExportRow(
        fund,
        asset,
        statement.date_from.isoformat(),
        _("Opening"),
        paid_in=paid_in,
        outstanding=outstanding,
    )
    for item in entries:
        kind = item.base_kind
        paid_in += item.received - item.refunded
        outstanding += item.pledged - (item.received if kind == EntryKind.PLEDGE_RECEIPT else 0)
        receives = kind in (EntryKind.DONATION, EntryKind.PLEDGE_RECEIPT)
        yield ExportRow(
            fund,
            asset,
            item.entry.effective_date.isoformat(),
            entry_label(item),
            entry=item.entry,
            pledged=item.pledged if kind == EntryKind.PLEDGE else None,
            received=item.received if receives else None,
            refunded=item.refunded if kind == EntryKind.REFUND else None,
            paid_in=paid_in,
            outstanding=outstanding,
            pledged_value=item.value if kind == EntryKind.PLEDGE else "",
            received_value=item.value if receives else "",
            refunded_value=item.value if kind == EntryKind.REFUND else "",
            base_units=str(abs(item.amount)),  # text: exact everywhere; the sign is in the figures
        )
    yield ExportRow(
        fund,
        asset,
        statement.date_to.isoformat(),
        _("Closing"),
        pledged=line.pledged,
        received=line.received,
        refunded=line.refunded,
        paid_in=line.closing_paid_in,
        outstanding=line.closing_outstanding,
        pledged_value=line.pledged_value,
        received_value=line.received_value,
        refunded_value=line.refunded_value,
        outstanding_value=line.closing_outstanding_value,
    )


def donor_statement_columns(statement: DonorStatement) -> list[Column]:
    quote = statement.quote
    code = quote.code if quote is not None else "USD"

    def units(name: str) -> Column:
        def read(row: ExportRow) -> Decimal | str:
            figure = getattr(row, name)
            return "" if figure is None else amount_number(figure, row.asset)

        return Column(labels[name], read)

    def value(name: str, header: str) -> Column:
        def read(row: ExportRow) -> Decimal | str:
            figure = getattr(row, name)
            if isinstance(figure, str):
                return figure
            return value_number(figure, quote) if quote is not None else _("price missing")

        return Column(header % {"code": code}, read)

    labels = {
        "pledged": _("Pledged"),
        "received": _("Received"),
        "refunded": _("Refunded"),
        "paid_in": _("Paid in"),
        "outstanding": _("Outstanding pledges"),
    }
    return [
        Column(_("Donor"), lambda row: statement.donor.name),
        Column(_("Fund"), lambda row: row.fund.name),
        Column(_("Asset"), lambda row: row.asset.code),
        Column(_("Date"), lambda row: row.date),
        Column(_("Line"), lambda row: row.label),
        Column(_("Entry"), lambda row: row.entry.pk if row.entry else ""),
        units("pledged"),
        units("received"),
        units("refunded"),
        units("paid_in"),
        units("outstanding"),
        value("pledged_value", _("Pledged (%(code)s)")),
        value("received_value", _("Received (%(code)s)")),
        value("refunded_value", _("Refunded (%(code)s)")),
        value("outstanding_value", _("Outstanding pledges (%(code)s)")),
        Column(_("Amount in base units"), lambda row: row.base_units),
        Column(_("Memo"), lambda row: row.entry.memo if row.entry else ""),
        Column(_("Reference"), lambda row: row.entry.external_ref if row.entry else ""),
        Column(_("Link"), lambda row: row.entry.get_absolute_url() if row.entry else ""),
    ]


def donor_statement_export_write(*, statement: DonorStatement, fmt: str, target: IO[bytes]) -> int:
    """The statement as one table; it is read in full already, so it is always written at once."""
    rows = list(_rows(statement))
    return write_table(
        rows=rows,
        columns=donor_statement_columns(statement),
        fmt=fmt,
        target=target,
        total=len(rows),
        sheet_title=_("Donor statement"),
    )


def donor_statement_filename(statement: DonorStatement, fmt: str) -> str:
    return (
        f"donor-statement-{statement.donor.slug}-{statement.date_from:%Y%m%d}-{statement.date_to:%Y%m%d}"
        f".{FORMATS[fmt][1]}"
    )
