"""Fixtures shared by the core tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture(autouse=True)
def _empty_cache():
    """Sign-up counts its forms per address in the cache; each test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def manager(personas, client_for) -> Client:
    """A client signed in as the fund manager."""
    return client_for(personas["fund_manager"])
