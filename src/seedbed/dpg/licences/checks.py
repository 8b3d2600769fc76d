"""The repository-level licence checks: which files are the project's licence, what licence they name,
whether the DPGA accepts it, and whether clauses were added to it."""

from __future__ import annotations

import dataclasses
import re

from django.utils.translation import gettext as _

from ..scanner.tree import RepoTree
from ..scanner.types import CheckResult, Evidence, Status
from .analyse import LicenceFinding, analyse_licence_file
from .corpus import get_corpus
from .declared import (
    SKIP_DIRS,
    Declaration,
    header_declarations,
    ids_in,
    manifest_declarations,
    normalise_expression,
)
from .registry import family
from .verdicts import INDICATORS, Identified, classification_result, identified_result, restrictions_result

CHECK_KEYS = ("oss.license",)
_LICENCE_NAME = re.compile(
    r"^(?:(?:un)?licen[cs]e|copying|copyright)(?P<suffix>[-_.][^/]*)?$|^(?P<prefix>[^/]+)[-_.]licen[cs]e(?:\.\w+)?$",
    re.IGNORECASE,
)
_TEXT_EXTENSION = re.compile(r"\.(?:txt|md|markdown|rst|adoc|org|html?)$", re.IGNORECASE)
_THIRD_PARTY = re.compile(r"third|3rd|notice|vendor|bundled|dependenc|credits|acknowledg", re.IGNORECASE)
_LICENCE_SUFFIX = re.compile(
    r"^(?:mit|apache|bsd|[al]?gpl|mpl|isc|cc|cc0|unlicense|zlib|epl|eupl|bsl|lesser|lib|library|docs?"
    r"|documentation|code|data|content|assets|v?\d)",
    re.IGNORECASE,
)
MAX_BUNDLED_LISTED = 50


@dataclasses.dataclass(frozen=True)
class _FileRole:
    path: str
    suffixed: bool  # LICENSE-MIT, LICENSE.APACHE: one of several licence options or parts


def _licence_name(name: str) -> re.Match[str] | None:
    bare = _TEXT_EXTENSION.sub("", name)
    if "." in bare and not bare.lower().startswith(("licen", "copying", "unlicen")):
        return None  # LICENSE.png and the like stay out; LICENSE.APACHE stays in
    return _LICENCE_NAME.match(bare)


def find_licence_files(tree: RepoTree) -> tuple[list[_FileRole], list[str]]:
    """The project's licence files (root and ``LICENSES/``) and the bundled third-party ones."""
    project: list[_FileRole] = []
    bundled: list[str] = []
    for path in tree.files:
        parts = path.split("/")
        name = parts[-1]
        if len(parts) == 2 and parts[0] == "LICENSES":
            project.append(_FileRole(path, True))
            continue
        match = _licence_name(name)
        if not match:
            if len(parts) == 1 and _THIRD_PARTY.search(name) and re.search(r"licen[cs]|notice", name, re.I):
                bundled.append(path)  # THIRD-PARTY-NOTICES, THIRD_PARTY_LICENSES.md
            continue
        if len(parts) > 1:
            if len(bundled) < MAX_BUNDLED_LISTED:
                bundled.append(path)
            continue
        suffix = (match.group("suffix") or "").lstrip("-_.") or (match.group("prefix") or "")
        if _THIRD_PARTY.search(name) or (suffix and not _LICENCE_SUFFIX.match(suffix)):
            bundled.append(path)
            continue
        project.append(_FileRole(path, bool(suffix)))
    return project, bundled


def _collect(tree: RepoTree, roles: list[_FileRole]) -> tuple[list[Identified], list[LicenceFinding]]:
    found: list[Identified] = []
    findings: list[LicenceFinding] = []
    for role in roles:
        finding = analyse_licence_file(role.path, tree.read_text(role.path))
        findings.append(finding)
        for item in (finding, *finding.also):
            if not item.identified or item.spdx_id is None:
                continue
            if item.kind == "notice" and not get_corpus().get(item.spdx_id):
                expression, _known = normalise_expression(item.spdx_id)
                for spdx_id in ids_in(expression):
                    found.append(Identified(spdx_id, role.path, item.line, item.confidence, finding))
                continue
            found.append(Identified(item.spdx_id, role.path, item.line, item.confidence, finding))
        if role.path.startswith("LICENSES/") and not finding.identified:
            stem = role.path.split("/", 1)[1].rsplit(".", 1)[0]
            expression, known = normalise_expression(stem)
            if known:  # REUSE names each file after its SPDX id
                found.append(Identified(expression, role.path, 1, 0.7, finding))
    # LGPL-3.0 is written as additional permissions on top of GPL-3.0, whose text ships beside it.
    if any(family(i.spdx_id) == "LGPL-3.0" for i in found):
        found = [i for i in found if family(i.spdx_id) != "GPL-3.0"]
    unique: dict[str, Identified] = {}
    for identified in found:
        unique.setdefault(identified.spdx_id, identified)
    return list(unique.values()), findings


def _refine(found: list[Identified], declared: list[Declaration]) -> list[str]:
    """Use a declaration's more specific id (``GPL-3.0-or-later``) where the licence text alone cannot
    tell (``GPL-3.0-only`` and ``-or-later`` share one text). Returns the disagreements."""
    declared_ids = [(d, spdx_id) for d in declared if d.known for spdx_id in ids_in(d.expression)]
    for item in found:
        for _decl, spdx_id in declared_ids:
            if spdx_id != item.spdx_id and family(spdx_id) == family(item.spdx_id) and item.source == "file":
                item.spdx_id = spdx_id
                break
    families = {family(item.spdx_id) for item in found}
    problems = []
    for decl in declared:
        decl_families = {family(i) for i in ids_in(decl.expression)}
        if not decl.known or not decl_families <= families:
            problems.append(decl)
    return [f"{d.path}: {d.raw}" for d in problems]


def _expression(found: list[Identified], roles: list[_FileRole], declared: list[Declaration]) -> str:
    ids = [item.spdx_id for item in found]
    if len(ids) == 1:
        return ids[0]
    suffixed = {role.path for role in roles if role.suffixed}
    choice = any(" OR " in d.expression and set(ids) <= set(ids_in(d.expression)) for d in declared)
    if choice or (
        all(item.path in suffixed for item in found)
        and not any(i.path.startswith("LICENSES/") for i in found)
    ):
        return " OR ".join(ids)
    return " AND ".join(ids)


def licence_checks(tree: RepoTree) -> list[CheckResult]:
    """``licence.file``, ``licence.identified``, ``licence.classification`` and ``licence.restrictions``."""
    roles, bundled = find_licence_files(tree)
    found, findings = _collect(tree, roles)
    declared = manifest_declarations(tree)
    headers = header_declarations(tree)
    if headers:
        declared.append(headers[0])
    disagreements = _refine(found, declared) if found else []
    expression = _expression(found, roles, declared) if found else ""
    identified = identified_result(found, findings, declared, expression, disagreements)
    expression = str(identified.details.get("spdx") or "")
    restricted = any(f.restrictions for f in findings)
    classification = classification_result(expression, restricted)
    restrictions = restrictions_result(findings, {role.path for role in roles})
    present = [f for f in findings if f.kind != "empty"]
    file_result = CheckResult(
        "licence.file",
        _("Licence file present"),
        Status.PASS if present else Status.FAIL,
        _("Licence file: %(files)s.") % {"files": ", ".join(f.path for f in present)}
        if present
        else _(
            "No licence file at the root of the repository "
            "(LICENSE, LICENCE, COPYING, UNLICENSE or LICENSES/)."
        ),
        tuple(Evidence(f.path) for f in present),
        INDICATORS,
        (),
        {
            "files": [f.path for f in present],
            "bundled": [p for p in bundled if not SKIP_DIRS.search(p)][:20]
            + [p for p in bundled if SKIP_DIRS.search(p)][:20],
        },
    )
    results = [file_result, identified, classification, restrictions]
    passes = (
        all(r.status in (Status.PASS, Status.NOT_APPLICABLE) for r in results)
        and identified.status == Status.PASS
    )
    return [
        dataclasses.replace(r, check_keys=CHECK_KEYS) if passes and r.status == Status.PASS else r
        for r in results
    ]
