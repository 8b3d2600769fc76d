"""JSON API for countries and organizations. Same access rules and services as the pages."""

# No `from __future__ import annotations` here: django-ninja cannot resolve deferred `Query[...]`
# annotations on @paginate-wrapped views (vitalik/django-ninja#1717) and fails every list call.

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from seedbed.core import access, selectors, services
from seedbed.core.models import Country, Organization, OrganizationKind, Region

router = Router(tags=["Directory"])

KindLiteral = Literal[tuple(OrganizationKind.values)]  # type: ignore[valid-type]
RegionLiteral = Literal[tuple(Region.values)]  # type: ignore[valid-type]


class FieldErrors(Exception):
    """A 422 with messages per field, raised from a service's ValidationError."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> "FieldErrors":
        if hasattr(error, "error_dict"):
            return cls({field: list(messages) for field, messages in error.message_dict.items()})
        return cls({"__all__": list(error.messages)})


class CountryOut(Schema):
    iso2: str
    iso3: str
    name: str
    official_name: str
    unicef_region: str | None = Field(None, description="EAPR, ECAR, ESAR, LACR, MENA, SAR or WCAR")
    programme_country: bool

    @staticmethod
    def resolve_unicef_region(obj: Country) -> str | None:
        return obj.unicef_region or None


class CountryFilterIn(Schema):
    q: str = ""
    region: RegionLiteral | Literal["none"] | None = None  # type: ignore[valid-type]
    programme: bool | None = None


class OrganizationOut(Schema):
    slug: str
    name: str
    kind: str
    kind_label: str
    country: str | None
    country_name: str | None
    website: str
    description: str
    parent: str | None
    is_sample: bool = Field(description="Generated demo data, not a real organization")
    url: str

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_country(obj: Organization) -> str | None:
        return obj.country_id

    @staticmethod
    def resolve_country_name(obj: Organization) -> str | None:
        return obj.country.name if obj.country else None

    @staticmethod
    def resolve_parent(obj: Organization) -> str | None:
        return obj.parent.slug if obj.parent else None

    @staticmethod
    def resolve_url(obj: Organization) -> str:
        return obj.get_absolute_url()


class OrganizationFilterIn(Schema):
    q: str = ""
    kind: KindLiteral | None = None  # type: ignore[valid-type]
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    region: RegionLiteral | None = None  # type: ignore[valid-type]
    sort: Literal["name", "-name", "kind", "country", "-created"] = "name"


class OrganizationIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: KindLiteral  # type: ignore[valid-type]
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    website: str = ""
    description: str = ""
    parent: str | None = Field(None, description="slug of the organization this one is part of")


class OrganizationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: KindLiteral | None = None  # type: ignore[valid-type]
    country: str | None = None
    website: str | None = None
    description: str | None = None
    parent: str | None = None


class Pages(PageNumberPagination):
    """Pages of ``items`` with ``count``; a page number beyond any real page is a 422, not a crash."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1)


def _resolve_references(data: dict[str, Any]) -> dict[str, Any]:
    """Turn ISO codes and slugs into objects, with field messages for the ones that do not exist."""
    errors: dict[str, list[str]] = {}
    for name in ("website", "description"):
        if name in data and data[name] is None:
            data[name] = ""  # null clears a text field; the column itself is never NULL
    if data.get("country"):
        country = Country.objects.filter(iso2=str(data["country"]).upper()).first()
        if country is None:
            errors["country"] = [f"No country has the ISO code {data['country']!r}."]
        data["country"] = country
    elif "country" in data:
        data["country"] = None
    if data.get("parent"):
        parent = Organization.objects.filter(slug=data["parent"]).first()
        if parent is None:
            errors["parent"] = [f"No organization has the slug {data['parent']!r}."]
        data["parent"] = parent
    elif "parent" in data:
        data["parent"] = None
    if data.get("website"):
        from django.core.validators import URLValidator

        try:
            URLValidator()(data["website"])
        except ValidationError:
            errors["website"] = ["Enter a full web address, e.g. https://example.org."]
    if errors:
        raise FieldErrors(errors)
    return data


@router.get("/countries", response=list[CountryOut], summary="List countries")
@paginate(Pages, page_size=50)
def list_countries(request: HttpRequest, filters: Query[CountryFilterIn]) -> Any:
    return selectors.country_list(
        filters=selectors.CountryFilters(
            q=filters.q,
            region=filters.region or "",
            programme="" if filters.programme is None else ("yes" if filters.programme else "no"),
        )
    )


@router.get("/countries/{iso2}", response=CountryOut, summary="One country")
def get_country(request: HttpRequest, iso2: str) -> Any:
    return access.get_country_for_user(request.user, iso2)


@router.get("/organizations", response=list[OrganizationOut], summary="List organizations")
@paginate(Pages, page_size=50)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilterIn]) -> Any:
    qs = selectors.organization_list(
        user=request.user,
        filters=selectors.OrganizationFilters(
            q=filters.q,
            kind=filters.kind or "",
            country=(filters.country or "").upper(),
            region=filters.region or "",
            sort=filters.sort,
        ),
    )
    return qs.select_related("parent")


@router.get("/organizations/{slug}", response=OrganizationOut, summary="One organization")
def get_organization(request: HttpRequest, slug: str) -> Any:
    return access.get_organization_for_user(request.user, slug)


@router.post("/organizations", response={201: OrganizationOut}, summary="Register an organization")
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Any:
    if not access.can_create_organization(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    data = _resolve_references(payload.dict())
    try:
        organization = services.organization_create(actor=request.user, data=data)
    except ValidationError as error:
        raise FieldErrors.from_validation_error(error) from error
    return Status(201, organization)


@router.patch("/organizations/{slug}", response=OrganizationOut, summary="Change an organization")
def update_organization(request: HttpRequest, slug: str, payload: OrganizationPatch) -> Any:
    organization = access.get_organization_for_user(request.user, slug, write=True)
    data = _resolve_references(payload.dict(exclude_unset=True))
    try:
        return services.organization_update(actor=request.user, organization=organization, data=data)
    except ValidationError as error:
        raise FieldErrors.from_validation_error(error) from error
