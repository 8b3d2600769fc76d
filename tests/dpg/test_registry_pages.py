"""The registry browser and a solution's DPG status, through the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from seedbed.dpg.models import DpgStatus, RegistryRecord
from seedbed.portfolio import services as portfolio_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def solution(team):
    return portfolio_services.solution_create(actor=None, organization=team, name="Growth Monitor")


def _record(key: str, name: str, stage: str, **extra):
    return RegistryRecord.objects.create(
        key=key, name=name, stage=stage, content_hash="0" * 64, updated_at=timezone.now(), **extra
    )


def test_anyone_browses_and_searches_the_registry_and_staff_see_the_match(solution, people, client_for):
    _record("primero", "Primero", "DPG", licences=["AGPL-3.0"], sdgs=[16], solution=solution, match="name")
    _record("h5p", "H5P", "nominee", licences=["MIT"], sdgs=[4])
    public = client_for(None)
    page = public.get("/dpg/registry/").content.decode()
    assert "Primero" in page and "H5P" in page and "2 records" in page
    assert "Growth Monitor" not in page  # the portfolio is the staff's
    nominees = public.get("/dpg/registry/?stage=nominee").content.decode()
    assert "H5P" in nominees and "Primero" not in nominees
    assert "Primero" in public.get("/dpg/registry/?q=prim").content.decode()
    detail = client_for(people["mentor"]).get("/dpg/registry/primero/").content.decode()
    assert "AGPL-3.0" in detail and "Growth Monitor" in detail and "Same name" in detail
    assert public.get("/dpg/registry/nothing-here/").status_code == 404


def test_a_solution_shows_its_dpg_status_and_the_renewal_window(solution, people, client_for):
    today = timezone.localdate()
    record = _record("growth-monitor", "Growth Monitor", "DPG")
    status = DpgStatus.objects.create(
        solution=solution, status="dpg", since=today - dt.timedelta(days=340), registry_record=record
    )
    client = client_for(people["fund_manager"])
    page = client.get(f"/solutions/{solution.slug}/").content.decode()
    assert "Digital public good" in page
    assert f"expires on {status.expires_on:%Y-%m-%d}" in page
    assert "The renewal window is open: 25 days left." in page
    assert "/dpg/registry/growth-monitor/" in page
    DpgStatus.objects.filter(pk=status.pk).update(expires_on=today - dt.timedelta(days=1))
    assert "has expired" in client.get(f"/solutions/{solution.slug}/").content.decode()
