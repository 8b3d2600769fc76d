"""Creating an investment (with the fund's rules, the contract, the default plan and schedule, and the
commitment in the ledger), amending its contract, and recording its outcome."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from seedbed.calls.models import Application, Outcome
from seedbed.core.audit import audit_record
from seedbed.core.models import Country, Membership, Organization
from seedbed.funds import services as funds_services
from seedbed.funds.models import Asset, Fund, FundKind, Instrument
from seedbed.funds.money import format_amount
from seedbed.funds.selectors.valuation import Valuer
from seedbed.portfolio import access
from seedbed.portfolio.models import (
    Amendment,
    Cohort,
    Contract,
    ContractDocument,
    Investment,
    InvestmentStatus,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    RepaymentSchedule,
    Report,
    Solution,
    SolutionKind,
    Tranche,
    TrancheState,
)
from seedbed.portfolio.plan_defaults import (
    DEFAULT_TRANCHES,
    OSS_PLAN,
    REPORT_GRACE_DAYS,
    add_months,
    quarter_end,
    split_amount,
)
from seedbed.portfolio.services import plan as plan_services
from seedbed.portfolio.services.common import reason, system_or

MAX_CONTRACT_MONTHS = 120


# --- The fund's rules -----------------------------------------------------------------------------


def _in_reporting_units(fund: Fund, asset: Asset, amount: int, on: dt.date) -> Decimal | None:
    """``amount`` valued in base units of the fund's reporting currency (cents), as ticket ranges are."""
    if asset.pk == fund.reporting_asset_id:
        return Decimal(amount)
    value = Valuer(fund.reporting_asset).value(amount, asset, on)
    return None if value is None else value.scaleb(fund.reporting_asset.decimals)


def graduated_from_venture(organization: Organization) -> bool:
    return Investment.objects.filter(
        organization=organization, fund__kind=FundKind.VENTURE, status=InvestmentStatus.GRADUATED
    ).exists()


def rule_breaches(
    *, fund: Fund, organization: Organization, asset: Asset, amount: int, instrument: str, on: dt.date
) -> list[str]:
    """The fund's rules this investment would break, in plain words (empty when it keeps them all).

    A fund manager may still make it, with a written reason; the assets a fund accepts are the ledger's
    rule and cannot be overridden.
    """
    breaches: list[str] = []
    rule = fund.instrument_rules.filter(instrument=instrument).first()
    if rule is None:
        breaches.append(
            _("%(fund)s does not use the instrument “%(instrument)s”.")
            % {"fund": fund, "instrument": Instrument(instrument).label}
        )
    else:
        value = _in_reporting_units(fund, asset, amount, on)
        reporting = fund.reporting_asset
        low, high = format_amount(rule.min_amount, reporting), format_amount(rule.max_amount, reporting)
        if value is None:
            breaches.append(
                _(
                    "There is no price of %(asset)s in %(quote)s on %(date)s to check the ticket range "
                    "%(low)s–%(high)s."
                )
                % {
                    "asset": asset.code,
                    "quote": reporting.code,
                    "date": on.isoformat(),
                    "low": low,
                    "high": high,
                }
            )
        elif not rule.min_amount <= value <= rule.max_amount:
            breaches.append(
                _("%(amount)s is outside %(fund)s's ticket range for this instrument, %(low)s–%(high)s.")
                % {"amount": format_amount(amount, asset), "fund": fund, "low": low, "high": high}
            )
    if fund.kind == FundKind.ACCELERATION and not graduated_from_venture(organization):
        breaches.append(
            _("%(fund)s invests only in teams that graduated from the Venture Fund; %(team)s has not.")
            % {"fund": fund, "team": organization}
        )
    return breaches


# --- Terms ----------------------------------------------------------------------------------------


def _decimal(value: Any, field: str, errors: dict[str, list[str]], message: str) -> Decimal | None:
    if value in (None, ""):
        errors.setdefault(field, []).append(message)
        return None
    try:
        number = Decimal(str(value).strip().rstrip("%").strip())
    except InvalidOperation:
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    if not number.is_finite():
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    return number


def clean_terms(instrument: str, terms: dict[str, Any], *, start_date: dt.date) -> dict[str, Any]:
    """The instrument's terms, checked: the columns to store, or ``ValidationError`` per field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {
        "pre_money_valuation": None,
        "equity_share": None,
        "interest_rate": None,
        "term_months": None,
        "repayment_schedule": "",
        "guarantee_beneficiary": None,
        "guarantee_expires_on": None,
    }
    if instrument not in Instrument.values:
        raise ValidationError({"instrument": [_("Choose an instrument.")]})
    if instrument == Instrument.EQUITY:
        share = _decimal(
            terms.get("equity_share"), "equity_share", errors, _("Enter the share of equity, in per cent.")
        )
        if share is not None and not Decimal(0) < share <= Decimal(100):
            errors.setdefault("equity_share", []).append(
                _("The equity share is more than 0 and at most 100 per cent.")
            )
        elif share is not None and share.normalize().as_tuple().exponent < -4:  # type: ignore[operator]
            errors.setdefault("equity_share", []).append(_("Give the share with at most four decimals."))
        valuation = terms.get("pre_money_valuation")
        if isinstance(valuation, bool) or not isinstance(valuation, int) or valuation < 0:
            errors.setdefault("pre_money_valuation", []).append(_("Enter the pre-money valuation."))
        cleaned.update(equity_share=share, pre_money_valuation=valuation)
    elif instrument == Instrument.DEBT:
        rate = _decimal(
            terms.get("interest_rate"),
            "interest_rate",
            errors,
            _("Enter the interest rate, in per cent a year."),
        )
        if rate is not None and not Decimal(0) <= rate <= Decimal(100):
            errors.setdefault("interest_rate", []).append(
                _("The interest rate is between 0 and 100 per cent a year.")
            )
        try:
            months = int(terms.get("term_months") or 0)
        except (TypeError, ValueError):
            months = 0
        if not 1 <= months <= 360:
            errors.setdefault("term_months", []).append(_("The term is between 1 and 360 months."))
        schedule = terms.get("repayment_schedule") or ""
        if schedule not in RepaymentSchedule.values:
            errors.setdefault("repayment_schedule", []).append(_("Choose how the debt is repaid."))
        cleaned.update(interest_rate=rate, term_months=months, repayment_schedule=schedule)
    elif instrument == Instrument.GUARANTEE:
        beneficiary = terms.get("guarantee_beneficiary")
        if not isinstance(beneficiary, Organization):
            errors.setdefault("guarantee_beneficiary", []).append(_("Choose who the guarantee is for."))
        expires = terms.get("guarantee_expires_on")
        if not isinstance(expires, dt.date) or expires <= start_date:
            errors.setdefault("guarantee_expires_on", []).append(
                _("The guarantee expires after the start date.")
            )
        cleaned.update(guarantee_beneficiary=beneficiary, guarantee_expires_on=expires)
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Solutions ------------------------------------------------------------------------------------


@transaction.atomic
def solution_create(
    *,
    actor: Any,
    organization: Organization,
    name: str,
    kind: str = SolutionKind.SOFTWARE,
    is_sample: bool = False,
) -> Solution:
    """A digital product a team builds, which investments fund (its repositories come with the DPG part)."""
    system_or(actor, access.can_manage_portfolio(actor), _("Only fund managers register solutions."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"new_solution": [_("Name the solution.")]})
    if kind not in SolutionKind.values:
        raise ValidationError({"new_solution": [_("Choose the kind of solution.")]})
    if Solution.objects.filter(organization=organization, name__iexact=name).exists():
        raise ValidationError(
            {"new_solution": [_("%(team)s already has a solution with this name.") % {"team": organization}]}
        )
    base = slugify(name)[:70] or "solution"
    slug, n = base, 1
    while Solution.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    solution = Solution.objects.create(
        name=name[:200], slug=slug, organization=organization, kind=kind, is_sample=is_sample
    )
    audit_record(
        actor=actor, action="solution.create", target=solution, changes={"name": [None, solution.name]}
    )
    return solution


def can_edit_solution(user: Any, solution: Solution) -> bool:
    """Fund managers and administrators, and the members of the organization that owns the solution."""
    return access.can_manage_portfolio(user) or (
        access.is_signed_in(user)
        and Membership.objects.filter(user=user, organization_id=solution.organization_id).exists()
    )


@transaction.atomic
def solution_update(
    *,
    actor: Any,
    solution: Solution,
    name: str,
    kind: str,
    description: str = "",
    website: str = "",
    sdgs: Iterable[int | str] = (),
) -> Solution:
    """Change what the DPGA reads about a solution: its name, kind, description, website and the SDGs it
    advances (goals 1 to 17). The short name in its address does not change."""
    system_or(actor, can_edit_solution(actor, solution), _("You cannot change this solution."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Name the solution.")]})
    if kind not in SolutionKind.values:
        raise ValidationError({"kind": [_("Choose the kind of solution.")]})
    taken = Solution.objects.filter(organization_id=solution.organization_id, name__iexact=name)
    if taken.exclude(pk=solution.pk).exists():
        raise ValidationError(
            {"name": [_("%(team)s already has a solution with this name.") % {"team": solution.organization}]}
        )
    website = (website or "").strip()
    if website and not website.startswith(("http://", "https://")):
        raise ValidationError({"website": [_("Give the website's http(s) address.")]})
    goals: list[int] = []
    for raw in sdgs:
        try:
            goal = int(raw)
        except (TypeError, ValueError):
            goal = 0
        if not 1 <= goal <= 17:
            raise ValidationError({"sdgs": [_("The SDGs are numbered 1 to 17.")]})
        if goal not in goals:
            goals.append(goal)
    Solution.objects.select_for_update().filter(pk=solution.pk).first()
    after = {
        "name": name[:200],
        "kind": kind,
        "description": (description or "").strip(),
        "website": website[:200],
        "sdgs": sorted(goals),
    }
    changes = {
        key: [getattr(solution, key), value]
        for key, value in after.items()
        if getattr(solution, key) != value
    }
    for key, value in after.items():
        setattr(solution, key, value)
    solution.save(update_fields=list(after))
    if changes:
        audit_record(actor=actor, action="solution.update", target=solution, changes=changes)
    return solution


# --- Creating -------------------------------------------------------------------------------------


def _fund_code(fund: Fund) -> str:
    return "".join(word[0] for word in fund.slug.split("-") if word).upper() or "INV"


def _next_reference(fund: Fund, year: int) -> str:
    """``VF-2018-007``: the fund's initials, the start year and a number. The fund row is locked, so two
    investments created together get different numbers."""
    Fund.objects.select_for_update().filter(pk=fund.pk).first()
    prefix = f"{_fund_code(fund)}-{year}-"
    taken = Investment.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(ref.removeprefix(prefix)) for ref in taken if ref.removeprefix(prefix).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def default_plan(investment: Investment, contract: Contract) -> list[Milestone]:
    return Milestone.objects.bulk_create(
        [
            Milestone(
                investment=investment,
                kind=MilestoneKind.OPEN_SOURCE,
                quarter=item.quarter,
                position=index,
                title=item.title,
                due_on=quarter_end(contract.starts_on, item.quarter),
                required=item.required,
                check_key=item.check_key,
            )
            for index, item in enumerate(OSS_PLAN)
        ]
    )


def default_schedule(
    investment: Investment, contract: Contract, milestones: list[Milestone]
) -> list[Tranche]:
    """40 % on signature, 30 % once Q1–Q2's required milestones are accepted, 30 % after Q4's."""
    amounts = split_amount(investment.amount, tuple(share for share, _q in DEFAULT_TRANCHES))
    tranches = []
    for number, ((_share, quarter), amount) in enumerate(
        zip(DEFAULT_TRANCHES, amounts, strict=True), start=1
    ):
        due = (
            contract.signed_on or contract.starts_on
            if quarter == 0
            else quarter_end(contract.starts_on, quarter)
        )
        tranche = Tranche.objects.create(investment=investment, number=number, amount=amount, due_on=due)
        tranche.milestones.set([m for m in milestones if m.required and m.quarter <= quarter])
        tranches.append(tranche)
    return tranches


def report_calendar(investment: Investment, contract: Contract) -> list[Report]:
    """One report per quarter of the contract, due ``REPORT_GRACE_DAYS`` after the quarter ends."""
    reports = []
    quarters = max(1, -(-contract.months // 3))
    for quarter in range(1, quarters + 1):
        start = add_months(contract.starts_on, 3 * (quarter - 1))
        end = min(quarter_end(contract.starts_on, quarter), contract.ends_on)
        reports.append(
            Report(
                investment=investment,
                period_start=start,
                period_end=end,
                due_on=end + dt.timedelta(days=REPORT_GRACE_DAYS),
            )
        )
    return Report.objects.bulk_create(reports)


@transaction.atomic
def investment_create(
    *,
    actor: Any,
    fund: Fund,
    organization: Organization,
    cohort: Cohort,
    title: str,
    start_date: dt.date,
    asset: Asset,
    amount: int,
    instrument: str,
    countries: Iterable[Country],
    solutions: Iterable[Solution] = (),
    terms: dict[str, Any] | None = None,
    application: Application | None = None,
    contract_months: int = 12,
    signed_on: dt.date | None = None,
    override_reason: str = "",
    with_plan: bool = True,
    is_sample: bool = False,
    commitment_date: dt.date | None = None,
) -> Investment:
    """Create an investment and everything that comes with it, or refuse with a message per field."""
    system_or(actor, access.can_manage_portfolio(actor), _("Only fund managers can create investments."))
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Name the investment (usually the solution it funds).")]
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    countries = list(countries)
    if not countries:
        errors["countries"] = [_("Choose at least one country where the solution is deployed.")]
    if not 1 <= contract_months <= MAX_CONTRACT_MONTHS:
        errors["contract_months"] = [_("A contract lasts 1 to 120 months.")]
    if signed_on is not None and signed_on > timezone.localdate():
        errors["signed_on"] = [_("The signature date cannot be in the future.")]
    if application is not None:
        if application.outcome != Outcome.AWARDED:
            errors["application"] = [_("Only an application the committee approved becomes an investment.")]
        elif Investment.objects.filter(application=application).exists():
            errors["application"] = [_("This application already has its investment.")]
        elif application.organization_id != organization.pk:
            errors["organization"] = [_("The investment goes to the organization that applied.")]
    solutions = list(solutions)
    foreign = [s for s in solutions if s.organization_id != organization.pk]
    if foreign:
        errors["solutions"] = [_("%(solution)s belongs to another organization.") % {"solution": foreign[0]}]
    try:
        funds_services.fund_accepts(fund, asset)
    except ValidationError as error:
        errors.setdefault("asset", []).extend(error.messages)
    try:
        cleaned_terms = clean_terms(instrument, terms or {}, start_date=start_date)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        cleaned_terms = {}
    if errors:
        raise ValidationError(errors)

    breaches = rule_breaches(
        fund=fund, organization=organization, asset=asset, amount=amount, instrument=instrument, on=start_date
    )
    override_reason = (override_reason or "").strip()
    if breaches and not override_reason:
        raise ValidationError({"override_reason": breaches}, code="rules")
    if not breaches:
        override_reason = ""

    investment = Investment.objects.create(
        reference=_next_reference(fund, start_date.year),
        fund=fund,
        organization=organization,
        cohort=cohort,
        application=application,
        title=title,
        start_date=start_date,
        asset=asset,
        amount=amount,
        instrument=instrument,
        rule_override_reason=override_reason,
        created_by=actor,
        is_sample=is_sample,
        **cleaned_terms,
    )
    investment.countries.set(countries)
    investment.solutions.set(solutions)
    contract = Contract.objects.create(
        investment=investment,
        months=contract_months,
        starts_on=start_date,
        ends_on=add_months(start_date, contract_months) - dt.timedelta(days=1),
        signed_on=signed_on,
    )
    if with_plan:
        milestones = default_plan(investment, contract)
        default_schedule(investment, contract, milestones)
        report_calendar(investment, contract)
    today = timezone.localdate()
    investment.commitment_entry = funds_services.commitment_record(
        actor=actor,
        fund=fund,
        grantee=organization,
        asset=asset,
        amount=amount,
        effective_date=commitment_date or min(start_date, today),
        memo=_("Investment %(reference)s: %(title)s") % {"reference": investment.reference, "title": title},
        external_ref=investment.reference,
        cause=investment,
        is_sample=is_sample,
        authorised=True,
    )
    investment.save(update_fields=["commitment_entry"])
    changes: dict[str, Any] = {
        "fund": [None, str(fund)],
        "organization": [None, str(organization)],
        "amount": [None, format_amount(amount, asset)],
        "instrument": [None, instrument],
        "start_date": [None, start_date.isoformat()],
    }
    audit_record(actor=actor, action="investment.create", target=investment, changes=changes)
    if breaches:
        audit_record(
            actor=actor,
            action="investment.rules_overridden",
            target=investment,
            changes={"rules": [None, breaches], "reason": [None, override_reason]},
        )
    return investment


# --- Contract -------------------------------------------------------------------------------------


def _store_document(
    contract: Contract, upload: UploadedFile, actor: Any, amendment: Amendment | None
) -> ContractDocument:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return ContractDocument.objects.create(
        contract=contract,
        amendment=amendment,
        file=upload,
        name=upload.name[:200] if upload.name else "document",
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )


@transaction.atomic
def contract_sign(
    *, actor: Any, investment: Investment, signed_on: dt.date, documents: Iterable[UploadedFile] = ()
) -> Contract:
    """Record the contract's signature date and attach the signed documents."""
    system_or(actor, access.can_manage_portfolio(actor), _("Only fund managers can edit contracts."))
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": [_("The signature date cannot be in the future.")]})
    contract = investment.contract
    before = contract.signed_on
    contract.signed_on = signed_on
    contract.save(update_fields=["signed_on"])
    names = [_store_document(contract, upload, actor, None).name for upload in documents]
    audit_record(
        actor=actor,
        action="contract.sign",
        target=investment,
        changes={"signed_on": [str(before or ""), signed_on.isoformat()], "documents": [None, names]},
    )
    return contract


@transaction.atomic
def amendment_record(
    *,
    actor: Any,
    investment: Investment,
    signed_on: dt.date,
    summary: str,
    new_ends_on: dt.date | None = None,
    documents: Iterable[UploadedFile] = (),
) -> Amendment:
    system_or(actor, access.can_manage_portfolio(actor), _("Only fund managers can amend contracts."))
    errors: dict[str, list[str]] = {}
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = [_("Say what the amendment changes.")]
    contract = investment.contract
    if signed_on > timezone.localdate():
        errors["signed_on"] = [_("The signature date cannot be in the future.")]
    if new_ends_on is not None and new_ends_on < contract.starts_on:
        errors["new_ends_on"] = [_("The contract cannot end before it starts.")]
    if errors:
        raise ValidationError(errors)
    amendment = Amendment.objects.create(
        contract=contract, signed_on=signed_on, summary=summary, new_ends_on=new_ends_on, recorded_by=actor
    )
    changes: dict[str, Any] = {"amendment": [None, summary]}
    if new_ends_on is not None:
        changes["ends_on"] = [contract.ends_on.isoformat(), new_ends_on.isoformat()]
        contract.ends_on = new_ends_on
        contract.save(update_fields=["ends_on"])
    for upload in documents:
        _store_document(contract, upload, actor, amendment)
    audit_record(actor=actor, action="contract.amend", target=investment, changes=changes)
    return amendment


# --- Outcome --------------------------------------------------------------------------------------


def _end_commitment(
    actor: Any, investment: Investment, tranches: list[Tranche], text: str, on: dt.date
) -> None:
    """An investment that ends pays nothing more: its scheduled tranches are cancelled and whatever the
    fund still has committed to it is released in the ledger."""
    note = _("The investment ended: %(reason)s") % {"reason": text}
    for tranche in tranches:
        if tranche.state == TrancheState.SCHEDULED:
            plan_services.tranche_cancel(actor=actor, tranche=tranche, reason_text=note, on=on)
    headroom = plan_services.committed_total(investment) - plan_services.scheduled_total(investment)
    open_amount = funds_services.open_commitment(
        fund=investment.fund, grantee=investment.organization, asset=investment.asset
    )
    left = min(headroom, open_amount)
    if left > 0:
        funds_services.commitment_release(
            actor=actor,
            fund=investment.fund,
            grantee=investment.organization,
            asset=investment.asset,
            amount=left,
            effective_date=on,
            memo=_("%(reference)s ended: %(reason)s") % {"reference": investment.reference, "reason": text},
            cause=investment,
            authorised=True,
            is_sample=investment.is_sample,
        )


def missing_for_graduation(investment: Investment) -> list[Milestone]:
    return list(
        investment.milestones.filter(required=True)
        .exclude(status=MilestoneStatus.ACCEPTED)
        .order_by("quarter", "position")
    )


@transaction.atomic
def investment_set_status(
    *, actor: Any, investment: Investment, status: str, on: dt.date, reason_text: str = ""
) -> Investment:
    """Graduate, discontinue or fail an investment (or make it active again), with a date and a reason.

    Graduation needs every required milestone accepted; it makes the team eligible for the Acceleration
    Fund. Discontinuing or failing needs a reason.
    """
    system_or(
        actor, access.can_manage_portfolio(actor), _("Only fund managers can change an investment's status.")
    )
    investment = Investment.objects.select_for_update(of=("self",)).get(pk=investment.pk)
    if status not in InvestmentStatus.values:
        raise ValidationError({"status": [_("Choose a status.")]})
    if on > timezone.localdate():
        raise ValidationError({"on": [_("The date cannot be in the future.")]})
    if on < investment.start_date:
        raise ValidationError({"on": [_("The date cannot be before the investment started.")]})
    text = (reason_text or "").strip()
    if status in (InvestmentStatus.DISCONTINUED, InvestmentStatus.FAILED):
        text = reason(text, _("Say why the investment ends."))
    if status == InvestmentStatus.GRADUATED:
        missing = missing_for_graduation(investment)
        if missing:
            raise ValidationError(
                {
                    "status": [
                        _(
                            "Graduation needs every required milestone accepted; "
                            "%(count)s are not: %(titles)s."
                        )
                        % {"count": len(missing), "titles": "; ".join(m.title for m in missing[:5])}
                    ]
                }
            )
    before = investment.status
    ended = (InvestmentStatus.DISCONTINUED, InvestmentStatus.FAILED)
    ending = status in ended and before not in ended
    tranches = list(investment.tranches.select_related("payment_request").order_by("number"))
    if ending:
        awaiting = [t for t in tranches if t.state == TrancheState.REQUESTED]
        if awaiting:
            raise ValidationError(
                {
                    "status": [
                        _(
                            "Tranche %(number)s waits for payment approval: a finance officer approves or "
                            "rejects it before the investment ends."
                        )
                        % {"number": awaiting[0].number}
                    ]
                }
            )
    investment.status = status
    investment.status_date = on if status != InvestmentStatus.ACTIVE else None
    investment.status_reason = text
    investment.save(update_fields=["status", "status_date", "status_reason"])
    audit_record(
        actor=actor,
        action="investment.status",
        target=investment,
        changes={"status": [before, status], "date": [None, on.isoformat()], "reason": [None, text]},
    )
    if ending:
        _end_commitment(actor, investment, tranches, text, on)
    return investment
