"""The licence engine: text matching against the SPDX texts, messy licence files, and the repository
checks built on them. Repositories are plain folders in tmp_path (RepoTree reads a folder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seedbed.dpg.licences import (
    analyse_licence_file,
    get_corpus,
    identify_text,
    licence_checks,
    normalise_expression,
    to_registry_id,
)
from seedbed.dpg.scanner.tree import RepoTree
from seedbed.dpg.scanner.types import CheckResult, Status

PLACEHOLDERS = {
    "<year> <copyright holders>": "2024 Kijani Data Labs",
    "<year> <owner>": "2024 Kijani Data Labs",
}


def text_of(spdx_id: str) -> str:
    """A real licence text from the corpus, with the copyright placeholders filled in."""
    licence = get_corpus().get(spdx_id)
    assert licence is not None
    text = licence.text
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return text


MIT = text_of("MIT")

APACHE_NOTICE = """Copyright 2024 Kijani Data Labs

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
"""

GPL_HEADER_TEMPLATE = """    <one line to give the program's name and a brief idea of what it does.>
    Copyright (C) <year>  <name of author>

    This program is free software: you can redistribute it and/or modify
    it under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

    This program is distributed in the hope that it will be useful,
    but WITHOUT ANY WARRANTY; without even the implied warranty of
    MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
    GNU General Public License for more details.

    You should have received a copy of the GNU General Public License
    along with this program.  If not, see <https://www.gnu.org/licenses/>.
"""


def repo(root: Path, files: dict[str, str]) -> RepoTree:
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return RepoTree(root)


def checks(root: Path, files: dict[str, str]) -> dict[str, CheckResult]:
    return {result.key: result for result in licence_checks(repo(root, files))}


def assert_all_pass(results: dict[str, CheckResult]) -> None:
    for result in results.values():
        assert result.status == Status.PASS, (result.key, result.message)
        assert result.indicators == ("2",)
        assert result.check_keys == ("oss.license",)


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


# --- whole texts ---------------------------------------------------------------------------------


def test_the_corpus_is_loaded_once_per_process():
    assert get_corpus() is get_corpus()
    assert len(get_corpus().licences) > 500


@pytest.mark.parametrize(
    ("spdx_id", "expected"),
    [
        ("MIT", "MIT"),
        ("Apache-2.0", "Apache-2.0"),
        ("BSD-3-Clause", "BSD-3-Clause"),
        ("BSD-2-Clause", "BSD-2-Clause"),
        ("MPL-2.0", "MPL-2.0"),
        ("CC-BY-4.0", "CC-BY-4.0"),
        ("CC-BY-NC-4.0", "CC-BY-NC-4.0"),
        ("GPL-3.0-only", "GPL-3.0-only"),
    ],
)
def test_identify_text_names_standard_texts(spdx_id, expected):
    match = identify_text(text_of(spdx_id))
    assert match is not None
    assert match.spdx_id == expected
    assert match.score >= 0.99
    assert match.accepted


def test_identify_text_reports_ids_that_share_a_text():
    match = identify_text(text_of("GPL-3.0-only"))
    assert match is not None
    assert "GPL-3.0-or-later" in match.same_text


def test_identify_text_of_prose_is_not_accepted():
    match = identify_text(
        "This tool converts spreadsheets into charts. Run it with --help to see the options."
    )
    assert match is None or not match.accepted


def test_a_rewrapped_text_with_curly_quotes_still_matches():
    rewrapped = " ".join(MIT.split()).replace('"', "\u201c")
    finding = analyse_licence_file("LICENSE", rewrapped)
    assert finding.spdx_id == "MIT"
    assert finding.score >= 0.95


# --- one file, as shipped ---------------------------------------------------------------------------


def test_markdown_licence_text():
    body = "\n".join(MIT.splitlines()[4:])
    markdown = "# The MIT License (MIT)\n\n**Copyright © 2024 [Kijani](https://kijani.example)**\n\n" + body
    markdown = markdown.replace('THE SOFTWARE IS PROVIDED "AS IS"', '**THE SOFTWARE IS PROVIDED "AS IS"**')
    finding = analyse_licence_file("LICENSE.md", markdown)
    assert (finding.kind, finding.spdx_id) == ("text", "MIT")
    assert finding.score >= 0.95
    assert not finding.restrictions


def test_long_copyright_block_is_not_a_problem():
    block = "\n".join(
        f"Copyright (c) {2000 + n} Contributor Number {n} <c{n}@example.org>" for n in range(40)
    )
    finding = analyse_licence_file("LICENSE", block + "\nAll rights reserved.\n\n" + text_of("BSD-3-Clause"))
    assert finding.spdx_id == "BSD-3-Clause"
    assert finding.score >= 0.95
    assert not finding.passages


def test_unfilled_mit_template_is_called_a_template(tmp_path):
    raw = get_corpus().get("MIT").text  # "Copyright (c) <year> <copyright holders>"
    finding = analyse_licence_file("LICENSE", raw)
    assert finding.spdx_id == "MIT"
    assert finding.placeholder_line == line_of(raw, "<year>")
    identified = checks(tmp_path, {"LICENSE": raw})["licence.identified"]
    assert identified.status == Status.WARNING
    assert "template" in identified.message
    assert any(e.path == "LICENSE" and e.line == line_of(raw, "<year>") for e in identified.evidence)


def test_two_texts_in_one_file_are_both_found():
    finding = analyse_licence_file("COPYING", text_of("GPL-3.0-only") + "\n\n" + text_of("LGPL-3.0-only"))
    assert {finding.spdx_id, *(inner.spdx_id for inner in finding.also)} == {"GPL-3.0-only", "LGPL-3.0-only"}


# --- repositories -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spdx_id", "file_name", "expected_id", "registry_id", "classification"),
    [
        ("MIT", "LICENSE", "MIT", "MIT", Status.PASS),
        ("Apache-2.0", "LICENSE.txt", "Apache-2.0", "Apache-2.0", Status.PASS),
        ("GPL-3.0-only", "COPYING", "GPL-3.0-only", "GPL-3.0", Status.PASS),
        ("AGPL-3.0-only", "LICENSE", "AGPL-3.0-only", "AGPL-3.0", Status.PASS),
        ("MPL-2.0", "LICENSE", "MPL-2.0", "MPL-2.0", Status.PASS),
        ("BSD-3-Clause", "LICENCE", "BSD-3-Clause", "BSD-3-Clause", Status.PASS),
        ("CC-BY-4.0", "LICENSE.md", "CC-BY-4.0", "CC-BY-4.0", Status.PASS),
        ("CC-BY-NC-4.0", "LICENSE", "CC-BY-NC-4.0", "CC-BY-NC-4.0", Status.WARNING),
    ],
)
def test_standard_licence_files(tmp_path, spdx_id, file_name, expected_id, registry_id, classification):
    results = checks(tmp_path, {file_name: text_of(spdx_id), "README.md": "# Tool\n"})
    identified = results["licence.identified"]
    assert results["licence.file"].status == Status.PASS
    assert identified.status == Status.PASS
    assert identified.details["spdx"] == expected_id
    assert identified.details["confidence"] >= 0.99
    assert identified.evidence[0].path == file_name
    assert identified.evidence[0].line == 1
    assert results["licence.classification"].status == classification
    assert results["licence.classification"].details["licences"][0]["registry_id"] == registry_id
    assert results["licence.restrictions"].status == Status.PASS
    if classification == Status.PASS:
        assert_all_pass(results)
    else:
        assert "at risk" in results["licence.classification"].message
        assert all(result.check_keys == () for result in results.values())


@pytest.mark.parametrize(
    "clause",
    [
        "The Software may not be used for commercial purposes.",
        "The Software shall not be used for military applications.",
    ],
)
def test_mit_with_an_added_restriction_fails(tmp_path, clause):
    text = MIT.replace("following conditions:", "following conditions:\n\n" + clause + "\n")
    results = checks(tmp_path, {"LICENSE": text})
    restrictions = results["licence.restrictions"]
    assert restrictions.status == Status.FAIL
    assert restrictions.evidence[0].path == "LICENSE"
    assert restrictions.evidence[0].line == line_of(text, clause)
    assert clause in restrictions.evidence[0].note
    assert results["licence.classification"].status == Status.FAIL
    assert results["licence.identified"].status == Status.WARNING
    assert all(result.check_keys == () for result in results.values())


def test_restriction_after_the_text_fails(tmp_path):
    text = MIT + "\nNot for military use.\n"
    restrictions = checks(tmp_path, {"LICENSE": text})["licence.restrictions"]
    assert restrictions.status == Status.FAIL
    assert restrictions.evidence[0].line == line_of(text, "military")


def test_mit_with_a_harmless_preamble_passes_with_a_note(tmp_path):
    preamble = "This project is maintained by the Kijani community; see CONTRIBUTING.md to help out.\n\n"
    results = checks(tmp_path, {"LICENSE": preamble + MIT})
    assert_all_pass(results)
    assert results["licence.identified"].details["spdx"] == "MIT"
    restrictions = results["licence.restrictions"]
    assert "LICENSE lines 1-1" in restrictions.message
    assert restrictions.evidence[0].path == "LICENSE"
    assert restrictions.evidence[0].line == 1


def test_agpl_additional_terms_under_section_7_are_a_warning(tmp_path):
    terms = (
        "\n\nADDITIONAL TERMS UNDER SECTION 7\n\n"
        "Pursuant to section 7(b), you must retain the attribution 'Powered by Kijani' on every page.\n"
    )
    text = text_of("AGPL-3.0-only") + terms
    results = checks(tmp_path, {"LICENSE": text})
    assert results["licence.identified"].details["spdx"] == "AGPL-3.0-only"
    restrictions = results["licence.restrictions"]
    assert restrictions.status == Status.WARNING
    assert restrictions.evidence[0].path == "LICENSE"
    assert restrictions.evidence[0].line == line_of(text, "ADDITIONAL TERMS")
    assert "Powered by Kijani" in restrictions.evidence[0].note


def test_lgpl_shipped_as_copying_and_copying_lesser(tmp_path):
    results = checks(
        tmp_path, {"COPYING": text_of("GPL-3.0-only"), "COPYING.LESSER": text_of("LGPL-3.0-only")}
    )
    identified = results["licence.identified"]
    assert identified.details["spdx"] == "LGPL-3.0-only"
    assert [e.path for e in identified.evidence] == ["COPYING.LESSER"]
    assert_all_pass(results)
    assert results["licence.classification"].details["licences"][0]["registry_id"] == "LGPL-3.0"


def test_dual_licence_files_are_a_choice(tmp_path):
    results = checks(tmp_path, {"LICENSE-MIT": MIT, "LICENSE-APACHE": text_of("Apache-2.0")})
    identified = results["licence.identified"]
    assert set(identified.details["licences"]) == {"MIT", "Apache-2.0"}
    assert " OR " in identified.details["spdx"]
    assert {e.path for e in identified.evidence} == {"LICENSE-MIT", "LICENSE-APACHE"}
    assert_all_pass(results)


def test_bundled_third_party_licences_are_not_the_projects(tmp_path):
    results = checks(
        tmp_path,
        {
            "LICENSE": MIT,
            "vendor/leaflet/LICENSE": text_of("BSD-2-Clause"),
            "third_party/chart/LICENSE.txt": text_of("Apache-2.0"),
            "THIRD-PARTY-NOTICES.txt": text_of("GPL-3.0-only"),
        },
    )
    assert results["licence.identified"].details["spdx"] == "MIT"
    assert results["licence.file"].details["files"] == ["LICENSE"]
    assert "vendor/leaflet/LICENSE" in results["licence.file"].details["bundled"]
    assert "THIRD-PARTY-NOTICES.txt" in results["licence.file"].details["bundled"]
    assert_all_pass(results)


def test_short_apache_notice_is_named_with_lower_confidence(tmp_path):
    results = checks(tmp_path, {"LICENSE": APACHE_NOTICE})
    identified = results["licence.identified"]
    assert identified.details["spdx"] == "Apache-2.0"
    assert identified.details["confidence"] < 0.8
    assert identified.status == Status.WARNING
    assert "full text" in identified.message
    assert identified.evidence[0].path == "LICENSE"
    assert identified.evidence[0].line == line_of(APACHE_NOTICE, "Licensed under")
    assert results["licence.classification"].status == Status.PASS


def test_gpl_header_template_is_called_a_template(tmp_path):
    results = checks(tmp_path, {"LICENSE": GPL_HEADER_TEMPLATE})
    identified = results["licence.identified"]
    assert identified.status == Status.FAIL
    assert "only a template" in identified.message
    assert identified.evidence[0].path == "LICENSE"
    assert identified.evidence[0].line == 1
    assert "GPL-3.0-or-later" in identified.evidence[0].note
    assert results["licence.classification"].status == Status.NOT_APPLICABLE


def test_package_json_without_licence_file(tmp_path):
    manifest = json.dumps({"name": "kijani", "version": "1.0.0", "license": "GPL-3.0-or-later"}, indent=2)
    results = checks(tmp_path, {"package.json": manifest, "index.js": "module.exports = 1;\n"})
    assert results["licence.file"].status == Status.FAIL
    identified = results["licence.identified"]
    assert identified.status == Status.WARNING
    assert identified.details["spdx"] == "GPL-3.0-or-later"
    assert identified.evidence[0].path == "package.json"
    assert identified.evidence[0].line == line_of(manifest, '"license"')
    classification = results["licence.classification"]
    assert classification.status == Status.PASS
    assert classification.details["licences"][0]["registry_id"] == "GPL-3.0"
    assert all(result.check_keys == () for result in results.values())


def test_manifest_narrows_a_gpl_text_to_or_later(tmp_path):
    pyproject = '[project]\nname = "kijani"\nlicense = "GPL-3.0-or-later"\n'
    results = checks(tmp_path, {"COPYING": text_of("GPL-3.0-only"), "pyproject.toml": pyproject})
    assert results["licence.identified"].details["spdx"] == "GPL-3.0-or-later"
    assert_all_pass(results)


def test_manifest_that_disagrees_with_the_licence_file_is_a_warning(tmp_path):
    results = checks(
        tmp_path, {"LICENSE": MIT, "Cargo.toml": '[package]\nname = "k"\nlicense = "Apache-2.0"\n'}
    )
    identified = results["licence.identified"]
    assert identified.status == Status.WARNING
    assert identified.details["spdx"] == "MIT"
    assert "Cargo.toml" in identified.message
    assert any(e.path == "Cargo.toml" and e.line == 3 for e in identified.evidence)


def test_spdx_headers_in_sources(tmp_path):
    files = {f"src/module_{n}.py": "# SPDX-License-Identifier: MPL-2.0\nVALUE = 1\n" for n in range(5)}
    files["vendor/lib.js"] = "// SPDX-License-Identifier: GPL-2.0-only\n"
    results = checks(tmp_path, files)
    identified = results["licence.identified"]
    assert identified.details["spdx"] == "MPL-2.0"
    assert identified.details["source"] == "header"
    assert identified.evidence[0].path.startswith("src/module_")
    assert identified.evidence[0].line == 1


def test_no_licence_at_all(tmp_path):
    results = checks(tmp_path, {"README.md": "# Tool\n", "main.py": "print('hi')\n"})
    assert results["licence.file"].status == Status.FAIL
    assert results["licence.identified"].status == Status.FAIL
    assert results["licence.identified"].details["spdx"] is None
    assert results["licence.classification"].status == Status.NOT_APPLICABLE
    assert all(result.check_keys == () for result in results.values())


def test_a_licence_file_that_is_not_a_licence(tmp_path):
    results = checks(tmp_path, {"LICENSE": "TODO: choose a licence before the first release.\n"})
    identified = results["licence.identified"]
    assert results["licence.file"].status == Status.PASS
    assert identified.status == Status.FAIL
    assert "does not match any known licence" in identified.message
    assert identified.evidence[0].path == "LICENSE"


def test_reuse_licences_folder(tmp_path):
    results = checks(tmp_path, {"LICENSES/MIT.txt": MIT, "LICENSES/CC-BY-4.0.txt": text_of("CC-BY-4.0")})
    identified = results["licence.identified"]
    assert set(identified.details["licences"]) == {"MIT", "CC-BY-4.0"}
    assert " AND " in identified.details["spdx"]
    assert_all_pass(results)


# --- ids -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spdx_id", "registry_id"),
    [
        ("GPL-3.0-only", "GPL-3.0"),
        ("GPL-3.0-or-later", "GPL-3.0"),
        ("AGPL-3.0-or-later", "AGPL-3.0"),
        ("LGPL-2.1-only", "LGPL-2.1"),
        ("GPL-2.0-or-later", "GPL-2.0"),
        ("MIT", "MIT"),
        ("Apache-2.0", "Apache-2.0"),
        ("BlueOak-1.0.0", "BlueOak-1.0.0"),
    ],
)
def test_to_registry_id(spdx_id, registry_id):
    assert to_registry_id(spdx_id) == registry_id


@pytest.mark.parametrize(
    ("declared", "expression"),
    [
        ("GPL-3.0", "GPL-3.0-only"),
        ("GPL-3.0+", "GPL-3.0-or-later"),
        ("gpl-3.0-or-later", "GPL-3.0-or-later"),
        ("MIT OR Apache-2.0", "MIT OR Apache-2.0"),
        ("MIT/Apache-2.0", "MIT OR Apache-2.0"),
        ("Apache 2.0", "Apache-2.0"),
        ("GPL (>= 2)", "GPL-2.0-or-later"),
        ("MIT + file LICENSE", "MIT"),
    ],
)
def test_declared_ids_are_normalised(declared, expression):
    assert normalise_expression(declared) == (expression, True)
