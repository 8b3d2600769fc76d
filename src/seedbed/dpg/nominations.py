"""A nomination to the DPGA for a solution: the nominee record and the screening answers, in the
registry's published format, with the problems that would make the DPGA reject them in plain words.

``nomination_for(solution)`` returns ``(nominee, screening, errors)``. Both documents are built whatever
is missing (so a page can show them), and validated against the DPGA's schemas; ``errors`` is empty when
both are valid and complete enough to submit.

Sources: the solution (name, description, website, SDGs, kind, owner), its repositories and their latest
finished scans (the licence and where it is published), the funds that invested in it (funders), and its
DPG Standard answers (``IndicatorAnswer``): the answer text and evidence links of each item, whether it
is met, and ``details`` that answer the screening's own questions by their field names.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from seedbed.dpg.models import Indicator, IndicatorAnswer, Repository, Scan, ScanStatus
from seedbed.dpg.registry import schema, schema_errors
from seedbed.portfolio.models import Solution

TYPE_FOR_KIND = {"software": "software", "data": "data", "content": "content", "ai_model": "aimodel"}
YES, NO, UNKNOWN = "Yes", "No", "Unknown"

# Modern SPDX ids -> the registry's (older GNU) spelling, used when ``seedbed.dpg.licences`` is absent.
_REGISTRY_IDS = {
    **{
        f"{base}-{suffix}": base
        for base in ("GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0", "AGPL-3.0")
        for suffix in ("only", "or-later")
    },
    **{f"{base}+": base for base in ("GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0", "AGPL-3.0")},
}
_EXPRESSION_WORDS = re.compile(r"\s+(?:OR|AND)\s+|[()]", re.IGNORECASE)
_SPDX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-+]*$")


def to_registry_id(spdx_id: str) -> str:
    """The DPGA registry's spelling of an SPDX id (``GPL-3.0-only`` -> ``GPL-3.0``)."""
    try:
        from seedbed.dpg.licences.registry import to_registry_id as mapped
    except ImportError:  # pragma: no cover - the licences package is always there once issue 6 is done
        spdx_id = spdx_id.strip()
        return _REGISTRY_IDS.get(spdx_id, spdx_id)
    return mapped(spdx_id)


def licence_ids(expression: str) -> list[str]:
    """The licence ids of an SPDX expression (``(MIT OR Apache-2.0) AND CC-BY-4.0``), in order, once each;
    an exception (``WITH ...``) is dropped: the registry lists licences only."""
    ids: list[str] = []
    for part in _EXPRESSION_WORDS.split(expression or ""):
        part = re.split(r"\s+WITH\s+", part.strip(), flags=re.IGNORECASE)[0].strip()
        if part and part not in ids:
            ids.append(part)
    return ids


# --- Nominee -------------------------------------------------------------------------------------------


def _latest_scan(repository: Repository) -> Scan | None:
    return (
        Scan.objects.filter(repository=repository, status=ScanStatus.DONE)
        .order_by("-requested_at", "-id")
        .first()
    )


def _licence_url(scan: Scan, repository: Repository) -> str:
    for key in ("licence.identified", "licence.present"):
        check = scan.checks.filter(key=key).first()
        if check is None:
            continue
        for item in check.evidence or []:
            if isinstance(item, dict) and item.get("url"):
                return str(item["url"])
    return repository.url if repository.url.startswith(("http://", "https://")) else ""


def _repositories(solution: Solution) -> list[Repository]:
    repositories = list(Repository.objects.filter(solution=solution))
    repositories.sort(key=lambda repo: (repo.name != "main", repo.pk))
    return repositories


def _licences(
    solution: Solution, repositories: list[Repository], answers: dict[str, IndicatorAnswer]
) -> list[dict[str, str]]:
    found: dict[str, str] = {}  # registry id -> licence URL
    for repository in repositories:
        scan = _latest_scan(repository)
        if scan is None or not scan.licence:
            continue
        url = _licence_url(scan, repository)
        for spdx_id in licence_ids(scan.licence):
            registry_id = to_registry_id(spdx_id)
            if not found.get(registry_id):
                found[registry_id] = url
    answer = answers.get(Indicator.LICENCE)
    if answer is not None:
        declared = answer.details.get("licences") if isinstance(answer.details, dict) else None
        if not declared:
            # An answer that is an SPDX expression and nothing else ("MIT", "GPL-3.0-only OR MIT").
            words = licence_ids(answer.answer)
            declared = words if words and all(_SPDX_ID.match(word) for word in words) else []
        answer_url = next(iter(answer.evidence_urls or []), "")
        for spdx_id in declared or []:
            registry_id = to_registry_id(str(spdx_id))
            if not found.get(registry_id):
                found[registry_id] = str(answer_url)
    return [{"spdx": spdx, "licenseURL": url} for spdx, url in found.items()]


def _sdgs(solution: Solution, answers: dict[str, IndicatorAnswer]) -> list[dict[str, Any]]:
    answer = answers.get(Indicator.SDG)
    text = answer.answer.strip() if answer else ""
    url = str(next(iter(answer.evidence_urls or []), "")) if answer else ""
    per_goal = answer.details.get("sdgs", {}) if answer and isinstance(answer.details, dict) else {}
    goals: list[int] = []
    for value in solution.sdgs or []:
        try:
            goal = int(value)
        except (TypeError, ValueError):
            continue
        if goal not in goals:
            goals.append(goal)
    return [
        {
            "SDGNumber": goal,
            "evidenceText": str(per_goal.get(str(goal)) or text) if isinstance(per_goal, dict) else text,
            "evidenceURL": url,
        }
        for goal in sorted(goals)
    ]


def _organizations(solution: Solution) -> list[dict[str, str]]:
    owner = solution.organization
    organizations = [{"name": owner.name, "website": owner.website, "org_type": "owner"}]
    funds = {
        investment.fund.name: investment.fund
        for investment in solution.investments.select_related("fund").order_by("fund__name")
    }
    organizations += [{"name": name, "org_type": "funder"} for name in funds]
    return [{key: value for key, value in org.items() if value} for org in organizations]


def nominee_for(solution: Solution, answers: dict[str, IndicatorAnswer] | None = None) -> dict[str, Any]:
    """The nominee record of ``solution`` (fields in the schema's order)."""
    answers = answers if answers is not None else _answers(solution)
    repositories = _repositories(solution)
    nominee: dict[str, Any] = {
        "name": solution.name,
        "description": " ".join((solution.description or "").split()),
    }
    if solution.website:
        nominee["website"] = solution.website
    nominee["license"] = _licences(solution, repositories, answers)
    nominee["SDGs"] = _sdgs(solution, answers)
    kind = TYPE_FOR_KIND.get(solution.kind)
    nominee["type"] = [kind] if kind else []
    public = [repo for repo in repositories if repo.url.startswith(("http://", "https://"))]
    nominee["repositories"] = [  # a local folder (the demo's, a command-line scan) means nothing to the DPGA
        {"name": repo.name or ("main" if index == 0 else f"repository-{index + 1}"), "url": repo.url}
        for index, repo in enumerate(public)
    ]
    nominee["organizations"] = _organizations(solution)
    nominee["stage"] = "nominee"
    return nominee


# --- Screening -----------------------------------------------------------------------------------------


def _yes_no(met: bool | None, *, invert: bool = False) -> str:
    if met is None:
        return UNKNOWN
    return (NO if met else YES) if invert else (YES if met else NO)


def _section(
    defaults: dict[str, Any], answer: IndicatorAnswer | None, properties: dict[str, Any]
) -> dict[str, Any]:
    """``defaults`` overridden by the answer's ``details`` that name a field of this screening section."""
    section = dict(defaults)
    if answer is not None and isinstance(answer.details, dict):
        section.update({key: value for key, value in answer.details.items() if key in properties})
    return section


def _texts(answer: IndicatorAnswer | None, *, with_links: bool = True) -> list[str]:
    if answer is None:
        return []
    texts = [answer.answer.strip()] if answer.answer.strip() else []
    return texts + ([str(url) for url in answer.evidence_urls or []] if with_links else [])


def _countries(solution: Solution) -> tuple[list[str], list[str]]:
    owner_country = solution.organization.country
    development = [owner_country.name] if owner_country else []
    deployment = sorted(
        {
            country.name
            for investment in solution.investments.prefetch_related("countries")
            for country in investment.countries.all()
        }
    )
    return development, deployment


def screening_for(solution: Solution, answers: dict[str, IndicatorAnswer] | None = None) -> dict[str, Any]:
    """The screening answers (indicators 3-9) of ``solution`` from its DPG Standard answers."""
    answers = answers if answers is not None else _answers(solution)
    props = schema("screening")["properties"]
    get = answers.get

    def met(code: str) -> bool | None:
        answer = get(code)
        return answer.met if answer is not None else None

    def answer_text(code: str) -> str:
        answer = get(code)
        return answer.answer.strip() if answer is not None else ""

    def first_url(code: str) -> str:
        answer = get(code)
        return str(next(iter(answer.evidence_urls or []), "")) if answer is not None else ""

    def urls(code: str) -> list[str]:
        answer = get(code)
        return [str(url) for url in answer.evidence_urls or []] if answer is not None else []

    ownership = _section(
        {"isOwnershipExplicit": _yes_no(met("3")), "copyrightURL": first_url("3")},
        get("3"),
        props["clearOwnership"]["properties"],
    )
    platform = _section(
        {
            "mandatoryDepsCreateMoreRestrictions": _yes_no(met("4"), invert=True),
            "isSoftwarePltIndependent": "",
            "pltIndependenceDesc": answer_text("4"),
        },
        get("4"),
        props["platformIndependence"]["properties"],
    )
    documentation = _section(
        {"isDocumentationAvailable": _yes_no(met("5")), "documentationURL": urls("5")},
        get("5"),
        props["documentation"]["properties"],
    )
    non_pii = _section(
        {
            "collectsNonPII": YES if met("6") is not None else UNKNOWN,
            "checkNonPIIAccessMechanism": _yes_no(met("6")) if met("6") is not None else "",
            "nonPIIAccessMechanism": answer_text("6"),
        },
        get("6"),
        props["NonPII"]["properties"],
    )
    privacy = _section(
        {
            "isPrivacyCompliant": _yes_no(met("7")),
            "privacyComplianceList": [],
            "adherenceSteps": _texts(get("7")),
        },
        get("7"),
        props["privacy"]["properties"],
    )
    standards = _section(
        {
            "supportStandards": _yes_no(met("8")),
            "standardsList": _texts(get("8"), with_links=False),
            "evidenceStandardSupport": urls("8"),
            "implementBestPractices": _yes_no(met("8")),
            "bestPracticesList": [],
        },
        get("8"),
        props["standards"]["properties"],
    )
    harm_props = props["doNoHarm"]["properties"]
    harm_met = [met(code) for code in ("9a", "9b", "9c")]
    prevent = YES if all(value is True for value in harm_met) else NO if False in harm_met else UNKNOWN
    do_no_harm = {
        "preventHarm": {"stepsToPreventHarm": prevent, "additionalInfoMechanismProcessesPolicies": ""},
        "dataPrivacySecurity": _section(
            {
                "collectsPII": UNKNOWN,
                "typesOfDataCollected": [],
                "thirdPartyDataSharing": UNKNOWN,
                "dataSharingCircumstances": [],
                "ensurePrivacySecurity": _yes_no(met("9a")),
                "privacySecurityDescription": " ".join(_texts(get("9a"))),
            },
            get("9a"),
            harm_props["dataPrivacySecurity"]["properties"],
        ),
        "inappropriateIllegalContent": _section(
            {
                "collectStoreDistribute": UNKNOWN,
                "type": "",
                "contentFilter": "",
                "policyGuidelinesDocumentationLink": first_url("9b"),
                "illegalContentDetection": _yes_no(met("9b")) if met("9b") is not None else "",
                "illegalContentDetectionMechanism": answer_text("9b"),
            },
            get("9b"),
            harm_props["inappropriateIllegalContent"]["properties"],
        ),
        "protectionFromHarassment": _section(
            {
                "userInteraction": UNKNOWN,
                "addressSafetySecurityUnderageUsers": "",
                "stepsAddressRiskPreventSafetyUnderageUsers": [],
                "griefAbuseHarassmentProtection": _yes_no(met("9c")) if met("9c") is not None else "",
                "harassmentProtectionSteps": _texts(get("9c")),
            },
            get("9c"),
            harm_props["protectionFromHarassment"]["properties"],
        ),
    }
    development, deployment = _countries(solution)
    return {
        "name": solution.name,
        "clearOwnership": ownership,
        "platformIndependence": platform,
        "documentation": documentation,
        "NonPII": non_pii,
        "privacy": privacy,
        "standards": standards,
        "doNoHarm": do_no_harm,
        "locations": {"developmentCountries": development, "deploymentCountries": deployment},
    }


# --- Validation in plain words -------------------------------------------------------------------------


def _plain(document: str, error: Any) -> str:
    path = [str(part) for part in error.path]
    value = error.instance
    if document == "nominee":
        if path[:1] == ["license"]:
            if error.validator == "enum" and path[-1:] == ["spdx"]:
                return _("The licence '%(id)s' is not on the DPGA's list of approved open licences.") % {
                    "id": value
                }
            if error.validator == "minItems":
                return _("Name the open licence: no scan identified one and indicator 2 names none.")
        if path[:1] == ["SDGs"]:
            if error.validator == "minItems":
                return _("Choose at least one SDG.")
            if error.validator == "enum":
                return _("SDG %(goal)s does not exist: choose goals 1 to 17.") % {"goal": value}
        if path[:1] == ["type"]:
            return _("Choose the kind of solution: software, data, content or AI model.")
        if path[:1] == ["sectors"]:
            return _("The sector '%(sector)s' is not on the DPGA's list.") % {"sector": value}
    elif error.validator == "enum":
        return _("The screening answer '%(field)s' must be Yes, No or Unknown, not '%(value)s'.") % {
            "field": path[-1] if path else "",
            "value": value,
        }
    where = "/".join(path) or document
    return _("%(document)s, %(where)s: %(problem)s") % {
        "document": _("nominee") if document == "nominee" else _("screening"),
        "where": where,
        "problem": error.message,
    }


def _completeness(nominee: dict[str, Any]) -> list[str]:
    """What the schemas accept but the DPGA would send back."""
    problems = []
    if not nominee.get("description"):
        problems.append(_("Add a one-line description of the solution."))
    for item in nominee.get("license") or []:
        if not item.get("licenseURL"):
            problems.append(
                _("Add a link to where the licence '%(id)s' is published (e.g. the LICENSE file).")
                % {"id": item.get("spdx")}
            )
    return problems


def _answers(solution: Solution) -> dict[str, IndicatorAnswer]:
    return {answer.indicator: answer for answer in IndicatorAnswer.objects.filter(solution=solution)}


def nomination_for(solution: Solution) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The nominee record, the screening answers and, in plain words, what keeps them from being valid."""
    answers = _answers(solution)
    nominee = nominee_for(solution, answers)
    screening = screening_for(solution, answers)
    errors: list[str] = []
    for document, data in (("nominee", nominee), ("screening", screening)):
        for error in schema_errors(document, data):
            message = _plain(document, error)
            if message not in errors:
                errors.append(message)
    errors += [problem for problem in _completeness(nominee) if problem not in errors]
    return nominee, screening, errors
