"""Exports of the ledger: movements (in the background when large) and statements, to CSV and XLSX.

Amounts are written as exact decimal numbers ("2267.5", never "2.2675E+3"), and again in base units as
text, because a spreadsheet reads numbers as floats and would round wei and satoshi. Values in the
reporting currency are written to its minor unit; a missing price is "price missing", never zero.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import IO, Any

from django.core.files.base import File
from django.core.files.temp import NamedTemporaryFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from huey.contrib.djhuey import db_task

from seedbed.core.audit import audit_record
from seedbed.core.exports import FORMATS, Column, write_table
from seedbed.core.jobs import Progress, job_create, job_enqueue, job_run
from seedbed.core.models import Job, User
from seedbed.funds import access, selectors
from seedbed.funds.models import Asset, Fund, JournalEntry
from seedbed.funds.money import format_amount


def amount_number(value: int, asset: Asset) -> Decimal:
    """Exact, in units of the asset, as short as it can be written (``1.5``, ``2267``, ``100.00``)."""
    return Decimal(format_amount(value, asset, with_code=False, grouping=False))


def value_number(value: Decimal | None, quote: Asset) -> Decimal | str:
    """A value in the reporting currency to its minor unit (the ledger keeps the exact figure)."""
    if value is None:
        return _("price missing")
    with localcontext() as context:
        context.prec = 200
        return value.quantize(Decimal(1).scaleb(-quote.decimals), rounding=ROUND_HALF_EVEN)


# --- Movements ---------------------------------------------------------------------------------------


def movement_columns() -> list[Column]:
    """Columns of one row per entry and asset: ``(entry, MovementAmount)``."""
    return [
        Column(_("Date"), lambda row: row[0].effective_date.isoformat()),
        Column(_("Entry"), lambda row: row[0].pk),
        Column(_("Kind"), lambda row: row[0].get_kind_display()),
        Column(_("Counterparty"), lambda row: row[0].counterparty.name if row[0].counterparty else ""),
        Column(_("Asset"), lambda row: row[1].asset.code),
        Column(_("Amount"), lambda row: amount_number(row[1].amount, row[1].asset)),
        Column(_("Effect on holdings"), lambda row: amount_number(row[1].holdings_change, row[1].asset)),
        Column(_("Amount in base units"), lambda row: str(row[1].amount)),  # text: exact everywhere
        Column(_("Memo"), lambda row: row[0].memo),
        Column(_("Reference"), lambda row: row[0].external_ref),
        Column(_("Reverses entry"), lambda row: row[0].reverses_id or ""),
        Column(_("Recorded at"), lambda row: row[0].recorded_at.isoformat()),
        Column(_("Recorded by"), lambda row: str(row[0].recorded_by or "")),
        Column(_("Approved by"), lambda row: str(row[0].approved_by or "")),
        Column(_("Sample data"), lambda row: _("yes") if row[0].is_sample else _("no")),
        Column(_("Link"), lambda row: row[0].get_absolute_url()),
    ]


def _movement_rows(entries: Any) -> Iterator[tuple[JournalEntry, selectors.MovementAmount]]:
    for entry in entries:
        for amount in selectors.movement_amounts(entry):
            yield entry, amount


def movement_export_write(
    *,
    fund: Fund,
    filters: selectors.MovementFilters,
    fmt: str,
    target: IO[bytes],
    progress: Progress | None,
) -> int:
    """Write the fund's movements matching ``filters``; return the number of entries written."""
    entries = selectors.movement_list(fund=fund, filters=filters)
    counted = _Counted(progress)
    if progress is not None:
        progress.start(entries.count())
    write_table(
        rows=_movement_rows(counted.each(entries.iterator(chunk_size=2000))),
        columns=movement_columns(),
        fmt=fmt,
        target=target,
        sheet_title=_("Movements"),
    )
    return counted.count


class _Counted:
    """Counts entries (not rows: an entry in two assets is two rows) and reports them as progress."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.count = 0

    def each(self, items: Any) -> Iterator[Any]:
        for item in items:
            self.count += 1
            if self.progress is not None:
                self.progress.advance()
            yield item


@transaction.atomic
def movement_export_start(*, actor: User, fund: Fund, filters: selectors.MovementFilters, fmt: str) -> Job:
    """Queue an export of the fund's movements; the job's page shows its progress."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    job = job_create(
        actor=actor,
        kind="movement_export",
        title=_("Export of the movements of %(fund)s (%(format)s)") % {"fund": fund, "format": fmt.upper()},
        params={"fund": fund.slug, "filters": dataclasses.asdict(filters), "format": fmt},
    )
    audit_record(actor=actor, action="ledger.export", target=job, changes={"format": [None, fmt]})
    job_enqueue(job, movement_export_task)
    return job


def _movement_export_work(job: Job, progress: Progress) -> None:
    # Access is checked again when the job runs: the user may have lost the role since.
    fund = access.get_fund_for_user(job.created_by, job.params["fund"])
    filters = selectors.MovementFilters(**job.params["filters"])
    fmt = job.params["format"]
    with NamedTemporaryFile(suffix=f".{fmt}") as handle:
        count = movement_export_write(fund=fund, filters=filters, fmt=fmt, target=handle, progress=progress)
        handle.flush()
        handle.seek(0)
        name = f"movements-{fund.slug}-{timezone.now():%Y%m%d-%H%M%S}.{FORMATS[fmt][1]}"
        job.result_file.save(name, File(handle), save=False)
    Job.objects.filter(pk=job.pk).update(
        result_file=job.result_file.name,
        message=ngettext("%(count)s entry exported.", "%(count)s entries exported.", count)
        % {"count": count},
    )


@db_task()
def movement_export_task(job_id: str) -> None:
    job_run(job_id, _movement_export_work)


# --- Statements --------------------------------------------------------------------------------------


def statement_columns(statement: selectors.Statement) -> list[Column]:
    quote = statement.quote
    code = quote.code
    return [
        Column(_("Asset"), lambda line: line.asset.code),
        Column(_("Opening"), lambda line: amount_number(line.opening, line.asset)),
        Column(_("In"), lambda line: amount_number(line.inflow, line.asset)),
        Column(_("Out"), lambda line: amount_number(line.outflow, line.asset)),
        Column(_("Closing"), lambda line: amount_number(line.closing, line.asset)),
        Column(
            _("Opening (%(code)s)") % {"code": code}, lambda line: value_number(line.opening_value, quote)
        ),
        Column(_("In (%(code)s)") % {"code": code}, lambda line: value_number(line.inflow_value, quote)),
        Column(_("Out (%(code)s)") % {"code": code}, lambda line: value_number(line.outflow_value, quote)),
        Column(
            _("Revaluation (%(code)s)") % {"code": code}, lambda line: value_number(line.revaluation, quote)
        ),
        Column(
            _("Closing (%(code)s)") % {"code": code}, lambda line: value_number(line.closing_value, quote)
        ),
    ]


def statement_export_write(*, statement: selectors.Statement, fmt: str, target: IO[bytes]) -> int:
    """A statement has one row per asset, so it is always written at once."""
    return write_table(
        rows=statement.lines,
        columns=statement_columns(statement),
        fmt=fmt,
        target=target,
        total=len(statement.lines),
        sheet_title=_("Statement"),
    )


def statement_filename(statement: selectors.Statement, fmt: str) -> str:
    return (
        f"statement-{statement.fund.slug}-{statement.date_from:%Y%m%d}-{statement.date_to:%Y%m%d}"
        f".{FORMATS[fmt][1]}"
    )
