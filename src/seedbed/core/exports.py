"""Tables to CSV and XLSX, streamed row by row with progress. Shared by every list that exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook

from seedbed.core.jobs import NullProgress, Progress

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells (CSV injection), keep numbers as numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_table(
    *,
    rows: Iterable[Any],
    columns: Sequence[Column],
    fmt: str,
    target: IO[bytes],
    total: int | None = None,
    progress: Progress | None = None,
    sheet_title: str = "Export",
) -> int:
    """Write ``rows`` to ``target`` as CSV or XLSX; return the number of rows written."""
    progress = progress or NullProgress()
    progress.start(total)
    count = 0
    headers = [column.header for column in columns]
    if fmt == "csv":
        text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([safe_cell(column.value(row)) for column in columns])
            count += 1
            progress.advance()
        text.flush()
        text.detach()
    elif fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=sheet_title[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append([safe_cell(column.value(row)) for column in columns])
            count += 1
            progress.advance()
        workbook.save(target)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return count
