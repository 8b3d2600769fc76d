from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest


def paginate(request: HttpRequest, qs: QuerySet[Any], per_page: int | None = None) -> Page:
    paginator = Paginator(qs, per_page or settings.SEEDBED_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def querystring_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field messages where the field exists."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
