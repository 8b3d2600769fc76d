"""Engineering practice: continuous integration (``ci``), tests by language conventions (``tests``),
container and deployment files (``containers``).

Indicators: CI and tests are evidence for indicator 8 (standards and best practices: "validators, test
suites"). Container and deployment files are evidence for indicator 5 (documentation "enough for a
technical stranger to launch and run it").
"""

from __future__ import annotations

import re
from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from ..types import Evidence, Status
from ._base import SMALL_READ, CheckDef, Context, Outcome, file_evidence

# (system, how its configuration files are found: exact lower-cased paths or a regular expression)
CI_SYSTEMS: tuple[tuple[str, str], ...] = (
    ("github_actions", r"\.github/workflows/[^/]+\.ya?ml"),
    ("gitlab_ci", r"\.gitlab-ci\.ya?ml"),
    ("circleci", r"\.circleci/config\.ya?ml"),
    ("travis", r"\.travis\.ya?ml"),
    ("jenkins", r"(.+/)?jenkinsfile(\.[a-z0-9]+)?"),
    (
        "azure_pipelines",
        r"azure-pipelines\.ya?ml|\.azure-pipelines/[^/]+\.ya?ml|\.azure/pipelines?/.+\.ya?ml",
    ),
    ("bitbucket_pipelines", r"bitbucket-pipelines\.ya?ml"),
    ("drone", r"\.drone\.(ya?ml|jsonnet|star)"),
    ("woodpecker", r"\.woodpecker\.ya?ml|\.woodpecker/[^/]+\.ya?ml"),
    ("appveyor", r"\.?appveyor\.ya?ml"),
    ("buildkite", r"\.buildkite/[^/]+\.ya?ml"),
    ("sourcehut", r"\.builds/[^/]+\.ya?ml|\.build\.ya?ml"),
    ("forgejo_actions", r"\.(forgejo|gitea)/workflows/[^/]+\.ya?ml"),
    ("cirrus", r"\.cirrus\.ya?ml"),
    ("semaphore", r"\.semaphore/[^/]+\.ya?ml"),
)
_CI_RX = [(system, re.compile(pattern)) for system, pattern in CI_SYSTEMS]
# Workflow systems that run only on the events they name: they check pull requests when they say so.
_EVENT_DRIVEN = {"github_actions", "forgejo_actions"}
_PR_EVENT = re.compile(r"\b(pull_request(_target)?|merge_group)\b")


def ci_configs(ctx: Context) -> dict[str, list[str]]:
    """System -> its configuration files (vendored folders left out)."""
    if "ci" not in ctx.cache:
        found: dict[str, list[str]] = {}
        for low, path in ctx.lowered:
            if "/" in low and not low.startswith((".", "ci/", "jenkins")) and "jenkinsfile" not in low:
                continue  # CI configuration lives in the root or a dot-folder (fast path)
            for system, rx in _CI_RX:
                if rx.fullmatch(low):
                    found.setdefault(system, []).append(path)
                    break
        ctx.cache["ci"] = found
    result: dict[str, list[str]] = ctx.cache["ci"]
    return result


def check_ci(ctx: Context) -> Outcome:
    configs = ci_configs(ctx)
    if not configs:
        return Outcome(Status.FAIL, _("No continuous-integration configuration was found."))
    checks_prs: list[str] = []
    for system, paths in configs.items():
        if system not in _EVENT_DRIVEN:
            checks_prs.append(system)
            continue
        if any(_PR_EVENT.search(ctx.read(path, SMALL_READ)) for path in paths[:50]):
            checks_prs.append(system)
    systems = sorted(configs)
    details = {
        "systems": systems,
        "files": {system: paths[:50] for system, paths in sorted(configs.items())},
        "checks_pull_requests": bool(checks_prs),
    }
    evidence = file_evidence([path for system in systems for path in configs[system]])
    names = ", ".join(systems)
    if not checks_prs:
        message = _(
            "Continuous integration is configured (%(systems)s) but no workflow runs on pull requests."
        )
        return Outcome(Status.WARNING, message % {"systems": names}, evidence, details)
    message = _("Continuous integration is configured: %(systems)s.") % {"systems": names}
    return Outcome(Status.PASS, message, evidence, details)


# Test files by language conventions: (language, regular expression on the lower-cased path).
# Test files by language conventions: (language, regular expression on the path; case matters where the
# convention is a class name such as ``FooTest.java``).
TEST_FILES: tuple[tuple[str, str], ...] = (
    ("python", r"(?i)(.*/)?(test_[^/]*|[^/]*_test|tests)\.py"),
    ("go", r"(?i).*_test\.go"),
    ("javascript", r"(?i).*\.(spec|test)\.(js|jsx|mjs|cjs)|(.*/)?__tests__/.*\.(js|jsx|mjs|cjs)"),
    ("typescript", r"(?i).*\.(spec|test)\.(ts|tsx|mts|cts)|(.*/)?__tests__/.*\.(ts|tsx)"),
    ("java", r"(.*/)?src/test/.*\.java|(.*/)?[A-Z]\w*Tests?\.java"),
    ("kotlin", r"(.*/)?src/test/.*\.kt|(.*/)?[A-Z]\w*Tests?\.kt"),
    ("ruby", r"(?i).*_spec\.rb|(.*/)?test/.*_test\.rb|(.*/)?test/test_[^/]*\.rb"),
    ("php", r"(?i)(.*/)?tests?/.*Test\.php"),
    ("rust", r"(.*/)?tests/[^/]*\.rs"),
    ("csharp", r"(.*/)?[A-Z]\w*Tests?\.cs|(.*/)?[^/]*\.Tests?/.*\.cs"),
    ("dart", r"(.*/)?test/.*_test\.dart"),
    ("elixir", r".*_test\.exs"),
    ("r", r"(?i)(.*/)?tests/testthat/.*\.r"),
    ("swift", r"(.*/)?[A-Z]\w*Tests?\.swift"),
    ("c/c++", r"(?i)(.*/)?tests?/.*\.(c|cc|cpp|cxx)|.*_(test|unittest)\.(c|cc|cpp|cxx)"),
)
_TEST_RX = [(language, re.compile(pattern)) for language, pattern in TEST_FILES]
TEST_CONFIGS = re.compile(
    r"pytest\.ini|tox\.ini|noxfile\.py|conftest\.py|phpunit\.xml(\.dist)?|jest\.config\.[a-z]+"
    r"|vitest\.config\.[a-z]+|karma\.conf\.[a-z]+|\.mocharc(\.[a-z]+)?|cypress\.config\.[a-z]+"
    r"|playwright\.config\.[a-z]+|\.rspec|codecov\.ya?ml|\.coveragerc|\.nycrc(\.[a-z]+)?"
)
_TEST_DIRS = {"tests", "test", "spec", "__tests__", "testing", "e2e"}


def check_tests(ctx: Context) -> Outcome:
    by_language: Counter[str] = Counter()
    first: dict[str, str] = {}
    in_test_dirs = 0
    test_dirs: set[str] = set()
    configs: list[str] = []
    for low, path in ctx.lowered:
        parts = low.split("/")
        dirs = [part for part in parts[:-1] if part in _TEST_DIRS]
        if dirs:
            in_test_dirs += 1
            test_dirs.add("/".join(parts[: parts.index(dirs[0]) + 1]))
        if TEST_CONFIGS.fullmatch(parts[-1]):
            configs.append(path)
        for language, rx in _TEST_RX:
            if rx.fullmatch(path):
                by_language[language] += 1
                first.setdefault(language, path)
                break
    details = {
        "test_files": sum(by_language.values()),
        "by_language": dict(by_language.most_common()),
        "files_in_test_folders": in_test_dirs,
        "test_folders": sorted(test_dirs)[:20],
        "configs": configs[:20],
    }
    evidence = [Evidence(path, None, language) for language, path in first.items()]
    evidence += [Evidence(folder + "/", None, _("test folder")) for folder in sorted(test_dirs)[:5]]
    count = sum(by_language.values())
    if count:
        message = ngettext(
            "The repository has %(count)d test file.", "The repository has %(count)d test files.", count
        ) % {"count": count}
        return Outcome(Status.PASS, message, evidence, details)
    if in_test_dirs or configs:
        evidence += file_evidence(configs, _("test configuration"), 5)
        message = _("The repository has a test folder or test configuration but no test files we recognise.")
        return Outcome(Status.WARNING, message, evidence, details)
    return Outcome(Status.FAIL, _("No tests were found."), [], details)


# Container and deployment files: (kind, regular expression on the lower-cased path).
DEPLOYMENT_FILES: tuple[tuple[str, str], ...] = (
    ("dockerfile", r"(.*/)?(dockerfile|containerfile)([.-][^/]*)?|.*\.(dockerfile|containerfile)"),
    ("compose", r"(.*/)?(docker-compose[^/]*|compose(\.[^/]*)?)\.ya?ml"),
    ("helm", r"(.*/)?chart\.ya?ml"),
    ("kubernetes", r"(.*/)?(k8s|kubernetes|kustomize|manifests)/.*\.ya?ml|(.*/)?kustomization\.ya?ml"),
    ("procfile", r"procfile"),
    ("heroku", r"app\.json|heroku\.ya?ml"),
    ("fly", r"fly\.toml"),
    ("netlify", r"netlify\.toml"),
    ("vercel", r"vercel\.json"),
    ("render", r"render\.ya?ml"),
    ("vagrant", r"vagrantfile"),
    ("devcontainer", r"\.devcontainer/.*devcontainer\.json|\.devcontainer\.json"),
    ("terraform", r"(.*/)?[^/]+\.tf"),
    ("nix", r"flake\.nix|default\.nix|shell\.nix"),
    ("snap", r"(.*/)?snapcraft\.ya?ml"),
    ("flatpak", r"(.*/)?[^/]+\.flatpak(ref|repo)?|(.*/)?flatpak/.+\.(json|ya?ml)"),
)
_DEPLOY_RX = [(kind, re.compile(pattern)) for kind, pattern in DEPLOYMENT_FILES]


def check_containers(ctx: Context) -> Outcome:
    found: dict[str, list[str]] = {}
    for low, path in ctx.lowered:
        if low.startswith(("tests/", "test/", "docs/")) or "/tests/" in low or "/testdata/" in low:
            continue
        for kind, rx in _DEPLOY_RX:
            if rx.fullmatch(low):
                found.setdefault(kind, []).append(path)
                break
    if not found:
        message = _(
            "No container or deployment files (Dockerfile, Compose, Helm, Procfile...) were found; say in"
            " the documentation how to deploy it."
        )
        return Outcome(Status.WARNING, message)
    kinds = sorted(found)
    details = {"kinds": kinds, "files": {kind: paths[:20] for kind, paths in sorted(found.items())}}
    evidence = file_evidence(sorted((paths[0] for paths in found.values()), key=lambda p: (p.count("/"), p)))
    message = _("The repository has container or deployment files: %(kinds)s.") % {"kinds": ", ".join(kinds)}
    return Outcome(Status.PASS, message, evidence, details)


CHECKS = [
    CheckDef("ci", gettext_noop("Continuous integration"), ("8",), ("oss.ci",), check_ci),
    CheckDef("tests", gettext_noop("Tests"), ("8",), ("oss.tests",), check_tests),
    CheckDef("containers", gettext_noop("Container and deployment files"), ("5",), (), check_containers),
]
