"""Follow-on rounds and co-investors after an investment, and the fund's knowledge products."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.core.audit import audit_record
from seedbed.core.models import Organization
from seedbed.funds.models import Asset, Instrument
from seedbed.funds.money import format_amount
from seedbed.portfolio import access
from seedbed.portfolio.models import FollowOnRound, Investment, KnowledgeKind, KnowledgeProduct
from seedbed.portfolio.services.common import system_or


@transaction.atomic
def follow_on_record(
    *,
    actor: Any,
    investment: Investment,
    date: dt.date,
    asset: Asset,
    amount: int,
    instrument: str,
    investors: Iterable[Organization],
    note: str = "",
    is_sample: bool = False,
) -> FollowOnRound:
    """Funding the team raised after the fund's investment, with the investors from the directory."""
    system_or(actor, access.can_manage_portfolio(actor), _("Only fund managers record follow-on funding."))
    errors: dict[str, list[str]] = {}
    investors = list(investors)
    if not investors:
        errors["investors"] = [_("Choose at least one investor from the directory.")]
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    if instrument not in Instrument.values:
        errors["instrument"] = [_("Choose an instrument.")]
    if not isinstance(date, dt.date) or date > timezone.localdate():
        errors["date"] = [_("The date cannot be in the future.")]
    elif date < investment.start_date:
        errors["date"] = [_("A follow-on round comes after the investment started.")]
    if errors:
        raise ValidationError(errors)
    round_ = FollowOnRound.objects.create(
        investment=investment,
        date=date,
        asset=asset,
        amount=amount,
        instrument=instrument,
        note=(note or "").strip(),
        recorded_by=actor,
        is_sample=is_sample,
    )
    round_.investors.set(investors)
    audit_record(
        actor=actor,
        action="follow_on.record",
        target=investment,
        changes={
            "amount": [None, format_amount(amount, asset)],
            "date": [None, date.isoformat()],
            "investors": [None, [str(o) for o in investors]],
        },
    )
    return round_


@transaction.atomic
def knowledge_product_create(
    *,
    actor: Any,
    title: str,
    kind: str,
    licence: str,
    published_on: dt.date,
    url: str = "",
    file: UploadedFile | None = None,
    summary: str = "",
    investments: Iterable[Investment] = (),
    is_sample: bool = False,
) -> KnowledgeProduct:
    system_or(actor, access.can_manage_portfolio(actor), _("Only fund managers publish knowledge products."))
    errors: dict[str, list[str]] = {}
    title, licence, url = (title or "").strip(), (licence or "").strip(), (url or "").strip()
    if not title:
        errors["title"] = [_("Give the title.")]
    if kind not in KnowledgeKind.values:
        errors["kind"] = [_("Choose a kind.")]
    if not licence:
        errors["licence"] = [_("Give the licence it is published under, e.g. CC-BY-4.0.")]
    if not url and file is None:
        errors["url"] = [_("Give a link or attach the file.")]
    elif url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = [_("Enter a web address that starts with https://.")]
    if not isinstance(published_on, dt.date):
        errors["published_on"] = [_("Enter the publication date.")]
    if errors:
        raise ValidationError(errors)
    product = KnowledgeProduct.objects.create(
        title=title,
        kind=kind,
        licence=licence,
        published_on=published_on,
        url=url,
        summary=(summary or "").strip(),
        is_sample=is_sample,
        **({"file": file} if file is not None else {}),
    )
    product.investments.set(list(investments))
    audit_record(actor=actor, action="knowledge.create", target=product, changes={"title": [None, title]})
    return product
