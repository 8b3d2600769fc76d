"""Licences a repository declares rather than ships as text: package manifests and
``SPDX-License-Identifier:`` headers in source files. Declared values are normalised to SPDX
expressions (``GPL-3.0+`` -> ``GPL-3.0-or-later``, ``Apache 2.0`` -> ``Apache-2.0``)."""

from __future__ import annotations

import configparser
import dataclasses
import json
import re
import tomllib
from collections import Counter
from typing import Any

from ..scanner.tree import RepoTree
from .corpus import get_corpus
from .registry import DEPRECATED_TO_CURRENT

MANIFEST_CONFIDENCE = 0.9  # an SPDX id written by the project
NAME_CONFIDENCE = 0.7  # a free-form name we mapped to an id
HEADER_SAMPLE = 300
SKIP_DIRS = re.compile(
    r"(^|/)(vendor|vendored|third[_-]?party|3rdparty|external|node_modules|bower_components"
    r"|\.venv|venv|site-packages|dist|build|target)/",
    re.IGNORECASE,
)
SOURCE_SUFFIXES = frozenset(
    """.py .js .mjs .cjs .ts .tsx .jsx .java .kt .go .rs .c .h .cc .cpp .hpp .cs .rb .php .swift .scala
    .sh .dart .lua .r .m .vue .svelte .css .scss .html .sql .ex .exs .erl .hs .pl .yml .yaml""".split()  # noqa: SIM905
)
_HEADER = re.compile(
    r"SPDX-License-Identifier:\s*([A-Za-z0-9.+\-() ]+?)\s*(?:\*/|-->|#\}|\"|$)", re.MULTILINE
)

# Common names written in manifests, lower-cased, without punctuation -> SPDX ids.
ALIASES: dict[str, str] = {
    "mit": "MIT",
    "mit license": "MIT",
    "expat": "MIT",
    "mit file license": "MIT",
    "mit + file license": "MIT",
    "apache": "Apache-2.0",
    "apache 2": "Apache-2.0",
    "apache 2.0": "Apache-2.0",
    "apache2": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "apache license version 2.0": "Apache-2.0",
    "apache-2": "Apache-2.0",
    "apache software license": "Apache-2.0",
    "asl 2.0": "Apache-2.0",
    "bsd": "BSD-3-Clause",
    "new bsd": "BSD-3-Clause",
    "bsd-3": "BSD-3-Clause",
    "bsd 3-clause": "BSD-3-Clause",
    "bsd license": "BSD-3-Clause",
    "simplified bsd": "BSD-2-Clause",
    "bsd-2": "BSD-2-Clause",
    "gplv2": "GPL-2.0-only",
    "gplv2+": "GPL-2.0-or-later",
    "gplv3": "GPL-3.0-only",
    "gplv3+": "GPL-3.0-or-later",
    "gpl-2": "GPL-2.0-only",
    "gpl-3": "GPL-3.0-only",
    "gpl (>= 2)": "GPL-2.0-or-later",
    "gpl (>= 3)": "GPL-3.0-or-later",
    "gpl-2 | gpl-3": "GPL-2.0-only OR GPL-3.0-only",
    "agplv3": "AGPL-3.0-only",
    "agpl-3": "AGPL-3.0-only",
    "agplv3+": "AGPL-3.0-or-later",
    "lgplv3": "LGPL-3.0-only",
    "lgpl-3": "LGPL-3.0-only",
    "lgplv2.1": "LGPL-2.1-only",
    "lgpl-2.1": "LGPL-2.1-only",
    "lgpl (>= 2.1)": "LGPL-2.1-or-later",
    "mpl 2.0": "MPL-2.0",
    "mpl-2": "MPL-2.0",
    "mpl2": "MPL-2.0",
    "isc license": "ISC",
    "unlicense": "Unlicense",
    "the unlicense": "Unlicense",
    "public domain": "Unlicense",
    "cc0": "CC0-1.0",
    "cc by 4.0": "CC-BY-4.0",
    "cc-by-4.0": "CC-BY-4.0",
    "cc by-sa 4.0": "CC-BY-SA-4.0",
    "eupl 1.2": "EUPL-1.2",
    "eupl-1.2": "EUPL-1.2",
    "zlib": "Zlib",
    "boost": "BSL-1.0",
}
# Trove classifiers (``License :: OSI Approved :: …``) -> SPDX ids.
CLASSIFIERS: dict[str, str] = {
    "mit license": "MIT",
    "apache software license": "Apache-2.0",
    "bsd license": "BSD-3-Clause",
    "gnu general public license v3 (gplv3)": "GPL-3.0-only",
    "gnu general public license v3 or later (gplv3+)": "GPL-3.0-or-later",
    "gnu general public license v2 (gplv2)": "GPL-2.0-only",
    "gnu general public license v2 or later (gplv2+)": "GPL-2.0-or-later",
    "gnu affero general public license v3": "AGPL-3.0-only",
    "gnu affero general public license v3 or later (agplv3+)": "AGPL-3.0-or-later",
    "gnu lesser general public license v3 (lgplv3)": "LGPL-3.0-only",
    "gnu lesser general public license v3 or later (lgplv3+)": "LGPL-3.0-or-later",
    "gnu lesser general public license v2 (lgplv2)": "LGPL-2.0-only",
    "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0",
    "isc license (iscl)": "ISC",
    "european union public licence 1.2 (eupl 1.2)": "EUPL-1.2",
    "the unlicense (unlicense)": "Unlicense",
    "cc0 1.0 universal (cc0 1.0) public domain dedication": "CC0-1.0",
    "zlib/libpng license": "Zlib",
    "boost software license 1.0 (bsl-1.0)": "BSL-1.0",
    "eclipse public license 2.0 (epl-2.0)": "EPL-2.0",
}
_OPERATOR = re.compile(r"\s+(OR|AND|WITH)\s+|\s*(/|\|\|?)\s*", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Declaration:
    """A licence declared by the project: an SPDX expression (or the raw value when it cannot be
    normalised, with ``known`` False), where it was declared, and how sure we are it is an SPDX id."""

    expression: str
    path: str
    line: int | None
    source: str  # "manifest" or "header"
    raw: str
    known: bool = True
    confidence: float = MANIFEST_CONFIDENCE
    count: int = 1  # for headers: how many sampled files carry this expression


def normalise_id(value: str) -> str | None:
    """One licence id or name as found in the wild -> a current SPDX id, or None."""
    value = value.strip()
    if value.startswith("(") and value.endswith(")"):
        value = value[1:-1].strip()
    r_style = re.fullmatch(r"([AL]?GPL)[\s-]*\(\s*>=\s*([123](?:\.[01])?)\s*\)", value, re.IGNORECASE)
    if r_style:  # R's DESCRIPTION: "GPL (>= 2)"
        version = r_style.group(2) if "." in r_style.group(2) else r_style.group(2) + ".0"
        return f"{r_style.group(1).upper()}-{version}-or-later"
    if not value:
        return None
    key = value.lower().replace("licence", "license")
    corpus = get_corpus()
    found = corpus.resolve_id(value) or corpus.resolve_id(key)
    if found:
        return DEPRECATED_TO_CURRENT.get(found, found)
    if key.endswith("+") and (base := corpus.resolve_id(key[:-1])):
        base = DEPRECATED_TO_CURRENT.get(base, base)
        return re.sub(r"-only$", "", base) + "-or-later" if re.search(r"GPL|GFDL", base) else base + "+"
    return ALIASES.get(key) or ALIASES.get(re.sub(r"[,\s]+", " ", key).strip())


def normalise_expression(value: str) -> tuple[str, bool]:
    """A declared expression -> (SPDX expression, whether every id in it is known)."""
    whole = normalise_id(value)
    if whole:
        return whole, True
    parts = _OPERATOR.split(value.strip())
    out: list[str] = []
    known = True
    expect_exception = False
    for part in parts:
        if part is None or not part.strip():
            continue
        token = part.strip()
        if token.upper() in ("OR", "AND", "WITH", "/", "|", "||"):
            operator = "OR" if token in ("/", "|", "||") else token.upper()
            out.append(operator)
            expect_exception = operator == "WITH"
            continue
        if expect_exception:
            out.append(token)
            expect_exception = False
            continue
        spdx_id = normalise_id(token)
        known = known and spdx_id is not None
        out.append(spdx_id or token)
    return " ".join(out), known


def ids_in(expression: str) -> list[str]:
    """The licence ids in an expression (exceptions after WITH left out)."""
    tokens = re.split(r"\s+", expression.replace("(", " ").replace(")", " ").strip())
    ids, skip = [], False
    for token in tokens:
        if token.upper() in ("OR", "AND"):
            continue
        if token.upper() == "WITH":
            skip = True
            continue
        if not skip and token:
            ids.append(token)
        skip = False
    return ids


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def _declare(path: str, text: str, raw: str, needle: str | None = None) -> Declaration | None:
    raw = raw.strip().strip("\"'")
    if not raw or raw.upper().startswith("SEE LICEN"):  # npm's "SEE LICENSE IN <file>" points to the file
        return None
    if raw.upper() in ("UNLICENSED", "PROPRIETARY", "UNKNOWN", "OTHER"):
        return Declaration(raw, path, _line_of(text, raw), "manifest", raw, known=False)
    expression, known = normalise_expression(raw)
    exact = known and expression.replace(" ", "") == raw.replace(" ", "")
    confidence = MANIFEST_CONFIDENCE if exact or (known and "-" in raw) else NAME_CONFIDENCE
    return Declaration(expression, path, _line_of(text, needle or raw), "manifest", raw, known, confidence)


def _json_licences(path: str, text: str) -> list[Declaration]:
    try:
        data: Any = json.loads(text)
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    value = data.get("license", data.get("licenses"))
    values = value if isinstance(value, list) else [value]
    raws = [v.get("type", "") if isinstance(v, dict) else v for v in values if v]
    raws = [str(v) for v in raws if isinstance(v, str) and v]
    if path.endswith("composer.json") and len(raws) > 1:  # composer: an array means a choice
        raws = [" OR ".join(raws)]
    return [d for raw in raws if (d := _declare(path, text, raw, raw.split(" OR ")[0]))]


def _pyproject(path: str, text: str) -> list[Declaration]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    project = data.get("project", {}) or data.get("tool", {}).get("poetry", {})
    found: list[Declaration] = []
    for key in ("license-expression", "license"):
        value = project.get(key)
        if isinstance(value, dict):
            value = value.get("text")
        if isinstance(value, str) and (d := _declare(path, text, value)):
            found.append(d)
            break
    if not found:
        found.extend(_classifiers(path, text, project.get("classifiers", [])))
    return found


def _classifiers(path: str, text: str, classifiers: list[str]) -> list[Declaration]:
    found = []
    for classifier in classifiers:
        if classifier.startswith("License ::"):
            name = classifier.split("::")[-1].strip().lower()
            spdx_id = CLASSIFIERS.get(name)
            line = _line_of(text, classifier)
            found.append(
                Declaration(
                    spdx_id or classifier,
                    path,
                    line,
                    "manifest",
                    classifier,
                    spdx_id is not None,
                    NAME_CONFIDENCE,
                )
            )
    return found


def _setup_cfg(path: str, text: str) -> list[Declaration]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    for key in ("license_expression", "license"):
        value = parser.get("metadata", key, fallback="")
        if value and (d := _declare(path, text, value)):
            return [d]
    classifiers = parser.get("metadata", "classifiers", fallback="").splitlines()
    return _classifiers(path, text, [c.strip() for c in classifiers if c.strip()])


_REGEX_MANIFESTS: dict[str, re.Pattern[str]] = {
    "setup.py": re.compile(r"\blicen[cs]e\s*=\s*[\"']([^\"']+)[\"']"),
    ".gemspec": re.compile(r"\.licen[cs]es?\s*=\s*\[?\s*[\"']([^\"']+)[\"']"),
    "pom.xml": re.compile(r"<licenses>\s*<license>\s*<name>\s*([^<]+?)\s*</name>", re.S),
    "DESCRIPTION": re.compile(r"^License:\s*(.+)$", re.M),
    "Cargo.toml": re.compile(r"^license\s*=\s*\"([^\"]+)\"", re.M),
}


def manifest_declarations(tree: RepoTree) -> list[Declaration]:
    """Licences declared by the package manifests at the repository root."""
    found: list[Declaration] = []
    for path in tree.top_level():
        name = path.rsplit("/", 1)[-1]
        if name in ("package.json", "composer.json"):
            found.extend(_json_licences(path, tree.read_text(path)))
        elif name == "pyproject.toml":
            found.extend(_pyproject(path, tree.read_text(path)))
        elif name == "setup.cfg":
            found.extend(_setup_cfg(path, tree.read_text(path)))
        else:
            key = ".gemspec" if name.endswith(".gemspec") else name
            pattern = _REGEX_MANIFESTS.get(key)
            if pattern is None:
                continue
            text = tree.read_text(path)
            match = pattern.search(text)
            if match and (d := _declare(path, text, match.group(1))):
                found.append(d)
    return found


def header_declarations(tree: RepoTree, sample: int = HEADER_SAMPLE) -> list[Declaration]:
    """``SPDX-License-Identifier:`` headers in up to ``sample`` source files spread over the repository
    (vendored code left out), grouped by expression, commonest first; each names its first file."""
    sources = [
        path
        for path in tree.files
        if not SKIP_DIRS.search(path)
        and "." in path.rsplit("/", 1)[-1]
        and "." + path.rsplit(".", 1)[-1].lower() in SOURCE_SUFFIXES
    ]
    step = max(1, len(sources) // sample)
    counts: Counter[str] = Counter()
    first: dict[str, tuple[str, int, str, bool]] = {}
    for path in sources[::step][:sample]:
        text = tree.read_text(path, limit=4096)
        match = _HEADER.search(text)
        if not match:
            continue
        expression, known = normalise_expression(match.group(1))
        counts[expression] += 1
        first.setdefault(
            expression, (path, text.count("\n", 0, match.start()) + 1, match.group(1).strip(), known)
        )
    return [
        Declaration(
            expression,
            first[expression][0],
            first[expression][1],
            "header",
            first[expression][2],
            first[expression][3],
            MANIFEST_CONFIDENCE,
            count,
        )
        for expression, count in counts.most_common()
    ]
