"""Import of the DPGA registry in its published format, and matching of its records to the portfolio.

The folder holds ``nominees/<key>.json`` (one nominee or DPG record each, valid against
``nominee-schema.json``) and ``digitalpublicgoods/<key>.json`` (the screening answers of the same record,
valid against ``screening-schema.json``), as in ``../shared/data/dpga/registry/``. The folder above it
is accepted too, and so is the copy Seedbed ships, ``seedbed/dpg/data/registry.json.gz`` (both folders in
one file, keyed by the files' stems; ``scripts/build_registry_bundle.py`` makes it), which is what
``registry_import()`` reads when given nothing: a fresh installation needs no shared data folder.

- Every record is validated against both schemas (copied to ``seedbed/dpg/data/``); an invalid nominee
  is reported and skipped, an invalid screening is reported and left out.
- Contact names and e-mail addresses are personal data: organizations keep only their name, website and
  type, any field named like a contact or an e-mail is dropped, and e-mail addresses inside free text are
  replaced, before anything is hashed or stored.
- The import is idempotent: a record whose content hash is unchanged is not written again.
- Records are then matched to portfolio solutions, by repository address first, then by name, and a
  matched solution's DPG status follows the record's stage unless a person recorded it.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.dpg.models import (
    DpgStatus,
    DpgStatusSource,
    DpgStatusValue,
    RegistryMatch,
    RegistryRecord,
    RegistryStage,
    Repository,
)
from seedbed.portfolio.models import Solution

DATA_DIR = Path(__file__).resolve().parent / "data"
# The registry as Seedbed ships it (see scripts/build_registry_bundle.py and data/SOURCE-NOTE.txt).
BUNDLE_PATH = DATA_DIR / "registry.json.gz"
BUNDLE_FORMAT = "seedbed.dpga-registry"
BUNDLE_VERSION = 1
# Bump when the scrubbing or the stored fields change, so that the next import rewrites every record.
FORMAT_VERSION = "1"
EMAIL_REPLACEMENT = "[e-mail address removed]"
ORGANIZATION_FIELDS = ("name", "website", "org_type")

_EMAIL = re.compile(r"(?:mailto:)?[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_CONTACT_KEY = re.compile(r"contact|e-?mail", re.IGNORECASE)
# Forges whose owner and repository names are case-insensitive.
_CASE_INSENSITIVE_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org"}

STATUS_FOR_STAGE = {RegistryStage.DPG: DpgStatusValue.DPG, RegistryStage.NOMINEE: DpgStatusValue.NOMINEE}

Progress = Callable[[int, int], None]


@dataclasses.dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = dataclasses.field(default_factory=list)
    matched: int = 0  # records matched to a solution after the import
    statuses_set: int = 0  # DPG statuses created or changed from the registry
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@cache
def schema(name: str) -> dict[str, Any]:
    """``nominee`` or ``screening``: the DPGA's JSON schema, as shipped in ``seedbed/dpg/data``."""
    with (DATA_DIR / f"{name}-schema.json").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


@cache
def validator(name: str) -> Any:
    from jsonschema import Draft7Validator

    return Draft7Validator(schema(name))


def schema_errors(name: str, document: Any) -> list[Any]:
    """The jsonschema errors of ``document`` against the ``name`` schema, in document order."""
    return sorted(validator(name).iter_errors(document), key=lambda error: list(map(str, error.path)))


# --- Personal data -----------------------------------------------------------------------------------


def scrub(value: Any) -> Any:
    """``value`` without contact fields and with e-mail addresses in text replaced."""
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items() if not _CONTACT_KEY.search(key)}
    if isinstance(value, list):
        return [scrub(item) for item in value]
    if isinstance(value, str):
        return _EMAIL.sub(EMAIL_REPLACEMENT, value)
    return value


def _organizations(record: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {field: str(org[field]) for field in ORGANIZATION_FIELDS if org.get(field) is not None}
        for org in record.get("organizations") or []
        if isinstance(org, dict)
    ]


# --- Matching keys -------------------------------------------------------------------------------------


def normalise_repository_url(url: str) -> str:
    """A repository address in one spelling: https, lower-case host without ``www.``, no ``.git`` suffix,
    no trailing slash, no query or fragment (``git@host:org/repo.git`` becomes ``https://host/org/repo``).
    Owner and repository names are lower-cased on forges that ignore their case."""
    url = (url or "").strip()
    if not url:
        return ""
    scp = re.match(r"^[\w.\-]+@([\w.\-]+):(?!//)(.+)$", url)
    if scp:
        url = f"https://{scp.group(1)}/{scp.group(2)}"
    elif "://" not in url:
        if url.startswith(("/", ".", "~")):
            return url.rstrip("/")  # a local path
        url = f"https://{url}"
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in {"http", "git", "ssh", "git+ssh", "git+https"}:
        scheme = "https"
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    path = path.removesuffix(".git").rstrip("/")
    if host in _CASE_INSENSITIVE_HOSTS:
        path = path.lower()
    return f"{scheme}://{host}{path}"


def normalise_name(name: str) -> str:
    """A name for comparison: case, accents, punctuation and spaces ignored (``Open-G2P`` = ``openg2p``)."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum())


# --- Import --------------------------------------------------------------------------------------------


def _registry_folder(folder: Path) -> Path:
    folder = Path(folder)
    if not (folder / "nominees").is_dir() and (folder / "registry" / "nominees").is_dir():
        return folder / "registry"
    return folder


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


class _Unreadable(Exception):
    """A record that is not readable JSON; the message says why."""


class _Source(Protocol):
    """Where the records come from: the published folder, or the bundle Seedbed ships."""

    def keys(self) -> list[str]: ...

    def nominee(self, key: str) -> Any: ...  # raises _Unreadable

    def screening(self, key: str) -> Any: ...  # None when the record has no screening; raises _Unreadable


class _Folder:
    def __init__(self, root: Path) -> None:
        self.nominees = root / "nominees"
        self.screenings = root / "digitalpublicgoods"

    def keys(self) -> list[str]:
        return [path.stem for path in sorted(self.nominees.glob("*.json"), key=lambda path: path.name)]

    @staticmethod
    def _read(path: Path) -> Any:
        try:
            return _load(path)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise _Unreadable(str(error)) from None

    def nominee(self, key: str) -> Any:
        return self._read(self.nominees / f"{key}.json")

    def screening(self, key: str) -> Any:
        path = self.screenings / f"{key}.json"
        return self._read(path) if path.is_file() else None


class _Bundle:
    def __init__(self, nominees: dict[str, Any], screenings: dict[str, Any]) -> None:
        self.nominees = nominees
        self.screenings = screenings

    def keys(self) -> list[str]:
        return sorted(self.nominees, key=lambda key: f"{key}.json")  # the folder's order

    def nominee(self, key: str) -> Any:
        return self.nominees[key]

    def screening(self, key: str) -> Any:
        return self.screenings.get(key)


def read_bundle(path: Path) -> _Bundle:
    """The bundle at ``path``; ``ValueError`` with the reason when it is not one."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            payload = json.load(handle)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(str(error)) from None
    if not isinstance(payload, dict) or payload.get("format") != BUNDLE_FORMAT:
        raise ValueError(_("not a bundle of the DPGA registry"))
    if payload.get("version") != BUNDLE_VERSION:
        raise ValueError(
            _("bundle version %(version)s is not supported") % {"version": payload.get("version")}
        )
    nominees, screenings = payload.get("nominees"), payload.get("digitalpublicgoods")
    if not isinstance(nominees, dict) or not isinstance(screenings, dict):
        raise ValueError(_("not a bundle of the DPGA registry"))
    return _Bundle(nominees, screenings)


def _describe(error: Any) -> str:
    where = "/".join(str(part) for part in error.path) or _("the record")
    return f"{where}: {error.message}"


def _fields(nominee: dict[str, Any], screening: dict[str, Any]) -> dict[str, Any]:
    record = scrub(nominee)
    record["organizations"] = _organizations(nominee)
    return {
        "name": str(nominee["name"])[:300],
        "aliases": [
            alias for alias in nominee.get("aliases") or [] if isinstance(alias, str) and alias.strip()
        ],
        "stage": nominee["stage"],
        "description": record.get("description") or "",
        "website": str(nominee.get("website") or "")[:500],
        "licences": [item["spdx"] for item in nominee.get("license") or []],
        "sdgs": sorted({int(item["SDGNumber"]) for item in nominee.get("SDGs") or []}),
        "types": list(nominee.get("type") or []),
        "sectors": list(nominee.get("sectors") or []),
        "repositories": [
            {"name": str(repo.get("name") or ""), "url": str(repo.get("url") or "")}
            for repo in nominee.get("repositories") or []
        ],
        "organizations": record["organizations"],
        "record": record,
        "screening": scrub(screening) if screening else {},
    }


def _content_hash(nominee: dict[str, Any], screening: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"format": FORMAT_VERSION, "nominee": nominee, "screening": screening},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _source_for(path: Path, result: ImportResult) -> _Source | None:
    """The records at ``path`` (a registry folder, the folder above it, or a bundle file), or None with the
    reason in ``result.errors``."""
    if path.is_file():
        try:
            return read_bundle(path)
        except ValueError as error:
            result.errors.append(
                _("%(file)s is not a readable registry bundle (%(error)s).")
                % {"file": path.name, "error": error}
            )
            return None
    root = _registry_folder(path)
    if not (root / "nominees").is_dir():
        result.errors.append(_("No nominees folder in %(folder)s.") % {"folder": path})
        return None
    return _Folder(root)


def registry_import(source: Path | str | None = None, *, progress: Progress | None = None) -> ImportResult:
    """Import (or refresh) every record of the registry, then match records to solutions. ``source`` is the
    registry folder (or the folder above it) or a bundle file; by default the bundle Seedbed ships."""
    started = timezone.now()
    result = ImportResult()
    records = _source_for(Path(source) if source is not None else BUNDLE_PATH, result)
    if records is None:
        return result
    keys = records.keys()
    existing = {record.key: record for record in RegistryRecord.objects.all()}
    with transaction.atomic():
        for done, key in enumerate(keys, start=1):
            _import_one(key, records, existing, result)
            if progress:
                progress(done, len(keys))
        result.matched, result.statuses_set = registry_match()
    result.seconds = (timezone.now() - started).total_seconds()
    return result


def _import_one(
    key: str, records: _Source, existing: dict[str, RegistryRecord], result: ImportResult
) -> None:
    name = f"{key}.json"
    try:
        nominee = records.nominee(key)
    except _Unreadable as error:
        result.errors.append(_("%(file)s: not readable JSON (%(error)s).") % {"file": name, "error": error})
        return
    errors = schema_errors("nominee", nominee)
    if errors:
        result.errors.extend(
            _("%(file)s: %(problem)s") % {"file": name, "problem": _describe(error)} for error in errors[:5]
        )
        return
    screening_name = f"digitalpublicgoods/{name}"
    try:
        screening = records.screening(key)
    except _Unreadable as error:
        result.errors.append(
            _("%(file)s: not readable JSON (%(error)s).") % {"file": screening_name, "error": error}
        )
        screening = None
    if screening is None:
        screening = {}
    else:
        screening_problems = schema_errors("screening", screening)
        if screening_problems:
            result.errors.extend(
                _("%(file)s: %(problem)s") % {"file": screening_name, "problem": _describe(error)}
                for error in screening_problems[:5]
            )
            screening = {}
    content_hash = _content_hash(nominee, screening)
    record = existing.get(key)
    if record is not None and record.content_hash == content_hash:
        result.unchanged += 1
        return
    fields = _fields(nominee, screening)
    now = timezone.now()
    if record is None:
        record = RegistryRecord.objects.create(key=key, content_hash=content_hash, updated_at=now, **fields)
        existing[key] = record
        result.created += 1
        return
    for field, value in fields.items():
        setattr(record, field, value)
    record.content_hash = content_hash
    record.updated_at = now
    record.save()
    result.updated += 1


# --- Matching ------------------------------------------------------------------------------------------


def _solution_index() -> tuple[dict[str, int], dict[str, int]]:
    by_url: dict[str, int] = {}
    for solution_id, url in Repository.objects.order_by("solution_id", "id").values_list(
        "solution_id", "url"
    ):
        by_url.setdefault(normalise_repository_url(url), solution_id)
    by_name: dict[str, int] = {}
    for solution_id, name in Solution.objects.order_by("id").values_list("id", "name"):
        by_name.setdefault(normalise_name(name), solution_id)
    by_url.pop("", None)
    by_name.pop("", None)
    return by_url, by_name


def match_for(
    record: RegistryRecord, by_url: dict[str, int], by_name: dict[str, int]
) -> tuple[int | None, str]:
    """The solution a record describes, and why: the same repository first, then the same name."""
    for repo in record.repositories:
        solution_id = by_url.get(normalise_repository_url(str(repo.get("url") or "")))
        if solution_id is not None:
            return solution_id, RegistryMatch.REPOSITORY
    solution_id = by_name.get(normalise_name(record.name))
    if solution_id is not None:
        return solution_id, RegistryMatch.NAME
    return None, ""


def registry_match(records: Iterable[RegistryRecord] | None = None) -> tuple[int, int]:
    """Match registry records to portfolio solutions and set the matched solutions' DPG status.

    Writes only what changed. Returns (records matched, DPG statuses created or changed)."""
    by_url, by_name = _solution_index()
    matched = 0
    statuses = 0
    rows = list(records) if records is not None else list(RegistryRecord.objects.all())
    for record in rows:
        solution_id, reason = match_for(record, by_url, by_name)
        if (record.solution_id, record.match) != (solution_id, reason):
            # update(): a match is not a change of the record's content, so updated_at stays.
            RegistryRecord.objects.filter(pk=record.pk).update(solution_id=solution_id, match=reason)
            record.solution_id, record.match = solution_id, reason
        if solution_id is not None:
            matched += 1
    # One status per solution: a DPG record wins over a nominee record of the same solution.
    best: dict[int, RegistryRecord] = {}
    for record in rows:
        if record.solution_id is None or record.stage not in STATUS_FOR_STAGE:
            continue
        current = best.get(record.solution_id)
        if current is None or (current.stage != RegistryStage.DPG and record.stage == RegistryStage.DPG):
            best[record.solution_id] = record
    for solution_id, record in best.items():
        statuses += status_from_registry(solution_id, record)
    return matched, statuses


def status_from_registry(solution_id: int, record: RegistryRecord) -> int:
    """Set a solution's DPG status from its registry record, unless a person recorded the status (a
    manual status is newer than the published registry, which has no dates). Returns 1 when it wrote."""
    target = STATUS_FOR_STAGE[RegistryStage(record.stage)]
    status = DpgStatus.objects.filter(solution_id=solution_id).first()
    if status is None:
        DpgStatus.objects.create(
            solution_id=solution_id, status=target, registry_record=record, source=DpgStatusSource.REGISTRY
        )
        return 1
    if status.source == DpgStatusSource.MANUAL and status.status != DpgStatusValue.NONE:
        if status.registry_record_id is None:
            status.registry_record = record
            status.save(update_fields=["registry_record", "updated_at"])
        return 0
    if (status.status, status.registry_record_id, status.source) == (
        target,
        record.pk,
        DpgStatusSource.REGISTRY,
    ):
        return 0
    status.status = target
    status.registry_record = record
    status.source = DpgStatusSource.REGISTRY
    status.save()
    return 1
