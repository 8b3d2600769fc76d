"""Reads of reviews: a reviewer's assignments and one review's sheet, the managers' reviewer loads and
assignment table, and the ranking of a call. Each takes a fixed number of queries.

``get_review_for_user`` is the access getter of a review (same contract as ``calls.access``): a review is
seen by its own reviewer only, while it is live (assigned, in progress or submitted) and they still hold
the reviewer role; a recused review no longer exists for them (404).
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Round

from seedbed.calls import access
from seedbed.calls.models import (
    LIVE_REVIEW_STATUSES,
    AgendaItem,
    Application,
    ApplicationFile,
    ApplicationStatus,
    Call,
    Criterion,
    Eligibility,
    Question,
    QuestionKind,
    Review,
    ReviewStatus,
    Score,
)
from seedbed.core.models import Membership, User
from seedbed.core.roles import Role

TOTAL_FIELD: DecimalField[Decimal, Decimal] = DecimalField(max_digits=4, decimal_places=3)
TOTAL_PLACES = Decimal("0.001")


def as_total(value: Any) -> Decimal | None:
    """A mean or spread as shown and exported: three places, half to even (PostgreSQL's AVG has more)."""
    if value is None:
        return None
    return Decimal(value).quantize(TOTAL_PLACES, rounding=ROUND_HALF_EVEN)


# --- The reviewer pool ---------------------------------------------------------------------------------


def reviewer_pool() -> QuerySet[User]:
    """Everyone who may be assigned reviews: active users with the reviewer role."""
    return User.objects.filter(role_grants__role=Role.REVIEWER, is_active=True)


def eligible_reviewers(application: Application) -> QuerySet[User]:
    """The pool without the applicant's members, declared conflicts and people already assigned, each
    with ``load``: their live reviews in the application's call. Least loaded first."""
    return (
        reviewer_pool()
        .exclude(reviews__application=application)
        .exclude(conflicts__application=application)
        .exclude(memberships__organization=application.organization_id)
        .annotate(
            load=Count(
                "reviews",
                filter=Q(
                    reviews__application__call=application.call_id,
                    reviews__status__in=LIVE_REVIEW_STATUSES,
                ),
            )
        )
        .order_by("load", "pk")
    )


def identity_visible_annotation(user: Any, prefix: str = "application__") -> Any:
    """``access.identity_visible`` as a boolean expression over a queryset (of reviews with
    ``prefix="application__"``, of applications with ``prefix=""``), so that lists need no query per row."""
    if access.can_manage_applications(user):
        return Value(True, output_field=BooleanField())
    application = OuterRef(f"{prefix}pk" if prefix else "pk")
    member = Exists(Membership.objects.filter(user=user, organization=OuterRef(f"{prefix}organization")))
    whens = [When(**{f"{prefix}call__blind_review": False}, then=Value(True)), When(member, then=Value(True))]
    if access.can_sit_on_committee(user):
        on_agenda = Exists(AgendaItem.objects.filter(application=application, meeting__members=user))
        whens.append(When(on_agenda, then=Value(True)))
    return Case(*whens, default=Value(False), output_field=BooleanField())


# --- A reviewer's assignments ---------------------------------------------------------------------------

REVIEW_STATUS_FILTERS = ("assigned", "draft", "submitted", "open")


def review_list(*, user: Any, call: str = "", status: str = "") -> QuerySet[Review]:
    """The reviewer's assignments: unfinished first, soonest due first. ``call`` is a call's short name;
    ``status`` one of ``REVIEW_STATUS_FILTERS`` (``open``: not yet submitted)."""
    qs = access.reviews_for_user(user)
    if call:
        qs = qs.filter(application__call__slug=call)
    if status == "open":
        qs = qs.exclude(status=ReviewStatus.SUBMITTED)
    elif status in REVIEW_STATUS_FILTERS:
        qs = qs.filter(status=status)
    return (
        qs.select_related("application__call", "application__stage")
        .annotate(
            identity_visible=identity_visible_annotation(user),
            done=Case(
                When(status=ReviewStatus.SUBMITTED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by(
            "done",
            F("application__stage__closes_at").asc(nulls_last=True),
            "application__call__slug",
            "application__number",
        )
    )


def reviewed_calls(user: Any) -> QuerySet[Call]:
    """The calls in which ``user`` has live reviews (the list's filter)."""
    return Call.objects.filter(pk__in=access.reviews_for_user(user).values("application__call")).order_by(
        "title"
    )


# --- One review's sheet -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CriterionLine:
    criterion: Criterion
    score: int | None
    comment: str


@dataclasses.dataclass(frozen=True)
class AnswerLine:
    question: Question
    label: str
    help_text: str
    answer: Any  # text, a list of choices, or None
    file: ApplicationFile | None


@dataclasses.dataclass(frozen=True)
class OtherReview:
    number: int  # "Reviewer 1": reviewers see each other's scores, not their names
    total: Decimal | None
    comment: str
    scores: list[CriterionLine]


@dataclasses.dataclass(frozen=True)
class ReviewSheet:
    review: Review
    application: Application
    identity_visible: bool
    criteria: list[CriterionLine]
    sections: list[tuple[str | None, list[AnswerLine]]]
    # Other reviewers' submitted reviews: None until this one is submitted, then a list (maybe empty).
    others: list[OtherReview] | None

    @property
    def submitted(self) -> bool:
        return self.review.status == ReviewStatus.SUBMITTED


def _answer_value(question: Question, value: Any) -> Any:
    if value in (None, "", []):
        return None
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value)


def review_sheet(*, review: Review, user: Any, language: str) -> ReviewSheet:
    """What the review page and API show: the rubric with the reviewer's scores, the application's answers
    (in a blind call without the identifying ones), and the other submitted reviews once this one is."""
    application = review.application
    call = application.call
    visible = access.identity_visible(user, application)
    criteria = list(Criterion.objects.filter(call=call).order_by("position"))
    own = {score.criterion_id: score for score in Score.objects.filter(review=review)}
    lines = [
        CriterionLine(
            criterion=criterion,
            score=own[criterion.pk].score if criterion.pk in own else None,
            comment=own[criterion.pk].comment if criterion.pk in own else "",
        )
        for criterion in criteria
    ]
    questions = list(Question.objects.filter(call=call).select_related("section").order_by("position"))
    if not visible:
        questions = [question for question in questions if not question.hidden_in_blind_review]
    files = {
        stored.question_id: stored
        for stored in ApplicationFile.objects.filter(
            application=application, question__in=[question.pk for question in questions]
        )
    }
    loose: list[AnswerLine] = []
    grouped: dict[int, tuple[int, str, list[AnswerLine]]] = {}
    for question in questions:
        label, help_text = question.translated(language)
        line = AnswerLine(
            question=question,
            label=label,
            help_text=help_text,
            answer=_answer_value(question, (application.answers or {}).get(str(question.pk))),
            file=files.get(question.pk) if question.kind == QuestionKind.FILE else None,
        )
        if question.section is None:
            loose.append(line)
        else:
            grouped.setdefault(question.section.pk, (question.section.position, question.section.title, []))[
                2
            ].append(line)
    sections: list[tuple[str | None, list[AnswerLine]]] = [(None, loose)] if loose else []
    sections.extend(
        (title, items) for _position, title, items in sorted(grouped.values(), key=lambda g: g[0])
    )
    others: list[OtherReview] | None = None
    if review.status == ReviewStatus.SUBMITTED:
        by_criterion = {criterion.pk: criterion for criterion in criteria}
        others = []
        submitted = (
            Review.objects.filter(application=application, status=ReviewStatus.SUBMITTED)
            .exclude(pk=review.pk)
            .prefetch_related(Prefetch("scores", queryset=Score.objects.order_by("criterion__position")))
            .order_by("submitted_at", "pk")
        )
        for number, other in enumerate(submitted, start=1):
            scores = {score.criterion_id: score for score in other.scores.all()}
            others.append(
                OtherReview(
                    number=number,
                    total=other.total,
                    comment=other.comment,
                    scores=[
                        CriterionLine(
                            criterion=by_criterion[criterion_id],
                            score=scores[criterion_id].score,
                            comment=scores[criterion_id].comment,
                        )
                        for criterion_id in by_criterion
                        if criterion_id in scores
                    ],
                )
            )
    return ReviewSheet(
        review=review,
        application=application,
        identity_visible=visible,
        criteria=lines,
        sections=sections,
        others=others,
    )


# --- Managers: reviewers and assignments ----------------------------------------------------------------


def reviewer_loads(call: Call) -> QuerySet[User]:
    """Every active reviewer with their reviews in ``call``: ``live``, ``not_started``, ``in_progress``,
    ``submitted``. Most loaded first."""
    in_call = Q(reviews__application__call=call)
    return (
        reviewer_pool()
        .annotate(
            live=Count("reviews", filter=in_call & Q(reviews__status__in=LIVE_REVIEW_STATUSES)),
            not_started=Count("reviews", filter=in_call & Q(reviews__status=ReviewStatus.ASSIGNED)),
            in_progress=Count("reviews", filter=in_call & Q(reviews__status=ReviewStatus.DRAFT)),
            submitted=Count("reviews", filter=in_call & Q(reviews__status=ReviewStatus.SUBMITTED)),
        )
        .order_by("-live", "full_name", "username", "pk")
    )


def assignable_applications(call: Call) -> QuerySet[Application]:
    """The call's submitted applications, each with ``live`` reviews, by number."""
    return (
        Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED)
        .select_related("call")
        .annotate(live=Count("reviews", filter=Q(reviews__status__in=LIVE_REVIEW_STATUSES)))
        .order_by("number")
    )


def assignment_table(call: Call, stage: int | None = None, short_only: bool = False) -> QuerySet[Application]:
    """The call's submitted applications with their reviews (every status) and reviewers prefetched;
    ``stage`` is a stage's position; ``short_only`` keeps those with fewer live reviews than the call
    wants."""
    qs = (
        assignable_applications(call)
        .select_related("organization", "stage")
        .only("call__slug", "number", "title", "organization__name", "stage__name", "stage__kind")
    )
    if stage:
        qs = qs.filter(stage__position=stage)
    if short_only:
        qs = qs.filter(Q(live__lt=call.reviewers_per_application))
    return qs.prefetch_related(
        Prefetch(
            "reviews",
            queryset=Review.objects.select_related("reviewer").order_by("assigned_at", "pk"),
        )
    )


# --- The ranking --------------------------------------------------------------------------------------

RANKING_SORTS: dict[str, tuple[Any, ...]] = {
    "-mean": (F("mean").desc(nulls_last=True), "number"),
    "mean": (F("mean").asc(nulls_last=True), "number"),
    "-spread": (F("spread").desc(nulls_last=True), F("mean").desc(nulls_last=True), "number"),
    "-reviews": ("-submitted_reviews", F("mean").desc(nulls_last=True), "number"),
    "number": ("number",),
}
RANKING_COLUMNS = (
    "call__slug",
    "number",
    "title",
    "eligibility",
    "organization__name",
    "organization__country__name",
    "stage__name",
    "stage__kind",
)
ELIGIBILITY_FILTERS = {"eligible", "to_verify", "ineligible", "none"}


@dataclasses.dataclass(frozen=True)
class RankingFilters:
    stage: int | None = None  # a stage's position in the call
    eligibility: str = ""  # an Eligibility value, or "none" for not screened
    disagreement: bool = False
    min_reviews: int = 0  # submitted reviews
    sort: str = "-mean"

    @classmethod
    def from_mapping(cls, data: Any) -> RankingFilters:
        def number(name: str) -> int | None:
            try:
                value = int(data.get(name) or 0)
            except (TypeError, ValueError):
                return None
            return value if 0 < value <= 10_000 else None

        eligibility = data.get("eligibility") or ""
        sort = data.get("sort") or "-mean"
        return cls(
            stage=number("stage"),
            eligibility=eligibility if eligibility in ELIGIBILITY_FILTERS else "",
            disagreement=str(data.get("disagreement") or "").lower() in {"1", "on", "true", "yes"},
            min_reviews=number("min_reviews") or 0,
            sort=sort if sort in RANKING_SORTS else "-mean",
        )


def ranking(*, call: Call, filters: RankingFilters | None = None) -> QuerySet[Application]:
    """Each submitted application of ``call`` with its submitted reviews' ``mean`` total, ``high``,
    ``low``, ``spread``, ``submitted_reviews``, ``live_reviews`` and ``disagreement`` (spread at or above
    the call's ``disagreement_spread``). One query per page, however many applications."""
    filters = filters or RankingFilters()
    submitted = Q(reviews__status=ReviewStatus.SUBMITTED)
    # Spreads are compared in thousandths, as whole numbers: SQLite computes with binary floats, in which
    # 4.1 - 2.6 is a hair under 1.5.
    threshold = int(call.disagreement_spread * 1000)
    qs = (
        Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED)
        .select_related("call", "organization__country", "stage")
        # Only what the table shows: SQLite groups by every selected column, and answers are long.
        .only(*RANKING_COLUMNS)
        .annotate(
            mean=Avg("reviews__total", filter=submitted, output_field=TOTAL_FIELD),
            high=Max("reviews__total", filter=submitted),
            low=Min("reviews__total", filter=submitted),
            submitted_reviews=Count("reviews", filter=submitted),
            live_reviews=Count("reviews", filter=Q(reviews__status__in=LIVE_REVIEW_STATUSES)),
        )
        .annotate(
            spread=ExpressionWrapper(F("high") - F("low"), output_field=TOTAL_FIELD),
            spread_thousandths=Round(
                ExpressionWrapper((F("high") - F("low")) * Value(1000), output_field=TOTAL_FIELD)
            ),
        )
        .annotate(
            disagreement=Case(
                When(spread_thousandths__gte=threshold, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if filters.stage:
        qs = qs.filter(stage__position=filters.stage)
    if filters.eligibility == "none":
        qs = qs.filter(eligibility=Eligibility.NOT_SCREENED)
    elif filters.eligibility:
        qs = qs.filter(eligibility=filters.eligibility)
    if filters.disagreement:
        qs = qs.filter(spread_thousandths__gte=threshold)
    if filters.min_reviews:
        qs = qs.filter(submitted_reviews__gte=filters.min_reviews)
    return qs.order_by(*RANKING_SORTS.get(filters.sort, RANKING_SORTS["-mean"]))
