from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def is_choice_list(field: BoundField) -> bool:
    """Whether the field renders one box or button per choice (radio buttons, checkbox lists)."""
    return isinstance(field.field.widget, forms.RadioSelect)  # CheckboxSelectMultiple is one too


@register.filter
def control(field: BoundField) -> SafeString:
    """Render a form field's widget with Bootstrap classes and ARIA links to its help and errors."""
    widget = field.field.widget
    choices = is_choice_list(field)
    if choices or isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_errors")
    attrs: dict[str, Any] = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if choices:  # one box or button per choice, styled by .sb-choices (a class here would go on the wrapper)
        del attrs["class"]
        return format_html('<div class="sb-choices">{}</div>', field.as_widget(attrs=attrs))
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def query(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed, e.g. {% query page=2 %}."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
