"""Django's SQLite backend plus an exact big-integer SUM for the ledger's amounts and triggers.

SQLite's own SUM works in 64-bit integers or floats; amounts in wei overflow both. ``seedbed_exact_sum``
adds the decimal text of each value with Python integers and returns decimal text; ``seedbed_exact_add``
adds two such values (the ledger's day rows are upserted with it). The ledger's triggers
call it, so a connection without it (e.g. the sqlite3 shell) cannot post to the ledger at all.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base

from seedbed.core.db.guards import guard_enabled


class ExactSum:
    def __init__(self) -> None:
        self.total = 0

    def step(self, value: Any) -> None:
        if value is not None:
            self.total += int(value)

    def finalize(self) -> str:
        return str(self.total)


def exact_add(left: Any, right: Any) -> str | None:
    """``left + right`` for two amounts stored as decimal text (the ledger's day-row upserts)."""
    if left is None or right is None:
        return None
    return str(int(left) + int(right))


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        connection.create_aggregate("seedbed_exact_sum", 1, ExactSum)
        connection.create_function("seedbed_exact_add", 2, exact_add, deterministic=True)
        # The ledger's triggers fire only while this returns 1; `flush` turns it off (core/db/guards.py).
        connection.create_function("seedbed_ledger_guard", 0, guard_enabled)
        return connection
