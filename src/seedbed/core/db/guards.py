"""A switch for the database guards (triggers that keep posted records immutable).

On SQLite the guards fire only while ``guard_enabled()`` returns 1. ``seedbed flush`` empties every table
(the test runner uses it between transactional tests), and SQLite's DELETE fires row triggers, so flush
turns the guards off for its own duration. PostgreSQL's flush uses TRUNCATE, which fires no row trigger,
so there the guards are always on.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

_state = threading.local()


def guard_enabled() -> int:
    return 0 if getattr(_state, "disabled", False) else 1


@contextlib.contextmanager
def guards_disabled() -> Iterator[None]:
    _state.disabled = True
    try:
        yield
    finally:
        _state.disabled = False
