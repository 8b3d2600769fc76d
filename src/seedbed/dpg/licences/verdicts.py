"""The verdicts of the licence checks, built from what ``checks`` found: messages in plain words,
evidence pointing at files and lines, and machine-readable details."""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext as _

from ..scanner.types import CheckResult, Evidence, Status
from .analyse import LicenceFinding, Passage
from .corpus import get_corpus
from .declared import Declaration, ids_in
from .registry import is_dpga_accepted, is_no_derivatives, is_non_commercial, to_registry_id

INDICATORS = ("2",)  # DPG Standard indicator 2: use of an approved open licence


@dataclasses.dataclass
class Identified:
    spdx_id: str
    path: str
    line: int | None
    confidence: float
    finding: LicenceFinding | None = None
    source: str = "file"


def identified_result(
    found: list[Identified],
    findings: list[LicenceFinding],
    declared: list[Declaration],
    expression: str,
    disagreements: list[str],
) -> CheckResult:
    title = _("Licence identified")
    evidence = [Evidence(i.path, i.line, f"{i.spdx_id} ({i.confidence:.2f})") for i in found]
    details: dict[str, object] = {"spdx": expression or None, "licences": [i.spdx_id for i in found]}
    if found:
        confidence = min(i.confidence for i in found)
        details.update(confidence=round(confidence, 3), source="file")
        status, problems = Status.PASS, []
        notices = [i for i in found if i.finding and i.finding.kind == "notice"]
        if notices:
            status = Status.WARNING
            problems.append(
                _("%(path)s only names the licence and points to its text elsewhere; add the full text.")
                % {"path": notices[0].path}
            )
        for item in found:
            if item.finding and item.finding.placeholder_line:
                status = Status.WARNING
                problems.append(
                    _(
                        "%(path)s is the %(id)s template: its copyright line (line %(line)s) still holds "
                        "placeholders."
                    )
                    % {"path": item.path, "id": item.spdx_id, "line": item.finding.placeholder_line}
                )
                evidence.append(Evidence(item.path, item.finding.placeholder_line, _("template placeholder")))
            if item.finding and item.finding.restrictions:
                status = Status.WARNING
                problems.append(
                    _("%(path)s matches %(id)s but adds clauses, so it is not %(id)s as published.")
                    % {"path": item.path, "id": item.spdx_id}
                )
        if disagreements:
            status = Status.WARNING
            problems.append(
                _("The licence files say %(expr)s but other declarations differ: %(list)s.")
                % {"expr": expression, "list": "; ".join(disagreements)}
            )
            evidence += [Evidence(d.path, d.line, d.raw) for d in declared]
        message = _("The project's licence is %(expr)s (confidence %(conf).2f).") % {
            "expr": expression,
            "conf": confidence,
        }
        return CheckResult(
            "licence.identified",
            title,
            status,
            " ".join([message, *problems]),
            tuple(evidence),
            INDICATORS,
            (),
            details,
        )
    templates = [f for f in findings if f.kind == "template"]
    unknown = [f for f in findings if f.kind in ("unknown", "empty")]
    parts = []
    for f in templates:
        parts.append(
            _(
                "%(path)s is only a template (placeholders such as <year> are not filled in) and does not "
                "contain a licence text."
            )
            % {"path": f.path}
        )
        evidence.append(
            Evidence(f.path, f.line, _("template") + (f" ({f.template_hint})" if f.template_hint else ""))
        )
    for f in unknown:
        guess = f.best_guess
        if guess:
            parts.append(
                _("%(path)s does not match any known licence text (the nearest, %(spdx)s, scores %(score)s).")
                % {"path": f.path, "spdx": guess.spdx_id, "score": f"{guess.score:.2f}"}
            )
        else:
            parts.append(_("%(path)s does not match any known licence text.") % {"path": f.path})
        evidence.append(Evidence(f.path, None, _("not a recognised licence")))
    known = [d for d in declared if d.known]
    if known:
        first = known[0]
        details.update(
            spdx=first.expression,
            licences=ids_in(first.expression),
            confidence=first.confidence,
            source=first.source,
        )
        evidence += [Evidence(d.path, d.line, d.raw) for d in declared]
        parts.insert(
            0,
            _("No licence text found; %(path)s declares %(expr)s.")
            % {"path": first.path, "expr": first.expression},
        )
        if len({d.expression for d in known}) > 1:
            parts.append(
                _("Declarations differ: %(list)s.")
                % {"list": "; ".join(f"{d.path}: {d.raw}" for d in declared)}
            )
        return CheckResult(
            "licence.identified",
            title,
            Status.WARNING,
            " ".join(parts),
            tuple(evidence),
            INDICATORS,
            (),
            details,
        )
    if not parts:
        parts.append(
            _("No licence found: no licence file, no licence in the package manifests, no SPDX headers.")
        )
    return CheckResult(
        "licence.identified", title, Status.FAIL, " ".join(parts), tuple(evidence), INDICATORS, (), details
    )


def classification_result(expression: str | None, restricted: bool) -> CheckResult:
    title = _("Licence classification")
    if not expression:
        return CheckResult(
            "licence.classification",
            title,
            Status.NOT_APPLICABLE,
            _("No licence identified to classify."),
            (),
            INDICATORS,
        )
    corpus = get_corpus()
    rows = []
    for spdx_id in ids_in(expression):
        licence = corpus.get(spdx_id)
        osi = bool(licence and licence.osi_approved)
        dpga = is_dpga_accepted(spdx_id)
        if is_non_commercial(spdx_id) or is_no_derivatives(spdx_id):
            category = "restricted"
        elif dpga:
            category = "dpga"
        elif osi:
            category = "osi"
        else:
            category = "unknown"
        rows.append(
            {
                "spdx": spdx_id,
                "registry_id": to_registry_id(spdx_id),
                "osi": osi,
                "dpga": dpga,
                "category": category,
            }
        )
    choice = " OR " in expression
    good = [r for r in rows if r["category"] == "dpga"]
    ok = bool(good) if choice else len(good) == len(rows)
    details = {"licences": rows}
    if restricted:
        return CheckResult(
            "licence.classification",
            title,
            Status.FAIL,
            _(
                "The licence text carries added restrictions, so it is not an approved open licence "
                "as published."
            ),
            (),
            INDICATORS,
            (),
            details,
        )
    if ok:
        return CheckResult(
            "licence.classification",
            title,
            Status.PASS,
            _("%(expr)s is accepted by the DPGA as an open licence.") % {"expr": expression},
            (),
            INDICATORS,
            (),
            details,
        )
    if any(r["category"] == "restricted" for r in rows):
        return CheckResult(
            "licence.classification",
            title,
            Status.WARNING,
            _(
                "%(expr)s restricts commercial use or changes (non-commercial or no-derivatives): "
                "the DPG Standard treats such licences as legacy, at risk."
            )
            % {"expr": expression},
            (),
            INDICATORS,
            (),
            details,
        )
    if any(r["category"] == "osi" for r in rows):
        return CheckResult(
            "licence.classification",
            title,
            Status.WARNING,
            _("%(expr)s is OSI-approved but not on the DPGA's list of accepted licences.")
            % {"expr": expression},
            (),
            INDICATORS,
            (),
            details,
        )
    return CheckResult(
        "licence.classification",
        title,
        Status.FAIL,
        _("%(expr)s is neither OSI-approved nor accepted by the DPGA.") % {"expr": expression},
        (),
        INDICATORS,
        (),
        details,
    )


def restrictions_result(findings: list[LicenceFinding], project_paths: set[str]) -> CheckResult:
    title = _("No added restrictions")
    matched = [f for f in findings if f.kind == "text" and f.path in project_paths]
    if not matched:
        return CheckResult(
            "licence.restrictions",
            title,
            Status.NOT_APPLICABLE,
            _("No standard licence text to compare against."),
            (),
            INDICATORS,
        )
    restrictions = [(f, p) for f in matched for p in f.restrictions]
    terms = [(f, p) for f in matched for p in f.additional_terms]
    notes = [(f, p) for f in matched for p in f.notes]

    def evidence(rows: list[tuple[LicenceFinding, Passage]]) -> tuple[Evidence, ...]:
        return tuple(Evidence(f.path, p.first_line, p.text[:500]) for f, p in rows)

    details = {"restrictions": len(restrictions), "additional_terms": len(terms), "notes": len(notes)}
    if restrictions:
        return CheckResult(
            "licence.restrictions",
            title,
            Status.FAIL,
            _("Clauses were added to the standard licence text that restrict its use (%(where)s).")
            % {"where": ", ".join(f"{f.path} line {p.first_line}" for f, p in restrictions)},
            evidence(restrictions),
            INDICATORS,
            (),
            details,
        )
    if terms:
        return CheckResult(
            "licence.restrictions",
            title,
            Status.WARNING,
            _("Additional terms or exceptions follow the licence (GPL section 7); read them: %(where)s.")
            % {"where": ", ".join(f"{f.path} lines {p.first_line}-{p.last_line}" for f, p in terms)},
            evidence(terms),
            INDICATORS,
            (),
            details,
        )
    message = _("The licence text is standard; nothing restrictive was added.")
    if notes:
        message += " " + _("Notes outside the standard text: %(where)s.") % {
            "where": ", ".join(f"{f.path} lines {p.first_line}-{p.last_line}" for f, p in notes)
        }
    return CheckResult(
        "licence.restrictions", title, Status.PASS, message, evidence(notes), INDICATORS, (), details
    )
