"""Reads of the calls app, one module per area: calls (``calls``, re-exported here), applications
(``applications``), reviews and the ranking (``reviews``) and the committee (``committee``). Each read
runs a fixed number of queries, whatever the number of applications."""

from seedbed.calls.selectors.calls import (
    applicant_rules,
    call_list,
    call_with_details,
    form_outline,
    themes,
    translated_outline,
)

__all__ = [
    "applicant_rules",
    "call_list",
    "call_with_details",
    "form_outline",
    "themes",
    "translated_outline",
]
