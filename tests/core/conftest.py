"""Fixtures shared by the core tests."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def manager(personas, client_for) -> Client:
    """A client signed in as the fund manager."""
    return client_for(personas["fund_manager"])
