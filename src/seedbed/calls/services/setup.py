"""Every write to calls: one keyword-only, audited, atomic function per use case.

Stages, rubric, eligibility rules and the form of a call are fixed once it opens (applicants prepare and
answer against them); the services refuse such changes after ``opens_at`` with a ``ValidationError``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from seedbed.calls import access
from seedbed.calls.models import (
    AUTOMATIC_KINDS,
    CHOICE_KINDS,
    DEFAULT_STAGE_NAMES,
    Call,
    Criterion,
    EligibilityRule,
    Question,
    QuestionKind,
    RuleCheck,
    RuleKind,
    Section,
    Stage,
    StageKind,
    Theme,
)
from seedbed.core.audit import apply_changes, audit_record, snapshot
from seedbed.core.models import OrganizationKind
from seedbed.funds.models import Fund

CALL_FIELDS = ("title", "description", "opens_at", "closes_at", "time_zone", "ticket_min", "ticket_max")
# How the call is assessed; optional when a call is created (the model's defaults apply).
ASSESSMENT_FIELDS = ("blind_review", "reviewers_per_application", "disagreement_spread", "reminder_days")

# Short names that are pages of their own under /calls/.
RESERVED_SLUGS = frozenset({"new"})

DEFAULT_STAGES: list[tuple[str, str]] = list(DEFAULT_STAGE_NAMES.items())

# The default rubric: (name, weight, guidance for scores 1 to 5).
DEFAULT_RUBRIC: list[tuple[str, int, list[str]]] = [
    (
        "Problem fit",
        3,
        [
            "The problem is unclear or does not affect children.",
            "A real problem, weakly linked to children's lives.",
            "A clear problem for children; the solution addresses part of it.",
            "A clear, well-evidenced problem; the solution fits it.",
            "A pressing problem for children, evidenced, with a solution that fits it closely.",
        ],
    ),
    (
        "Open-source commitment",
        3,
        [
            "No intention to open the source.",
            "Willing to open the source later, without a plan.",
            "Will release under an OSI-approved licence; plan in place.",
            "Already open source under an OSI-approved licence.",
            "Open source with an active community, documentation and a contributing guide.",
        ],
    ),
    (
        "Team",
        2,
        [
            "The team lacks the skills to build the solution.",
            "Important skills are missing.",
            "The team can build the solution with help.",
            "A capable team with relevant experience.",
            "An outstanding team with a track record in this field.",
        ],
    ),
    (
        "Evidence of effectiveness",
        2,
        [
            "No evidence.",
            "Anecdotal evidence only.",
            "A pilot with some measured results.",
            "Measured results from users in the target setting.",
            "Strong, independently measured results.",
        ],
    ),
    (
        "Path to scale",
        2,
        [
            "No path to scale.",
            "Scale is possible in theory.",
            "A plausible plan to reach more users.",
            "A credible plan with partners identified.",
            "Partners committed and a sustainable model in place.",
        ],
    ),
    (
        "Reach of children",
        2,
        [
            "Reaches very few children.",
            "Reaches children indirectly.",
            "Reaches a meaningful number of children.",
            "Reaches many children, including vulnerable ones.",
            "Reaches many of the most vulnerable children.",
        ],
    ),
    (
        "Risk",
        1,
        [
            "Severe risks with no mitigation.",
            "Important risks, weak mitigation.",
            "Moderate risks, with mitigation.",
            "Low risks, well mitigated.",
            "Very low risk.",
        ],
    ),
]


def _require_manager(actor: Any) -> None:
    """``actor=None`` is the system (demo, commands); a person must manage calls."""
    if actor is not None and not access.can_manage_calls(actor):
        raise PermissionDenied


def _refuse_after_opening(call: Call, what: str) -> None:
    if call.has_opened():
        raise ValidationError(
            _("The %(what)s of a call cannot change once it has opened (it opened on %(opened)s UTC).")
            % {"what": what, "opened": call.opens_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")},
            code="call_open",
        )


def _locked(call: Call) -> Call:
    return (
        Call.objects.select_for_update(of=("self",)).select_related("fund__reporting_asset").get(pk=call.pk)
    )


def _unique_slug(title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:70] or "call"
    if base in RESERVED_SLUGS:
        base = f"{base}-call"
    taken = Call.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    taken_slugs = set(taken.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken_slugs:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _validate_call(values: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not str(values.get("title") or "").strip():
        errors["title"] = [_("Enter the call's title.")]
    opens_at, closes_at = values.get("opens_at"), values.get("closes_at")
    for name, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        if not isinstance(value, dt.datetime) or timezone.is_naive(value):
            errors[name] = [_("Enter a date and time.")]
    if "opens_at" not in errors and "closes_at" not in errors and closes_at <= opens_at:  # type: ignore[operator]
        errors["closes_at"] = [_("The call must close after it opens.")]
    try:
        zoneinfo.ZoneInfo(str(values.get("time_zone") or ""))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = [_("Choose a time zone, e.g. Europe/Paris or UTC.")]
    ticket_min, ticket_max = values.get("ticket_min"), values.get("ticket_max")
    if not isinstance(ticket_min, int) or ticket_min < 0:
        errors["ticket_min"] = [_("Enter an amount of zero or more.")]
    if not isinstance(ticket_max, int) or ticket_max < 0:
        errors["ticket_max"] = [_("Enter an amount of zero or more.")]
    elif isinstance(ticket_min, int) and ticket_min > ticket_max:
        errors["ticket_max"] = [_("The largest ticket cannot be smaller than the smallest.")]
    if errors:
        raise ValidationError(errors)


def _validate_assessment(values: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    per = values.get("reviewers_per_application")
    if per is not None and not (isinstance(per, int) and 1 <= per <= 20):
        errors["reviewers_per_application"] = [_("Between 1 and 20 reviewers.")]
    spread = values.get("disagreement_spread")
    if spread is not None and not (Decimal("0.1") <= Decimal(str(spread)) <= Decimal(4)):
        errors["disagreement_spread"] = [_("Between 0.1 and 4 points (scores go from 1 to 5).")]
    days = values.get("reminder_days")
    if days is not None and not (isinstance(days, int) and 0 <= days <= 60):
        errors["reminder_days"] = [_("Between 0 (no reminder) and 60 days.")]
    if errors:
        raise ValidationError(errors)


def _in_utc(values: dict[str, Any]) -> None:
    """Store and audit moments in UTC, whatever zone they were typed in."""
    for name in ("opens_at", "closes_at"):
        if isinstance(values.get(name), dt.datetime):
            values[name] = values[name].astimezone(dt.UTC)


# --- Themes -----------------------------------------------------------------------------------------


@transaction.atomic
def theme_create(*, actor: Any, name: str) -> Theme:
    _require_manager(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Enter the theme's name.")]})
    if Theme.objects.filter(name__iexact=name).exists() or Theme.objects.filter(slug=slugify(name)).exists():
        raise ValidationError({"name": [_("This theme already exists.")]})
    theme = Theme.objects.create(name=name, slug=slugify(name)[:80] or "theme")
    audit_record(actor=actor, action="theme.create", target=theme, changes={"name": [None, name]})
    return theme


# --- Calls ------------------------------------------------------------------------------------------


@transaction.atomic
def call_create(
    *,
    actor: Any,
    fund: Fund,
    data: Mapping[str, Any],
    default_rubric: bool = False,
    is_sample: bool = False,
) -> Call:
    """A new call with the six default stages and, if asked, the default rubric of seven criteria."""
    _require_manager(actor)
    values = {name: data.get(name) for name in CALL_FIELDS}
    values.update({name: data[name] for name in ASSESSMENT_FIELDS if data.get(name) is not None})
    _validate_assessment(values)
    values["description"] = values["description"] or ""
    values["time_zone"] = values["time_zone"] or "UTC"
    _validate_call(values)
    _in_utc(values)
    values["title"] = str(values["title"]).strip()
    slug = str(data.get("slug") or _unique_slug(str(values["title"])))
    if slug in RESERVED_SLUGS or Call.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": [_("Another call already has this short name.")]})
    call = Call.objects.create(fund=fund, slug=slug, is_sample=is_sample, **values)
    themes = list(data.get("themes") or [])
    call.themes.set(themes)
    Stage.objects.bulk_create(
        Stage(call=call, position=position, name=name, kind=kind)
        for position, (kind, name) in enumerate(DEFAULT_STAGES, start=1)
    )
    if default_rubric:
        Criterion.objects.bulk_create(
            Criterion(call=call, position=position, name=name, weight=weight, guidance=guidance)
            for position, (name, weight, guidance) in enumerate(DEFAULT_RUBRIC, start=1)
        )
    changes = {
        name: [None, value]
        for name, value in snapshot(call, [*CALL_FIELDS, *ASSESSMENT_FIELDS, "fund"]).items()
    }
    changes["themes"] = [None, sorted(theme.name for theme in themes)]
    changes["default_rubric"] = [None, default_rubric]
    audit_record(actor=actor, action="call.create", target=call, changes=changes)
    return call


@transaction.atomic
def call_update(*, actor: Any, call: Call, data: Mapping[str, Any]) -> Call:
    _require_manager(actor)
    call = _locked(call)
    values = {name: data[name] for name in CALL_FIELDS if name in data}
    values.update({name: data[name] for name in ASSESSMENT_FIELDS if data.get(name) is not None})
    _validate_assessment(values)
    if "blind_review" in values and values["blind_review"] != call.blind_review and call.has_opened():
        raise ValidationError(
            {
                "blind_review": [
                    _("Blind review is fixed once the call opens: reviewers may have seen who applied.")
                ]
            }
        )
    if "description" in values:
        values["description"] = values["description"] or ""
    _validate_call({**{name: getattr(call, name) for name in CALL_FIELDS}, **values})
    _in_utc(values)
    changes = apply_changes(call, values)
    if "themes" in data:
        before = sorted(theme.name for theme in call.themes.all())
        call.themes.set(list(data["themes"] or []))
        after = sorted(theme.name for theme in call.themes.all())
        if before != after:
            changes["themes"] = [before, after]
    if changes:
        call.save()
        audit_record(actor=actor, action="call.update", target=call, changes=changes)
    return call


@transaction.atomic
def stages_update(*, actor: Any, call: Call, stages: Sequence[Mapping[str, str]]) -> list[Stage]:
    """Replace the call's stages by ``stages`` (``name`` and ``kind``, in order). Refused once open."""
    _require_manager(actor)
    call = _locked(call)
    _refuse_after_opening(call, _("stages"))
    errors: list[str] = []
    cleaned: list[tuple[str, str]] = []
    for number, stage in enumerate(stages, start=1):
        name = str(stage.get("name") or "").strip()
        kind = str(stage.get("kind") or "")
        if not name:
            errors.append(_("Stage %(number)s needs a name.") % {"number": number})
        if kind not in StageKind.values:
            errors.append(_("Stage %(number)s needs a kind.") % {"number": number})
        cleaned.append((name, kind))
    if not cleaned:
        errors.append(_("A call needs at least one stage."))
    elif cleaned[-1][1] != StageKind.DECISION:
        errors.append(_("The last stage must be the decision."))
    if errors:
        raise ValidationError(errors)
    before = [f"{stage.name} ({stage.kind})" for stage in call.stages.order_by("position")]
    call.stages.all().delete()
    created = Stage.objects.bulk_create(
        Stage(call=call, position=position, name=name, kind=kind)
        for position, (name, kind) in enumerate(cleaned, start=1)
    )
    after = [f"{name} ({kind})" for name, kind in cleaned]
    if before != after:
        audit_record(
            actor=actor, action="call.stages_update", target=call, changes={"stages": [before, after]}
        )
    return created


# --- Eligibility, rubric and form ---------------------------------------------------------------------


def _next_position(items: Any) -> int:
    return int(items.aggregate(top=Max("position"))["top"] or 0) + 1


def _rule_values(
    *, kind: str, organization_kinds: Iterable[str], text: str, check_mode: str | None
) -> dict[str, Any]:
    """A rule's values, checked: rules the directory can decide are checked automatically unless told
    otherwise; text is kept for other rules only."""
    kinds = list(organization_kinds or [])
    text = str(text or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in RuleKind.values:
        errors["kind"] = [_("Choose a kind of rule.")]
    if kind == RuleKind.ORGANIZATION_KINDS and (not kinds or set(kinds) - set(OrganizationKind.values)):
        errors["organization_kinds"] = [_("Choose the kinds of organization that may apply.")]
    if kind == RuleKind.CUSTOM and not text:
        errors["text"] = [_("Write the rule.")]
    automatic = kind in AUTOMATIC_KINDS
    mode = check_mode or (RuleCheck.AUTOMATIC if automatic else RuleCheck.APPLICANT_ANSWERS)
    if mode not in RuleCheck.values:
        errors["check_mode"] = [_("Choose how the rule is checked.")]
    elif mode == RuleCheck.AUTOMATIC and not automatic:
        errors["check_mode"] = [_("Seedbed cannot check this rule by itself: the applicant answers it.")]
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "organization_kinds": list(dict.fromkeys(kinds)) if kind == RuleKind.ORGANIZATION_KINDS else [],
        "text": text if kind == RuleKind.CUSTOM else "",
        "check_mode": str(mode),
    }


@transaction.atomic
def eligibility_rule_create(
    *,
    actor: Any,
    call: Call,
    kind: str,
    organization_kinds: Iterable[str] = (),
    text: str = "",
    check_mode: str | None = None,
) -> EligibilityRule:
    """Add a rule. Rules the directory can decide are checked automatically unless told otherwise."""
    _require_manager(actor)
    call = _locked(call)
    _refuse_after_opening(call, _("eligibility rules"))
    values = _rule_values(kind=kind, organization_kinds=organization_kinds, text=text, check_mode=check_mode)
    rule = EligibilityRule.objects.create(call=call, position=_next_position(call.rules), **values)
    mode = values["check_mode"]
    audit_record(
        actor=actor,
        action="call.rule_create",
        target=call,
        changes={"rule": [None, rule.describe()], "check_mode": [None, mode]},
    )
    return rule


@transaction.atomic
def criterion_create(
    *, actor: Any, call: Call, name: str, weight: int, guidance: Sequence[str] = ()
) -> Criterion:
    _require_manager(actor)
    call = _locked(call)
    _refuse_after_opening(call, _("rubric"))
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Enter the criterion's name.")]
    if not isinstance(weight, int) or weight < 1:
        errors["weight"] = [_("The weight is a whole number of 1 or more.")]
    if guidance and len(guidance) != 5:
        errors["guidance"] = [_("Give guidance for each score from 1 to 5.")]
    if errors:
        raise ValidationError(errors)
    criterion = Criterion.objects.create(
        call=call,
        position=_next_position(call.criteria),
        name=name.strip(),
        weight=weight,
        guidance=list(guidance),
    )
    audit_record(
        actor=actor,
        action="call.criterion_create",
        target=call,
        changes={"criterion": [None, f"{name} ×{weight}"]},
    )
    return criterion


@transaction.atomic
def section_create(*, actor: Any, call: Call, title: str) -> Section:
    _require_manager(actor)
    call = _locked(call)
    _refuse_after_opening(call, _("form"))
    if not title.strip():
        raise ValidationError({"title": [_("Enter the section's title.")]})
    section = Section.objects.create(call=call, position=_next_position(call.sections), title=title.strip())
    audit_record(
        actor=actor, action="call.section_create", target=call, changes={"section": [None, section.title]}
    )
    return section


QUESTION_FIELDS = (
    "kind",
    "label",
    "help_text",
    "required",
    "word_limit",
    "choices",
    "allowed_file_types",
    "max_file_mb",
    "hidden_in_blind_review",
    "translations",
)


def _validate_question(values: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    kind = values.get("kind")
    if kind not in QuestionKind.values:
        errors["kind"] = [_("Choose a kind of question.")]
    if not str(values.get("label") or "").strip():
        errors["label"] = [_("Enter the question.")]
    if kind in CHOICE_KINDS and len(values.get("choices") or []) < 2:
        errors["choices"] = [_("A choice question needs at least two choices.")]
    if kind != QuestionKind.LONG_TEXT and values.get("word_limit"):
        errors["word_limit"] = [_("Only long-text questions have a word limit.")]
    if kind == QuestionKind.FILE and not values.get("allowed_file_types"):
        errors["allowed_file_types"] = [_("Say which file types are accepted, e.g. pdf.")]
    if kind == QuestionKind.FILE and not values.get("max_file_mb"):
        errors["max_file_mb"] = [_("Say how large a file may be, in MB.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def question_create(*, actor: Any, call: Call, section: Section | None, data: Mapping[str, Any]) -> Question:
    _require_manager(actor)
    call = _locked(call)
    _refuse_after_opening(call, _("form"))
    if section is not None and section.call_id != call.pk:
        raise ValidationError({"section": [_("This section belongs to another call.")]})
    values = {name: data[name] for name in QUESTION_FIELDS if name in data}
    _validate_question(values)
    if values.get("kind") not in CHOICE_KINDS:
        values["choices"] = []
    if values.get("kind") != QuestionKind.FILE:
        values["allowed_file_types"], values["max_file_mb"] = [], None
    question = Question.objects.create(
        call=call, section=section, position=_next_position(call.questions), **values
    )
    audit_record(
        actor=actor,
        action="call.question_create",
        target=call,
        changes={"question": [None, question.label], "kind": [None, question.kind]},
    )
    return question


@transaction.atomic
def questions_copy(*, actor: Any, from_call: Call, to_call: Call) -> list[Question]:
    """Copy every section and question of ``from_call`` after those of ``to_call`` (before it opens)."""
    _require_manager(actor)
    to_call = _locked(to_call)
    _refuse_after_opening(to_call, _("form"))
    if from_call.pk == to_call.pk:
        raise ValidationError({"from_call": [_("Choose another call to copy from.")]})
    section_start = _next_position(to_call.sections) - 1
    question_start = _next_position(to_call.questions) - 1
    new_sections: dict[int, Section] = {}
    for section in from_call.sections.order_by("position"):
        new_sections[section.pk] = Section(
            call=to_call, position=section_start + section.position, title=section.title
        )
    Section.objects.bulk_create(new_sections.values())
    copies = [
        Question(
            call=to_call,
            section=new_sections.get(question.section_id) if question.section_id else None,
            position=question_start + question.position,
            **{name: getattr(question, name) for name in QUESTION_FIELDS},
        )
        for question in from_call.questions.order_by("position")
    ]
    Question.objects.bulk_create(copies)
    audit_record(
        actor=actor,
        action="call.questions_copy",
        target=to_call,
        changes={"copied_from": [None, from_call.slug], "questions": [None, len(copies)]},
    )
    return copies
