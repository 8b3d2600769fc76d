""" "Needs your attention" on the home page. Core lists its own items; each part registers a provider in
``AppConfig.ready()`` (as for the navigation), so that core never imports the parts built on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Attention:
    text: str
    url: str
    link_text: str


Provider = Callable[[Any], list[Attention]]

_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def from_parts(user: Any) -> list[Attention]:
    """What each registered part says needs ``user``'s attention, in registration order."""
    items: list[Attention] = []
    for provider in _PROVIDERS:
        items.extend(provider(user))
    return items
