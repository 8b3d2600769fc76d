"""The demo's sample git repositories: what each one holds at each stage of its history.

Each repository is built on disk in stages a few weeks apart (``seedbed.dpg.demo`` commits a stage, scans it
with the scan dated that day, then commits the next), so a repository page shows how its readiness changed.
They are varied on purpose: one that ends up passing every check, partial ones, copyleft licences (GPL-3.0
with LGPL-3.0, AGPL-3.0, MPL-2.0, EUPL-1.2), an MIT licence to which a "not for military use" clause is
added, one with no licence, a CC-BY-4.0 content repository and a README in French.

Licence texts come from the SPDX texts the licence engine ships (``seedbed.dpg.licences``), with the
copyright line filled in; nothing here is a hand-typed licence. Every file says it is sample data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from seedbed.dpg.licences import get_corpus

SAMPLE_NOTE = "Sample repository generated for the Seedbed demo; not a real project."


@dataclasses.dataclass(frozen=True)
class Author:
    name: str
    email: str


AMINA = Author("Amina Diallo", "amina@example.org")
TOMAS = Author("Tomás Rivera", "tomas@example.org")
LIN = Author("Lin Wei", "lin@example.org")
KOFI = Author("Kofi Mensah", "kofi@example.org")
NADIA = Author("Nadia Haddad", "nadia@example.org")


@dataclasses.dataclass(frozen=True)
class Licence:
    """A licence file's text, read from the licence corpus only when the file is written (so that a demo
    load with nothing to build does not load the corpus)."""

    spdx_id: str
    holder: str = ""
    year: int = 2024
    appended: str = ""  # a clause added after the standard text

    def text(self) -> str:
        found = get_corpus().get(self.spdx_id)
        if found is None:
            raise KeyError(self.spdx_id)
        text = found.text
        for placeholder in ("<year>", "[yyyy]"):
            text = text.replace(placeholder, str(self.year), 1)
        for placeholder in ("<copyright holders>", "<owner>", "[name of copyright owner]"):
            text = text.replace(placeholder, self.holder, 1)
        if self.appended:
            text = text.rstrip("\n") + "\n\n" + self.appended + "\n"
        return text


@dataclasses.dataclass(frozen=True)
class Commit:
    message: str
    author: Author
    files: Mapping[str, str | Licence | None]  # path -> text; None removes the file
    days_before: int = 0  # committed this many days before the stage's scan


@dataclasses.dataclass(frozen=True)
class Stage:
    days_ago: int  # the stage is scanned this many days before the demo is loaded
    commits: tuple[Commit, ...]


@dataclasses.dataclass(frozen=True)
class SampleRepository:
    key: str  # folder under DATA_DIR/demo-repos
    name: str  # the repository's name on the solution's page
    owner: str  # "applicant", "portfolio" (a running investment's solution), or a seed DPG's registry key
    about: str  # what the repository shows, for the reader of this module and the tests
    stages: tuple[Stage, ...]


# --- File contents ----------------------------------------------------------------------------------------


def licence(spdx_id: str, holder: str = "", year: int = 2024, appended: str = "") -> Licence:
    """The SPDX text of ``spdx_id`` with its copyright line filled in (and ``appended`` after it)."""
    return Licence(spdx_id, holder, year, appended)


def readme(title: str, about: str, *, sections: bool = True, export: bool = False, docs: str = "") -> str:
    parts = [
        f"# {title}\n\n{about}\n\n_{SAMPLE_NOTE}_\n",
    ]
    if sections:
        parts.append(
            "## Installation\n\n"
            "You need Python 3.11 or later. Clone the repository, then install the package and its "
            "dependencies with:\n\n```\npip install -e .\n```\n"
        )
        parts.append(
            "## Usage\n\n"
            "Start the application with `make run` and open http://localhost:8000 in your browser. Sign in "
            "with the account your administrator gave you; the first page shows what is waiting for you.\n"
        )
    if export:
        parts.append(
            "## Exporting data\n\n"
            "Every table can be exported to CSV or JSON from its page, and the same data is available "
            "through the API described in `openapi.yaml`.\n"
        )
    if docs:
        parts.append(f"## Documentation\n\nThe documentation is in the docs folder and at {docs}.\n")
    return "\n".join(parts)


def short_readme(title: str, about: str) -> str:
    """A README with a paragraph and nothing else: no set-up or usage section yet."""
    return f"# {title}\n\n{about} This is the very first version, and the team is still writing the rest.\n"


CODE_OF_CONDUCT = """# Code of conduct

We adopt the Contributor Covenant, version 2.1 (https://www.contributor-covenant.org/version/2/1/).
Everyone who takes part in this project is expected to be respectful and to help keep it free of
harassment.

Report unacceptable behaviour to conduct@example.org. Every report is read by two maintainers who are not
involved, and is kept confidential.
"""

CONTRIBUTING = """# Contributing

Thank you for helping! Open an issue first for anything larger than a small fix, so that we can agree on
the approach. Then fork the repository, make your change on a branch with tests, and open a pull request.
A maintainer reviews every pull request within a week. By contributing you agree that your work is
published under the project's licence.
"""

SECURITY = """# Security policy

Please do not report security vulnerabilities in public issues. Write to security@example.org with the
steps to reproduce; we answer within three working days and publish an advisory once a fix is released.
"""

GOVERNANCE = """# Governance

The project is led by its maintainers, listed in CODEOWNERS. Decisions are taken by consensus in public
issues; when there is none, the maintainers vote and the majority decides. Anyone who has contributed for
six months can ask to become a maintainer.
"""

CODEOWNERS = "* @amina-diallo @tomas-rivera\n/docs/ @lin-wei\n"

ISSUE_BUG = """---
name: Bug report
about: Something does not work as it should
labels: bug
---

**What happened?**

**What did you expect to happen?**

**Steps to reproduce**
"""

ISSUE_FEATURE = """---
name: Feature request
about: Suggest an idea for the project
labels: enhancement
---

**What problem would it solve?**
"""

PR_TEMPLATE = """## What this changes

## How it was tested

- [ ] Tests added or updated
- [ ] Documentation updated
"""

CI_PUSH_ONLY = """name: CI
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install -e .[test]
      - run: pytest
"""

CI_WITH_DOCS = """name: CI
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install -e .[test]
      - run: pytest --cov
  docs:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install mkdocs
      - run: mkdocs build --strict
"""

MKDOCS = "site_name: Growth Monitor\nnav:\n  - Home: index.md\n  - Exporting data: data-export.md\n"

DOCKERFILE = """FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["growth-monitor", "serve", "--port", "8000"]
"""

OPENAPI = """openapi: 3.0.3
info:
  title: Growth Monitor API (sample)
  version: 1.0.0
paths:
  /api/measurements:
    get:
      summary: List measurements, as JSON or CSV
      responses:
        "200":
          description: The measurements
"""


def python_module(name: str, doc: str) -> str:
    return (
        f'"""{doc} ({SAMPLE_NOTE})"""\n\n\ndef {name}(value: float) -> float:\n    return round(value, 1)\n'
    )


def python_test(module: str, name: str) -> str:
    return f"from {module} import {name}\n\n\ndef test_{name}():\n    assert {name}(1.26) == 1.3\n"


# --- The repositories -------------------------------------------------------------------------------------

GROWTH_ABOUT = (
    "Growth Monitor helps community health workers record children's height and weight offline, and shows "
    "the growth charts that tell them when a child needs a referral."
)
ROSTER_ABOUT = (
    "School Roster keeps the list of pupils and teachers of a school district, works without a connection "
    "for days, and sends the changes when the network is back."
)


def _growth_monitor() -> SampleRepository:
    """Starts with a README and a licence; gains a contributing guide, a code of conduct and tests, then CI,
    documentation and templates, then a security policy, governance, a container and an API description:
    every check passes in the end."""
    title = "Growth Monitor"
    return SampleRepository(
        key="growth-monitor",
        name="main",
        owner="portfolio",
        about=_growth_monitor.__doc__ or "",
        stages=(
            Stage(
                160,
                (
                    Commit(
                        "First version of the growth charts",
                        AMINA,
                        {
                            "README.md": short_readme(title, GROWTH_ABOUT),
                            "LICENSE": licence("Apache-2.0", "Growth Monitor contributors"),
                            "growth_monitor/__init__.py": python_module("z_score", "Growth charts"),
                        },
                        days_before=6,
                    ),
                ),
            ),
            Stage(
                110,
                (
                    Commit(
                        "Installation and usage in the README",
                        AMINA,
                        {"README.md": readme(title, GROWTH_ABOUT)},
                        days_before=9,
                    ),
                    Commit(
                        "Contributing guide and code of conduct",
                        TOMAS,
                        {"CONTRIBUTING.md": CONTRIBUTING, "CODE_OF_CONDUCT.md": CODE_OF_CONDUCT},
                        days_before=5,
                    ),
                    Commit(
                        "First tests",
                        AMINA,
                        {"tests/test_growth.py": python_test("growth_monitor", "z_score")},
                        days_before=2,
                    ),
                ),
            ),
            Stage(
                60,
                (
                    Commit(
                        "Run the tests and build the docs on every pull request (#4)",
                        TOMAS,
                        {".github/workflows/ci.yml": CI_WITH_DOCS},
                        days_before=12,
                    ),
                    Commit(
                        "Documentation site (#5)",
                        LIN,
                        {
                            "mkdocs.yml": MKDOCS,
                            "docs/index.md": f"# {title}\n\n{GROWTH_ABOUT}\n",
                            "README.md": readme(
                                title, GROWTH_ABOUT, docs="https://growth-monitor.example.org/docs/"
                            ),
                        },
                        days_before=8,
                    ),
                    Commit(
                        "Issue and pull-request templates (#6)",
                        AMINA,
                        {
                            ".github/ISSUE_TEMPLATE/bug_report.md": ISSUE_BUG,
                            ".github/ISSUE_TEMPLATE/feature_request.md": ISSUE_FEATURE,
                            ".github/pull_request_template.md": PR_TEMPLATE,
                        },
                        days_before=3,
                    ),
                ),
            ),
            Stage(
                3,
                (
                    Commit(
                        "Security policy and governance (#9)",
                        AMINA,
                        {
                            "SECURITY.md": SECURITY,
                            "GOVERNANCE.md": GOVERNANCE,
                            ".github/CODEOWNERS": CODEOWNERS,
                        },
                        days_before=20,
                    ),
                    Commit(
                        "Container image (#10)",
                        KOFI,
                        {"Dockerfile": DOCKERFILE},
                        days_before=14,
                    ),
                    Commit(
                        "Describe the API and the CSV export (#11)",
                        LIN,
                        {
                            "openapi.yaml": OPENAPI,
                            "docs/data-export.md": "# Exporting data\n\nExport the measurements to CSV or "
                            "JSON with `growth-monitor export --format csv`.\n",
                            "growth_monitor/export.py": python_module("export_row", "CSV and JSON export"),
                            "README.md": readme(
                                title,
                                GROWTH_ABOUT,
                                export=True,
                                docs="https://growth-monitor.example.org/docs/",
                            ),
                        },
                        days_before=6,
                    ),
                    Commit(
                        "Charts for children under two (#12)",
                        TOMAS,
                        {
                            "growth_monitor/charts.py": python_module(
                                "under_two", "Charts for children under two"
                            )
                        },
                        days_before=1,
                    ),
                ),
            ),
        ),
    )


def _applicant() -> SampleRepository:
    """The demo applicant's own repository: a licence from the start, then set-up and usage, tests and a code
    of conduct, then CI that runs only on pushes and a docs folder. There is still no contributing guide, so
    that milestone waits for the mentor."""
    title = "Field Data Collector"
    about = (
        "Field Data Collector lets a small team design a questionnaire, collect answers on phones without a "
        "connection, and review them together on a dashboard."
    )
    return SampleRepository(
        key="field-data-collector",
        name="main",
        owner="applicant",
        about=_applicant.__doc__ or "",
        stages=(
            Stage(
                120,
                (
                    Commit(
                        "First prototype",
                        NADIA,
                        {
                            "README.md": short_readme(title, about),
                            "LICENSE": licence("MIT", "Field Data Collector team"),
                            "collector/__init__.py": python_module("score", "Questionnaires"),
                        },
                        days_before=4,
                    ),
                ),
            ),
            Stage(
                45,
                (
                    Commit(
                        "How to install and use it",
                        NADIA,
                        {"README.md": readme(title, about)},
                        days_before=10,
                    ),
                    Commit(
                        "Tests for the questionnaire scores",
                        KOFI,
                        {"tests/test_score.py": python_test("collector", "score")},
                        days_before=6,
                    ),
                    Commit("Code of conduct", NADIA, {"CODE_OF_CONDUCT.md": CODE_OF_CONDUCT}, days_before=2),
                ),
            ),
            Stage(
                2,
                (
                    Commit(
                        "Run the tests on every push", KOFI, {".github/workflows/ci.yml": CI_PUSH_ONLY}, 9
                    ),
                    Commit(
                        "User guide",
                        NADIA,
                        {"docs/user-guide.md": f"# {title}: user guide\n\n{about}\n"},
                        days_before=3,
                    ),
                ),
            ),
        ),
    )


def _school_roster() -> SampleRepository:
    """Partial: a BSD-3-Clause licence, a README with its sections, a contributing guide, documentation and a
    container, but no code of conduct, no CI and no tests."""
    title = "School Roster"
    return SampleRepository(
        key="school-roster",
        name="main",
        owner="portfolio",
        about=_school_roster.__doc__ or "",
        stages=(
            Stage(
                95,
                (
                    Commit(
                        "School Roster, first release",
                        LIN,
                        {
                            "README.md": readme(title, ROSTER_ABOUT),
                            "LICENSE": licence("BSD-3-Clause", "School Roster authors", 2023),
                            "roster/__init__.py": python_module("attendance", "Pupil rosters"),
                        },
                        days_before=5,
                    ),
                ),
            ),
            Stage(
                30,
                (
                    Commit("Contributing guide", LIN, {"CONTRIBUTING.md": CONTRIBUTING}, days_before=8),
                    Commit(
                        "Deployment with Docker, and a docs folder",
                        KOFI,
                        {"Dockerfile": DOCKERFILE, "docs/deploy.md": "# Deploying\n\nBuild the image.\n"},
                        days_before=3,
                    ),
                ),
            ),
        ),
    )


def _offline_maps() -> SampleRepository:
    """A licence added late: no licence at first, then the GPL-3.0 text (COPYING), then the LGPL-3.0's
    additional permissions beside it (COPYING.LESSER), as GNU projects do."""
    title = "Offline School Maps"
    about = (
        "Offline School Maps draws the schools of a country on a map that works without a connection, with "
        "the roads and health centres around them."
    )
    return SampleRepository(
        key="offline-school-maps",
        name="main",
        owner="portfolio",
        about=_offline_maps.__doc__ or "",
        stages=(
            Stage(
                130,
                (
                    Commit(
                        "Map tiles and the first screen",
                        TOMAS,
                        {
                            "README.md": readme(title, about),
                            "maps/__init__.py": python_module("zoom", "Offline map tiles"),
                        },
                        days_before=3,
                    ),
                ),
            ),
            Stage(
                75,
                (Commit("Licence: GNU GPL version 3", TOMAS, {"COPYING": licence("GPL-3.0-only")}, 4),),
            ),
            Stage(
                20,
                (
                    Commit(
                        "Licence the library under the GNU LGPL version 3",
                        LIN,
                        {
                            "COPYING.LESSER": licence("LGPL-3.0-only"),
                            "CONTRIBUTING.md": CONTRIBUTING,
                        },
                        days_before=5,
                    ),
                ),
            ),
        ),
    )


def _ration_cards() -> SampleRepository:
    """A regression: a plain MIT licence at first, then a "not for military use" clause added to it, which
    makes it no longer an open licence (the restriction check fails and shows the line)."""
    title = "Ration Card Registry"
    about = (
        "Ration Card Registry records the households that receive food rations and prints their cards, with "
        "a history of every change."
    )
    mit = licence("MIT", "Ration Card Registry team")
    restricted = licence(
        "MIT", "Ration Card Registry team", appended="The Software shall not be used for military purposes."
    )
    return SampleRepository(
        key="ration-card-registry",
        name="main",
        owner="portfolio",
        about=_ration_cards.__doc__ or "",
        stages=(
            Stage(
                100,
                (
                    Commit(
                        "Ration card registry",
                        KOFI,
                        {
                            "README.md": readme(title, about),
                            "LICENSE": mit,
                            "CODE_OF_CONDUCT.md": CODE_OF_CONDUCT,
                            "registry/__init__.py": python_module("ration", "Ration cards"),
                            "tests/test_ration.py": python_test("registry", "ration"),
                        },
                        days_before=4,
                    ),
                ),
            ),
            Stage(
                25,
                (
                    Commit(
                        "Add a clause to the licence at the funder's request",
                        KOFI,
                        {"LICENSE": restricted},
                        days_before=6,
                    ),
                ),
            ),
        ),
    )


def _clinic_queue() -> SampleRepository:
    """No licence file at any stage: first nothing at all, then a package manifest that declares MIT, which
    is not enough without the licence text in the repository."""
    title = "Clinic Queue"
    about = (
        "Clinic Queue gives each patient a number by text message and tells them when the nurse is ready, so "
        "that nobody waits outside in the heat."
    )
    return SampleRepository(
        key="clinic-queue",
        name="main",
        owner="portfolio",
        about=_clinic_queue.__doc__ or "",
        stages=(
            Stage(
                85,
                (
                    Commit(
                        "Queue numbers by text message",
                        NADIA,
                        {
                            "README.md": readme(title, about),
                            "src/queue.js": "export const next = (n) => n + 1;\n",
                        },
                        days_before=3,
                    ),
                ),
            ),
            Stage(
                15,
                (
                    Commit(
                        "Package manifest",
                        NADIA,
                        {
                            "package.json": '{\n  "name": "clinic-queue",\n  "version": "0.2.0",\n'
                            '  "license": "MIT"\n}\n',
                            "src/queue.test.js": "import { next } from './queue.js';\n"
                            "test('next', () => expect(next(1)).toBe(2));\n",
                        },
                        days_before=2,
                    ),
                ),
            ),
        ),
    )


def _water_points() -> SampleRepository:
    """MPL-2.0 (a weak copyleft the DPGA accepts), growing from a bare repository to one with a code of
    conduct, a contributing guide, tests and CI."""
    title = "Water Point Reports"
    about = (
        "Water Point Reports lets villagers report a broken water pump by text message and shows the "
        "district engineer which pumps to repair first."
    )
    return SampleRepository(
        key="water-point-reports",
        name="main",
        owner="portfolio",
        about=_water_points.__doc__ or "",
        stages=(
            Stage(
                70,
                (
                    Commit(
                        "Reports by text message",
                        AMINA,
                        {
                            "README.md": short_readme(title, about),
                            "LICENSE": licence("MPL-2.0"),
                            "water/__init__.py": python_module("priority", "Water point reports"),
                        },
                        days_before=4,
                    ),
                ),
            ),
            Stage(
                10,
                (
                    Commit(
                        "Set-up and usage (#2)",
                        KOFI,
                        {"README.md": readme(title, about), "CONTRIBUTING.md": CONTRIBUTING},
                        days_before=7,
                    ),
                    Commit(
                        "Tests and CI (#3)",
                        AMINA,
                        {
                            "tests/test_priority.py": python_test("water", "priority"),
                            ".github/workflows/ci.yml": CI_WITH_DOCS.replace(
                                "mkdocs build --strict", "echo no docs yet"
                            ),
                            "CODE_OF_CONDUCT.md": CODE_OF_CONDUCT,
                        },
                        days_before=2,
                    ),
                ),
            ),
        ),
    )


FRENCH_README = """# Alertes Canicule

Alertes Canicule prévient les directeurs d'école par SMS quand une vague de chaleur est annoncée dans leur
région, pour que les enfants restent à l'abri pendant les heures les plus chaudes.

_Dépôt d'exemple créé pour la démonstration de Seedbed ; ce n'est pas un vrai projet._

## Installation

Il faut Python 3.11. Installez le paquet avec la commande `pip install -e .` dans le dossier du projet.

## Utilisation

Lancez le service avec `make run`, puis ajoutez les écoles et les numéros des directeurs dans la page
d'administration. Les alertes sont envoyées chaque matin à six heures.
"""


def _heat_alerts() -> SampleRepository:
    """A README in French only (the English check fails) under the EUPL-1.2; an English README is added
    beside it later, which the scan then prefers."""
    title = "Heat Alerts"
    about = (
        "Heat Alerts warns school heads by text message when a heatwave is forecast for their region, so "
        "that children stay indoors during the hottest hours."
    )
    return SampleRepository(
        key="heat-alerts",
        name="main",
        owner="portfolio",
        about=_heat_alerts.__doc__ or "",
        stages=(
            Stage(
                90,
                (
                    Commit(
                        "Premier envoi des alertes",
                        NADIA,
                        {
                            "README.md": FRENCH_README,
                            "LICENCE": licence("EUPL-1.2"),
                            "alertes/__init__.py": python_module("seuil", "Alertes canicule"),
                        },
                        days_before=5,
                    ),
                ),
            ),
            Stage(
                35,
                (
                    Commit(
                        "README in English",
                        AMINA,
                        {"README.md": readme(title, about), "README.fr.md": FRENCH_README},
                        days_before=4,
                    ),
                ),
            ),
        ),
    )


def _primero_config() -> SampleRepository:
    """A sample configuration repository beside Primero's real one: AGPL-3.0, like Primero itself."""
    title = "Primero configuration for a sample country office"
    about = (
        "Forms, lookups and roles that configure Primero (case management for child protection) for a sample "
        "country office."
    )
    return SampleRepository(
        key="primero-sample-configuration",
        name="sample configuration",
        owner="primero",
        about=_primero_config.__doc__ or "",
        stages=(
            Stage(
                140,
                (
                    Commit(
                        "Forms of the case workers",
                        TOMAS,
                        {"README.md": short_readme(title, about), "forms/case.yml": "fields: [name, age]\n"},
                        days_before=3,
                    ),
                ),
            ),
            Stage(
                50,
                (
                    Commit(
                        "Licence: GNU AGPL version 3",
                        TOMAS,
                        {"LICENSE": licence("AGPL-3.0-only"), "README.md": readme(title, about)},
                        days_before=4,
                    ),
                ),
            ),
        ),
    )


def _gdl_books() -> SampleRepository:
    """Open content: sample reading books under CC-BY-4.0, beside the Global Digital Library's real
    repository."""
    title = "Sample reading books"
    about = (
        "Short reading books for early grades, in English, French and Kyrgyz, ready to import into the "
        "Global Digital Library. Download them as EPUB or export the texts as JSON."
    )
    book = (
        "# The Big Rain\n\nThe rain came to the village. The children ran home and watched it from the "
        "door.\n"
    )
    return SampleRepository(
        key="gdl-sample-books",
        name="sample books",
        owner="global-digital-library",
        about=_gdl_books.__doc__ or "",
        stages=(
            Stage(
                80,
                (
                    Commit(
                        "First three books",
                        LIN,
                        {"README.md": short_readme(title, about), "books/en/the-big-rain.md": book},
                        days_before=3,
                    ),
                ),
            ),
            Stage(
                12,
                (
                    Commit(
                        "Licence the books under CC BY 4.0",
                        LIN,
                        {
                            "LICENSE": licence("CC-BY-4.0"),
                            "README.md": readme(title, about),
                            "CONTRIBUTING.md": CONTRIBUTING,
                        },
                        days_before=5,
                    ),
                ),
            ),
        ),
    )


def _h5p_content() -> SampleRepository:
    """A sample H5P content type under MIT, with tests and CI from the second stage."""
    title = "H5P sample quiz content type"
    about = (
        "An H5P content type for short quizzes with pictures, used to try H5P in teacher training. Pupils' "
        "results can be exported as CSV for the teacher."
    )
    return SampleRepository(
        key="h5p-sample-quiz",
        name="sample content type",
        owner="h5p",
        about=_h5p_content.__doc__ or "",
        stages=(
            Stage(
                65,
                (
                    Commit(
                        "Quiz content type",
                        KOFI,
                        {
                            "README.md": readme(title, about),
                            "LICENSE": licence("MIT", "H5P sample contributors"),
                            "src/quiz.js": "export const score = (answers) =>\n"
                            "  answers.filter(Boolean).length;\n",
                        },
                        days_before=4,
                    ),
                ),
            ),
            Stage(
                8,
                (
                    Commit(
                        "Tests, CI and a code of conduct (#7)",
                        LIN,
                        {
                            "src/quiz.test.js": "import { score } from './quiz.js';\n"
                            "test('score', () => expect(score([true, false])).toBe(1));\n",
                            ".github/workflows/ci.yml": CI_WITH_DOCS.replace(
                                "mkdocs build --strict", "npm test"
                            ),
                            "CODE_OF_CONDUCT.md": CODE_OF_CONDUCT,
                            "CONTRIBUTING.md": CONTRIBUTING,
                        },
                        days_before=3,
                    ),
                ),
            ),
        ),
    )


def sample_repositories() -> list[SampleRepository]:
    """Every sample repository of the demo, in the order they are built."""
    return [
        _growth_monitor(),
        _applicant(),
        _school_roster(),
        _offline_maps(),
        _ration_cards(),
        _clinic_queue(),
        _water_points(),
        _heat_alerts(),
        _primero_config(),
        _gdl_books(),
        _h5p_content(),
    ]
