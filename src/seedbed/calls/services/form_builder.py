"""The fund managers' set-up of a call, item by item: change, delete and reorder its eligibility rules,
rubric criteria, form sections and questions; replace each whole list at once (the API); rename themes.

Like the creation services in ``setup``, every change is refused once the call has opened, and an item
that applications already refer to is never deleted. Positions are unique per call: a move swaps two
neighbours through a spare position, under the call's row lock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from seedbed.calls.models import (
    CHOICE_KINDS,
    Call,
    Criterion,
    EligibilityRule,
    Question,
    QuestionKind,
    Section,
    Theme,
)
from seedbed.calls.services.setup import (
    QUESTION_FIELDS,
    _locked,
    _next_position,
    _refuse_after_opening,
    _require_manager,
    _rule_values,
    _validate_question,
)
from seedbed.core.audit import apply_changes, audit_record

DIRECTIONS = ("up", "down")
MAX_WEIGHT = 100
MAX_FILE_MB = 100
FILE_TYPE = re.compile(r"^[a-z0-9]{1,10}$")


def translation_languages() -> list[tuple[str, str]]:
    """The site's languages other than the one questions are written in: their texts are translations."""
    default = settings.LANGUAGE_CODE.split("-")[0]
    return [(code, str(name)) for code, name in settings.LANGUAGES if code != default]


# --- Shared steps -------------------------------------------------------------------------------------


def _refuse_if_applied(call: Call, what: str) -> None:
    """Applications answer, screen and score against these items: removing one would orphan them."""
    if call.applications.exists():
        raise ValidationError(
            _("Applications to this call already exist: its %(what)s can no longer lose an item.")
            % {"what": what},
            code="call_applied",
        )


def _fresh(model: type[models.Model], item: models.Model, call: Call) -> Any:
    """``item`` as it is now, read after the call's lock was taken (others may have moved it)."""
    found = model._default_manager.filter(pk=item.pk, call=call).first()
    if found is None:
        raise ValidationError(_("This item no longer exists: someone removed it meanwhile."), code="gone")
    return found


def _swap(item: Any, siblings: models.QuerySet[Any], direction: str) -> Any | None:
    """Swap ``item`` with its neighbour among ``siblings`` in ``direction``; None at either end."""
    if direction not in DIRECTIONS:
        raise ValidationError({"direction": [_("Move up or down.")]})
    if direction == "up":
        neighbour = siblings.filter(position__lt=item.position).order_by("-position").first()
    else:
        neighbour = siblings.filter(position__gt=item.position).order_by("position").first()
    if neighbour is None:
        return None
    manager = type(item)._default_manager
    # Positions are unique per call: park the item on a free position while its neighbour takes its place.
    spare = _next_position(manager.filter(call_id=item.call_id))
    mine, theirs = item.position, neighbour.position
    manager.filter(pk=item.pk).update(position=spare)
    manager.filter(pk=neighbour.pk).update(position=mine)
    manager.filter(pk=item.pk).update(position=theirs)
    item.position, neighbour.position = theirs, mine
    return neighbour


def _prefixed(errors: dict[str, list[str]], prefix: str, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            errors[f"{prefix}.{field}"] = list(messages)
    else:
        errors[prefix] = list(error.messages)


# --- Eligibility rules --------------------------------------------------------------------------------


@transaction.atomic
def eligibility_rule_update(
    *,
    actor: Any,
    rule: EligibilityRule,
    kind: str,
    organization_kinds: Iterable[str] = (),
    text: str = "",
    check_mode: str | None = None,
) -> EligibilityRule:
    _require_manager(actor)
    call = _locked(rule.call)
    _refuse_after_opening(call, _("eligibility rules"))
    rule = _fresh(EligibilityRule, rule, call)
    values = _rule_values(kind=kind, organization_kinds=organization_kinds, text=text, check_mode=check_mode)
    before = rule.describe()
    changes = apply_changes(rule, values)
    if changes:
        rule.save()
        changes["rule"] = [before, rule.describe()]
        audit_record(actor=actor, action="call.rule_update", target=call, changes=changes)
    return rule


@transaction.atomic
def eligibility_rule_delete(*, actor: Any, rule: EligibilityRule) -> None:
    _require_manager(actor)
    call = _locked(rule.call)
    _refuse_after_opening(call, _("eligibility rules"))
    _refuse_if_applied(call, _("eligibility rules"))
    rule = _fresh(EligibilityRule, rule, call)
    description = rule.describe()
    rule.delete()
    audit_record(actor=actor, action="call.rule_delete", target=call, changes={"rule": [description, None]})


@transaction.atomic
def eligibility_rule_move(*, actor: Any, rule: EligibilityRule, direction: str) -> EligibilityRule:
    _require_manager(actor)
    call = _locked(rule.call)
    _refuse_after_opening(call, _("eligibility rules"))
    rule = _fresh(EligibilityRule, rule, call)
    before = [item.describe() for item in call.rules.order_by("position")]
    if _swap(rule, call.rules.all(), direction) is not None:
        after = [item.describe() for item in call.rules.order_by("position")]
        audit_record(actor=actor, action="call.rule_move", target=call, changes={"rules": [before, after]})
    return rule


@transaction.atomic
def rules_replace(*, actor: Any, call: Call, rules: Sequence[Mapping[str, Any]]) -> list[EligibilityRule]:
    """Replace every eligibility rule of the call by ``rules``, in order (all valid, or nothing changes)."""
    _require_manager(actor)
    call = _locked(call)
    _refuse_after_opening(call, _("eligibility rules"))
    errors: dict[str, list[str]] = {}
    cleaned: list[dict[str, Any]] = []
    for index, rule in enumerate(rules):
        try:
            cleaned.append(
                _rule_values(
                    kind=str(rule.get("kind") or ""),
                    organization_kinds=rule.get("organization_kinds") or [],
                    text=str(rule.get("text") or ""),
                    check_mode=rule.get("check_mode") or None,
                )
            )
        except ValidationError as error:
            _prefixed(errors, f"rules.{index}", error)
    if errors:
        raise ValidationError(errors)
    before = [rule.describe() for rule in call.rules.order_by("position")]
    if before:
        _refuse_if_applied(call, _("eligibility rules"))
    call.rules.all().delete()
    created = EligibilityRule.objects.bulk_create(
        EligibilityRule(call=call, position=position, **values)
        for position, values in enumerate(cleaned, start=1)
    )
    after = [rule.describe() for rule in created]
    if before != after:
        audit_record(
            actor=actor, action="call.rules_replace", target=call, changes={"rules": [before, after]}
        )
    return created


# --- Rubric -------------------------------------------------------------------------------------------


def _criterion_values(*, name: str, weight: Any, guidance: Sequence[str]) -> dict[str, Any]:
    name = str(name or "").strip()
    texts = [str(text or "").strip() for text in guidance or []]
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter the criterion's name.")]
    elif len(name) > 120:
        errors["name"] = [_("Keep the name to 120 characters or fewer.")]
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= MAX_WEIGHT:
        errors["weight"] = [
            _("The weight is a whole number from 1 to %(most)s.") % {"most": MAX_WEIGHT},
        ]
    if texts and len(texts) != 5:
        errors["guidance"] = [_("Give guidance for each score from 1 to 5.")]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "weight": weight, "guidance": texts if any(texts) else []}


@transaction.atomic
def criterion_update(
    *, actor: Any, criterion: Criterion, name: str, weight: int, guidance: Sequence[str] = ()
) -> Criterion:
    _require_manager(actor)
    call = _locked(criterion.call)
    _refuse_after_opening(call, _("rubric"))
    criterion = _fresh(Criterion, criterion, call)
    values = _criterion_values(name=name, weight=weight, guidance=guidance)
    before = criterion.name
    changes = apply_changes(criterion, values)
    if changes:
        criterion.save()
        changes.pop("name", None)
        changes["criterion"] = [before, criterion.name]
        audit_record(actor=actor, action="call.criterion_update", target=call, changes=changes)
    return criterion


@transaction.atomic
def criterion_delete(*, actor: Any, criterion: Criterion) -> None:
    _require_manager(actor)
    call = _locked(criterion.call)
    _refuse_after_opening(call, _("rubric"))
    _refuse_if_applied(call, _("rubric"))
    criterion = _fresh(Criterion, criterion, call)
    name = criterion.name
    criterion.delete()
    audit_record(
        actor=actor, action="call.criterion_delete", target=call, changes={"criterion": [name, None]}
    )


@transaction.atomic
def criterion_move(*, actor: Any, criterion: Criterion, direction: str) -> Criterion:
    _require_manager(actor)
    call = _locked(criterion.call)
    _refuse_after_opening(call, _("rubric"))
    criterion = _fresh(Criterion, criterion, call)
    before = list(call.criteria.order_by("position").values_list("name", flat=True))
    if _swap(criterion, call.criteria.all(), direction) is not None:
        after = list(call.criteria.order_by("position").values_list("name", flat=True))
        audit_record(
            actor=actor, action="call.criterion_move", target=call, changes={"criteria": [before, after]}
        )
    return criterion


@transaction.atomic
def rubric_replace(*, actor: Any, call: Call, criteria: Sequence[Mapping[str, Any]]) -> list[Criterion]:
    """Replace the call's rubric by ``criteria`` (``name``, ``weight``, ``guidance``), in order."""
    _require_manager(actor)
    call = _locked(call)
    _refuse_after_opening(call, _("rubric"))
    errors: dict[str, list[str]] = {}
    cleaned: list[dict[str, Any]] = []
    for index, criterion in enumerate(criteria):
        try:
            cleaned.append(
                _criterion_values(
                    name=str(criterion.get("name") or ""),
                    weight=criterion.get("weight"),
                    guidance=list(criterion.get("guidance") or []),
                )
            )
        except ValidationError as error:
            _prefixed(errors, f"criteria.{index}", error)
    names = [values["name"].casefold() for values in cleaned]
    if len(set(names)) != len(names):
        errors["criteria"] = [_("Each criterion needs its own name.")]
    if errors:
        raise ValidationError(errors)
    before = [f"{item.name} ×{item.weight}" for item in call.criteria.order_by("position")]
    if before:
        _refuse_if_applied(call, _("rubric"))
    call.criteria.all().delete()
    created = Criterion.objects.bulk_create(
        Criterion(call=call, position=position, **values) for position, values in enumerate(cleaned, start=1)
    )
    after = [f"{item.name} ×{item.weight}" for item in created]
    if before != after:
        audit_record(
            actor=actor, action="call.rubric_replace", target=call, changes={"criteria": [before, after]}
        )
    return created


# --- Form: sections -----------------------------------------------------------------------------------


def _section_title(title: str) -> str:
    title = str(title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Enter the section's title.")]})
    if len(title) > 200:
        raise ValidationError({"title": [_("Keep the title to 200 characters or fewer.")]})
    return title


@transaction.atomic
def section_update(*, actor: Any, section: Section, title: str) -> Section:
    _require_manager(actor)
    call = _locked(section.call)
    _refuse_after_opening(call, _("form"))
    section = _fresh(Section, section, call)
    before = section.title
    changes = apply_changes(section, {"title": _section_title(title)})
    if changes:
        section.save()
        audit_record(
            actor=actor,
            action="call.section_update",
            target=call,
            changes={"section": [before, section.title]},
        )
    return section


@transaction.atomic
def section_delete(*, actor: Any, section: Section) -> None:
    """Delete a section; its questions stay in the form, among the questions without a section."""
    _require_manager(actor)
    call = _locked(section.call)
    _refuse_after_opening(call, _("form"))
    section = _fresh(Section, section, call)
    title = section.title
    moved = list(section.questions.order_by("position").values_list("label", flat=True))
    section.delete()
    changes: dict[str, Any] = {"section": [title, None]}
    if moved:
        changes["questions_without_section"] = [None, moved]
    audit_record(actor=actor, action="call.section_delete", target=call, changes=changes)


@transaction.atomic
def section_move(*, actor: Any, section: Section, direction: str) -> Section:
    _require_manager(actor)
    call = _locked(section.call)
    _refuse_after_opening(call, _("form"))
    section = _fresh(Section, section, call)
    before = list(call.sections.order_by("position").values_list("title", flat=True))
    if _swap(section, call.sections.all(), direction) is not None:
        after = list(call.sections.order_by("position").values_list("title", flat=True))
        audit_record(
            actor=actor, action="call.section_move", target=call, changes={"sections": [before, after]}
        )
    return section


# --- Form: questions ----------------------------------------------------------------------------------


def _clean_translations(value: Any) -> dict[str, dict[str, str]]:
    languages = dict(translation_languages())
    if not isinstance(value, Mapping):
        raise ValidationError({"translations": [_("Give translations as {language: {label, help_text}}.")]})
    cleaned: dict[str, dict[str, str]] = {}
    for language, texts in value.items():
        if language not in languages:
            message = _("Translations can be given in: %(languages)s.") % {"languages": ", ".join(languages)}
            raise ValidationError({"translations": [message]})
        if not isinstance(texts, Mapping) or set(texts) - {"label", "help_text"}:
            raise ValidationError({"translations": [_("Each translation has a label and a help text.")]})
        entry = {key: str(text).strip() for key, text in texts.items() if text and str(text).strip()}
        if len(entry.get("label", "")) > 300:
            raise ValidationError({"translations": [_("Keep each question to 300 characters or fewer.")]})
        if entry:
            cleaned[language] = entry
    return cleaned


def _clean_question(data: Mapping[str, Any]) -> dict[str, Any]:
    """The question's values, normalized and validated as ``question_create`` and the page expect them."""
    values = {name: data[name] for name in QUESTION_FIELDS if name in data}
    errors: dict[str, list[str]] = {}
    values["label"] = str(values.get("label") or "").strip()
    values["help_text"] = str(values.get("help_text") or "").strip()
    if len(values["label"]) > 300:
        errors["label"] = [_("Keep the question to 300 characters or fewer.")]
    for name in ("required", "hidden_in_blind_review"):
        if name in values:
            values[name] = bool(values[name])
    for name, most in (("word_limit", 100_000), ("max_file_mb", MAX_FILE_MB)):
        number = values.get(name)
        if number in (None, "", 0):
            values[name] = None
        elif isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= most:
            errors[name] = [_("Enter a whole number from 1 to %(most)s.") % {"most": most}]
    choices = [str(choice).strip() for choice in values.get("choices") or [] if str(choice).strip()]
    if len({choice.casefold() for choice in choices}) != len(choices):
        errors["choices"] = [_("Each choice may appear only once.")]
    values["choices"] = choices
    file_types = [str(kind).strip().lower().lstrip(".") for kind in values.get("allowed_file_types") or []]
    file_types = list(dict.fromkeys(kind for kind in file_types if kind))
    if any(not FILE_TYPE.match(kind) for kind in file_types):
        errors["allowed_file_types"] = [
            _("Give file extensions such as pdf, docx or png, separated by commas.")
        ]
    values["allowed_file_types"] = file_types
    try:
        values["translations"] = _clean_translations(values.get("translations") or {})
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        _validate_question(values)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if values.get("kind") not in CHOICE_KINDS:
        values["choices"] = []
    if values.get("kind") != QuestionKind.FILE:
        values["allowed_file_types"], values["max_file_mb"] = [], None
    return values


@transaction.atomic
def question_update(
    *, actor: Any, question: Question, section: Section | None, data: Mapping[str, Any]
) -> Question:
    """Change a question. Moved to another section, it becomes that section's last question."""
    _require_manager(actor)
    call = _locked(question.call)
    _refuse_after_opening(call, _("form"))
    question = _fresh(Question, question, call)
    if section is not None and section.call_id != call.pk:
        raise ValidationError({"section": [_("This section belongs to another call.")]})
    values = _clean_question({**{name: getattr(question, name) for name in QUESTION_FIELDS}, **data})
    before_label, before_section = question.label, question.section
    changes = apply_changes(question, values)
    if question.section_id != (section.pk if section else None):
        question.section = section
        question.position = _next_position(call.questions)
        changes["section"] = [
            before_section.title if before_section else None,
            section.title if section else None,
        ]
    if changes:
        question.save()
        changes.pop("label", None)
        changes["question"] = [before_label, question.label]
        audit_record(actor=actor, action="call.question_update", target=call, changes=changes)
    return question


@transaction.atomic
def question_delete(*, actor: Any, question: Question) -> None:
    _require_manager(actor)
    call = _locked(question.call)
    _refuse_after_opening(call, _("form"))
    _refuse_if_applied(call, _("form"))
    question = _fresh(Question, question, call)
    label = question.label
    question.delete()
    audit_record(actor=actor, action="call.question_delete", target=call, changes={"question": [label, None]})


@transaction.atomic
def question_move(*, actor: Any, question: Question, direction: str) -> Question:
    """Move a question up or down within its section (or among the questions without a section)."""
    _require_manager(actor)
    call = _locked(question.call)
    _refuse_after_opening(call, _("form"))
    question = _fresh(Question, question, call)
    if question.section_id is None:
        siblings = call.questions.filter(section__isnull=True)
    else:
        siblings = call.questions.filter(section_id=question.section_id)
    before = list(siblings.order_by("position").values_list("label", flat=True))
    if _swap(question, siblings, direction) is not None:
        after = list(siblings.order_by("position").values_list("label", flat=True))
        audit_record(
            actor=actor, action="call.question_move", target=call, changes={"questions": [before, after]}
        )
    return question


def _form_outline(call: Call) -> list[str]:
    """The form in a few words, for the audit log: the questions without a section, then each section."""
    questions = list(call.questions.order_by("position").values_list("section_id", "label"))
    lines = [label for section_id, label in questions if section_id is None]
    for pk, title in call.sections.order_by("position").values_list("pk", "title"):
        labels = [label for section_id, label in questions if section_id == pk]
        lines.append(f"{title}: {' | '.join(labels) or '—'}")
    return lines


@transaction.atomic
def form_replace(
    *,
    actor: Any,
    call: Call,
    questions: Sequence[Mapping[str, Any]] = (),
    sections: Sequence[Mapping[str, Any]] = (),
) -> tuple[list[Section], list[Question]]:
    """Replace the whole form: ``questions`` without a section (asked first), then ``sections``, each a
    ``title`` and its ``questions``. Every question as ``question_create`` takes it."""
    _require_manager(actor)
    call = _locked(call)
    _refuse_after_opening(call, _("form"))
    errors: dict[str, list[str]] = {}
    loose: list[dict[str, Any]] = []
    for index, question in enumerate(questions):
        try:
            loose.append(_clean_question(question))
        except ValidationError as error:
            _prefixed(errors, f"questions.{index}", error)
    grouped: list[tuple[str, list[dict[str, Any]]]] = []
    for number, section in enumerate(sections):
        try:
            title = _section_title(str(section.get("title") or ""))
        except ValidationError as error:
            _prefixed(errors, f"sections.{number}", error)
            title = ""
        items: list[dict[str, Any]] = []
        for index, question in enumerate(section.get("questions") or []):
            try:
                items.append(_clean_question(question))
            except ValidationError as error:
                _prefixed(errors, f"sections.{number}.questions.{index}", error)
        grouped.append((title, items))
    if errors:
        raise ValidationError(errors)
    before = _form_outline(call)
    if call.questions.exists():
        _refuse_if_applied(call, _("form"))
    call.questions.all().delete()
    call.sections.all().delete()
    new_sections = Section.objects.bulk_create(
        Section(call=call, position=position, title=title)
        for position, (title, _items) in enumerate(grouped, start=1)
    )
    rows = [(None, values) for values in loose] + [
        (new_section, values)
        for new_section, (_title, items) in zip(new_sections, grouped, strict=True)
        for values in items
    ]
    new_questions = Question.objects.bulk_create(
        Question(call=call, section=section, position=position, **values)
        for position, (section, values) in enumerate(rows, start=1)
    )
    after = _form_outline(call)
    if before != after:
        audit_record(actor=actor, action="call.form_replace", target=call, changes={"form": [before, after]})
    return new_sections, new_questions


# --- Themes -------------------------------------------------------------------------------------------


@transaction.atomic
def theme_rename(*, actor: Any, theme: Theme, name: str) -> Theme:
    """Rename a theme. Its short name stays, so that links filtering calls by theme keep working."""
    _require_manager(actor)
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Enter the theme's name.")]})
    if len(name) > 80:
        raise ValidationError({"name": [_("Keep the name to 80 characters or fewer.")]})
    if Theme.objects.filter(name__iexact=name).exclude(pk=theme.pk).exists():
        raise ValidationError({"name": [_("This theme already exists.")]})
    before = theme.name
    if before != name:
        theme.name = name
        theme.save(update_fields=["name"])
        audit_record(actor=actor, action="theme.rename", target=theme, changes={"name": [before, name]})
    return theme
