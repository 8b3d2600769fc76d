"""Background tasks of the portfolio: the daily reminder of quarterly reports due soon or overdue."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from seedbed.portfolio.services import reports_remind


@db_periodic_task(crontab(minute="15", hour="6"))
def reports_remind_task() -> int:
    return reports_remind()
