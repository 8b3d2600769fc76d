"""The portfolio-wide readiness matrix: each cell the best result of a check across a solution's
repositories' latest finished scans; staff only; every filter; the CSV and XLSX exports with the same
filters (formulas neutralised); and a fixed number of queries whatever the number of solutions."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from seedbed.calls.models import Theme
from seedbed.core.models import Organization
from seedbed.dpg import services
from seedbed.dpg.models import DpgStatus, Repository, Scan, ScanCheck
from seedbed.dpg.readiness import check_columns
from seedbed.portfolio import services as portfolio_services
from seedbed.portfolio.models import Cohort, Investment, Solution
from tests.dpg.conftest import MIT_TEXT

pytestmark = pytest.mark.django_db

URL = reverse("readiness_matrix")
KEYS = [column.key for column in check_columns()]
TITLES = {column.key: column.title for column in check_columns()}


def scan(repository: Repository, results: dict[str, str], *, days_ago: int = 1, last: bool = True) -> Scan:
    """A finished scan of ``repository`` with these check results; the repository's last scan if ``last``."""
    finished = timezone.now() - dt.timedelta(days=days_ago)
    row = Scan.objects.create(repository=repository, status="done", commit="a" * 40, finished_at=finished)
    ScanCheck.objects.bulk_create(
        ScanCheck(scan=row, key=key, title=key, status=status, position=index)
        for index, (key, status) in enumerate(results.items())
    )
    if last:
        Repository.objects.filter(pk=repository.pk).update(last_scan=row)
    return row


@pytest.fixture
def world(
    team: Any, other_team: Any, people: dict[str, Any], make_investment: Any, venture: Any
) -> dict[str, Any]:
    """Growth Monitor (Kijani, two repositories, a DPG), Other Tool (Other Team, graduated, a nominee, in a
    2023 cohort), Old Good (Other Team, an expired DPG, not funded, one scan) and two solutions not scanned:
    Bare Idea (no repository) and Waiting App (a repository whose only scan is still queued)."""
    manager = people["fund_manager"]
    growth = portfolio_services.solution_create(actor=manager, organization=team, name="Growth Monitor")
    other = portfolio_services.solution_create(actor=manager, organization=other_team, name="Other Tool")
    old = portfolio_services.solution_create(actor=manager, organization=other_team, name="Old Good")
    bare = portfolio_services.solution_create(actor=manager, organization=team, name="Bare Idea")
    waiting = portfolio_services.solution_create(actor=manager, organization=team, name="Waiting App")

    main = Repository.objects.create(
        solution=growth, name="main", url="https://git.example.org/kijani/growth"
    )
    handbook = Repository.objects.create(
        solution=growth, name="handbook", url="https://git.example.org/kijani/handbook"
    )
    # An older scan where everything passed: no longer the latest, so it does not count.
    scan(main, dict.fromkeys(KEYS, "pass"), days_ago=30, last=False)
    scan(
        main,
        {
            "licence.file": "pass",
            "readme.present": "fail",
            "ci": "warning",
            "tests": "fail",
            "containers": "n/a",
            "security_policy": "fail",
        },
        days_ago=3,
    )
    scan(
        handbook,
        {
            "licence.file": "fail",
            "readme.present": "pass",
            "ci": "fail",
            "tests": "n/a",
            "security_policy": "warning",
        },
        days_ago=2,
    )
    Scan.objects.create(repository=main, status="queued")  # waiting: not a finished scan

    tool = Repository.objects.create(solution=other, url="https://git.example.org/other/tool")
    scan(tool, {key: ("pass" if key == "licence.file" else "fail") for key in KEYS}, days_ago=10)
    legacy = Repository.objects.create(solution=old, url="https://git.example.org/other/legacy")
    scan(legacy, dict.fromkeys(KEYS, "pass"), days_ago=400)
    queued = Repository.objects.create(solution=waiting, url="https://git.example.org/kijani/waiting")
    Scan.objects.create(repository=queued, status="queued")

    today = timezone.localdate()
    DpgStatus.objects.create(solution=growth, status="dpg", since=today - dt.timedelta(days=10))
    DpgStatus.objects.create(solution=other, status="nominee")
    DpgStatus.objects.create(solution=old, status="dpg", since=today - dt.timedelta(days=800))  # lapsed

    theme = Theme.objects.get(slug="data-science-and-ai")
    cohort_2023 = Cohort.objects.create(theme=theme, year=2023)
    make_investment(team, solutions=[growth, waiting])
    graduated = make_investment(other_team, solutions=[other], cohort=cohort_2023)
    Investment.objects.filter(pk=graduated.pk).update(status="graduated")
    return {
        "growth": growth,
        "other": other,
        "old": old,
        "bare": bare,
        "waiting": waiting,
        "main": main,
        "handbook": handbook,
        "cohort_2023": cohort_2023,
    }


@pytest.fixture
def manager(people: dict[str, Any], client_for: Any) -> Client:
    return client_for(people["fund_manager"])


def names(response: Any) -> list[str]:
    assert response.status_code == 200
    return [row.solution.name for row in response.context["rows"]]


def cells(response: Any, name: str) -> dict[str, str]:
    row = next(row for row in response.context["rows"] if row.solution.name == name)
    return {cell.check.key: cell.status for cell in row.cells}


ALL = ["Growth Monitor", "Old Good", "Other Tool", "Bare Idea", "Waiting App"]  # scanned first, by name


def test_staff_see_the_best_result_of_each_check_across_the_latest_scans(world: Any, manager: Client) -> None:
    response = manager.get(URL)
    assert names(response) == ALL
    growth = cells(response, "Growth Monitor")
    assert growth["licence.file"] == "fail"  # main passes, the handbook fails: every one must be licensed
    assert growth["readme.present"] == "pass"  # the handbook passes
    assert growth["ci"] == "warning"  # a warning beats a failure
    assert growth["tests"] == "fail"  # a failure that applies beats "not applicable"
    assert growth["containers"] == "n/a"
    assert growth["security_policy"] == "warning"
    assert growth["code_of_conduct"] == ""  # in no scan: not scanned, not the older scan's pass
    other = cells(response, "Other Tool")
    assert other["licence.file"] == "pass" and other["tests"] == "fail"
    assert set(cells(response, "Bare Idea").values()) == {""}
    assert set(cells(response, "Waiting App").values()) == {""}

    rows = {row.solution.name: row for row in response.context["rows"]}
    assert (rows["Growth Monitor"].passed, rows["Growth Monitor"].applicable) == (1, 5)
    assert (rows["Other Tool"].passed, rows["Other Tool"].applicable) == (1, len(KEYS))
    assert rows["Growth Monitor"].dpg_label == "Digital public good"
    assert rows["Other Tool"].dpg_label == "Nominee"
    assert rows["Old Good"].dpg_label == "Expired"  # past its one-year term
    assert rows["Bare Idea"].dpg_label == "Not a DPG"
    assert not rows["Bare Idea"].scanned and rows["Bare Idea"].last_scanned is None

    html = response.content.decode()
    # The cell's title names the repository its result comes from when there are several.
    assert "README: pass — repository handbook (https://git.example.org/kijani/handbook)" in html
    assert "Continuous integration: warning — repository main (https://git.example.org/kijani/growth)" in html
    assert "Not scanned: no repository is listed." in html
    assert "Not scanned yet: no finished scan of its repositories." in html
    assert 'href="/solutions/growth-monitor/"' in html
    assert 'role="region"' in html and 'tabindex="0"' in html
    # Symbols carry a text alternative, and the legend explains them.
    assert '<span class="visually-hidden">not applicable</span>' in html
    assert "Licence file present" in html and "Changes through pull requests" in html


def test_the_summary_counts_the_solutions_passing_each_check(world: Any, manager: Client) -> None:
    response = manager.get(URL)
    passed = {item["column"].key: item["passed"] for item in response.context["summary"]}
    assert response.context["scanned"] == 3
    assert passed["licence.file"] == 2  # Other Tool, Old Good (Growth's handbook has no licence)
    assert passed["readme.present"] == 2  # Growth (handbook), Old Good
    assert passed["tests"] == 1  # Old Good only
    assert passed["code_of_conduct"] == 1
    # The summary follows the filters, not the page.
    response = manager.get(URL, {"q": "kijani"})
    passed = {item["column"].key: item["passed"] for item in response.context["summary"]}
    assert response.context["scanned"] == 1 and passed["licence.file"] == 0 and passed["readme.present"] == 1


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("fund_manager", 200),
        ("administrator", 200),
        ("reviewer", 200),
        ("committee_member", 200),
        ("finance_officer", 200),
        ("mentor", 200),
        ("focal_point", 200),
        ("applicant", 403),
        ("outsider", 403),
        ("grantee", 403),  # a member of a funded team
        ("other_grantee", 403),
    ],
)
def test_only_the_funds_staff_see_the_matrix(
    world: Any, people: dict[str, Any], client_for: Any, persona: str, expected: int
) -> None:
    client = client_for(people[persona])
    assert client.get(URL).status_code == expected
    assert client.get(URL, {"export": "csv"}).status_code == expected


def test_visitors_are_sent_to_sign_in(world: Any) -> None:
    for query in ({}, {"export": "csv"}):
        response = Client().get(URL, query)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_solution_list_links_to_the_matrix(world: Any, manager: Client) -> None:
    assert f'href="{URL}"' in manager.get(reverse("solution_list")).content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "growth"}, ["Growth Monitor"]),
        ({"q": "KIJANI"}, ["Growth Monitor", "Bare Idea", "Waiting App"]),  # the owner
        ({"fund": "venture-fund"}, ["Growth Monitor", "Other Tool", "Waiting App"]),
        ({"fund": "acceleration-fund"}, []),
        ({"status": "graduated"}, ["Other Tool"]),
        ({"status": "active"}, ["Growth Monitor", "Waiting App"]),
        ({"status": "active", "q": "growth"}, ["Growth Monitor"]),
        ({"dpg": "dpg"}, ["Growth Monitor"]),
        ({"dpg": "nominee"}, ["Other Tool"]),
        ({"dpg": "expired"}, ["Old Good"]),
        ({"dpg": "none"}, ["Bare Idea", "Waiting App"]),
        ({"scanned": "yes"}, ["Growth Monitor", "Old Good", "Other Tool"]),
        ({"scanned": "no"}, ["Bare Idea", "Waiting App"]),
        # Not passing: the combined result is anything but a pass (not scanned included).
        ({"failing": "readme.present"}, ["Other Tool", "Bare Idea", "Waiting App"]),
        ({"failing": "tests", "scanned": "yes"}, ["Growth Monitor", "Other Tool"]),
        # Every repository must be licensed: Growth's handbook fails, though its main repository passes.
        ({"failing": "licence.file", "scanned": "yes"}, ["Growth Monitor"]),
        ({"failing": "containers", "scanned": "yes"}, ["Growth Monitor", "Other Tool"]),  # n/a is not a pass
        # Unknown values narrow nothing.
        ({"failing": "no.such.check", "cohort": "x", "dpg": "maybe", "scanned": "perhaps"}, ALL),
    ],
)
def test_each_filter_narrows_the_rows(
    world: Any, manager: Client, query: dict[str, str], expected: list[str]
) -> None:
    assert names(manager.get(URL, query)) == expected


def test_the_cohort_filter(world: Any, manager: Client) -> None:
    assert names(manager.get(URL, {"cohort": world["cohort_2023"].pk})) == ["Other Tool"]
    assert names(manager.get(URL, {"cohort": world["cohort_2023"].pk, "status": "active"})) == []


def test_the_form_keeps_the_filters_and_the_export_links_carry_them(world: Any, manager: Client) -> None:
    html = manager.get(URL, {"failing": "tests", "dpg": "dpg", "page": "1"}).content.decode()
    assert '<option value="tests" selected>' in html
    assert '<option value="dpg" selected>' in html
    assert "?failing=tests&amp;dpg=dpg&amp;export=csv" in html
    assert "page=1&amp;export" not in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("most", ["Old Good", "Growth Monitor", "Other Tool", "Bare Idea", "Waiting App"]),
        ("fewest", ["Other Tool", "Growth Monitor", "Old Good", "Bare Idea", "Waiting App"]),  # scanned first
        ("oldest", ["Bare Idea", "Waiting App", "Old Good", "Other Tool", "Growth Monitor"]),
    ],
)
def test_sorting(world: Any, manager: Client, sort: str, expected: list[str]) -> None:
    assert names(manager.get(URL, {"sort": sort})) == expected


def read_csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export_has_a_row_per_solution_with_plain_words(world: Any, manager: Client) -> None:
    rows = read_csv(manager.get(URL, {"export": "csv"}))
    assert [row["Solution"] for row in rows] == ALL
    assert list(rows[0])[:6] == [
        "Solution",
        "Owner",
        "DPG status",
        "Checks passed",
        "Checks that apply",
        "Last scan",
    ]
    assert list(rows[0])[6:] == [TITLES[key] for key in KEYS]
    growth = next(row for row in rows if row["Solution"] == "Growth Monitor")
    assert growth["Owner"] == "Kijani Data Labs"
    assert growth["DPG status"] == "Digital public good"
    assert (growth["Checks passed"], growth["Checks that apply"]) == ("1", "5")
    assert growth["Last scan"] == timezone.localtime(timezone.now() - dt.timedelta(days=2)).date().isoformat()
    assert growth[TITLES["licence.file"]] == "fail"
    assert growth[TITLES["ci"]] == "warning"
    assert growth[TITLES["tests"]] == "fail"
    assert growth[TITLES["containers"]] == "not applicable"
    assert growth[TITLES["code_of_conduct"]] == "not scanned"
    bare = next(row for row in rows if row["Solution"] == "Bare Idea")
    assert bare["Checks passed"] == "" and bare["Last scan"] == ""
    assert {bare[TITLES[key]] for key in KEYS} == {"not scanned"}


def test_the_export_follows_the_filters_and_the_sort(world: Any, manager: Client) -> None:
    rows = read_csv(
        manager.get(URL, {"export": "csv", "failing": "tests", "scanned": "yes", "sort": "fewest"})
    )
    assert [row["Solution"] for row in rows] == ["Other Tool", "Growth Monitor"]


def test_the_xlsx_export_opens_with_the_same_rows(world: Any, manager: Client) -> None:
    response = manager.get(URL, {"export": "xlsx", "dpg": "dpg"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Solution", "Owner", "DPG status")
    assert len(rows) == 2
    assert rows[1][0] == "Growth Monitor"
    assert rows[1][3] == 1  # a number, not text
    assert rows[1][6 + KEYS.index("licence.file")] == "fail"
    assert rows[1][6 + KEYS.index("code_of_conduct")] == "not scanned"


def test_formula_looking_names_are_neutralised_in_the_exports(world: Any, manager: Client) -> None:
    evil = Organization.objects.create(name="+cmd|' /C calc'!A0", slug="evil", kind="startup")
    Solution.objects.create(name='=HYPERLINK("http://evil.example","x")', slug="evil", organization=evil)
    rows = read_csv(manager.get(URL, {"export": "csv", "q": "HYPERLINK"}))
    assert rows[0]["Solution"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[0]["Owner"] == "'+cmd|' /C calc'!A0"
    sheet = load_workbook(io.BytesIO(manager.get(URL, {"export": "xlsx", "q": "HYPERLINK"}).content)).active
    row = list(sheet.iter_rows(values_only=True))[1]
    assert row[0].startswith("'=") and row[1].startswith("'+")
    # On the page the name is escaped text.
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)" in manager.get(URL).content.decode()


def test_a_real_scan_fills_the_matrix(
    people: dict[str, Any],
    team: Any,
    make_repo: Any,
    manager: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    solution = portfolio_services.solution_create(
        actor=people["fund_manager"], organization=team, name="Scanned"
    )
    path = make_repo(
        "scanned", {"LICENSE": MIT_TEXT, "CODE_OF_CONDUCT.md": "# Code of conduct\n\nBe kind.\n"}
    )
    repository = services.repository_add(actor=people["fund_manager"], solution=solution, url=str(path))
    with django_capture_on_commit_callbacks(execute=True):
        services.scan_request(actor=people["fund_manager"], repository=repository)
    response = manager.get(URL)
    result = cells(response, "Scanned")
    assert result["licence.file"] == "pass" and result["licence.identified"] == "pass"
    assert result["code_of_conduct"] == "pass"
    assert result["readme.present"] == "fail"
    assert set(result) == set(KEYS) and "" not in result.values()  # a scan gives every check of the matrix


# --- a fixed number of queries -------------------------------------------------------------------------


def status_for(key: str, n: int) -> str:
    return "fail" if key == "tests" else ("pass", "fail", "warning", "n/a")[n % 4]


def grow(team: Any, count: int, start: int = 0) -> None:
    """``count`` solutions with two repositories each, scanned (every check), half with a DPG status."""
    solutions = Solution.objects.bulk_create(
        Solution(name=f"Solution {n:03d}", slug=f"solution-{n:03d}", organization=team)
        for n in range(start, start + count)
    )
    repositories = Repository.objects.bulk_create(
        Repository(solution=solution, name=name, url=f"https://git.example.org/{solution.slug}/{name}")
        for solution in solutions
        for name in ("main", "docs")
    )
    now = timezone.now()
    scans = Scan.objects.bulk_create(
        Scan(repository=repository, status="done", finished_at=now, commit="b" * 40)
        for repository in repositories
    )
    ScanCheck.objects.bulk_create(
        ScanCheck(scan=row, key=key, title=key, status=status_for(key, i + row.pk), position=i)
        for row in scans
        for i, key in enumerate(KEYS)
    )
    for repository, row in zip(repositories, scans, strict=True):
        repository.last_scan = row
    Repository.objects.bulk_update(repositories, ["last_scan"])
    DpgStatus.objects.bulk_create(DpgStatus(solution=s, status="nominee") for s in solutions[::2])


def count_queries(client: Client, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, query)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"sort": "most", "failing": "tests", "dpg": "nominee"},
        {"sort": "oldest", "scanned": "yes", "q": "solution"},
        {"export": "csv"},
        {"export": "xlsx", "sort": "fewest"},
    ],
)
def test_the_page_and_exports_run_a_fixed_number_of_queries(
    team: Any, people: dict[str, Any], client_for: Any, query: dict[str, str]
) -> None:
    client = client_for(people["fund_manager"])
    grow(team, 3)
    client.get(URL)  # the session's first queries
    small = count_queries(client, query)
    grow(team, 30, start=3)
    large = count_queries(client, query)
    assert small == large, (small, large)
    if not query:
        assert len(client.get(URL, query).context["rows"]) == 25  # one full page


def test_the_api_gives_the_same_rows_to_staff_only(
    world: Any, manager: Client, people: dict[str, Any], client_for: Any
) -> None:
    page = manager.get(URL, {"failing": "tests", "scanned": "yes"})
    body = manager.get("/api/readiness", {"failing": "tests", "scanned": "yes"}).json()
    assert [item["name"] for item in body["items"]] == names(page) and body["count"] == len(names(page))
    growth = next(item for item in body["items"] if item["name"] == "Growth Monitor")
    assert growth["checks"] == cells(page, "Growth Monitor")
    assert (growth["dpg_status"], growth["passed"], growth["applicable"]) == ("dpg", 1, 5)
    everything = manager.get("/api/readiness").json()
    assert [item["name"] for item in everything["items"]] == ALL
    for persona in ("applicant", "grantee"):
        assert client_for(people[persona]).get("/api/readiness").status_code == 403


def test_the_api_runs_a_fixed_number_of_queries(team: Any, people: dict[str, Any], client_for: Any) -> None:
    client = client_for(people["fund_manager"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/readiness", {"sort": "most"})
        assert response.status_code == 200
        return len(captured)

    grow(team, 3)
    small = queries()
    grow(team, 30, start=3)
    assert queries() == small
    assert client.get("/api/readiness").json()["count"] == 33
