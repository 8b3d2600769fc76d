"""Documentation (``docs.present``): a docs/ or doc/ folder, a documentation generator's configuration
(MkDocs, Sphinx, Docusaurus, Read the Docs, mdBook, Antora, Jekyll, Hugo, VitePress...), or a link to a
documentation site in the README. It carries ``oss.docs`` ("documentation built automatically from the
repository") only when something builds it: a Read the Docs configuration, or a CI configuration that
runs a documentation generator or publishes pages. Indicator 5 (documentation).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..types import Evidence, Status
from ._base import README_READ, SMALL_READ, CheckDef, Context, Outcome, file_evidence
from .engineering import ci_configs
from .readme import find_readmes

# (generator, lower-cased path pattern)
GENERATORS: tuple[tuple[str, str], ...] = (
    ("mkdocs", r"(docs?/)?mkdocs\.ya?ml"),
    ("sphinx", r"(docs?/(source/)?)?conf\.py"),
    ("docusaurus", r"([^/]+/)?docusaurus\.config\.(js|ts|mjs|cjs)"),
    ("readthedocs", r"\.?readthedocs\.ya?ml"),
    ("mdbook", r"([^/]+/)?book\.toml"),
    ("antora", r"([^/]+/)?antora(-playbook)?\.ya?ml"),
    ("jekyll", r"docs/_config\.ya?ml"),
    ("hugo", r"(docs?/)?hugo\.(toml|ya?ml)|docs?/config\.toml"),
    ("vitepress", r"([^/]+/)?\.vitepress/config\.(js|ts|mjs|mts)"),
    ("docsify", r"docs/\.nojekyll|docs/_sidebar\.md"),
    ("jupyter_book", r"([^/]+/)?_toc\.ya?ml"),
    ("typedoc", r"typedoc\.json"),
    ("doxygen", r"([^/]+/)?doxyfile"),
)
_GENERATOR_RX = [(name, re.compile(pattern)) for name, pattern in GENERATORS]
DOCS_DIRS = ("docs/", "doc/", "documentation/", "website/docs/", "wiki/")
_BUILDS_DOCS = re.compile(
    r"\b(mkdocs|sphinx(-build)?|make (html|docs)|docusaurus|mdbook|antora|jekyll|hugo|vitepress|typedoc"
    r"|doxygen|jupyter-book|gh-deploy|gh-pages|github-pages|deploy-pages|upload-pages-artifact|readthedocs"
    r"|build[-_ ]docs|docs[-_ ]build)\b|^pages:",
    re.I | re.M,
)
_URL_CHAR = r"[^\s)<>\]\"']"
_DOCS_LINK = re.compile(  # bounded repeats: a README may hold one enormous "word"
    rf"https?://(?:docs?\.{_URL_CHAR}{{1,200}}|{_URL_CHAR}{{0,200}}?(?:readthedocs\.(?:io|org)|\.github\.io"
    rf"|gitbook\.io|\.gitlab\.io|/docs?(?:/|\b)|/documentation\b|/wiki\b){_URL_CHAR}{{0,200}})",
    re.I,
)


def check_docs(ctx: Context) -> Outcome:
    evidence: list[Evidence] = []
    generators: dict[str, str] = {}
    for low, path in ctx.lowered:
        if low.count("/") > 2:
            continue
        for name, rx in _GENERATOR_RX:
            if rx.fullmatch(low) and name not in generators:
                if name == "sphinx" and "sphinx" not in ctx.read(path, SMALL_READ).lower():
                    continue
                generators[name] = path
    folders = [folder for folder in DOCS_DIRS if ctx.under(folder)]
    links: list[tuple[str, int, str]] = []
    for readme in find_readmes(ctx)[:1]:
        text = ctx.read(readme, README_READ)
        for match in _DOCS_LINK.finditer(text):
            links.append((readme, text.count("\n", 0, match.start()) + 1, match[0]))
            if len(links) >= 5:
                break
    evidence += file_evidence(generators.values())
    evidence += [Evidence(folder, None, _("documentation folder")) for folder in folders]
    evidence += [Evidence(path, line, url) for path, line, url in links[:3]]
    built_by: list[str] = []
    if "readthedocs" in generators:
        built_by.append(generators["readthedocs"])
    for paths in ci_configs(ctx).values():
        built_by += [path for path in paths[:50] if _BUILDS_DOCS.search(ctx.read(path, SMALL_READ))]
    details = {
        "folders": folders,
        "generators": sorted(generators),
        "site_links": [url for _path, _line, url in links],
        "built_by": built_by[:10],
    }
    if not (generators or folders or links):
        message = _("No documentation was found: no docs folder, documentation generator or docs site link.")
        return Outcome(Status.FAIL, message, [], details)
    evidence += [Evidence(path, None, _("builds the documentation")) for path in built_by[:3]]
    if built_by:
        message = _("The repository has documentation, built automatically (%(by)s).") % {
            "by": ", ".join(built_by[:3])
        }
        return Outcome(Status.PASS, message, evidence, details)
    message = _(
        "The repository has documentation, but nothing in it builds a documentation site automatically."
    )
    return Outcome(Status.PASS, message, evidence, details, satisfied=False)


CHECKS = [CheckDef("docs.present", gettext_noop("Documentation"), ("5",), ("oss.docs",), check_docs)]
