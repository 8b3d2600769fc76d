"""Demo data of the portfolio part: the 113 investments of 2016–2021 (110 by the Venture Fund, three
Acceleration Fund grants to its graduates) with their milestones, tranches, outcomes and reports,
follow-on rounds and knowledge products.

Facts from the seed: 113 investments by Q4 2021 across 67 countries, 33 of them in startups (the rest in
UNICEF country offices); tickets of USD 50–100K; 2018 cohorts on data science and AI, blockchain and XR;
the Acceleration Fund grants USD 200–400K to Venture Fund graduates; the Venture Fund held USD 35M in 2021.
Everything else (who got how much and when, what became of it) is generated from ``random.Random(2021)``
and marked as sample data.

Every money movement goes through the funds' services: a finance officer releases each paid tranche and a
second one approves it, so each is a disbursement in the ledger. The funds' demo receives donations at
random dates of each year; so that the fund can pay on any day, each year of the sample starts with sample
donations (2 January) equal to that year's disbursements, and the Venture Fund still holds USD 35M at the
end of 2021. No money moves after 2021: the two tranches left waiting for a second finance officer are
asked for in January 2022. (The services date what they cannot be told otherwise, such as the commitment
released when a tranche is cancelled, on the day the demo loads; milestone decisions and reports are given
their dates in the sample's past afterwards.)
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from seedbed.calls.demo import COHORTS_2018
from seedbed.calls.models import Application, Outcome, Theme
from seedbed.core.demo import SAMPLE_STARTUP_PREFIX
from seedbed.core.jobs import Progress
from seedbed.core.models import Country, Membership, Organization, OrganizationKind, User
from seedbed.funds import services as funds_services
from seedbed.funds.demo import VENTURE_DONORS
from seedbed.funds.ledger import holdings_filter
from seedbed.funds.models import AccountDay, Asset, Fund, Instrument
from seedbed.portfolio import services
from seedbed.portfolio.models import (
    Cohort,
    Evidence,
    Investment,
    InvestmentStatus,
    KnowledgeKind,
    Milestone,
    Report,
    Solution,
    SolutionKind,
    Tranche,
    TrancheState,
)
from seedbed.portfolio.plan_defaults import DEFAULT_TRANCHES, add_months, quarter_end, split_amount

USD_CENTS = 100
RANDOM_SEED = 2021
SEED_END = dt.date(2021, 12, 31)  # the seed's figures are "by Q4 2021"
# The two tranches left waiting for a second finance officer are asked for just after the seed's figures.
PENDING_PAYMENT_DATE = dt.date(2022, 1, 14)

# Per cohort year: Venture Fund investments in UNICEF country offices and in the directory's sample
# startups. The 15 awarded applications of the 2018 calls add 15 startups to 2018, and three Acceleration
# Fund grants to graduated startups in 2021 complete the portfolio: 80 + 15 + 15 + 3 = 113, 33 in startups.
YEARS: dict[int, tuple[int, int]] = {
    2016: (9, 1),
    2017: (12, 2),
    2018: (9, 0),
    2019: (16, 4),
    2020: (16, 5),
    2021: (18, 3),
}
# The themes of each year's cohorts (slugs of the themes the calls' migration seeds).
YEAR_THEMES: dict[int, tuple[str, ...]] = {
    2016: ("learning-and-education", "digital-health", "connectivity"),
    2017: ("data-science-and-ai", "blockchain", "drones", "learning-and-education"),
    2018: ("data-science-and-ai", "blockchain", "extended-reality"),
    2019: ("data-science-and-ai", "blockchain", "extended-reality", "drones", "digital-health"),
    2020: ("data-science-and-ai", "digital-health", "learning-and-education", "climate-and-environment"),
    2021: ("data-science-and-ai", "blockchain", "connectivity", "climate-and-environment"),
}
# What the directory's sample startups work on (their description says so), as cohort themes.
STARTUP_THEMES = {
    "data science and artificial intelligence": "data-science-and-ai",
    "blockchain": "blockchain",
    "extended reality (XR)": "extended-reality",
    "drones and aerial mapping": "drones",
    "open learning content": "learning-and-education",
    "school connectivity mapping": "connectivity",
    "health information systems": "digital-health",
}
# What a country office builds, per theme; and what a startup calls its product.
OFFICE_PRODUCTS: dict[str, tuple[str, ...]] = {
    "data-science-and-ai": (
        "Malnutrition early-warning model",
        "Vaccine stock forecasts",
        "School drop-out predictor",
        "Satellite maps of schools",
        "Chatbot for young people's questions",
    ),
    "blockchain": (
        "School grants on a public ledger",
        "Cash transfers with digital vouchers",
        "Birth records on a shared ledger",
        "Supply tracking on a public ledger",
    ),
    "extended-reality": (
        "Road safety in virtual reality",
        "Augmented-reality science lessons",
        "Virtual field trips for schools",
    ),
    "drones": (
        "Drone corridor for medical supplies",
        "Flood mapping from the air",
        "Drone imagery of informal settlements",
    ),
    "connectivity": (
        "School connectivity map",
        "Offline content hotspots for schools",
        "Network speed checks in schools",
    ),
    "digital-health": (
        "Community health worker app",
        "Growth monitoring dashboard",
        "Immunisation reminders by text message",
    ),
    "learning-and-education": (
        "Offline reading app",
        "Open textbooks in local languages",
        "Early-grade maths games",
    ),
    "climate-and-environment": (
        "Heatwave alerts for schools",
        "Air-quality sensors near schools",
        "Water point reports",
    ),
}
STARTUP_PRODUCTS = {
    "data-science-and-ai": "Forecasts",
    "blockchain": "Ledger",
    "extended-reality": "VR Lessons",
    "drones": "Aerial Maps",
    "connectivity": "School Connect",
    "digital-health": "Health Tracker",
    "learning-and-education": "Reader",
    "climate-and-environment": "Heat Alerts",
}
SOLUTION_KINDS = {  # the other kind a theme's solution may be, now and then
    "data-science-and-ai": SolutionKind.AI_MODEL,
    "connectivity": SolutionKind.DATA,
    "learning-and-education": SolutionKind.CONTENT,
    "climate-and-environment": SolutionKind.DATA,
}
DISCONTINUED_REASONS = (
    "The country office's priorities changed with the government's new digital strategy; both sides agreed "
    "to stop (sample).",
    "The implementing partner could not keep its core developers; the work stopped after the pilot (sample).",
    "The ministry did not give access to the data the solution needed, so the pilot could not start "
    "(sample).",
)
FAILED_REASONS = (
    "The prototype did not reach a working release and two quarters of milestones were missed (sample).",
    "The company ran out of money and closed (sample).",
    "The solution was not adopted: fewer than 50 active users after nine months (sample).",
)
NARRATIVES = (
    "We shipped a public release and ran workshops with two schools. (Sample report.)",
    "Most of the quarter went into documentation and the first outside contributions. (Sample report.)",
    "The pilot grew to three districts; we hired a second developer. (Sample report.)",
    "We met the ministry's team and agreed on the data we can use next quarter. (Sample report.)",
)
ACCEPT_COMMENT = "Checked in the public repository and with the team on a call (sample decision)."
EVIDENCE_COMMENT = "The evidence shows it; well done (sample decision)."
RETURN_COMMENT = "The coverage report is missing: add the CI link that shows it (sample decision)."
KNOWLEDGE = (
    (
        "What the 2018 blockchain cohort learned (sample)",
        KnowledgeKind.RESEARCH,
        "CC-BY-4.0",
        dt.date(2019, 11, 12),
        "blockchain-2018-lessons",
        "blockchain",
        2018,
    ),
    (
        "Case study: from prototype to digital public good (sample)",
        KnowledgeKind.CASE_STUDY,
        "CC-BY-4.0",
        dt.date(2020, 9, 1),
        "prototype-to-dpg",
        "data-science-and-ai",
        2018,
    ),
    (
        "School connectivity measurements 2021 (sample data set)",
        KnowledgeKind.DATA_SET,
        "CC0-1.0",
        dt.date(2021, 10, 20),
        "school-connectivity-2021",
        "connectivity",
        2021,
    ),
    (
        "Open-source mentorship toolkit (sample)",
        KnowledgeKind.TOOLKIT,
        "CC-BY-SA-4.0",
        dt.date(2021, 6, 15),
        "open-source-mentorship-toolkit",
        "",
        0,
    ),
)


@dataclass
class Planned:
    """One investment as the demo means it to be, before anything is written."""

    organization: Organization
    cohort: Cohort
    title: str
    start: dt.date
    amount: int  # cents
    countries: list[Country]
    fund: Fund
    application: Application | None = None
    solution_kind: str | None = SolutionKind.SOFTWARE
    outcome: str = InvestmentStatus.ACTIVE
    status_on: dt.date | None = None
    reason: str = ""
    done_through: int = 0  # quarters whose required milestones (and most others) are accepted
    partial: bool = False  # some optional milestones of the next quarter are accepted too
    paid: dict[int, dt.date] = field(default_factory=dict)  # tranche number -> payment date
    pending: set[int] = field(default_factory=set)  # released, waiting for the second officer
    extended: bool = False
    is_applicant: bool = False
    investment: Investment | None = None

    @property
    def signed_on(self) -> dt.date:
        return self.start - dt.timedelta(days=7)

    def tranche_amounts(self) -> list[int]:
        return split_amount(self.amount, tuple(share for share, _quarter in DEFAULT_TRANCHES))


def _day(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    if high <= low:
        return low
    return low + dt.timedelta(days=rng.randint(0, (high - low).days))


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randint(0, 480))


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    amounts = [int(total * weight / sum(weights)) for weight in weights]
    amounts[-1] += total - sum(amounts)
    return amounts


def _startup_theme(organization: Organization) -> str | None:
    text = organization.description.partition("It works on ")[2]
    return next((slug for words, slug in STARTUP_THEMES.items() if text.startswith(words)), None)


# --- Planning -------------------------------------------------------------------------------------


class _Planner:
    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.end = min(SEED_END, today)
        self.themes = {theme.slug: theme for theme in Theme.objects.all()}
        self.cohorts: dict[tuple[str, int], Cohort] = {}
        self.titles: set[str] = set()

    def cohort(self, slug: str, year: int) -> Cohort:
        key = (slug, year)
        if key not in self.cohorts:
            self.cohorts[key] = Cohort.objects.get_or_create(theme=self.themes[slug], year=year)[0]
        return self.cohorts[key]

    def office_title(self, theme: str, office: Organization) -> str:
        country = office.country.name if office.country else office.name
        products = list(OFFICE_PRODUCTS[theme])
        self.rng.shuffle(products)
        for product in products:
            title = f"{product} ({country})"
            if title not in self.titles:
                self.titles.add(title)
                return title
        title = f"{products[0]} ({country}, second phase)"
        self.titles.add(title)
        return title

    def startup_title(self, theme: str, startup: Organization) -> str:
        words = startup.name.split()
        title = f"{' '.join(words[:2])} {STARTUP_PRODUCTS[theme]}"
        if title in self.titles:
            title = startup.name
        self.titles.add(title)
        return title

    def start(self, year: int, theme: str) -> dt.date:
        if year == 2018:  # after the theme's call closed
            closes = {row[2]: row[4].date() for row in COHORTS_2018}[theme]
            return _day(self.rng, closes + dt.timedelta(days=40), closes + dt.timedelta(days=70))
        last = dt.date(year, 9, 15) if year == 2021 else dt.date(year, 12, 1)
        return _day(self.rng, dt.date(year, 1, 15), last)

    def amount(self, low: int = 50, high: int = 100) -> int:
        return self.rng.randint(low, high) * 1000 * USD_CENTS

    def solution_kind(self, theme: str) -> str | None:
        roll = self.rng.random()
        if roll < 0.12:
            return None  # not every investment names its solution
        return SOLUTION_KINDS.get(theme, SolutionKind.SOFTWARE) if roll > 0.82 else SolutionKind.SOFTWARE

    def history(self, plan: Planned, graduate: bool = False) -> None:
        """What became of an investment whose contract ended by the end of 2021."""
        rng, start = self.rng, plan.start
        plan.paid[1] = start
        q2_end, q4_end = quarter_end(start, 2), quarter_end(start, 4)
        outcome = (
            InvestmentStatus.GRADUATED
            if graduate
            else rng.choices(
                ["graduated", "discontinued", "failed", "extended"],
                weights=[72, 14, 9, 5 if start.year == 2020 else 0],
            )[0]
        )
        if outcome == InvestmentStatus.GRADUATED:
            plan.done_through = 4
            plan.paid[2] = min(q2_end + dt.timedelta(days=rng.randint(5, 25)), self.end)
            plan.paid[3] = min(q4_end + dt.timedelta(days=rng.randint(5, 25)), self.end)
            plan.status_on = min(plan.paid[3] + dt.timedelta(days=rng.randint(0, 20)), self.end)
        elif outcome == "extended":  # still active: the contract was extended by six months
            plan.done_through, plan.partial, plan.extended = 3, True, True
            plan.paid[2] = min(q2_end + dt.timedelta(days=rng.randint(5, 25)), self.end)
            plan.status_on = min(q4_end - dt.timedelta(days=rng.randint(5, 20)), self.end)
            outcome = InvestmentStatus.ACTIVE
        else:
            stop = rng.choice([2, 3, 4])  # the quarter in which it ended
            plan.done_through = stop - 1
            plan.partial = rng.random() < 0.5
            if plan.done_through >= 2:
                plan.paid[2] = min(q2_end + dt.timedelta(days=rng.randint(5, 25)), self.end)
            ended = quarter_end(start, stop - 1) + dt.timedelta(days=rng.randint(30, 75))
            plan.status_on = min(ended, self.end)
            reasons = DISCONTINUED_REASONS if outcome == InvestmentStatus.DISCONTINUED else FAILED_REASONS
            plan.reason = rng.choice(reasons)
        plan.outcome = outcome

    def running(self, plan: Planned) -> None:
        """A 2021 investment at the end of 2021: milestones partly done, the second tranche paid once its
        milestones are accepted (or ready for a finance officer to release, at the end of the year)."""
        rng, start = self.rng, plan.start
        plan.paid[1] = start
        ended = [q for q in range(1, 5) if quarter_end(start, q) <= self.end]
        plan.done_through = max(0, len(ended) - rng.choice([0, 1]))
        plan.partial = rng.random() < 0.7
        if plan.done_through >= 2:
            paid_on = quarter_end(start, 2) + dt.timedelta(days=rng.randint(5, 25))
            if paid_on <= self.end:
                plan.paid[2] = paid_on


def _venture_plans(
    planner: _Planner, venture: Fund, applicant_org: Organization | None
) -> tuple[list[Planned], list[Planned]]:
    """The Venture Fund's 110 investments and, separately, the 2018 awards among them (which have members)."""
    rng = planner.rng
    offices = list(
        Organization.objects.filter(kind=OrganizationKind.COUNTRY_OFFICE, country__isnull=False)
        .select_related("country")
        .order_by("name")
    )
    office_countries = {office.country_id for office in offices}
    startups = list(
        Organization.objects.filter(
            kind=OrganizationKind.STARTUP,
            is_sample=True,
            description__startswith=SAMPLE_STARTUP_PREFIX,
            country_id__in=office_countries,
        )
        .select_related("country")
        .order_by("name")
    )
    awarded = list(
        Application.objects.filter(call__slug__in=[row[1] for row in COHORTS_2018], outcome=Outcome.AWARDED)
        .select_related("organization__country", "call")
        .order_by("call__opens_at", "number")
    )
    call_theme = {row[1]: row[2] for row in COHORTS_2018}
    country_list = sorted({office.country for office in offices if office.country}, key=lambda c: c.iso2)

    # Country offices: each once (so every country is in the portfolio), then a second investment for a
    # few of the early ones.
    total_offices = sum(count for count, _s in YEARS.values())
    shuffled = offices[:]
    rng.shuffle(shuffled)
    slots = [year for year, (count, _s) in sorted(YEARS.items()) for _ in range(count)]
    order = shuffled[: min(len(shuffled), total_offices)]
    office_of: list[tuple[int, Organization]] = []
    seen: dict[int, int] = {}
    for year, office in zip(slots, order, strict=False):
        office_of.append((year, office))
        seen[office.pk] = year
    for year in slots[len(order) :]:
        earlier = [office for office in offices if seen.get(office.pk, year) < year]
        office = rng.choice(earlier or offices)
        seen[office.pk] = year
        office_of.append((year, office))

    # Startups of the directory: the demo applicant's own team has a 2021 investment.
    others = [s for s in startups if applicant_org is None or s.pk != applicant_org.pk]
    rng.shuffle(others)
    startup_slots = [year for year, (_c, count) in sorted(YEARS.items()) for _ in range(count)]
    chosen: list[tuple[int, Organization]] = []
    if applicant_org is not None and startup_slots and startup_slots[-1] == 2021:
        chosen.append((startup_slots.pop(), applicant_org))
    chosen += list(zip(startup_slots, others, strict=False))

    plans: list[Planned] = []
    per_year_theme: dict[int, int] = {}
    for year, office in office_of:
        themes = YEAR_THEMES[year]
        index = per_year_theme.get(year, 0)
        per_year_theme[year] = index + 1
        theme = themes[index % len(themes)] if year == 2018 else rng.choice(themes)
        countries = [office.country] if office.country else []
        if rng.random() < 0.1:  # deployed in a neighbouring programme too
            countries.append(rng.choice(country_list))
        plans.append(
            Planned(
                organization=office,
                cohort=planner.cohort(theme, year),
                title=planner.office_title(theme, office),
                start=planner.start(year, theme),
                amount=planner.amount(),
                countries=list(dict.fromkeys(countries)),
                fund=venture,
                solution_kind=planner.solution_kind(theme),
            )
        )
    for year, startup in chosen:
        theme = _startup_theme(startup) or rng.choice(YEAR_THEMES[year])
        is_applicant = applicant_org is not None and startup.pk == applicant_org.pk
        plans.append(
            Planned(
                organization=startup,
                cohort=planner.cohort(theme, year),
                title=planner.startup_title(theme, startup),
                start=dt.date(2021, 3, 1) if is_applicant else planner.start(year, theme),
                amount=planner.amount(),
                countries=[startup.country] if startup.country else [],
                fund=venture,
                solution_kind=SolutionKind.SOFTWARE if is_applicant else planner.solution_kind(theme),
                is_applicant=is_applicant,
            )
        )
    awards = []
    for application in awarded:
        theme = call_theme[application.call.slug]
        organization = application.organization
        planner.titles.add(application.title)
        awards.append(
            Planned(
                organization=organization,
                cohort=planner.cohort(theme, 2018),
                title=application.title,
                start=planner.start(2018, theme),
                amount=planner.amount(),
                countries=[organization.country] if organization.country else [],
                fund=venture,
                application=application,
                solution_kind=SolutionKind.SOFTWARE,
            )
        )
    plans += awards

    # What became of them.
    plans.sort(key=lambda p: (p.start, p.title))
    for plan in plans:
        if plan.is_applicant:
            plan.paid[1] = plan.start
            plan.done_through = 1  # Q2's evidence waits for the mentor (see _applicant_story)
        elif plan.start.year >= 2021:
            planner.running(plan)
        else:
            # One award per 2018 theme graduates for sure: they go on to the Acceleration Fund.
            sure = plan.application is not None and awards.index(plan) % 5 == 0
            planner.history(plan, graduate=sure)
    # Work for the finance officers: two second tranches wait for a second officer, one can be released.
    second_paid = [p for p in plans if p.start.year >= 2021 and 2 in p.paid]
    for plan in second_paid[:2]:
        del plan.paid[2]
        plan.pending.add(2)
    for plan in second_paid[2:4]:
        del plan.paid[2]
    return plans, awards


def _acceleration_plans(
    planner: _Planner, plans: list[Planned], acceleration: Fund, usd: Asset
) -> list[Planned]:
    """Three graduated startups get an Acceleration Fund grant in 2021; its first tranche is paid once the
    fund holds the money (its donors' contributions arrive through 2021)."""
    rng = planner.rng
    graduates = [
        p
        for p in plans
        if p.outcome == InvestmentStatus.GRADUATED
        and p.organization.kind == OrganizationKind.STARTUP
        and p.status_on is not None
        and p.status_on <= dt.date(2021, 5, 31)
    ]
    graduates.sort(key=lambda p: (p.application is None, p.start))
    picked: list[Planned] = []
    for plan in graduates:
        if len(picked) == 3:
            break
        if all(p.organization.pk != plan.organization.pk for p in picked):
            picked.append(plan)
    changes = sorted(
        (day, int(debits) - int(credits))
        for day, debits, credits in AccountDay.objects.filter(
            holdings_filter("account__"), account__fund=acceleration, account__asset=usd
        ).values_list("date", "debits", "credits")
    )
    paid: list[tuple[dt.date, int]] = []

    def affordable(day: dt.date, amount: int) -> bool:
        points = sorted({day, *(d for d, _c in changes if d > day), *(d for d, _a in paid if d > day)})
        for point in points:
            held = sum(c for d, c in changes if d <= point) - sum(a for d, a in paid if d <= point)
            if held < amount:
                return False
        return True

    result = []
    for venture_plan in picked:
        assert venture_plan.status_on is not None
        start = max(
            venture_plan.status_on + dt.timedelta(days=rng.randint(30, 90)),
            dt.date(2021, 3, 1) + dt.timedelta(days=rng.randint(0, 60)),
        )
        start = min(start, dt.date(2021, 9, 30))
        plan = Planned(
            organization=venture_plan.organization,
            cohort=planner.cohort(venture_plan.cohort.theme.slug, 2021),
            title=f"{venture_plan.title}: scaling up",
            start=start,
            amount=planner.amount(200, 400),
            countries=venture_plan.countries,
            fund=acceleration,
            solution_kind=None,
        )
        plan.done_through = 1 if quarter_end(start, 1) <= planner.end else 0
        first = plan.tranche_amounts()[0]
        candidates = sorted({start, *(d for d, _c in changes if start < d <= planner.end)})
        day = next((d for d in candidates if affordable(d, first)), None)
        if day is not None:
            plan.paid[1] = day
            paid.append((day, first))
        result.append(plan)
    return result


# --- Writing --------------------------------------------------------------------------------------


@dataclass
class _People:
    mentor: User
    finance: User
    finance2: User
    applicant: User | None


class _Writer:
    def __init__(self, rng: random.Random, people: _People, usd: Asset, end: dt.date) -> None:
        self.rng = rng
        self.people = people
        self.usd = usd
        self.end = end
        self.stamps: list[Milestone] = []
        self.report_stamps: list[Report] = []

    def solutions(self, plans: list[Planned]) -> dict[int, Solution]:
        """One solution per investment that names one, created together (there is no service for it)."""
        rows: dict[int, Solution] = {}
        taken = set(Solution.objects.values_list("slug", flat=True))
        for index, plan in enumerate(plans):
            if plan.solution_kind is None:
                continue
            slug = base = slugify(plan.title)[:70] or "solution"
            number = 2
            while slug in taken:
                slug, number = f"{base}-{number}", number + 1
            taken.add(slug)
            rows[index] = Solution(
                name=plan.title,
                slug=slug,
                organization=plan.organization,
                kind=plan.solution_kind,
                description=f"Sample solution generated for the Seedbed demo: {plan.title}. "
                "Not a real product.",
                is_sample=True,
            )
        Solution.objects.bulk_create(list(rows.values()))
        return rows

    def investment(self, plan: Planned, solutions: list[Solution]) -> Investment:
        investment = services.investment_create(
            actor=None,
            fund=plan.fund,
            organization=plan.organization,
            cohort=plan.cohort,
            title=plan.title,
            start_date=plan.start,
            asset=self.usd,
            amount=plan.amount,
            instrument=Instrument.GRANT,
            countries=plan.countries,
            solutions=solutions,
            application=plan.application,
            signed_on=plan.signed_on,
            is_sample=True,
            commitment_date=plan.start,
        )
        plan.investment = investment
        return investment

    def decision_day(self, plan: Planned, milestone: Milestone) -> dt.date:
        last = min(plan.status_on or self.end, self.end)
        day = milestone.due_on - dt.timedelta(days=self.rng.randint(0, 25))
        if day > last:
            day = last - dt.timedelta(days=self.rng.randint(0, 14))
        return max(plan.start + dt.timedelta(days=7), day)

    def milestones(self, plan: Planned, milestones: list[Milestone], member: User | None) -> None:
        rng, mentor = self.rng, self.people.mentor
        for milestone in milestones:
            if milestone.quarter <= plan.done_through:
                accept = milestone.required or rng.random() < 0.85
            elif milestone.quarter == plan.done_through + 1 and plan.partial:
                accept = not milestone.required and rng.random() < 0.5
            else:
                accept = False
            if not accept:
                continue
            decided = self.decision_day(plan, milestone)
            if member is not None and rng.random() < 0.6:
                services.evidence_submit(
                    actor=member,
                    milestone=milestone,
                    url=f"https://git.example.org/{plan.organization.slug}/sample/{milestone.position + 1}",
                    text="Sample evidence of the Seedbed demo.",
                )
                milestone = services.milestone_decide(
                    actor=mentor, milestone=milestone, accept=True, comment=EVIDENCE_COMMENT
                )
                milestone.submitted_at = _at(decided - dt.timedelta(days=rng.randint(2, 10)), rng)
            else:
                milestone = services.milestone_decide(
                    actor=mentor, milestone=milestone, accept=True, comment=ACCEPT_COMMENT
                )
            milestone.decided_at = _at(decided, rng)
            self.stamps.append(milestone)

    def tranches(self, plan: Planned, tranches: list[Tranche]) -> None:
        for number, day in sorted(plan.paid.items()):
            request = services.tranche_release(
                actor=self.people.finance, tranche=tranches[number - 1], payment_date=day
            )
            funds_services.payment_request_approve(actor=self.people.finance2, request=request)
        for number in sorted(plan.pending):
            services.tranche_release(
                actor=self.people.finance, tranche=tranches[number - 1], payment_date=PENDING_PAYMENT_DATE
            )

    def outcome(self, plan: Planned, investment: Investment) -> None:
        if plan.outcome != InvestmentStatus.ACTIVE:
            assert plan.status_on is not None
            services.investment_set_status(
                actor=None,
                investment=investment,
                status=plan.outcome,
                on=plan.status_on,
                reason_text=plan.reason,
            )
        if plan.outcome in (InvestmentStatus.DISCONTINUED, InvestmentStatus.FAILED):
            # Ending an investment cancels what it had still scheduled; cancel here whatever is left.
            for tranche in investment.tranches.select_related("payment_request").order_by("number"):
                if tranche.state == TrancheState.SCHEDULED:
                    services.tranche_cancel(
                        actor=None,
                        tranche=tranche,
                        reason_text=f"Not paid: the investment ended. {plan.reason}",
                    )
        if plan.extended and plan.status_on is not None:
            contract = investment.contract
            services.amendment_record(
                actor=None,
                investment=investment,
                signed_on=plan.status_on,
                summary="The contract is extended by six months to finish the Q4 milestones (sample).",
                new_ends_on=add_months(contract.ends_on + dt.timedelta(days=1), 6) - dt.timedelta(days=1),
            )

    def reports(
        self, plan: Planned, investment: Investment, member: User, last: dt.date, extra: dict[str, int]
    ) -> None:
        rng = self.rng
        scale = rng.randint(200, 5000)
        for quarter, report in enumerate(investment.reports.order_by("period_start"), start=1):
            if report.period_end > last:
                break
            reached = int(scale * quarter * rng.uniform(0.8, 1.3))
            kpis = {
                "people_reached": reached,
                "children_reached": int(reached * rng.uniform(0.4, 0.7)),
                "countries_deployed": 1 + (quarter >= 3 and rng.random() < 0.4),
                "active_users": int(reached * rng.uniform(0.1, 0.3)),
                "team_size": rng.randint(3, 12),
                "revenue": 0 if rng.random() < 0.6 else rng.randint(1, 40) * 1000,
                "funds_raised": 0,
                **extra,
            }
            report = services.report_submit(
                actor=member, report=report, kpis=kpis, narrative=rng.choice(NARRATIVES)
            )
            report.submitted_at = _at(
                min(report.period_end + dt.timedelta(days=rng.randint(3, 14)), self.end), rng
            )
            self.report_stamps.append(report)

    def backdate(self) -> None:
        """Decisions and reports of the sample's past carry the dates of that past (the services stamp the
        moment they run; the audit log keeps that moment)."""
        Milestone.objects.bulk_update(self.stamps, ["submitted_at", "decided_at"], batch_size=400)
        Report.objects.bulk_update(self.report_stamps, ["submitted_at"], batch_size=400)
        submitted = {m.pk: m.submitted_at for m in self.stamps if m.submitted_at is not None}
        evidence = list(Evidence.objects.filter(milestone_id__in=submitted))
        for row in evidence:
            row.submitted_at = submitted[row.milestone_id]
        Evidence.objects.bulk_update(evidence, ["submitted_at"], batch_size=400)


def _applicant_story(writer: _Writer, plan: Planned, investment: Investment, applicant: User) -> None:
    """The demo applicant's team: Q1 done, Q2's evidence waiting for the mentor, one item returned."""
    milestones = [m for m in investment.milestones.all() if m.quarter == 2]
    for index, milestone in enumerate(milestones[:4]):
        services.evidence_submit(
            actor=applicant,
            milestone=milestone,
            url=f"https://git.example.org/{plan.organization.slug}/sample/q2-{index + 1}",
            text="Sample evidence: see the repository.",
        )
        if index == 3:
            services.milestone_decide(
                actor=writer.people.mentor, milestone=milestone, accept=False, comment=RETURN_COMMENT
            )


@transaction.atomic
def load(*, progress: Progress) -> list[tuple[str, str, str]]:
    steps = 7
    venture = Fund.objects.filter(slug="venture-fund").first()
    acceleration = Fund.objects.filter(slug="acceleration-fund").first()
    users = {
        user.username: user
        for user in User.objects.filter(username__in=["mentor", "finance", "finance2", "applicant"])
    }
    if (
        venture is None
        or acceleration is None
        or Investment.objects.filter(is_sample=True).exists()
        or not {"mentor", "finance", "finance2"} <= set(users)
    ):
        progress.start(steps, "Portfolio")
        progress.advance(steps)
        return []
    rng = random.Random(RANDOM_SEED)  # noqa: S311 -- reproducible sample data, not security
    today = timezone.localdate()
    usd = Asset.objects.get(code="USD")
    people = _People(users["mentor"], users["finance"], users["finance2"], users.get("applicant"))
    applicant_org = (
        Organization.objects.filter(memberships__user=people.applicant, kind=OrganizationKind.STARTUP).first()
        if people.applicant is not None
        else None
    )

    planner = _Planner(rng, today)
    plans, awards = _venture_plans(planner, venture, applicant_org)
    accelerated = _acceleration_plans(planner, plans, acceleration, usd)
    progress.start(len(plans) + len(accelerated) + steps, "Portfolio")
    progress.message(f"{len(plans)} investments of the Venture Fund")
    progress.advance()

    # Each year starts with sample donations that cover the year's disbursements (see the docstring).
    donors = list(Organization.objects.filter(name__in=VENTURE_DONORS).order_by("name"))
    by_year: dict[int, int] = {}
    for plan in plans:
        amounts = plan.tranche_amounts()
        for number, day in plan.paid.items():
            by_year[day.year] = by_year.get(day.year, 0) + amounts[number - 1]
    for year, total in sorted(by_year.items()):
        for donor, amount in zip(donors, _split(total, len(donors), rng), strict=True):
            funds_services.donation_record(
                actor=None,
                fund=venture,
                donor=donor,
                asset=usd,
                amount=amount,
                effective_date=dt.date(year, 1, 2),
                memo=f"Sample contribution {year} for the year's investments",
                is_sample=True,
            )
    progress.advance()

    writer = _Writer(rng, people, usd, planner.end)
    everything = sorted(plans, key=lambda p: (p.start, p.title)) + sorted(accelerated, key=lambda p: p.start)
    solutions = writer.solutions(everything)
    solution_of = {
        id(plan): solution for index, plan in enumerate(everything) if (solution := solutions.get(index))
    }
    members = {
        m.organization_id: m.user
        for m in Membership.objects.filter(organization__in=[p.organization for p in awards])
        .select_related("user")
        .order_by("-user_id")
    }
    progress.message("Investments, milestones and tranches")
    for plan in everything:
        own = solution_of.get(id(plan))
        if own is None and plan.fund.pk == acceleration.pk:
            own = Solution.objects.filter(organization=plan.organization, is_sample=True).first()
        investment = writer.investment(plan, [own] if own is not None else [])
        milestones = list(investment.milestones.order_by("quarter", "position"))
        tranches = list(investment.tranches.order_by("number"))
        member = members.get(plan.organization.pk) if plan.application is not None else None
        if plan.is_applicant:
            member = people.applicant
        writer.milestones(plan, milestones, member)
        writer.tranches(plan, tranches)
        writer.outcome(plan, investment)
        if member is not None and plan.application is not None:
            writer.reports(plan, investment, member, plan.status_on or planner.end, {})
        progress.advance()

    applicant_plan = next((p for p in plans if p.is_applicant), None)
    if applicant_plan is not None and applicant_plan.investment is not None and people.applicant is not None:
        investment = applicant_plan.investment
        kpi = services.cohort_kpi_add(
            actor=None, cohort=investment.cohort, label="Contributors from outside the team"
        )
        _applicant_story(writer, applicant_plan, investment, people.applicant)
        writer.reports(
            applicant_plan, investment, people.applicant, quarter_end(investment.start_date, 2), {kpi.key: 3}
        )
    progress.advance()

    progress.message("Follow-on rounds and knowledge products")
    investors = list(
        Organization.objects.filter(
            kind__in=[OrganizationKind.INVESTOR, OrganizationKind.PRIVATE_SECTOR, OrganizationKind.DONOR]
        ).order_by("name")
    )
    graduates = [
        p
        for p in sorted(plans, key=lambda p: (p.start, p.title))
        if p.outcome == InvestmentStatus.GRADUATED and p.organization.kind == OrganizationKind.STARTUP
    ]
    for plan in graduates[::2][:8]:
        assert plan.investment is not None and plan.status_on is not None
        if not investors or plan.status_on >= planner.end:
            continue
        day = min(plan.status_on + dt.timedelta(days=rng.randint(60, 400)), planner.end)
        services.follow_on_record(
            actor=None,
            investment=plan.investment,
            date=day,
            asset=usd,
            amount=rng.randint(15, 200) * 10_000 * USD_CENTS,
            instrument=rng.choice([Instrument.EQUITY, Instrument.GRANT, Instrument.EQUITY]),
            investors=rng.sample(investors, k=min(len(investors), rng.randint(1, 3))),
            note="Sample follow-on round generated for the demo.",
            is_sample=True,
        )
    progress.advance()

    for title, kind, licence, published, slug, theme, year in KNOWLEDGE:
        about_graduates = kind in (KnowledgeKind.CASE_STUDY, KnowledgeKind.TOOLKIT)
        linked = [
            p.investment
            for p in plans
            if p.investment is not None
            and (not theme or p.cohort.theme.slug == theme)
            and (not year or p.cohort.year == year)
            and (not about_graduates or p.outcome == InvestmentStatus.GRADUATED)
        ]
        services.knowledge_product_create(
            actor=None,
            title=title,
            kind=kind,
            licence=licence,
            published_on=published,
            url=f"https://knowledge.example.org/sample/{slug}",
            summary="Sample knowledge product of the Seedbed demo: the link is a placeholder and goes "
            "nowhere.",
            investments=linked[:1] if kind == KnowledgeKind.CASE_STUDY else linked[:6],
            is_sample=True,
        )
    progress.advance()

    writer.backdate()
    progress.advance()
    count = Investment.objects.filter(fund=venture).count()
    progress.message(f"{count} Venture Fund investments, {len(accelerated)} Acceleration Fund grants")
    progress.advance()
    return []
