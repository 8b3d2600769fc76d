"""What came after an investment through the API: follow-on rounds with their co-investors (fund managers
record them), and the fund's knowledge products, which are public (research in the public domain)."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from seedbed.calls.api.common import PUBLIC
from seedbed.core.api import FieldErrors, Pages
from seedbed.funds.models import Instrument
from seedbed.portfolio import access, selectors, services
from seedbed.portfolio.api.common import (
    amount_out,
    asset_by_code,
    base_units,
    field_errors,
    organization_by_ref,
    require,
    router,
)
from seedbed.portfolio.models import FollowOnRound, Investment, KnowledgeKind, KnowledgeProduct

InstrumentLiteral = Literal[tuple(Instrument.values)]  # type: ignore[valid-type]
KnowledgeKindLiteral = Literal[tuple(KnowledgeKind.values)]  # type: ignore[valid-type]


class InvestorOut(Schema):
    slug: str
    name: str


class FollowOnOut(Schema):
    id: int
    investment: str = Field(description="The investment's reference")
    date: dt.date
    asset: str
    amount: str = Field(description="Exact amount in base units, as a string")
    amount_display: str
    instrument: str
    investors: list[InvestorOut]
    note: str
    is_sample: bool

    @staticmethod
    def resolve_investment(obj: FollowOnRound) -> str:
        return obj.investment.reference

    @staticmethod
    def resolve_asset(obj: FollowOnRound) -> str:
        return obj.asset.code

    @staticmethod
    def resolve_amount(obj: FollowOnRound) -> str:
        return str(obj.amount)

    @staticmethod
    def resolve_amount_display(obj: FollowOnRound) -> str:
        return amount_out(obj.amount, obj.asset)["amount_display"]

    @staticmethod
    def resolve_investors(obj: FollowOnRound) -> list[Any]:
        return list(obj.investors.all())


class FollowOnIn(Schema):
    date: dt.date
    asset: str = Field(description="The asset's code, e.g. USD")
    amount: str = Field(description="Exact amount in base units, as a string")
    instrument: InstrumentLiteral  # type: ignore[valid-type]
    investors: list[int | str] = Field(description="The investors, by id or short name, from the directory")
    note: str = ""


class KnowledgeProductOut(Schema):
    id: int
    title: str
    kind: str = Field(description="research, case_study, data_set or toolkit")
    kind_label: str
    summary: str
    url: str
    file_name: str | None = Field(description="The attached file's name, if any")
    file_url: str | None = Field(description="Where the attached file is downloaded (public)")
    licence: str = Field(description="An SPDX identifier, e.g. CC-BY-4.0")
    published_on: dt.date
    investments: list[str] = Field(description="References of the linked investments the reader may see")
    is_sample: bool

    @staticmethod
    def resolve_kind_label(obj: KnowledgeProduct) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_file_name(obj: KnowledgeProduct) -> str | None:
        return obj.file.name.rsplit("/", 1)[-1] if obj.file else None

    @staticmethod
    def resolve_file_url(obj: KnowledgeProduct) -> str | None:
        return reverse("knowledge_file", args=[obj.pk]) if obj.file else None

    @staticmethod
    def resolve_investments(obj: KnowledgeProduct) -> list[str]:
        return [investment.reference for investment in obj.investments.all()]


class KnowledgeFilterIn(Schema):
    q: str = Field("", description="In the title or the summary")
    kind: KnowledgeKindLiteral | None = None  # type: ignore[valid-type]


class KnowledgeProductIn(Schema):
    title: str
    kind: KnowledgeKindLiteral  # type: ignore[valid-type]
    licence: str = Field(description="An SPDX identifier, e.g. CC-BY-4.0")
    published_on: dt.date
    url: str = Field(description="Where it is published (files are attached on the page)")
    summary: str = ""
    investments: list[str] = Field(
        default_factory=list, description="References of the investments it draws on"
    )


def _knowledge(user: Any) -> Any:
    """Knowledge products with the linked investments ``user`` may see (none for the public): one query
    for the page and one for the links."""
    visible = access.investments_for_user(user).only("pk", "reference").order_by("reference")
    return KnowledgeProduct.objects.prefetch_related(Prefetch("investments", queryset=visible))


@router.get(
    "/investments/{reference}/follow-ons",
    response=list[FollowOnOut],
    summary="An investment's follow-on rounds",
)
@paginate(Pages, page_size=100)
def list_follow_ons(request: HttpRequest, reference: str) -> Any:
    return selectors.follow_ons_of(access.get_investment_for_user(request.user, reference))


@router.post(
    "/investments/{reference}/follow-ons",
    response={201: FollowOnOut},
    summary="Record a follow-on round (fund managers)",
)
def create_follow_on(request: HttpRequest, reference: str, payload: FollowOnIn) -> Any:
    investment = access.get_investment_for_user(request.user, reference, write=True)
    errors: dict[str, list[str]] = {}
    rows: dict[str, Any] = {}
    for name, read in (
        ("asset", lambda: asset_by_code(payload.asset)),
        ("amount", lambda: base_units(payload.amount, "amount")),
        ("investors", lambda: [organization_by_ref(ref, "investors") for ref in payload.investors]),
    ):
        try:
            rows[name] = read()
        except FieldErrors as error:
            errors.update(error.errors)
    if errors:
        raise FieldErrors(errors)
    try:
        round_ = services.follow_on_record(
            actor=request.user,
            investment=investment,
            date=payload.date,
            instrument=payload.instrument,
            note=payload.note,
            **rows,
        )
    except ValidationError as error:
        raise field_errors(error, "__all__") from None
    return Status(201, round_)


@router.get(
    "/knowledge-products",
    response=list[KnowledgeProductOut],
    summary="The fund's knowledge products (public)",
    auth=PUBLIC,
)
@paginate(Pages, page_size=50)
def list_knowledge_products(request: HttpRequest, filters: Query[KnowledgeFilterIn]) -> Any:
    qs = _knowledge(request.user)
    if filters.q.strip():
        qs = qs.filter(Q(title__icontains=filters.q.strip()) | Q(summary__icontains=filters.q.strip()))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.order_by("-published_on", "title", "pk")


@router.get(
    "/knowledge-products/{product_id}",
    response=KnowledgeProductOut,
    summary="One knowledge product (public)",
    auth=PUBLIC,
)
def get_knowledge_product(request: HttpRequest, product_id: int) -> Any:
    product = access.get_knowledge_product(product_id)
    return _knowledge(request.user).get(pk=product.pk)


@router.post(
    "/knowledge-products",
    response={201: KnowledgeProductOut},
    summary="Publish a knowledge product (fund managers)",
)
def create_knowledge_product(request: HttpRequest, payload: KnowledgeProductIn) -> Any:
    require(access.can_manage_portfolio(request.user))
    if payload.url.strip():
        try:
            URLValidator(schemes=["http", "https"])(payload.url.strip())
        except ValidationError:
            raise FieldErrors({"url": [_("Enter a web address that starts with https://.")]}) from None
    investments = list(Investment.objects.filter(reference__in=payload.investments))
    missing = sorted(set(payload.investments) - {investment.reference for investment in investments})
    if missing:
        raise FieldErrors(
            {"investments": [_("No investment has the reference %(refs)s.") % {"refs": ", ".join(missing)}]}
        )
    try:
        product = services.knowledge_product_create(
            actor=request.user,
            title=payload.title,
            kind=payload.kind,
            licence=payload.licence,
            published_on=payload.published_on,
            url=payload.url,
            summary=payload.summary,
            investments=investments,
        )
    except ValidationError as error:
        raise field_errors(error, "__all__") from None
    return Status(201, _knowledge(request.user).get(pk=product.pk))
