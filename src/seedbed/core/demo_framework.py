"""Runs each part's demo loader in order. A part declares ``demo_loader`` and ``demo_order`` on its AppConfig.

A loader is ``load(*, progress) -> list[(role, username, note)]``; it must be idempotent, create sample
rows flagged as sample data, and use the same services as the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

from seedbed.core.jobs import Progress

Loader = Callable[..., list[tuple[str, str, str]]]


def demo_loaders() -> list[tuple[str, Loader]]:
    found = []
    for config in apps.get_app_configs():
        path = getattr(config, "demo_loader", None)
        if path:
            found.append((getattr(config, "demo_order", 100), str(config.verbose_name), import_string(path)))
    return [(name, loader) for _order, name, loader in sorted(found, key=lambda item: item[0])]


def load_all(progress_factory: Callable[[str], Any]) -> list[tuple[str, str, str]]:
    logins: list[tuple[str, str, str]] = []
    for name, loader in demo_loaders():
        with progress_factory(name) as progress:
            logins.extend(loader(progress=progress) or [])
    return logins


__all__ = ["Progress", "demo_loaders", "load_all"]
