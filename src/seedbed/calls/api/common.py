"""What the calls API's modules share: the router they add their endpoints to and the public scheme."""

# No `from __future__ import annotations` in the API: see the package's docstring.

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.security import HttpBearer, SessionAuth

from seedbed.core.services import api_token_authenticate


class CallsRouter(Router):
    """Keeps each endpoint's operation id ``seedbed_calls_api_<function>`` as when the API was one module
    (see ``seedbed.funds.api.common.FundsRouter``)."""

    def add_api_operation(
        self,
        path: str,
        methods: list[str],
        view_func: Callable[..., Any],
        *,
        operation_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        operation_id = operation_id or f"seedbed_calls_api_{view_func.__name__}"
        super().add_api_operation(path, methods, view_func, operation_id=operation_id, **kwargs)


router = CallsRouter(tags=["Calls"])


class PublicToken(HttpBearer):
    """A personal token, if one is sent: it only widens what is seen (staff see drafts)."""

    openapi_description = "Optional on public endpoints: a personal token from /accounts/tokens/."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class PublicSession(SessionAuth):
    """The browser session if there is one; anonymous visitors are let in as the public."""

    openapi_description = "Public endpoint: no sign-in needed. A session only widens what is seen."

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return super().authenticate(request, key) or "public"


PUBLIC = [PublicToken(), PublicSession()]
