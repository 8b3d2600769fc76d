"""A solution's DPG Standard assessment and its DPG status.

- ``assessment_suggest``: after each scan, the items the scanner can speak to are pre-filled from the
  latest finished scan of each repository, marked as *suggested*. A person's answer is never overwritten.
- ``answer_save``: the team (or a fund manager, administrator or mentor) writes an item's answer, its
  evidence links and the DPGA's screening questions; changing a signed-off answer withdraws the sign-off.
- ``answer_sign_off``: a reviewer who is not on the team records whether the item is met, with a note.
- ``readiness``: which items are met, which wait for a sign-off, which lack an answer or evidence.
- ``dpg_status_set``: a fund manager records the DPG status (none, nominee, DPG since a date, expired).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.core.audit import audit_record
from seedbed.dpg import access
from seedbed.dpg.models import (
    DpgStatus,
    DpgStatusSource,
    DpgStatusValue,
    IndicatorAnswer,
    Repository,
    ScanCheck,
)
from seedbed.dpg.models.assessment import RENEWAL_WINDOW_DAYS, expiry_for
from seedbed.dpg.standard import ANY, CONCLUSIVE, EVIDENCE, ITEMS, SUPPORTING, Item
from seedbed.portfolio.models import Solution

MAX_EVIDENCE_LINKS = 20
SCAN, REGISTRY = "scan", "registry"  # IndicatorAnswer.suggested_from
# The better of two results of one check in different repositories (and the worse, reversed).
_RANK = {"pass": 3, "warning": 2, "n/a": 1, "fail": 0}
_ANSWER_FIELDS = ("answer", "evidence_urls", "met", "details")


# --- Suggestions from scans ----------------------------------------------------------------------------


@dataclass
class _Found:
    check: ScanCheck
    repository: Repository


def _latest_checks(solution: Solution) -> dict[str, list[_Found]]:
    """Every check of the latest finished scan of each of the solution's repositories, by key."""
    found: dict[str, list[_Found]] = {}
    repositories = {
        repo.last_scan_id: repo
        for repo in Repository.objects.filter(solution=solution, last_scan__isnull=False)
    }
    checks = ScanCheck.objects.filter(scan_id__in=list(repositories)).order_by("scan_id", "position")
    for check in checks:
        found.setdefault(check.key, []).append(_Found(check, repositories[check.scan_id]))
    return found


def _combined(item: Item, results: list[_Found]) -> _Found:
    pick = min if item.every_repository else max
    return pick(results, key=lambda found: _RANK.get(found.check.status, 1))


def _suggestion(item: Item, checks: dict[str, list[_Found]]) -> dict[str, Any] | None:
    """What the latest scans say about ``item``: answer text, evidence links, met, and their source."""
    combined = [_combined(item, checks[key]) for key in item.checks if checks.get(key)]
    if not combined:
        return None
    statuses = [found.check.status for found in combined]
    if "pass" not in statuses and not (item.mode == CONCLUSIVE and "fail" in statuses):
        return None  # nothing found that speaks for the item, and the scan cannot settle it
    met: bool | None = None
    if item.mode in (CONCLUSIVE, SUPPORTING) and len(combined) == len(item.checks):
        if all(status == "pass" for status in statuses):
            met = True
        elif item.mode == CONCLUSIVE and "fail" in statuses:
            met = False
    elif item.mode == ANY and "pass" in statuses:
        met = True
    elif item.mode == CONCLUSIVE and "fail" in statuses:
        met = False
    symbols = {"pass": "✓", "fail": "✗", "warning": "!", "n/a": "–"}
    lines = [
        f"{symbols.get(found.check.status, '?')} {found.check.title}: {found.check.message}".strip()
        for found in combined
    ]
    links: list[str] = []
    for found in combined:
        if found.check.status not in ("pass", "warning"):
            continue
        for evidence in found.check.evidence or []:
            url = evidence.get("url") if isinstance(evidence, dict) else None
            if url and url.startswith(("http://", "https://")) and url not in links:
                links.append(url)
    scans = sorted({found.check.scan_id for found in combined})
    # The scan report shows each check's evidence (file and line) even where no forge permalink exists.
    for scan_id in sorted({found.check.scan_id for found in combined if found.check.status == "pass"}):
        link = f"{settings.SITE_URL}{reverse('scan_detail', args=[scan_id])}"
        if link not in links:
            links.append(link)
    repositories = sorted({found.repository.url for found in combined})
    return {
        "answer": "\n".join(lines),
        "evidence_urls": links[:MAX_EVIDENCE_LINKS],
        "met": None if item.mode == EVIDENCE else met,
        "suggestion_source": (
            _("Scan %(scans)s of %(repositories)s")
            % {"scans": ", ".join(f"#{pk}" for pk in scans), "repositories": ", ".join(repositories)}
        )[:200],
    }


@transaction.atomic
def assessment_suggest(*, solution: Solution) -> int:
    """Pre-fill the items the scans speak to; returns how many answers were written or changed. Only empty
    items and the scans' own earlier suggestions (not confirmed, not signed off) are touched."""
    checks = _latest_checks(solution)
    answers = {
        answer.indicator: answer
        for answer in IndicatorAnswer.objects.select_for_update().filter(solution=solution)
    }
    changed = 0
    for code, item in ITEMS.items():
        suggestion = _suggestion(item, checks)
        answer = answers.get(code)
        if suggestion is None:
            continue
        if answer is None:
            answer = IndicatorAnswer(solution=solution, indicator=code)
        elif not answer.suggested or answer.signed_off:
            continue  # a person's answer
        elif answer.suggested_from != SCAN and (answer.answer.strip() or answer.evidence_urls):
            continue  # the registry record's, which a person asked for
        elif all(getattr(answer, key) == value for key, value in suggestion.items()):
            continue
        for key, value in suggestion.items():
            setattr(answer, key, value)
        answer.suggested = True
        answer.suggested_from = SCAN
        answer.save()
        changed += 1
    return changed


# --- Suggestions from the DPGA registry (a renewal starts from what the DPGA accepted) ------------------


def _urls(*values: Any) -> list[str]:
    found: list[str] = []
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            text = str(item or "").strip()
            if text.startswith(("http://", "https://")) and " " not in text and text not in found:
                found.append(text)
    return found[:MAX_EVIDENCE_LINKS]


def _lines(*pairs: tuple[Any, Any]) -> str:
    """``label: value`` lines for the values given (lists joined), skipping empty ones and bare links."""
    lines = []
    for label, value in pairs:
        items = value if isinstance(value, list) else [value]
        texts = [str(item).strip(" -") for item in items if str(item or "").strip(" -")]
        texts = [text for text in texts if not text.startswith(("http://", "https://")) or " " in text]
        if texts:
            lines.append(f"{label}: {'; '.join(texts)}" if label else "; ".join(texts))
    return "\n".join(lines)


def _from_registry(record: Any) -> dict[str, dict[str, Any]]:
    """Each item's answer text, evidence links and screening answers from a registry record."""
    nominee, screening = record.record or {}, record.screening or {}
    ownership = screening.get("clearOwnership") or {}
    platform = screening.get("platformIndependence") or {}
    docs = screening.get("documentation") or {}
    non_pii = screening.get("NonPII") or {}
    privacy = screening.get("privacy") or {}
    standards = screening.get("standards") or {}
    harm = screening.get("doNoHarm") or {}
    data = harm.get("dataPrivacySecurity") or {}
    content = harm.get("inappropriateIllegalContent") or {}
    harassment = harm.get("protectionFromHarassment") or {}
    sdgs = nominee.get("SDGs") or []
    licences = nominee.get("license") or []
    owners = [
        org.get("name", "") for org in nominee.get("organizations") or [] if org.get("org_type") == "owner"
    ]
    items: dict[str, dict[str, Any]] = {
        "1": {
            "answer": "\n".join(
                f"SDG {goal.get('SDGNumber')}: {goal.get('evidenceText') or ''}".strip(": ") for goal in sdgs
            ),
            "evidence_urls": _urls(*[goal.get("evidenceURL") for goal in sdgs]),
        },
        "2": {
            "answer": ", ".join(str(item.get("spdx", "")) for item in licences),
            "evidence_urls": _urls(*[item.get("licenseURL") for item in licences]),
        },
        "3": {
            "answer": _lines(
                (_("Owner"), owners), (_("Ownership is explicit"), ownership.get("isOwnershipExplicit"))
            ),
            "evidence_urls": _urls(ownership.get("copyrightURL")),
        },
        "4": {
            "answer": _lines(
                (
                    _("Mandatory dependencies impose more restrictions"),
                    platform.get("mandatoryDepsCreateMoreRestrictions"),
                ),
                ("", platform.get("pltIndependenceDesc")),
            ),
            "evidence_urls": [],
            "details": {"isSoftwarePltIndependent": platform.get("isSoftwarePltIndependent")},
        },
        "5": {
            "answer": _lines((_("Documentation available"), docs.get("isDocumentationAvailable"))),
            "evidence_urls": _urls(docs.get("documentationURL")),
        },
        "6": {
            "answer": _lines(
                (_("Export and import of non-personal data"), non_pii.get("checkNonPIIAccessMechanism")),
                ("", non_pii.get("nonPIIAccessMechanism")),
            ),
            "evidence_urls": _urls(non_pii.get("nonPIIAccessMechanism")),
            "details": {"collectsNonPII": non_pii.get("collectsNonPII")},
        },
        "7": {
            "answer": _lines(
                (_("Laws and policies"), privacy.get("privacyComplianceList")),
                ("", privacy.get("adherenceSteps")),
            ),
            "evidence_urls": _urls(privacy.get("privacyComplianceList"), privacy.get("adherenceSteps")),
        },
        "8": {
            "answer": _lines(
                (_("Standards"), standards.get("standardsList")),
                (_("Evidence"), standards.get("evidenceStandardSupport")),
                (_("Best practices"), standards.get("bestPracticesList")),
            ),
            "evidence_urls": _urls(standards.get("evidenceStandardSupport")),
        },
        "9a": {
            "answer": _lines(
                (_("Personal data collected"), data.get("typesOfDataCollected")),
                ("", data.get("privacySecurityDescription")),
            ),
            "evidence_urls": [],
            "details": {
                "collectsPII": data.get("collectsPII"),
                "thirdPartyDataSharing": data.get("thirdPartyDataSharing"),
            },
        },
        "9b": {
            "answer": _lines(("", content.get("illegalContentDetectionMechanism"))),
            "evidence_urls": _urls(content.get("policyGuidelinesDocumentationLink")),
            "details": {"collectStoreDistribute": content.get("collectStoreDistribute")},
        },
        "9c": {
            "answer": _lines(("", harassment.get("harassmentProtectionSteps"))),
            "evidence_urls": [],
            "details": {
                "userInteraction": harassment.get("userInteraction"),
                "addressSafetySecurityUnderageUsers": harassment.get("addressSafetySecurityUnderageUsers"),
            },
        },
    }
    for item in items.values():
        details = item.get("details") or {}
        item["details"] = {key: value for key, value in details.items() if value in ("Yes", "No", "Unknown")}
    return items


def registry_record_of(solution: Solution) -> Any:
    """The solution's DPGA registry record (its DPG record before a nominee one), or None."""
    return solution.registry_records.order_by("stage", "key").first()  # "DPG" sorts before "nominee"


@transaction.atomic
def assessment_from_registry(*, actor: Any, solution: Solution) -> int:
    """Pre-fill the items from the solution's DPGA registry record (the answers the DPGA accepted, for a
    renewal), marked as suggested; returns how many were written. A person's answer and a sign-off are
    kept; a scan's suggestion is replaced (a person asked for the record), and later scans leave the
    record's suggestions alone."""
    if actor is not None and not access.can_answer(actor, solution):
        raise PermissionDenied(_("You cannot change this solution's assessment."))
    record = registry_record_of(solution)
    if record is None:
        raise ValidationError(_("This solution is not matched to a record of the DPGA registry."))
    source = (_("DPGA registry record %(key)s") % {"key": record.key})[:200]
    answers = {
        answer.indicator: answer
        for answer in IndicatorAnswer.objects.select_for_update().filter(solution=solution)
    }
    written = 0
    for code, values in _from_registry(record).items():
        if not (values["answer"] or values["evidence_urls"] or values.get("details")):
            continue
        answer = answers.get(code)
        if answer is None:
            answer = IndicatorAnswer(solution=solution, indicator=code)
        elif answer.signed_off or not answer.suggested:
            continue  # a person's answer: kept (a scan's suggestion is replaced)
        after = {
            "answer": values["answer"][:10_000],
            "evidence_urls": values["evidence_urls"],
            "details": values.get("details", {}),
            "met": True if record.stage == "DPG" else None,
        }
        unchanged = all(getattr(answer, key) == value for key, value in after.items())
        if (
            answer.pk
            and answer.suggested_from == REGISTRY
            and answer.suggestion_source == source
            and unchanged
        ):
            continue
        for key, value in after.items():
            setattr(answer, key, value)
        answer.suggested_from = REGISTRY
        answer.suggested = True
        answer.suggestion_source = source
        answer.updated_by = actor
        answer.save()
        written += 1
    if written:
        audit_record(
            actor=actor, action="dpg.answer_from_registry", target=solution, changes={"record": record.key}
        )
    return written


# --- Answers and sign-off -------------------------------------------------------------------------------


def _indicator(code: str) -> str:
    if code not in ITEMS:
        raise ValidationError({"indicator": [_("There is no such item in the DPG Standard.")]})
    return code


def clean_links(links: list[str] | str) -> list[str]:
    """Evidence links from a list or from text with one link per line; each must be http(s)."""
    if isinstance(links, str):
        links = links.splitlines()
    cleaned: list[str] = []
    validate = URLValidator(schemes=["http", "https"])
    for raw in links:
        link = str(raw).strip()
        if not link:
            continue
        try:
            validate(link)
        except ValidationError:
            raise ValidationError(
                {"evidence_urls": [_("“%(link)s” is not an http(s) link.") % {"link": link[:200]}]}
            ) from None
        if link not in cleaned:
            cleaned.append(link)
    if len(cleaned) > MAX_EVIDENCE_LINKS:
        raise ValidationError(
            {"evidence_urls": [_("At most %(count)s links.") % {"count": MAX_EVIDENCE_LINKS}]}
        )
    return cleaned


def _clean_details(item: Item, details: dict[str, Any] | None) -> dict[str, Any]:
    allowed = {question.field for question in item.questions}
    cleaned: dict[str, Any] = {}
    for key, value in (details or {}).items():
        if key not in allowed:
            continue
        if value not in ("", "Yes", "No", "Unknown"):
            raise ValidationError({key: [_("Answer Yes, No or Unknown.")]})
        if value:
            cleaned[key] = value
    return cleaned


@transaction.atomic
def answer_save(
    *,
    actor: Any,
    solution: Solution,
    indicator: str,
    answer: str,
    evidence_urls: list[str] | str,
    met: bool | None,
    details: dict[str, Any] | None = None,
) -> IndicatorAnswer:
    """Write an item's answer (confirming a suggestion). A change to a signed-off answer withdraws the
    sign-off: the reviewer has to look again."""
    if not access.can_answer(actor, solution):
        raise PermissionDenied(_("You cannot change this solution's assessment."))
    item = ITEMS[_indicator(indicator)]
    links = clean_links(evidence_urls)
    text = (answer or "").strip()
    if len(text) > 10_000:
        raise ValidationError({"answer": [_("Keep the answer under 10,000 characters.")]})
    current, _created = IndicatorAnswer.objects.select_for_update().get_or_create(
        solution=solution, indicator=item.code
    )
    before = {key: getattr(current, key) for key in _ANSWER_FIELDS}
    after = {"answer": text, "evidence_urls": links, "met": met, "details": _clean_details(item, details)}
    changes = {key: [before[key], after[key]] for key in _ANSWER_FIELDS if before[key] != after[key]}
    if current.suggested:
        changes["suggested"] = [True, False]
    if changes and current.signed_off:
        changes["signed_off"] = [True, False]
        current.signed_off_at = None
        current.signed_off_by = None
        current.review_note = ""
    for key, value in after.items():
        setattr(current, key, value)
    current.suggested = False
    current.suggested_from = ""
    current.updated_by = actor
    current.save()
    if changes:
        audit_record(actor=actor, action="dpg.answer", target=solution, changes={item.code: changes})
    return current


@transaction.atomic
def answer_sign_off(
    *, actor: Any, solution: Solution, indicator: str, met: bool, note: str = ""
) -> IndicatorAnswer:
    """A reviewer records whether the item is met. "Met" needs an answer with at least one evidence link;
    "not met" needs a note saying what is missing."""
    if not access.can_sign_off(actor, solution):
        raise PermissionDenied(_("You cannot sign off this solution's assessment."))
    item = ITEMS[_indicator(indicator)]
    note = (note or "").strip()
    answer = (
        IndicatorAnswer.objects.select_for_update().filter(solution=solution, indicator=item.code).first()
    )
    if answer is None or not (answer.answer.strip() or answer.evidence_urls):
        raise ValidationError(_("There is no answer to sign off yet."))
    if met and not answer.evidence_urls:
        raise ValidationError(_("An item can be signed off as met only with at least one evidence link."))
    if not met and not note:
        raise ValidationError({"note": [_("Say what is missing, so that the team can act on it.")]})
    answer.met = met
    answer.review_note = note[:5000]
    answer.suggested = False
    answer.suggested_from = ""
    answer.signed_off_by = actor
    answer.signed_off_at = timezone.now()
    answer.save()
    audit_record(
        actor=actor,
        action="dpg.sign_off",
        target=solution,
        changes={item.code: {"met": met, "note": answer.review_note}},
    )
    return answer


# --- Readiness -----------------------------------------------------------------------------------------

MET, NOT_MET, WAITING, SUGGESTED, MISSING = "met", "not_met", "waiting", "suggested", "missing"


@dataclass
class Row:
    item: Item
    answer: IndicatorAnswer | None
    state: str
    lacks_evidence: bool


@dataclass
class Readiness:
    rows: list[Row] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)

    @property
    def met(self) -> int:
        return self.count(MET)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def lacking_evidence(self) -> list[Row]:
        return [row for row in self.rows if row.lacks_evidence]

    @property
    def not_met(self) -> list[Row]:
        return [row for row in self.rows if row.state == NOT_MET]

    @property
    def waiting(self) -> list[Row]:
        return [row for row in self.rows if row.state in (WAITING, SUGGESTED)]

    @property
    def complete(self) -> bool:
        return self.met == self.total


def _state(answer: IndicatorAnswer | None) -> str:
    if answer is None or not (answer.answer.strip() or answer.evidence_urls):
        return MISSING
    if answer.signed_off:
        return MET if answer.met else NOT_MET
    return SUGGESTED if answer.suggested else WAITING


def readiness(solution: Solution, answers: dict[str, IndicatorAnswer] | None = None) -> Readiness:
    """Each item with its answer and state: met or not met (signed off), waiting for a sign-off,
    suggested by a scan, or missing; and whether it lacks evidence links."""
    if answers is None:
        answers = {
            answer.indicator: answer
            for answer in IndicatorAnswer.objects.filter(solution=solution).select_related("signed_off_by")
        }
    rows = []
    for code, item in ITEMS.items():
        answer = answers.get(code)
        state = _state(answer)
        lacks = state != NOT_MET and (answer is None or not answer.evidence_urls)
        rows.append(Row(item, answer, state, lacks))
    return Readiness(rows)


# --- DPG status ----------------------------------------------------------------------------------------


@transaction.atomic
def dpg_status_set(
    *,
    actor: Any,
    solution: Solution,
    status: str,
    since: dt.date | None = None,
    expires_on: dt.date | None = None,
    today: dt.date | None = None,
) -> DpgStatus:
    """Record a solution's DPG status by hand. A DPG needs the date of the DPGA's decision; its expiry is
    one year later unless given. Nominee and expired keep an optional date; "none" clears the dates."""
    if actor is not None and not access.can_set_dpg_status(actor):
        raise PermissionDenied(_("Only fund managers and administrators record DPG status."))
    if status not in DpgStatusValue.values:
        raise ValidationError({"status": [_("Choose a DPG status.")]})
    today = today or timezone.localdate()
    if since is not None and since > today:
        raise ValidationError({"since": [_("The date cannot be in the future.")]})
    if status == DpgStatusValue.DPG:
        if since is None:
            raise ValidationError({"since": [_("Give the date the DPGA recognised it as a DPG.")]})
        expires_on = expires_on or expiry_for(since)
    elif status == DpgStatusValue.NONE:
        since = expires_on = None
    if since is not None and expires_on is not None and expires_on <= since:
        raise ValidationError({"expires_on": [_("The expiry must come after the start.")]})
    current, _created = DpgStatus.objects.select_for_update().get_or_create(solution=solution)
    before = {"status": current.status, "since": current.since, "expires_on": current.expires_on}
    current.status = status
    current.since = since
    current.expires_on = expires_on if status in (DpgStatusValue.DPG, DpgStatusValue.EXPIRED) else None
    current.source = DpgStatusSource.MANUAL
    current.updated_by = actor
    current.save()
    after = {"status": current.status, "since": current.since, "expires_on": current.expires_on}
    changes = {
        key: [str(before[key]) if before[key] else None, str(after[key]) if after[key] else None]
        for key in before
        if before[key] != after[key]
    }
    if changes:
        audit_record(actor=actor, action="dpg.status", target=solution, changes=changes)
    return current


def expiring(today: dt.date | None = None) -> tuple[QuerySet[DpgStatus], QuerySet[DpgStatus]]:
    """DPG statuses in their renewal window (45 days or fewer left, not yet lapsed) and those that have
    expired (recorded as expired, or a DPG past its date), soonest first; the same rules as
    ``DpgStatus.renewal_open`` and ``DpgStatus.expired``, in the database."""
    today = today or timezone.localdate()
    window_end = today + dt.timedelta(days=RENEWAL_WINDOW_DAYS)
    rows = DpgStatus.objects.select_related("solution").order_by("expires_on", "solution__name")
    soon = rows.filter(status=DpgStatusValue.DPG, expires_on__gt=today, expires_on__lte=window_end)
    expired = rows.filter(
        Q(status=DpgStatusValue.EXPIRED) | Q(status=DpgStatusValue.DPG, expires_on__lte=today)
    )
    return soon, expired
