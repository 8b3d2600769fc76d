"""The main navigation. Each part registers its entries in AppConfig.ready(): they appear as parts exist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    visible: Callable[[Any], bool]
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


_ENTRIES: list[NavEntry] = []


def register(entry: NavEntry) -> None:
    if all(existing.url_name != entry.url_name for existing in _ENTRIES):
        _ENTRIES.append(entry)
        _ENTRIES.sort(key=lambda item: item.order)


def navigation_for(user: Any, path: str) -> list[NavItem]:
    items = []
    for entry in _ENTRIES:
        if entry.visible(user):
            url = reverse(entry.url_name)
            items.append(NavItem(str(entry.label), url, path.startswith(url) and url != "/"))
    return items
