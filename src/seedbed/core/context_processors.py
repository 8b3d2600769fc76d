from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from seedbed.core.navigation import navigation_for


def seedbed(request: HttpRequest) -> dict[str, Any]:
    return {
        "nav_items": navigation_for(request.user, request.path),
        "signup_open": settings.SEEDBED_SIGNUP_OPEN,
    }
