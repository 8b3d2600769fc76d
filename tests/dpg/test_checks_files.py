"""File checks in their variants: where the files may live, what counts, what does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from seedbed.dpg.scanner.checks import run_checks
from seedbed.dpg.scanner.types import CheckResult, Status

from .test_checks import OPENAPI, WORKFLOW, by_key, make_repo, paths


def check(tmp_path: Path, key: str, files: dict[str, str | bytes]) -> CheckResult:
    return by_key(run_checks(make_repo(tmp_path / "r", files), only={key}))[key]


def test_a_security_policy_without_a_contact_is_a_warning(tmp_path: Path) -> None:
    found = check(tmp_path, "security_policy", {"SECURITY.md": "# Security\n\nWe take security seriously.\n"})
    assert (found.status, found.indicators, paths(found)) == (Status.WARNING, ("9a",), ["SECURITY.md"])


@pytest.mark.parametrize(
    ("path", "text", "kind", "line"),
    [
        (".github/SECURITY.md", "# Security\n\nSee https://example.org/security for how.\n", "url", 3),
        ("docs/security.rst", "Security\n========\n\nReport a vulnerability privately to us.\n", "text", 4),
        ("SECURITY", "Mail us:\nsecurity@example.org\n", "email", 2),
    ],
)
def test_security_policy_contacts(tmp_path: Path, path: str, text: str, kind: str, line: int) -> None:
    found = check(tmp_path, "security_policy", {path: text})
    assert found.status == Status.PASS
    assert found.details["contact"] == kind
    assert [(item.path, item.line) for item in found.evidence] == [(path, line)]


def test_a_code_of_conduct_in_github_and_one_with_a_placeholder(tmp_path: Path) -> None:
    found = check(tmp_path / "a", "code_of_conduct", {".github/code-of-conduct.md": "# Be kind\n"})
    assert (found.status, paths(found), found.check_keys) == (
        Status.PASS,
        [".github/code-of-conduct.md"],
        ("oss.code_of_conduct",),
    )
    text = "# Contributor Covenant\n\nInstances may be reported at [INSERT CONTACT METHOD].\n"
    found = check(tmp_path / "b", "code_of_conduct", {"CODE_OF_CONDUCT.md": text})
    assert found.status == Status.WARNING
    assert found.check_keys == ("oss.code_of_conduct",)  # the file is there: the milestone asks for that
    assert [(item.path, item.line) for item in found.evidence] == [("CODE_OF_CONDUCT.md", 3)]
    assert found.details["based_on"] == "Contributor Covenant"


def test_governance_files(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "MAINTAINERS": "Alice\n",
        "docs/GOVERNANCE.md": "# Governance\n",
        "OWNERS": "x",
    }
    found = check(tmp_path, "governance", files)
    assert found.status == Status.PASS
    assert sorted(paths(found)) == ["MAINTAINERS", "OWNERS", "docs/GOVERNANCE.md"]


def test_issue_and_merge_request_templates_on_gitlab_and_a_lone_config(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        ".gitlab/issue_templates/Bug.md": "bug",
        ".gitlab/merge_request_templates/Default.md": "mr",
    }
    tree = make_repo(tmp_path / "gl", files)
    found = by_key(run_checks(tree, only={"issue_templates", "pr_templates"}))
    assert found["issue_templates"].status == found["pr_templates"].status == Status.PASS
    assert paths(found["pr_templates"]) == [".gitlab/merge_request_templates/Default.md"]
    lone = check(
        tmp_path / "cfg",
        "issue_templates",
        {".github/ISSUE_TEMPLATE/config.yml": "blank_issues_enabled: false\n"},
    )
    assert (lone.status, lone.check_keys) == (Status.WARNING, ())
    legacy = check(tmp_path / "old", "issue_templates", {".github/ISSUE_TEMPLATE.md": "What happened?"})
    assert legacy.status == Status.PASS


def test_ci_systems_and_pull_request_triggers(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        ".gitlab-ci.yml": "test:\n  script: make test\n",
        "Jenkinsfile": "pipeline {}\n",
        ".woodpecker/test.yml": "steps: []\n",
        ".circleci/config.yml": "version: 2.1\n",
    }
    found = check(tmp_path / "many", "ci", files)
    assert found.status == Status.PASS
    assert found.details["systems"] == ["circleci", "gitlab_ci", "jenkins", "woodpecker"]
    push_only = WORKFLOW.replace("  pull_request:\n", "")
    found = check(tmp_path / "push", "ci", {".github/workflows/ci.yaml": push_only})
    assert (found.status, found.check_keys) == (Status.WARNING, ())
    assert "pull requests" in found.message


def test_documentation_variants_and_what_builds_it(tmp_path: Path) -> None:
    found = check(tmp_path / "folder", "docs.present", {"doc/guide.md": "# Guide\n"})
    assert (found.status, found.check_keys) == (Status.PASS, ())
    assert found.details["folders"] == ["doc/"]
    rtd: dict[str, str | bytes] = {
        "docs/conf.py": "extensions = ['sphinx.ext.autodoc']\n",
        ".readthedocs.yaml": "version: 2\n",
    }
    found = check(tmp_path / "rtd", "docs.present", rtd)
    assert found.check_keys == ("oss.docs",)
    assert found.details["generators"] == ["readthedocs", "sphinx"]
    site: dict[str, str | bytes] = {
        "website/docusaurus.config.js": "module.exports = {}\n",
        ".github/workflows/pages.yml": "on: push\njobs:\n  d:\n    steps:\n"
        "      - uses: actions/deploy-pages@v4\n",
    }
    found = check(tmp_path / "docusaurus", "docs.present", site)
    assert found.check_keys == ("oss.docs",)
    assert ".github/workflows/pages.yml" in found.details["built_by"]
    readme = "# Tally\n\nSee https://docs.tally.example/start and https://example.org/about.\n"
    found = check(tmp_path / "link", "docs.present", {"README.md": readme})
    assert found.details["site_links"] == ["https://docs.tally.example/start"]
    assert [(item.path, item.line) for item in found.evidence] == [("README.md", 3)]
    found = check(tmp_path / "none", "docs.present", {"conf.py": "DEBUG = True\n"})  # not Sphinx
    assert found.status == Status.FAIL


def test_tests_by_language_conventions_and_vendored_folders_ignored(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pkg/server_test.go": "package pkg",
        "web/src/app.spec.ts": "",
        "web/src/__tests__/button.js": "",
        "api/src/test/java/org/x/ApiTest.java": "",
        "spec/models/user_spec.rb": "",
        "src/Contest.java": "",  # not a test
        "node_modules/left-pad/test.spec.js": "",
        "vendor/lib/lib_test.go": "",
    }
    found = check(tmp_path, "tests", files)
    assert found.status == Status.PASS
    assert found.details["by_language"] == {"go": 1, "typescript": 1, "javascript": 1, "java": 1, "ruby": 1}
    assert found.details["test_files"] == 5
    assert not any("node_modules" in path or "vendor" in path for path in paths(found))


def test_a_test_configuration_without_tests_is_a_warning(tmp_path: Path) -> None:
    found = check(tmp_path, "tests", {"pytest.ini": "[pytest]\n"})
    assert (found.status, found.check_keys) == (Status.WARNING, ())
    assert paths(found) == ["pytest.ini"]


def test_container_and_deployment_files(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "deploy/docker-compose.prod.yml": "services: {}\n",
        "charts/tally/Chart.yaml": "name: tally\n",
        "Procfile": "web: gunicorn\n",
        "node_modules/x/Dockerfile": "FROM x\n",
    }
    found = check(tmp_path, "containers", files)
    assert found.status == Status.PASS
    assert found.details["kinds"] == ["compose", "helm", "procfile"]
    assert found.indicators == ("5",)


def test_api_descriptions_are_recognised_by_content(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "api/schema.graphql": "type Query {\n  counts: [Count]\n}\n",
        "web/queries/counts.graphql": "query Counts { counts { id } }\n",  # a query, not a schema
        "proto/tally.proto": 'syntax = "proto3";\n',
        "docs/swagger.json": '{"swagger": "2.0"}',
        "config/openapi-settings.yaml": "timeout: 3\n",  # named like one, but is not
    }
    found = check(tmp_path, "api_description", files)
    assert found.status == Status.PASS
    assert found.details["files"] == {
        "graphql": ["api/schema.graphql"],
        "openapi": ["docs/swagger.json"],
        "protobuf": ["proto/tally.proto"],
    }
    assert found.indicators == ("6", "8")
    alone = check(tmp_path / "bare", "api_description", {"openapi.yaml": OPENAPI})
    assert paths(alone) == ["openapi.yaml"]


def test_data_export_hints_in_the_documentation(tmp_path: Path) -> None:
    docs: dict[str, str | bytes] = {
        "docs/data.md": "# Data\n\nAdministrators can download a CSV of all records.\n"
    }
    found = check(tmp_path / "a", "data_export", docs)
    assert found.status == Status.PASS
    assert [(item.path, item.line) for item in found.evidence] == [("docs/data.md", 3)]
    found = check(tmp_path / "b", "data_export", {"app/management/commands/import_records.py": ""})
    assert found.details["commands"] == ["app/management/commands/import_records.py"]
    found = check(tmp_path / "c", "data_export", {"app/imports.py": "import os\n"})
    assert found.status == Status.WARNING
