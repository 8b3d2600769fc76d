"""Solutions, repositories and scans through the API."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from seedbed.core.api import FieldErrors, Pages
from seedbed.dpg import access, services
from seedbed.dpg.models import Repository, Scan
from seedbed.portfolio.models import Solution


class DpgRouter(Router):
    """Keeps each endpoint's operation id ``seedbed_dpg_api_<function>``."""

    def add_api_operation(
        self,
        path: str,
        methods: list[str],
        view_func: Callable[..., Any],
        *,
        operation_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        operation_id = operation_id or f"seedbed_dpg_api_{view_func.__name__}"
        super().add_api_operation(path, methods, view_func, operation_id=operation_id, **kwargs)


router = DpgRouter(tags=["DPG readiness"])


class CheckOut(Schema):
    key: str
    title: str
    status: str = Field(description="pass, fail, warning or n/a")
    message: str
    evidence: list[dict[str, Any]] = Field(
        description="[{path, line, note, url}]; url is a permalink when the forge is known"
    )
    indicators: list[str] = Field(description="DPG Standard indicators the check supports")
    check_keys: list[str] = Field(description="Milestone check keys a pass satisfies")
    details: dict[str, Any]


class ScanOut(Schema):
    id: int
    repository: int
    status: str
    requested_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    commit: str
    licence: str = Field(description="The project's licence as an SPDX expression, when identified")
    passed: int
    failed: int
    warnings: int
    error: str
    job: str | None = Field(None, description="The background job's id (GET /api/jobs/{id} for progress)")

    @staticmethod
    def resolve_repository(obj: Scan) -> int:
        return obj.repository_id

    @staticmethod
    def resolve_job(obj: Scan) -> str | None:
        return str(obj.job_id) if obj.job_id else None


class ScanDetailOut(ScanOut):
    checks: list[CheckOut]

    @staticmethod
    def resolve_checks(obj: Scan) -> list[Any]:
        return list(obj.checks.all())


class RepositoryOut(Schema):
    id: int
    solution: str
    name: str
    url: str
    last_scan: ScanOut | None

    @staticmethod
    def resolve_solution(obj: Repository) -> str:
        return obj.solution.slug


class SolutionOut(Schema):
    slug: str
    name: str
    kind: str
    organization: str
    website: str
    sdgs: list[int]
    repositories: list[RepositoryOut]

    @staticmethod
    def resolve_organization(obj: Solution) -> str:
        return obj.organization.slug

    @staticmethod
    def resolve_repositories(obj: Solution) -> list[Any]:
        return list(obj.repositories.all())


class SolutionFilters(Schema):
    q: str = ""


class RepositoryIn(Schema):
    url: str = Field(description="The repository's public https:// address")
    name: str = "main"


@router.get("/solutions", response=list[SolutionOut])
@paginate(Pages)
def solution_list(request: HttpRequest, filters: Query[SolutionFilters]) -> Any:
    """Solutions the caller may see (staff: all; a team: its own), with their repositories' last scans."""
    qs = (
        access.solutions_for_user(request.user)
        .select_related("organization")
        .prefetch_related("repositories__last_scan")
        .order_by("name", "pk")
    )
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(organization__name__icontains=filters.q))
    return qs


@router.get("/solutions/{slug}", response=SolutionOut)
def solution_detail(request: HttpRequest, slug: str) -> Any:
    return access.get_solution_for_user(request.user, slug)


@router.post("/solutions/{slug}/repositories", response={201: RepositoryOut})
def repository_create(request: HttpRequest, slug: str, payload: RepositoryIn) -> Any:
    """Add a repository and queue its first scan (fund managers, mentors, administrators, the team)."""
    solution = access.get_solution_for_user(request.user, slug, write=True)
    try:
        repository = services.repository_add(
            actor=request.user, solution=solution, url=payload.url, name=payload.name
        )
    except ValidationError as error:
        raise FieldErrors.from_validation_error(error) from None
    services.scan_request(actor=request.user, repository=repository)
    repository.refresh_from_db()
    return Status(201, repository)


@router.get("/repositories/{pk}/scans", response=list[ScanOut])
@paginate(Pages)
def scan_list(request: HttpRequest, pk: int) -> Any:
    repository = access.get_repository_for_user(request.user, pk)
    return repository.scans.order_by("-requested_at", "-pk")


@router.post("/repositories/{pk}/scans", response={202: ScanOut})
def scan_create(request: HttpRequest, pk: int) -> Any:
    """Queue a scan (or return the one already waiting); follow it with GET /api/scans/{id}."""
    repository = access.get_repository_for_user(request.user, pk, write=True)
    scan = services.scan_request(actor=request.user, repository=repository)
    scan.refresh_from_db()
    return Status(202, scan)


@router.get("/scans/{pk}", response=ScanDetailOut)
def scan_detail(request: HttpRequest, pk: int) -> Any:
    """One scan with every check, its evidence, indicators and check keys."""
    return access.get_scan_for_user(request.user, pk)
