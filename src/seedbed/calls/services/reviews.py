"""Reviews: assigning reviewers (by hand or automatically), conflicts of interest, and scoring.

Who may review an application: an active user with the reviewer role who is not a member of the
applicant's organization and has not declared a conflict of interest on it. A person reviews an
application at most once (a recused reviewer is not assigned again).

Automatic assignment balances the load within a call: each application gets the eligible reviewers with
the fewest live reviews in that call (ties go to the earliest account, so that a run is reproducible),
and an application that already has reviewers is only topped up. It reads the pool, the loads, the
existing reviews, conflicts and memberships once per call and writes with ``bulk_create``, so hundreds of
applications take a handful of queries.

Assignment locks the call's row, so that two managers pressing "assign automatically" at once, or a
conflict declared during a run, queue up instead of over-staffing an application.

A review's ``total`` is the weighted mean of its scores by criterion weight, exact to three places
(``ROUND_HALF_EVEN``); it is set on submission only.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.calls import access
from seedbed.calls.models import (
    LIVE_REVIEW_STATUSES,
    AgendaItem,
    Application,
    ApplicationStatus,
    Call,
    Conflict,
    Criterion,
    Review,
    ReviewStatus,
    Score,
)
from seedbed.calls.selectors.reviews import eligible_reviewers, reviewer_pool
from seedbed.core.access import is_signed_in
from seedbed.core.audit import audit_record
from seedbed.core.models import Membership, RoleGrant, User
from seedbed.core.roles import Role

TOTAL_PLACES = Decimal("0.001")


@dataclasses.dataclass(frozen=True)
class AutoAssignment:
    """What ``reviews_assign_auto`` did: the reviews it created, and the applications it could not staff
    fully, each with the number of reviewers still missing."""

    reviews: list[Review]
    understaffed: list[tuple[Application, int]]


def _require_manager(actor: Any) -> None:
    """``actor=None`` is the system (demo, commands); a person must manage applications."""
    if actor is not None and not access.can_manage_applications(actor):
        raise PermissionDenied


def _by(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock_call(call_id: int) -> Call:
    return Call.objects.select_for_update().get(pk=call_id)


def _require_submitted(application: Application) -> None:
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(
            _("%(reference)s is %(status)s; only submitted applications are reviewed.")
            % {"reference": application.reference, "status": application.get_status_display().lower()},
            code="review_not_submitted",
        )


def weighted_mean(pairs: Iterable[tuple[int, int]]) -> Decimal:
    """The mean of ``(score, weight)`` pairs weighted by weight, to three places, half to even."""
    pairs = list(pairs)
    weights = sum(weight for _score, weight in pairs)
    if not weights:
        raise ValueError("no weight")
    with localcontext() as context:
        context.prec = 50
        mean = Decimal(sum(score * weight for score, weight in pairs)) / Decimal(weights)
        return mean.quantize(TOTAL_PLACES, rounding=ROUND_HALF_EVEN)


def _loads(call: Call) -> dict[int, int]:
    rows = (
        Review.objects.filter(application__call=call, status__in=LIVE_REVIEW_STATUSES)
        .order_by()
        .values("reviewer")
        .annotate(n=Count("pk"))
        .values_list("reviewer", "n")
    )
    return dict(rows)


# --- Assignment ---------------------------------------------------------------------------------------


@transaction.atomic
def reviews_assign(*, actor: Any, application: Application, reviewers: Sequence[User]) -> list[Review]:
    """A manager assigns ``reviewers`` to ``application``; those already assigned are skipped. Refused
    (nothing assigned) if anyone lacks the reviewer role, belongs to the applicant's organization or has
    declared a conflict on it."""
    _require_manager(actor)
    _lock_call(application.call_id)
    application = Application.objects.select_related("call", "organization").get(pk=application.pk)
    _require_submitted(application)
    chosen = list({reviewer.pk: reviewer for reviewer in reviewers}.values())
    if not chosen:
        raise ValidationError(
            {"reviewers": ValidationError(_("Choose at least one reviewer."), code="reviewers_empty")}
        )
    ids = [reviewer.pk for reviewer in chosen]
    with_role = set(
        RoleGrant.objects.filter(user__in=ids, role=Role.REVIEWER, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    members = set(
        Membership.objects.filter(organization=application.organization_id, user__in=ids).values_list(
            "user_id", flat=True
        )
    )
    conflicted = set(
        Conflict.objects.filter(application=application, user__in=ids).values_list("user_id", flat=True)
    )
    existing = set(
        Review.objects.filter(application=application, reviewer__in=ids).values_list("reviewer_id", flat=True)
    )
    errors: list[ValidationError] = []
    for reviewer in chosen:
        if reviewer.pk not in with_role:
            errors.append(
                ValidationError(
                    _("%(name)s is not a reviewer.") % {"name": reviewer}, code="reviewer_not_reviewer"
                )
            )
        elif reviewer.pk in members:
            errors.append(
                ValidationError(
                    _("%(name)s is a member of the applicant's organization.") % {"name": reviewer},
                    code="reviewer_is_applicant",
                )
            )
        elif reviewer.pk in conflicted:
            errors.append(
                ValidationError(
                    _("%(name)s has declared a conflict of interest on this application.")
                    % {"name": reviewer},
                    code="reviewer_conflict",
                )
            )
    if errors:
        raise ValidationError({"reviewers": errors})
    created = Review.objects.bulk_create(
        Review(application=application, reviewer=reviewer, assigned_by=_by(actor))
        for reviewer in chosen
        if reviewer.pk not in existing
    )
    if created:
        audit_record(
            actor=actor,
            action="application.reviewers_assign",
            target=application,
            changes={"reviewers": [None, [str(review.reviewer) for review in created]]},
        )
    return created


@transaction.atomic
def reviews_assign_many(
    *, actor: Any, applications: Iterable[Application], reviewers: Sequence[User]
) -> list[Review]:
    """``reviews_assign`` for several applications, all or nothing."""
    created: list[Review] = []
    for application in applications:
        created.extend(reviews_assign(actor=actor, application=application, reviewers=reviewers))
    return created


@transaction.atomic
def reviews_assign_auto(
    *, actor: Any, applications: Iterable[Application], per_application: int | None = None
) -> AutoAssignment:
    """Give each application ``per_application`` live reviews (default: its call's
    ``reviewers_per_application``), topping up those that have fewer, from the least loaded eligible
    reviewers. Applications that run out of eligible reviewers are reported, not refused."""
    _require_manager(actor)
    if per_application is not None and not 1 <= per_application <= 50:
        raise ValidationError(
            {
                "per_application": ValidationError(
                    _("Choose between 1 and 50 reviewers per application."), code="reviewers_per_application"
                )
            }
        )
    pks = sorted({application.pk for application in applications})
    rows = list(
        Application.objects.filter(pk__in=pks).select_related("call").order_by("call_id", "number", "pk")
    )
    for application in rows:
        _require_submitted(application)
    by_call: dict[int, list[Application]] = defaultdict(list)
    for application in rows:
        by_call[application.call_id].append(application)
    pool: dict[int, User] = {user.pk: user for user in reviewer_pool().order_by("pk")}
    created: list[Review] = []
    understaffed: list[tuple[Application, int]] = []
    for call_id, call_applications in by_call.items():
        call = _lock_call(call_id)
        wanted = per_application or call.reviewers_per_application
        in_call = Application.objects.filter(pk__in=[application.pk for application in call_applications])
        loads = _loads(call)
        taken: dict[int, set[int]] = defaultdict(set)  # reviewers with any review row, recused included
        live: dict[int, int] = defaultdict(int)
        for application_id, reviewer_id, status in Review.objects.filter(application__in=in_call).values_list(
            "application_id", "reviewer_id", "status"
        ):
            taken[application_id].add(reviewer_id)
            if status in LIVE_REVIEW_STATUSES:
                live[application_id] += 1
        for application_id, user_id in Conflict.objects.filter(application__in=in_call).values_list(
            "application_id", "user_id"
        ):
            taken[application_id].add(user_id)
        members: dict[int, set[int]] = defaultdict(set)
        for organization_id, user_id in Membership.objects.filter(
            organization__in=in_call.values("organization"), user__in=reviewer_pool()
        ).values_list("organization_id", "user_id"):
            members[organization_id].add(user_id)
        new: list[Review] = []
        call_understaffed: list[tuple[Application, int]] = []
        for application in call_applications:
            application.call = call
            need = wanted - live[application.pk]
            if need <= 0:
                continue
            excluded = taken[application.pk] | members[application.organization_id]
            candidates = sorted(
                (user_id for user_id in pool if user_id not in excluded),
                key=lambda user_id: (loads.get(user_id, 0), user_id),
            )[:need]
            for user_id in candidates:
                loads[user_id] = loads.get(user_id, 0) + 1
                new.append(Review(application=application, reviewer=pool[user_id], assigned_by=_by(actor)))
            if len(candidates) < need:
                call_understaffed.append((application, need - len(candidates)))
        created_here = Review.objects.bulk_create(new)
        created.extend(created_here)
        understaffed.extend(call_understaffed)
        if created_here or call_understaffed:
            audit_record(
                actor=actor,
                action="call.reviewers_assign_auto",
                target=call,
                changes={
                    "per_application": [None, wanted],
                    "assigned": [
                        None,
                        [f"{review.application.reference}: {review.reviewer}" for review in created_here],
                    ],
                    "understaffed": [
                        None,
                        [f"{application.reference}: {missing}" for application, missing in call_understaffed],
                    ],
                },
            )
    return AutoAssignment(reviews=created, understaffed=understaffed)


# --- Conflicts of interest ------------------------------------------------------------------------------


@transaction.atomic
def conflict_declare(*, actor: Any, application: Application, note: str) -> Conflict:
    """A reviewer or committee member declares a conflict of interest on ``application``. Their live
    review is recused (they see nothing more of the application) and the least loaded eligible reviewer
    replaces them, if there is one."""
    if not is_signed_in(actor):
        raise PermissionDenied
    call = _lock_call(application.call_id)
    application = Application.objects.select_related("call", "organization").get(pk=application.pk)
    review = (
        Review.objects.select_for_update()
        .filter(application=application, reviewer=actor, status__in=LIVE_REVIEW_STATUSES)
        .first()
    )
    on_agenda = (
        access.can_sit_on_committee(actor)
        and AgendaItem.objects.filter(application=application, meeting__members=actor).exists()
    )
    if review is None and not on_agenda:
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": ValidationError(_("Say briefly what ties you to the applicant."), code="conflict_note")}
        )
    # Declared already (e.g. as a committee member): a live review is still recused; nothing else to do.
    conflict = Conflict.objects.filter(application=application, user=actor).first()
    if conflict is not None and review is None:
        raise ValidationError(
            _("You have already declared a conflict of interest on this application."),
            code="conflict_exists",
        )
    changes: dict[str, Any] = {}
    if conflict is None:
        conflict = Conflict.objects.create(application=application, user=actor, note=note)
        changes["conflict"] = [None, note]
    if review is not None:
        before = review.status
        review.status = ReviewStatus.RECUSED
        review.total = None
        review.save(update_fields=["status", "total"])
        changes["review"] = [before, review.status]
        application.call = call
        replacement = eligible_reviewers(application).first()
        if replacement is not None:
            Review.objects.create(application=application, reviewer=replacement, assigned_by=None)
        changes["replacement"] = [None, str(replacement) if replacement else None]
    audit_record(actor=actor, action="application.conflict_declare", target=application, changes=changes)
    return conflict


# --- Scoring -------------------------------------------------------------------------------------------


def _score_errors(
    scores: Mapping[Any, tuple[int | None, str]], criteria: Mapping[int, Criterion]
) -> tuple[dict[int, tuple[int | None, str]], dict[str, list[ValidationError]]]:
    cleaned: dict[int, tuple[int | None, str]] = {}
    errors: dict[str, list[ValidationError]] = {}
    for key, value in scores.items():
        field = f"scores.{key}"
        try:
            criterion_id = int(key)
        except (TypeError, ValueError):
            criterion_id = 0
        if criterion_id not in criteria:
            errors[field] = [
                ValidationError(_("This criterion is not in the call's rubric."), code="score_criterion")
            ]
            continue
        score, comment = value
        if score is not None and (
            isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5
        ):
            errors[field] = [ValidationError(_("A score is a whole number from 1 to 5."), code="score_range")]
            continue
        cleaned[criterion_id] = (score, str(comment or "").strip())
    return cleaned, errors


@transaction.atomic
def review_save(
    *,
    actor: Any,
    review: Review,
    scores: Mapping[int, tuple[int | None, str]],
    comment: str,
    submit: bool,
) -> Review:
    """Save the reviewer's scores (``{criterion id: (score or None, comment)}``; criteria left out keep
    what was saved) as a draft, or submit them: every criterion then needs a score from 1 to 5, and the
    total becomes their weighted mean. Only the review's reviewer; refused once submitted or recused."""
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("application__call").get(pk=review.pk)
    )
    if not is_signed_in(actor) or review.reviewer_id != actor.pk:
        raise PermissionDenied
    if review.status == ReviewStatus.RECUSED:
        raise ValidationError(
            _("You declared a conflict of interest on this application: you no longer review it."),
            code="review_recused",
        )
    if review.status == ReviewStatus.SUBMITTED:
        raise ValidationError(
            _("This review has been submitted. A fund manager can reopen it if it needs to change."),
            code="review_submitted",
        )
    criteria = {
        criterion.pk: criterion
        for criterion in Criterion.objects.filter(call=review.application.call_id).order_by("position")
    }
    cleaned, errors = _score_errors(scores, criteria)
    if errors:
        raise ValidationError(errors)
    existing = {score.criterion_id: score for score in Score.objects.filter(review=review)}
    merged = {criterion_id: (score.score, score.comment) for criterion_id, score in existing.items()}
    merged.update(cleaned)
    if submit:
        if not criteria:
            raise ValidationError(
                _("The call has no rubric yet: there is nothing to score."), code="review_no_rubric"
            )
        missing = {
            f"scores.{criterion_id}": [
                ValidationError(
                    _("Score this criterion from 1 to 5 before submitting."), code="score_missing"
                )
            ]
            for criterion_id in criteria
            if merged.get(criterion_id, (None, ""))[0] is None
        }
        if missing:
            raise ValidationError(missing)
    to_create: list[Score] = []
    to_update: list[Score] = []
    for criterion_id, (score, text) in cleaned.items():
        stored = existing.get(criterion_id)
        if stored is None:
            to_create.append(Score(review=review, criterion_id=criterion_id, score=score, comment=text))
        elif (stored.score, stored.comment) != (score, text):
            stored.score, stored.comment = score, text
            to_update.append(stored)
    Score.objects.bulk_create(to_create)
    Score.objects.bulk_update(to_update, ["score", "comment"])
    before = {"status": review.status, "total": review.total, "comment": review.comment}
    review.comment = (comment or "").strip()
    if submit:
        review.total = weighted_mean(
            (int(merged[criterion_id][0] or 0), criterion.weight)
            for criterion_id, criterion in criteria.items()
        )
        review.status = ReviewStatus.SUBMITTED
        review.submitted_at = timezone.now()
    else:
        review.status = ReviewStatus.DRAFT
    review.save(update_fields=["comment", "total", "status", "submitted_at"])
    changes: dict[str, Any] = {
        name: [before[name], getattr(review, name)]
        for name in ("status", "total", "comment")
        if before[name] != getattr(review, name)
    }
    names = {criterion_id: criterion.name for criterion_id, criterion in criteria.items()}
    old_scores = {names[cid]: score.score for cid, score in existing.items() if cid in names}
    new_scores = {names[cid]: value[0] for cid, value in merged.items() if cid in names}
    if old_scores != new_scores:
        changes["scores"] = [old_scores, new_scores]
    old_comments = {names[cid]: score.comment for cid, score in existing.items() if cid in names}
    new_comments = {names[cid]: value[1] for cid, value in merged.items() if cid in names}
    if old_comments != new_comments:
        changes["comments"] = [old_comments, new_comments]
    audit_record(
        actor=actor, action="review.submit" if submit else "review.save", target=review, changes=changes
    )
    return review


@transaction.atomic
def review_reopen(*, actor: Any, review: Review, reason: str = "") -> Review:
    """A manager sends a submitted review back to its reviewer as a draft (its total no longer counts)."""
    _require_manager(actor)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted review can be reopened."), code="review_not_reopenable")
    before_total = review.total
    review.status = ReviewStatus.DRAFT
    review.total = None
    review.submitted_at = None
    review.save(update_fields=["status", "total", "submitted_at"])
    changes: dict[str, Any] = {
        "status": [ReviewStatus.SUBMITTED.value, review.status],
        "total": [before_total, None],
    }
    if reason.strip():
        changes["reason"] = [None, reason.strip()]
    audit_record(actor=actor, action="review.reopen", target=review, changes=changes)
    return review
