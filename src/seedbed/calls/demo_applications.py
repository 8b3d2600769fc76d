"""Demo applications: about 200 to the open sample call, spread across its stages, with reviews in
progress and a committee meeting scheduled; and the decided applications of the 2018 cohorts.

Everything is generated from ``random.Random(2018)`` so every machine gets the same data, and everything
is sample data: the organizations created here say "(sample)" in their name, the applications are flagged
``is_sample``. Rows are written in bulk (the demo must load in seconds), with the same invariants the
services keep: submitted applications have a stage and a submission time, submitted reviews a total.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from seedbed.calls.models import (
    AgendaItem,
    Application,
    ApplicationFile,
    ApplicationMessage,
    ApplicationStatus,
    Call,
    CheckResult,
    Criterion,
    Eligibility,
    EligibilityCheck,
    Meeting,
    MessageKind,
    Outcome,
    Question,
    QuestionKind,
    Review,
    ReviewStatus,
    Score,
    StageKind,
    Vote,
    VoteChoice,
)
from seedbed.calls.selectors.calls import applicant_rules
from seedbed.calls.services.applications import eligibility_screen
from seedbed.core.models import Country, Membership, Organization, OrganizationKind, User
from seedbed.core.roles import Role

RANDOM_SEED = 2018
SAMPLE_SUFFIX = " (sample)"

# How the ~200 applications to the open call are spread: (stage kind, how many).
OPEN_CALL_SPREAD: Sequence[tuple[str, int]] = (
    (StageKind.EXPRESSION_OF_INTEREST, 58),
    (StageKind.ELIGIBILITY, 46),
    (StageKind.SHORTLIST, 36),
    (StageKind.DUE_DILIGENCE, 18),
    (StageKind.COMMITTEE, 8),
    (StageKind.DECISION, 6),  # declined after the eligibility screening
)
OPEN_CALL_DRAFTS = 18
OPEN_CALL_WITHDRAWN = 10
COHORT_APPLICATIONS = 14
COHORT_AWARDED = 5
SAMPLE_REVIEWERS = 8
SAMPLE_COMMITTEE = 4

_WORDS_A = (
    "Bright", "Clear", "Open", "Little", "Kind", "Safe", "Green", "Swift", "Wise", "Brave",
    "Quiet", "Sunny", "True", "Gentle", "Bold", "Early", "Happy", "Lucky", "Steady", "Young",
)  # fmt: skip
_WORDS_B = (
    "Path", "Steps", "Voices", "Minds", "Roots", "Wells", "Books", "Maps", "Seeds", "Bridges",
    "Signals", "Lights", "Hands", "Circles", "Sparks",
)  # fmt: skip
_DOMAINS = (
    ("learning", "Children learn to read with offline lessons on shared phones."),
    ("health", "Community health workers track children's growth and vaccinations."),
    ("water", "Villages report broken water points and see them repaired."),
    ("identity", "Birth registration records that families can carry and prove."),
    ("connectivity", "Schools find out how fast their connection is and report it."),
    ("nutrition", "Parents get reminders and advice on feeding their young children."),
    ("safety", "Young people report online abuse to a trusted helpline."),
    ("climate", "Early warnings of floods reach schools and families in time."),
)
# What each domain's solutions are called: "Bold Maps Identity (sample)" applies with "Bold Birth Register".
_PRODUCTS = {
    "learning": "Reader",
    "health": "Growth Tracker",
    "water": "Water Watch",
    "identity": "Birth Register",
    "connectivity": "School Speed",
    "nutrition": "Feeding Guide",
    "safety": "Help Line",
    "climate": "Flood Alert",
}
_LICENCES = ("Apache-2.0", "MIT", "GPL-3.0-or-later", "AGPL-3.0", "MPL-2.0")
_PLANS = (
    "Ship the first public release, run a pilot with two schools and publish the results.",
    "Harden the prototype, write the documentation and grow a community of contributors.",
    "Translate the interface, test it with 500 families and prepare the Digital Public Good nomination.",
    "Integrate with the ministry's data system and train the first 50 health workers.",
)
# A minimal valid PDF: what the demo's "budget" files hold.
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _name(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    while True:
        first, second = rng.choice(_WORDS_A), rng.choice(_WORDS_B)
        domain, _problem = rng.choice(_DOMAINS)
        name = f"{first} {second} {domain.title()}"
        if name not in taken:
            taken.add(name)
            return name, domain


def _organizations(rng: random.Random, count: int) -> list[Organization]:
    """Sample applicant organizations in programme countries (a few elsewhere, to be screened out).

    Applicants come from the programme countries where the directory has a UNICEF country office (the 67
    countries of the seed's portfolio), so the investments the awards become stay in those countries; from
    any programme country when the directory has no country office.
    """
    existing = {
        org.name: org for org in Organization.objects.filter(name__endswith=SAMPLE_SUFFIX, is_sample=True)
    }
    programme_countries = Country.objects.filter(programme_country=True).order_by("iso2")
    with_office = programme_countries.filter(organizations__kind=OrganizationKind.COUNTRY_OFFICE).distinct()
    programme = list(with_office) or list(programme_countries)
    others = list(Country.objects.filter(programme_country=False).order_by("iso2"))
    taken: set[str] = set()
    wanted: list[Organization] = []
    for index in range(count):
        base, domain = _name(rng, taken)
        name = f"{base}{SAMPLE_SUFFIX}"
        pool = others if index % 23 == 7 and others else programme
        country = rng.choice(pool) if pool else None
        kind = OrganizationKind.ACADEMIC if index % 31 == 11 else OrganizationKind.STARTUP
        wanted.append(
            existing.get(name)
            or Organization(
                name=name,
                slug=slugify(name)[:80],
                kind=kind,
                country=country,
                website=f"https://{slugify(base)}.example.org",
                description=f"A sample team working on {domain}. Not a real organization.",
                is_sample=True,
            )
        )
    Organization.objects.bulk_create([org for org in wanted if org.pk is None])
    return list(
        Organization.objects.filter(name__in=[org.name for org in wanted])
        .select_related("country")
        .order_by("name")
    )


def _title(org: Organization) -> str:
    words = org.name.removesuffix(SAMPLE_SUFFIX).split()
    product = _PRODUCTS.get(words[-1].lower()) if len(words) == 3 else None
    return f"{words[0]} {product}" if product else org.name.removesuffix(SAMPLE_SUFFIX)


def _eligible(org: Organization) -> bool:
    """Whether the demo calls' automatic rules pass (programme country; startup or country office)."""
    in_programme = bool(org.country and org.country.programme_country)
    return in_programme and org.kind in (OrganizationKind.STARTUP, OrganizationKind.COUNTRY_OFFICE)


LATE_STAGES = frozenset({StageKind.SHORTLIST, StageKind.DUE_DILIGENCE, StageKind.COMMITTEE})


def _match(
    organizations: list[Organization], plan: Sequence[tuple[str, str | None, str]]
) -> tuple[list[Organization], list[Organization]]:
    """Organizations for ``plan``, in order, so that those the screening refuses never sit in a late
    stage nor win an award; and the ones left over."""
    ok = [org for org in organizations if _eligible(org)]
    bad = [org for org in organizations if not _eligible(org)]
    chosen = []
    for index, (_status, kind, outcome) in enumerate(plan):
        late = kind in LATE_STAGES or outcome == Outcome.AWARDED
        if not late and bad and index % 4 == 0:
            chosen.append(bad.pop(0))
        else:
            chosen.append(ok.pop(0) if ok else bad.pop(0))
    return chosen, ok + bad


def _people(prefix: str, count: int, role: str) -> list[User]:
    from seedbed.core.models import RoleGrant

    users = []
    for index in range(1, count + 1):
        username = f"{prefix}-{index}"
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@sample.seedbed.local",
                "full_name": f"{prefix.replace('-', ' ').title()} {index} (sample)",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        RoleGrant.objects.get_or_create(user=user, role=role)
        users.append(user)
    return users


def _answers(
    rng: random.Random, questions: list[Question], org: Organization, domain_problem: str
) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    product = slugify(org.name.removesuffix(SAMPLE_SUFFIX))
    for question in questions:
        kind, key = question.kind, str(question.pk)
        if kind == QuestionKind.LONG_TEXT:
            answers[key] = domain_problem if "problem" in question.label else rng.choice(_PLANS)
        elif kind == QuestionKind.SHORT_TEXT:
            answers[key] = rng.choice(_LICENCES)
        elif kind == QuestionKind.SINGLE_CHOICE:
            answers[key] = rng.choice(question.choices[1:])
        elif kind == QuestionKind.MULTIPLE_CHOICE:
            answers[key] = sorted(
                rng.sample(question.choices, k=rng.randint(1, 2)), key=question.choices.index
            )
        elif kind == QuestionKind.REPOSITORY_URL:
            answers[key] = f"https://git.example.org/{product}/{product}"
        elif kind == QuestionKind.URL:
            answers[key] = org.website
        elif kind == QuestionKind.NUMBER:
            answers[key] = str(rng.randint(2, 14))
        elif kind == QuestionKind.DATE:
            answers[key] = (timezone.now().date() + dt.timedelta(days=rng.randint(30, 120))).isoformat()
    return answers


def _total(scores: list[int], criteria: list[Criterion]) -> Decimal:
    weighted = sum(score * criterion.weight for score, criterion in zip(scores, criteria, strict=True))
    return (Decimal(weighted) / Decimal(sum(c.weight for c in criteria))).quantize(
        Decimal("0.001"), rounding=ROUND_HALF_EVEN
    )


class _Builder:
    """Creates one call's applications in bulk."""

    def __init__(self, call: Call, rng: random.Random, reviewers: list[User]) -> None:
        self.call = call
        self.rng = rng
        self.reviewers = reviewers
        self.stages = {stage.kind: stage for stage in call.stages.order_by("position")}
        self.questions = list(call.questions.order_by("position"))
        self.criteria = list(call.criteria.order_by("position"))
        self.file_questions = [q for q in self.questions if q.kind == QuestionKind.FILE]
        self.number = int(call.applications.count())

    def applications(
        self,
        organizations: list[Organization],
        plan: Sequence[tuple[str, str | None, str]],
        submitted_between: tuple[dt.datetime, dt.datetime],
    ) -> list[Application]:
        """``plan`` holds (status, stage kind, outcome) per organization, in order."""
        start, end = submitted_between
        span = max(int((end - start).total_seconds()) - 1, 1)
        rows = []
        for org, (status, stage_kind, outcome) in zip(organizations, plan, strict=False):
            self.number += 1
            member = org.memberships.first()
            domain_problem = next(
                (text for domain, text in _DOMAINS if domain in org.name.lower()), _DOMAINS[0][1]
            )
            submitted = (
                None
                if status == ApplicationStatus.DRAFT
                else start + dt.timedelta(seconds=self.rng.randint(0, span))
            )
            rows.append(
                Application(
                    call=self.call,
                    number=self.number,
                    organization=org,
                    created_by=member.user if member else _fallback_user(),
                    title=_title(org),
                    summary=domain_problem,
                    status=status,
                    stage=self.stages[stage_kind] if stage_kind else None,
                    outcome=outcome,
                    answers=_answers(self.rng, self.questions, org, domain_problem),
                    rule_answers={},
                    submitted_at=submitted,
                    withdrawn_at=submitted + dt.timedelta(days=3)
                    if status == ApplicationStatus.WITHDRAWN and submitted
                    else None,
                    is_sample=True,
                )
            )
        created = Application.objects.bulk_create(rows)
        return list(
            Application.objects.filter(pk__in=[row.pk for row in created]).select_related(
                "organization__country", "call"
            )
        )

    def screen(self, applications: list[Application], manager: User | None) -> None:
        """Screen every submitted application; past the screening stage, a manager has verified the rules
        the applicants answered (the rest stay to verify)."""
        rules = applicant_rules(self.call)
        screened = {StageKind.EXPRESSION_OF_INTEREST, StageKind.ELIGIBILITY}
        now = timezone.now()
        for application in applications:
            if application.is_draft:
                continue
            application.rule_answers = {str(rule.pk): {"meets": True, "note": ""} for rule in rules}
            Application.objects.filter(pk=application.pk).update(rule_answers=application.rule_answers)
            checks = eligibility_screen(application)
            if application.stage and application.stage.kind not in screened:
                if any(check.result == CheckResult.FAILED for check in checks):
                    continue
                EligibilityCheck.objects.filter(application=application, result=CheckResult.TO_VERIFY).update(
                    override=CheckResult.PASSED,
                    override_note="Verified against the documents sent (sample).",
                    overridden_by=manager,
                    overridden_at=now,
                )
                Application.objects.filter(pk=application.pk).update(eligibility=Eligibility.ELIGIBLE)

    def files(self, applications: list[Application]) -> None:
        for application in applications:
            for question in self.file_questions:
                stored = ApplicationFile(
                    application=application,
                    question=question,
                    name=f"budget-{application.number:04d}.pdf",
                    content_type="application/pdf",
                    size=len(_PDF),
                    sha256="",
                )
                stored.sha256 = hashlib.sha256(_PDF).hexdigest()
                stored.file.save("upload", ContentFile(_PDF), save=False)
                stored.save()

    def reviews(self, applications: list[Application], per_application: int, state: str) -> None:
        """``state``: "done" (all submitted), "mixed" (some submitted, some in progress, some not started)."""
        reviews: list[Review] = []
        scores: list[Score] = []
        pending_scores: list[tuple[Review, list[int]]] = []
        load = dict.fromkeys((reviewer.pk for reviewer in self.reviewers), 0)
        for application in applications:
            members = set(application.organization.memberships.values_list("user_id", flat=True))
            pool = sorted(
                (r for r in self.reviewers if r.pk not in members), key=lambda r: (load[r.pk], r.pk)
            )
            quality = self.rng.uniform(1.8, 4.6)
            for position, reviewer in enumerate(pool[:per_application]):
                load[reviewer.pk] += 1
                status = ReviewStatus.SUBMITTED
                if state == "mixed":
                    status = self.rng.choice(
                        [
                            ReviewStatus.SUBMITTED,
                            ReviewStatus.SUBMITTED,
                            ReviewStatus.DRAFT,
                            ReviewStatus.ASSIGNED,
                        ]
                    )
                spread = (
                    1.6 if position == 2 and self.rng.random() < 0.15 else 0.6
                )  # some strong disagreement
                values = [min(5, max(1, round(self.rng.gauss(quality, spread)))) for _c in self.criteria]
                review = Review(
                    application=application,
                    reviewer=reviewer,
                    status=status,
                    comment="" if status == ReviewStatus.ASSIGNED else "Sample review.",
                    total=_total(values, self.criteria) if status == ReviewStatus.SUBMITTED else None,
                    submitted_at=(application.submitted_at or timezone.now()) + dt.timedelta(days=4)
                    if status == ReviewStatus.SUBMITTED
                    else None,
                )
                reviews.append(review)
                if status != ReviewStatus.ASSIGNED:
                    pending_scores.append((review, values))
        Review.objects.bulk_create(reviews)
        for review, values in pending_scores:
            draft = review.status == ReviewStatus.DRAFT
            for index, (criterion, value) in enumerate(zip(self.criteria, values, strict=True)):
                if draft and index >= len(values) // 2:
                    break  # a draft is half done
                scores.append(Score(review=review, criterion=criterion, score=value, comment=""))
        Score.objects.bulk_create(scores)


def _fallback_user() -> User:
    return User.objects.filter(username="applicant").first() or User.objects.order_by("pk").first()  # type: ignore[return-value]


def _ensure_members(organizations: list[Organization], users: list[User]) -> None:
    """Each sample organization gets one sample member (the applicant who writes to the fund)."""
    have = set(
        Membership.objects.filter(organization__in=organizations).values_list("organization_id", flat=True)
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, organization=org, role="owner")
            for org, user in zip(organizations, users, strict=False)
            if org.pk not in have
        ]
    )


def _plan_open_call() -> list[tuple[str, str | None, str]]:
    plan: list[tuple[str, str | None, str]] = []
    for kind, count in OPEN_CALL_SPREAD:
        outcome = Outcome.DECLINED if kind == StageKind.DECISION else Outcome.PENDING
        plan += [(ApplicationStatus.SUBMITTED, kind, outcome)] * count
    plan += [
        (ApplicationStatus.WITHDRAWN, StageKind.EXPRESSION_OF_INTEREST, Outcome.PENDING)
    ] * OPEN_CALL_WITHDRAWN
    plan += [(ApplicationStatus.DRAFT, None, Outcome.PENDING)] * OPEN_CALL_DRAFTS
    return plan


def load_applications(*, open_call: Call, cohorts: list[Call]) -> int:
    """Create the demo's applications, reviews and committee meeting. Returns how many applications."""
    if Application.objects.filter(call=open_call).exists():
        return 0
    rng = random.Random(RANDOM_SEED)  # noqa: S311 - demo data, not security
    reviewers = list(User.objects.filter(username="reviewer")) + _people(
        "sample-reviewer", SAMPLE_REVIEWERS, Role.REVIEWER
    )
    committee = list(User.objects.filter(username="committee")) + _people(
        "sample-committee-member", SAMPLE_COMMITTEE, Role.COMMITTEE_MEMBER
    )
    plan = _plan_open_call()
    total = len(plan) + len(cohorts) * COHORT_APPLICATIONS
    organizations = _organizations(rng, total)
    applicants = _people("sample-applicant", total, Role.APPLICANT)
    _ensure_members(organizations, applicants)
    # The demo applicant's own organization applies too, and is shortlisted: their portal has something.
    demo_applicant = User.objects.filter(username="applicant").first()
    own = Organization.objects.filter(memberships__user=demo_applicant).first() if demo_applicant else None
    if own is not None:
        plan = [(ApplicationStatus.SUBMITTED, StageKind.SHORTLIST, Outcome.PENDING), *plan[:-1]]
    rng.shuffle(organizations)  # stages get a mix of names, not alphabetical runs
    open_orgs, rest = _match(organizations, plan[1:] if own is not None else plan)
    if own is not None:
        open_orgs = [own, *open_orgs]

    builder = _Builder(open_call, rng, reviewers)
    now = timezone.now()
    applications = builder.applications(open_orgs, plan, (open_call.opens_at, min(now, open_call.closes_at)))
    manager = User.objects.filter(username="manager").first()
    builder.screen(applications, manager)
    builder.files([a for a in applications if not a.is_draft])
    by_stage: dict[str, list[Application]] = {}
    for application in applications:
        if application.status == ApplicationStatus.SUBMITTED and application.stage:
            by_stage.setdefault(application.stage.kind, []).append(application)
    builder.reviews(by_stage.get(StageKind.SHORTLIST, []), 3, "mixed")
    builder.reviews(
        by_stage.get(StageKind.DUE_DILIGENCE, []) + by_stage.get(StageKind.COMMITTEE, []), 3, "done"
    )
    if own is not None:
        mine = next(a for a in applications if a.organization_id == own.pk)
        ApplicationMessage.objects.create(
            application=mine,
            kind=MessageKind.STAGE,
            subject=f"{mine.reference} is shortlisted",
            body="Congratulations: your application is on the shortlist. Reviewers will score it in the "
            "next three weeks; we may write to you with questions.",
        )
    _meeting(open_call, committee, by_stage.get(StageKind.COMMITTEE, []), now)
    # Reviews of the shortlist are due in ten days, of due diligence in three weeks: the worker reminds
    # reviewers a few days before (the call's reminder_days).
    due = now.replace(hour=17, minute=0, second=0, microsecond=0)
    stages = open_call.stages.all()
    stages.filter(kind=StageKind.SHORTLIST).update(closes_at=due + dt.timedelta(days=10))
    stages.filter(kind=StageKind.DUE_DILIGENCE).update(closes_at=due + dt.timedelta(days=21))

    for cohort in cohorts:
        cohort_plan = [
            (
                ApplicationStatus.SUBMITTED,
                StageKind.DECISION,
                Outcome.AWARDED if index < COHORT_AWARDED else Outcome.DECLINED,
            )
            for index in range(COHORT_APPLICATIONS)
        ]
        cohort_orgs, rest = _match(rest, cohort_plan)
        cohort_builder = _Builder(cohort, rng, reviewers)
        decided = cohort_builder.applications(cohort_orgs, cohort_plan, (cohort.opens_at, cohort.closes_at))
        cohort_builder.screen(decided, manager)
        cohort_builder.reviews(decided, 3, "done")
    return Application.objects.filter(call__in=[open_call, *cohorts]).count()


def _meeting(call: Call, committee: list[User], agenda: list[Application], now: dt.datetime) -> None:
    meeting = Meeting.objects.create(
        call=call,
        title="Investment committee (sample)",
        scheduled_at=(now + dt.timedelta(days=10)).replace(hour=14, minute=0, second=0, microsecond=0),
        location="Video call",
        quorum=3,
    )
    meeting.members.set(committee)
    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, application=application, position=index)
            for index, application in enumerate(agenda, 1)
        ]
    )
    # Two sample members have voted early on the first items; the demo committee member has not.
    Vote.objects.bulk_create(
        [
            Vote(item=item, member=member, choice=VoteChoice.APPROVE if index % 3 else VoteChoice.ABSTAIN)
            for index, item in enumerate(items[:3])
            for member in committee[1:3]
        ]
    )
