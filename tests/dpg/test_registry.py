"""The DPGA registry import: the whole shared registry imports, a re-import changes nothing, contact data is
never stored, records are matched to portfolio solutions (by repository, then by name) and set their DPG
status; and the DPG status's one-year term with its renewal window."""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from seedbed.core.models import Organization
from seedbed.dpg.models import (
    DpgStatus,
    DpgStatusSource,
    DpgStatusValue,
    RegistryRecord,
    Repository,
)
from seedbed.dpg.models.assessment import expiry_for
from seedbed.dpg.registry import (
    BUNDLE_PATH,
    EMAIL_REPLACEMENT,
    normalise_name,
    normalise_repository_url,
    registry_import,
    registry_match,
)
from seedbed.portfolio.models import Solution

# ../shared/data/dpga beside the checkout (/work/shared/data in development, the sibling folder in CI).
SHARED_DPGA = Path(__file__).resolve().parents[3] / "shared" / "data" / "dpga"
REGISTRY = SHARED_DPGA / "registry"
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+\.[A-Za-z0-9.\-]+")


@pytest.fixture
def registry() -> Path:
    if not (REGISTRY / "nominees").is_dir():
        pytest.skip(f"The shared DPGA registry is not at {REGISTRY} (../shared/data/dpga/registry).")
    return REGISTRY


@pytest.fixture
def small_registry(registry: Path, tmp_path: Path) -> Path:
    """A copy of three records (one without a screening file) that a test may change."""
    folder = tmp_path / "registry"
    (folder / "nominees").mkdir(parents=True)
    (folder / "digitalpublicgoods").mkdir()
    for key in ("aajeevika", "primero", "aam-digital"):
        shutil.copy(registry / "nominees" / f"{key}.json", folder / "nominees")
        screening = registry / "digitalpublicgoods" / f"{key}.json"
        if screening.exists():
            shutil.copy(screening, folder / "digitalpublicgoods")
    return folder


def make_solution(name: str, *repositories: str, slug: str | None = None) -> Solution:
    organization, _created = Organization.objects.get_or_create(
        slug="kijani", defaults={"name": "Kijani Data Labs", "kind": "startup"}
    )
    solution = Solution.objects.create(
        name=name, slug=slug or re.sub(r"[^a-z0-9]+", "-", name.lower()), organization=organization
    )
    for index, url in enumerate(repositories):
        Repository.objects.create(solution=solution, url=url, name="main" if index == 0 else f"r{index}")
    return solution


@pytest.mark.django_db
def test_the_whole_shared_registry_imports_without_error(registry: Path) -> None:
    result = registry_import(registry)

    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (228, 0, 0)
    assert RegistryRecord.objects.count() == 228
    assert RegistryRecord.objects.filter(stage="DPG").count() == 165
    assert RegistryRecord.objects.filter(stage="nominee").count() == 63
    assert RegistryRecord.objects.exclude(screening={}).count() == 164
    primero = RegistryRecord.objects.get(key="primero")
    assert primero.name == "Primero"
    assert primero.repositories[0]["url"] == "https://github.com/primeroIMS/primero"
    assert primero.licences and primero.sdgs and primero.types == ["software"]
    assert all(set(org) <= {"name", "website", "org_type"} for org in primero.organizations)


@pytest.mark.django_db
def test_the_folder_above_the_registry_is_accepted(registry: Path) -> None:
    assert registry_import(registry.parent).created == 228


@pytest.mark.django_db
def test_reimporting_unchanged_content_changes_nothing(registry: Path) -> None:
    matched = make_solution("Primero")
    registry_import(registry)
    before = dict(RegistryRecord.objects.values_list("key", "updated_at"))
    status_before = DpgStatus.objects.get(solution=matched).updated_at

    progress: list[tuple[int, int]] = []
    result = registry_import(registry, progress=lambda done, total: progress.append((done, total)))

    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 228, [])
    assert result.statuses_set == 0
    assert dict(RegistryRecord.objects.values_list("key", "updated_at")) == before
    assert DpgStatus.objects.get(solution=matched).updated_at == status_before
    assert progress[-1] == (228, 228)


@pytest.mark.django_db
def test_a_changed_record_is_updated_and_a_broken_one_reported(small_registry: Path) -> None:
    assert registry_import(small_registry).created == 3
    path = small_registry / "nominees" / "aajeevika.json"
    record = json.loads(path.read_text())
    record["description"] = "A new description."
    path.write_text(json.dumps(record))
    (small_registry / "nominees" / "broken.json").write_text('{"name": "Broken"')
    (small_registry / "nominees" / "invalid.json").write_text(json.dumps({**record, "stage": "winner"}))

    result = registry_import(small_registry)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert any("broken.json" in error for error in result.errors)
    assert any("invalid.json" in error and "stage" in error for error in result.errors)
    assert RegistryRecord.objects.get(key="aajeevika").description == "A new description."
    assert not RegistryRecord.objects.filter(key__in=["broken", "invalid"]).exists()


@pytest.mark.django_db
def test_no_contact_name_or_email_is_stored(registry: Path) -> None:
    registry_import(registry)
    replaced = 0
    for record in RegistryRecord.objects.all():
        stored = json.dumps(
            {
                field.name: getattr(record, field.name)
                for field in RegistryRecord._meta.get_fields()
                if field.concrete and not field.is_relation
            },
            default=str,
            ensure_ascii=False,
        )
        assert "withheld" not in stored.lower(), record.key
        assert "contact_" not in stored, record.key
        assert not EMAIL.search(stored), (record.key, EMAIL.search(stored))
        # An "@" is left only inside a web address (https://medium.com/@project/...).
        for word in re.findall(r"\S*@\S*", stored):
            assert "://" in word, (record.key, word)
        replaced += stored.count(EMAIL_REPLACEMENT)
    # Addresses written into the screening answers' free text were replaced, not dropped with the text.
    assert replaced >= 4


@pytest.mark.django_db
def test_records_match_solutions_by_repository_then_by_name(registry: Path) -> None:
    by_repository = make_solution("Rural Market App", "http://GitHub.com/UNDPIndia/aajeevika.git/")
    by_name = make_solution("PRIMERO!")
    unmatched = make_solution("Growth Monitor", "https://gitlab.com/kijani/growth-monitor")

    result = registry_import(registry)

    aajeevika = RegistryRecord.objects.get(key="aajeevika")
    primero = RegistryRecord.objects.get(key="primero")
    assert (aajeevika.solution, aajeevika.match) == (by_repository, "repository")
    assert (primero.solution, primero.match) == (by_name, "name")
    assert not unmatched.registry_records.exists()
    assert result.matched == 2
    assert RegistryRecord.objects.filter(solution__isnull=False).count() == 2

    nominee_status = DpgStatus.objects.get(solution=by_repository)
    assert (nominee_status.status, nominee_status.source) == (
        DpgStatusValue.NOMINEE,
        DpgStatusSource.REGISTRY,
    )
    assert nominee_status.registry_record == aajeevika
    assert DpgStatus.objects.get(solution=by_name).status == DpgStatusValue.DPG
    assert not DpgStatus.objects.filter(solution=unmatched).exists()


@pytest.mark.django_db
def test_a_repository_match_wins_over_a_name_match(registry: Path) -> None:
    same_name = make_solution("Primero", slug="primero-copy")
    same_repository = make_solution("Case Management", "https://github.com/primeroims/primero")
    registry_import(registry)
    primero = RegistryRecord.objects.get(key="primero")
    assert (primero.solution, primero.match) == (same_repository, "repository")
    assert not same_name.registry_records.exists()


@pytest.mark.django_db
def test_a_solution_added_later_is_matched_by_the_next_match(registry: Path) -> None:
    registry_import(registry)
    solution = make_solution("OpenG2P")
    assert registry_match() == (1, 1)
    assert RegistryRecord.objects.get(key="openg2p").solution == solution
    assert registry_match() == (1, 0)


@pytest.mark.django_db
def test_a_status_a_person_recorded_is_not_overwritten(registry: Path) -> None:
    solution = make_solution("Aajeevika")
    DpgStatus.objects.create(
        solution=solution, status=DpgStatusValue.DPG, since=dt.date(2026, 3, 1), source=DpgStatusSource.MANUAL
    )
    registry_import(registry)
    status = DpgStatus.objects.get(solution=solution)
    assert (status.status, status.source, status.since) == (
        DpgStatusValue.DPG,
        DpgStatusSource.MANUAL,
        dt.date(2026, 3, 1),
    )
    assert status.registry_record == RegistryRecord.objects.get(key="aajeevika")


@pytest.mark.django_db
def test_the_command_prints_counts_and_fails_on_errors(small_registry: Path) -> None:
    out = StringIO()
    call_command("dpga", "import", str(small_registry), stdout=out)
    assert "3 created, 0 updated, 0 unchanged, 0 errors" in out.getvalue()

    (small_registry / "nominees" / "broken.json").write_text("not json")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("dpga", "import", str(small_registry), stdout=out, stderr=err)
    assert "0 created, 0 updated, 3 unchanged, 1 errors" in out.getvalue()
    assert "broken.json" in err.getvalue()

    with pytest.raises(CommandError):
        call_command("dpga", "import", str(small_registry / "missing"))


def _stored() -> dict[str, tuple[str, str, str]]:
    return {
        key: (content_hash, name, stage)
        for key, content_hash, name, stage in RegistryRecord.objects.values_list(
            "key", "content_hash", "name", "stage"
        )
    }


@pytest.mark.django_db
def test_the_bundled_registry_imports_without_the_shared_folder() -> None:
    result = registry_import()  # the copy in seedbed/dpg/data, as on a fresh machine

    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (228, 0, 0)
    assert RegistryRecord.objects.filter(stage="DPG").count() == 165
    assert RegistryRecord.objects.filter(stage="nominee").count() == 63
    assert RegistryRecord.objects.exclude(screening={}).count() == 164
    primero = RegistryRecord.objects.get(key="primero")
    assert primero.repositories[0]["url"] == "https://github.com/primeroIMS/primero"
    stored = json.dumps(list(RegistryRecord.objects.values("record", "screening", "organizations")))
    assert "withheld" not in stored.lower() and "contact_" not in stored

    again = registry_import(BUNDLE_PATH)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 228, [])


@pytest.mark.django_db
def test_the_bundle_and_the_folder_import_the_same_records(registry: Path) -> None:
    registry_import(registry)
    from_folder = _stored()
    assert len(from_folder) == 228
    # The same content: importing the bundle over the folder's import changes nothing...
    result = registry_import(BUNDLE_PATH)
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 228, [])
    # ...and from scratch it stores the same records.
    RegistryRecord.objects.all().delete()
    assert registry_import(BUNDLE_PATH).created == 228
    assert _stored() == from_folder


def test_the_bundle_holds_the_folders_records_unchanged(registry: Path) -> None:
    with gzip.open(BUNDLE_PATH, "rt", encoding="utf-8") as handle:
        bundle = json.load(handle)
    for folder in ("nominees", "digitalpublicgoods"):
        files = sorted((registry / folder).glob("*.json"))
        assert sorted(bundle[folder]) == sorted(path.stem for path in files)
        for path in files:
            assert bundle[folder][path.stem] == json.loads(path.read_text(encoding="utf-8")), path


def test_rebuilding_the_bundle_gives_the_same_bytes(registry: Path, tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[2] / "scripts" / "build_registry_bundle.py"
    spec = importlib.util.spec_from_file_location("build_registry_bundle", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "registry.json.gz"
    assert module.main([str(registry), "--out", str(out)]) == 0
    assert out.read_bytes() == BUNDLE_PATH.read_bytes()


@pytest.mark.django_db
def test_a_broken_bundle_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "registry.json.gz"
    broken.write_bytes(b"not gzip")
    result = registry_import(broken)
    assert result.total == 0 and len(result.errors) == 1 and "registry.json.gz" in result.errors[0]

    broken.write_bytes(gzip.compress(json.dumps({"format": "something else"}).encode()))
    assert "not a bundle" in registry_import(broken).errors[0]
    assert not RegistryRecord.objects.exists()


@pytest.mark.django_db
def test_the_command_imports_the_bundled_copy_without_a_folder() -> None:
    out = StringIO()
    call_command("dpga", "import", stdout=out)
    assert "228 created, 0 updated, 0 unchanged, 0 errors" in out.getvalue()
    out = StringIO()
    call_command("dpga", "import", str(BUNDLE_PATH), stdout=out)
    assert "0 created, 0 updated, 228 unchanged, 0 errors" in out.getvalue()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/primeroIMS/primero", "https://github.com/primeroims/primero"),
        ("http://GitHub.com/primeroIMS/primero.git/", "https://github.com/primeroims/primero"),
        ("git@github.com:primeroIMS/primero.git", "https://github.com/primeroims/primero"),
        ("https://www.github.com/primeroIMS/primero/", "https://github.com/primeroims/primero"),
        ("github.com/primeroIMS/primero", "https://github.com/primeroims/primero"),
        ("https://Forge.Example.org/Team/Tool.git", "https://forge.example.org/Team/Tool"),
        ("/srv/git/tool/", "/srv/git/tool"),
        ("", ""),
    ],
)
def test_repository_addresses_are_normalised(url: str, expected: str) -> None:
    assert normalise_repository_url(url) == expected


def test_names_are_compared_without_case_or_punctuation() -> None:
    assert normalise_name("Open-G2P") == normalise_name("openg2p")
    assert normalise_name("Global Digital Library") == normalise_name("global digital library.")
    assert normalise_name("Écoles") == normalise_name("ecoles")


def test_dpg_status_lasts_a_year_and_the_renewal_window_opens_45_days_before() -> None:
    status = DpgStatus(
        status=DpgStatusValue.DPG, since=dt.date(2025, 6, 1), expires_on=expiry_for(dt.date(2025, 6, 1))
    )
    assert status.expires_on == dt.date(2026, 6, 1)
    assert not status.renewal_open(dt.date(2026, 4, 16))
    assert status.renewal_open(dt.date(2026, 4, 17))  # 45 days left
    assert not status.expired(dt.date(2026, 5, 31))
    assert status.expired(dt.date(2026, 6, 1))
    assert status.renewal_open(dt.date(2026, 7, 1))  # after expiry, too
    assert expiry_for(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    nominee = DpgStatus(status=DpgStatusValue.NOMINEE)
    assert not nominee.expired(dt.date(2030, 1, 1)) and not nominee.renewal_open(dt.date(2030, 1, 1))
    assert DpgStatus(status=DpgStatusValue.EXPIRED).expired(dt.date(2030, 1, 1))


@pytest.mark.django_db
def test_saving_a_dpg_status_sets_its_expiry() -> None:
    solution = make_solution("Growth Monitor")
    status = DpgStatus.objects.create(
        solution=solution, status=DpgStatusValue.DPG, since=dt.date(2026, 1, 15)
    )
    assert status.expires_on == dt.date(2027, 1, 15)
    assert status.days_left(dt.date(2027, 1, 5)) == 10
