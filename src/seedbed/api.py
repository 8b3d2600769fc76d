"""The JSON API at /api/, documented at /api/docs. Each part adds its router here."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from seedbed.calls.api import router as calls_router
from seedbed.core.api import FieldErrors
from seedbed.core.api import router as core_router
from seedbed.core.services import api_token_authenticate
from seedbed.dpg.api import router as dpg_router
from seedbed.funds.api import router as funds_router
from seedbed.portfolio.api import router as portfolio_router


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sb_…`` with a personal token from /accounts/tokens/."""

    openapi_description = "A personal API token created at /accounts/tokens/."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Seedbed API",
    version="1",
    description=(
        "The JSON API of Seedbed. Sign in and use the browser session, or send a personal token from "
        "/accounts/tokens/ as `Authorization: Bearer <token>`. Lists are paginated with `page` "
        "and return `items` and `count`. Errors: 401 not signed in, 403 not allowed, 404 not found, "
        "422 invalid input with a message per field."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/", funds_router)
api.add_router("/", calls_router)
api.add_router("/", portfolio_router)
api.add_router("/", dpg_router)


@api.exception_handler(FieldErrors)
def field_errors(request: HttpRequest, exc: FieldErrors) -> HttpResponse:
    detail = [
        {"loc": ["body", field], "msg": message, "type": "value_error"}
        for field, messages in exc.errors.items()
        for message in messages
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "You are not allowed to do this."}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)
