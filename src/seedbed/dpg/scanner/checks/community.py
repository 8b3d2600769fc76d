"""Community health files: code of conduct, contributing guide, security policy, governance, issue and
pull-request templates. Each is looked for where the forges look (the root, docs/, .github/, and .gitlab/
for GitLab), whatever the case of its name.

Indicators: a code of conduct is the evidence indicator 9c asks for (protection from harassment); a
security policy speaks to 9a (data privacy and security); governance, maintainers and code owners to 3
(clear ownership); a contributing guide and templates to 8 (best practices).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..types import Evidence, Status
from ._base import COMMUNITY_DIRS, SMALL_READ, CheckDef, Context, Outcome, file_evidence, line_of

_EXT = r"(\.(md|markdown|rst|txt|adoc|org|html))?"
# Bounded repeats, so a file made of one enormous "word" cannot make the search quadratic.
EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,6}\.[a-z]{2,24}\b", re.I)
URL = re.compile(r"https?://[^\s)<>\]\"']+", re.I)
_REPORT = re.compile(
    r"\b(report(ing)?|disclos\w+|contact)\b[^\n]{0,120}\b(vulnerabilit\w*|security|issue|advisor\w*)\b"
    r"|\b(vulnerabilit\w*|security (issue|problem|bug)s?)\b[^\n]{0,120}\b(report|disclos\w+|contact)\w*\b"
    r"|security/advisories|private vulnerability reporting",
    re.I,
)
_PLACEHOLDER = re.compile(
    r"\[\s*insert [^\]\n]{0,100}\]|\{\{\s*[a-z_ ]{0,40}contact[a-z_ ]{0,40}\}\}|\bINSERT (EMAIL|CONTACT)",
    re.I,
)
_COVENANT = re.compile(
    r"contributor covenant|citizen code of conduct|django code of conduct|mozilla community", re.I
)
_CLA = re.compile(
    r"\b(contributor license agreement|CLA|developer certificate of origin|DCO|signed-off-by)\b"
)


def _found(ctx: Context, name: str, dirs: tuple[str, ...] = COMMUNITY_DIRS) -> list[str]:
    return ctx.named(dirs, f"(?:{name}){_EXT}")


def check_code_of_conduct(ctx: Context) -> Outcome:
    paths = _found(ctx, r"code[_-]of[_-]conduct|conduct")
    if not paths:
        return Outcome(Status.FAIL, _("There is no code of conduct (CODE_OF_CONDUCT.md)."))
    path = paths[0]
    text = ctx.read(path, SMALL_READ)
    known = _COVENANT.search(text)
    contact = EMAIL.search(text) or URL.search(text)
    placeholder = _PLACEHOLDER.search(text)
    details = {
        "paths": paths,
        "based_on": known[0] if known else "",
        "has_contact": bool(contact),
        "placeholder": bool(placeholder),
    }
    evidence = [Evidence(path)]
    if placeholder:
        evidence = [Evidence(path, line_of(text, placeholder.start()), placeholder[0])]
        message = _("The code of conduct still has a placeholder where the contact for reports should be.")
        return Outcome(Status.WARNING, message, evidence, details, satisfied=True)
    if contact:
        evidence.append(Evidence(path, line_of(text, contact.start()), _("contact for reports")))
    return Outcome(Status.PASS, _("The repository has a code of conduct."), evidence, details)


def check_contributing(ctx: Context) -> Outcome:
    paths = _found(ctx, r"contributing|contribute|contribution(s|_guide|-guide)?")
    if not paths:
        return Outcome(Status.FAIL, _("There is no contributing guide (CONTRIBUTING.md)."))
    text = ctx.read(paths[0], SMALL_READ)
    cla = _CLA.search(text)
    details = {"paths": paths, "mentions_cla_or_dco": bool(cla)}
    evidence = [Evidence(paths[0])]
    if cla:
        evidence.append(Evidence(paths[0], line_of(text, cla.start()), cla[0]))
    return Outcome(Status.PASS, _("The repository has a contributing guide."), evidence, details)


def check_security_policy(ctx: Context) -> Outcome:
    paths = _found(ctx, r"security") + ctx.named([".well-known/"], r"security\.txt")
    if not paths:
        return Outcome(
            Status.FAIL, _("There is no security policy (SECURITY.md) saying how to report a vulnerability.")
        )
    path = paths[0]
    text = ctx.read(path, SMALL_READ)
    contact = EMAIL.search(text) or URL.search(text) or _REPORT.search(text)
    kind = ""
    if contact is not None:
        kind = (
            "email"
            if EMAIL.fullmatch(contact[0])
            else "url"
            if contact[0].lower().startswith("http")
            else "text"
        )
    details = {"paths": paths, "contact": kind}
    if contact is None:
        message = _("The security policy does not say whom to contact or how to report a vulnerability.")
        return Outcome(Status.WARNING, message, [Evidence(path)], details)
    evidence = [Evidence(path, line_of(text, contact.start()), _("how to report"))]
    return Outcome(Status.PASS, _("The repository has a security policy with a contact."), evidence, details)


def check_governance(ctx: Context) -> Outcome:
    paths = _found(ctx, r"governance|maintainers|maintainers[_-]list|owners|owners_aliases") + ctx.named(
        COMMUNITY_DIRS, r"codeowners"
    )
    if not paths:
        message = _(
            "There is no governance, maintainers or code owners file (GOVERNANCE.md, MAINTAINERS,"
            " CODEOWNERS)."
        )
        return Outcome(Status.WARNING, message)
    kinds = sorted({re.sub(r"\..*$", "", path.rsplit("/", 1)[-1].lower()) for path in paths})
    details = {"paths": paths, "kinds": kinds}
    message = _("The repository names its governance or maintainers: %(files)s.") % {
        "files": ", ".join(paths[:5])
    }
    return Outcome(Status.PASS, message, file_evidence(paths), details)


def check_issue_templates(ctx: Context) -> Outcome:
    folders = [
        ".github/issue_template/",
        ".gitlab/issue_templates/",
        ".gitea/issue_template/",
        ".forgejo/issue_template/",
    ]
    templates = [
        path
        for folder in folders
        for path in ctx.under(folder)
        if path.rsplit("/", 1)[-1].lower() not in {"config.yml", "config.yaml"}
    ]
    templates += _found(ctx, r"issue_template", ("", "docs/", ".github/", ".gitea/"))
    if not templates:
        configs = [path for folder in folders for path in ctx.under(folder)]
        if configs:
            message = _("The issue-template folder has a configuration but no templates.")
            return Outcome(Status.WARNING, message, file_evidence(configs), {"templates": []})
        return Outcome(Status.FAIL, _("There are no issue templates (.github/ISSUE_TEMPLATE/)."))
    details = {"templates": templates[:30], "count": len(templates)}
    return Outcome(Status.PASS, _("The repository has issue templates."), file_evidence(templates), details)


def check_pr_templates(ctx: Context) -> Outcome:
    templates = _found(ctx, r"pull_request_template", ("", "docs/", ".github/", ".gitea/", ".forgejo/"))
    templates += ctx.under(".github/pull_request_template/") + ctx.under(".gitlab/merge_request_templates/")
    if not templates:
        message = _("There is no pull-request template (.github/pull_request_template.md).")
        return Outcome(Status.WARNING, message)
    details = {"templates": templates[:30], "count": len(templates)}
    message = _("The repository has a pull-request template.")
    return Outcome(Status.PASS, message, file_evidence(templates), details)


CHECKS = [
    CheckDef(
        "code_of_conduct",
        gettext_noop("Code of conduct"),
        ("9c",),
        ("oss.code_of_conduct",),
        check_code_of_conduct,
    ),
    CheckDef(
        "contributing", gettext_noop("Contributing guide"), ("8",), ("oss.contributing",), check_contributing
    ),
    CheckDef("security_policy", gettext_noop("Security policy"), ("9a",), (), check_security_policy),
    CheckDef("governance", gettext_noop("Governance and maintainers"), ("3",), (), check_governance),
    CheckDef(
        "issue_templates",
        gettext_noop("Issue templates"),
        ("8",),
        ("oss.issue_templates",),
        check_issue_templates,
    ),
    CheckDef("pr_templates", gettext_noop("Pull-request templates"), ("8",), (), check_pr_templates),
]
