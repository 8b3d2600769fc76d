"""Every write to calls, one module per area; import them from here (``services.call_create``)."""

from seedbed.calls.services.setup import (
    DEFAULT_RUBRIC,
    DEFAULT_STAGES,
    call_create,
    call_update,
    criterion_create,
    eligibility_rule_create,
    question_create,
    questions_copy,
    section_create,
    stages_update,
    theme_create,
)

__all__ = [
    "DEFAULT_RUBRIC",
    "DEFAULT_STAGES",
    "call_create",
    "call_update",
    "criterion_create",
    "eligibility_rule_create",
    "question_create",
    "questions_copy",
    "section_create",
    "stages_update",
    "theme_create",
]
