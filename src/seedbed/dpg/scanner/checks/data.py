"""Getting data in and out: an API description (``api_description``: OpenAPI / Swagger, AsyncAPI, a GraphQL
schema, Protocol Buffers, WSDL, RAML, API Blueprint) and data-export hints (``data_export``: export or
import commands, documentation that mentions exporting or importing CSV / JSON / XML..., an API).

Both are evidence for indicator 6 ("non-personal data and content can be exported and imported in
non-proprietary formats"; the application asks for "the import/export mechanism (CSV, JSON, XML, API)").
An API description in an open format is also evidence for indicator 8 (open standards).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..types import Evidence, Status
from ._base import README_READ, CheckDef, Context, Outcome, file_evidence, line_of
from .readme import find_readmes

_PEEK = 8 * 1024  # enough to see an OpenAPI document's first key
# (format, lower-cased path pattern, what the start of the file must contain, or None)
API_FILES: tuple[tuple[str, str, str | None], ...] = (
    ("openapi", r"(.*/)?[^/]*(openapi|swagger)[^/]*\.(ya?ml|json)", r"[\"']?(openapi|swagger)[\"']?\s*:"),
    ("openapi", r"(.*/)?(api|spec|api-spec|api_spec)\.(ya?ml|json)", r"^[\"']?(openapi|swagger)[\"']?\s*:"),
    ("asyncapi", r"(.*/)?[^/]*asyncapi[^/]*\.(ya?ml|json)", r"asyncapi"),
    ("graphql", r"(.*/)?[^/]+\.(graphqls?|gql)", r"\b(type\s+(query|mutation|subscription)|schema\s*\{)"),
    ("protobuf", r"(.*/)?[^/]+\.proto", None),
    ("wsdl", r"(.*/)?[^/]+\.wsdl", None),
    ("raml", r"(.*/)?[^/]+\.raml", None),
    ("api_blueprint", r"(.*/)?[^/]+\.apib", None),
)
_API_RX = [
    (kind, re.compile(pattern), re.compile(sniff, re.I | re.M) if sniff else None)
    for kind, pattern, sniff in API_FILES
]
_MAX_SNIFFED = 60
_API_MENTION = re.compile(r"\b(openapi|swagger|graphql|rest(ful)? api|grpc|json:api)\b", re.I)


def api_files(ctx: Context) -> dict[str, list[str]]:
    if "api" not in ctx.cache:
        found: dict[str, list[str]] = {}
        sniffed = 0
        for low, path in ctx.lowered:
            if "/test" in low or low.startswith(("test", "example", "fixtures")) or "/fixtures/" in low:
                continue
            for kind, rx, sniff in _API_RX:
                if not rx.fullmatch(low):
                    continue
                if sniff is not None:
                    if sniffed >= _MAX_SNIFFED:
                        continue
                    sniffed += 1
                    if not sniff.search(ctx.read(path, _PEEK)):
                        continue
                found.setdefault(kind, []).append(path)
                break
        ctx.cache["api"] = found
    result: dict[str, list[str]] = ctx.cache["api"]
    return result


def check_api_description(ctx: Context) -> Outcome:
    found = api_files(ctx)
    if found:
        kinds = sorted(found)
        details = {"formats": kinds, "files": {kind: paths[:20] for kind, paths in sorted(found.items())}}
        evidence = file_evidence(paths[0] for paths in found.values())
        message = _("The repository describes its API: %(formats)s.") % {"formats": ", ".join(kinds)}
        return Outcome(Status.PASS, message, evidence, details)
    for readme in find_readmes(ctx)[:1]:
        text = ctx.read(readme, README_READ)
        if mention := _API_MENTION.search(text):
            message = _(
                "The README mentions an API (%(what)s) but the repository has no API description file"
                " (OpenAPI, GraphQL schema...)."
            ) % {"what": mention[0]}
            evidence = [Evidence(readme, line_of(text, mention.start()), mention[0])]
            return Outcome(Status.WARNING, message, evidence, {"formats": []})
    message = _("No API description was found; this does not apply if the software offers no API.")
    return Outcome(Status.NOT_APPLICABLE, message, [], {"formats": []})


FORMATS = r"csv|tsv|json|jsonl|ndjson|geojson|xml|xlsx|ods|sql|parquet|rdf|yaml|kml|gpx|fhir|hl7|sdmx|odt|odf"
_MENTION = re.compile(
    rf"\b(export\w*|import\w*|download\w*|dump\w*|extract\w*)\b[^\n]{{0,100}}\b({FORMATS})\b"
    rf"|\b({FORMATS})\b[^\n]{{0,60}}\b(export\w*|import\w*|download\w*|dump\w*)\b",
    re.I,
)
_COMMAND = re.compile(
    r"(.*/)?[^/]*export[^/]*\.(py|js|ts|rb|go|php|java|kt|sh|rs|cs|exs?|r)"
    r"|(.*/)?(management/commands|commands|cli|scripts|bin|tasks)/[^/]*(import|dump|backup)[^/]*\.[a-z]+"
)
_DOC_EXT = (".md", ".markdown", ".rst", ".txt", ".adoc")
_MAX_DOCS = 40
_DOC_READ = 64 * 1024


def check_data_export(ctx: Context) -> Outcome:
    commands = [
        path
        for low, path in ctx.lowered
        if _COMMAND.fullmatch(low) and "test" not in low and not low.startswith(("docs/", "doc/"))
    ]
    docs = (
        find_readmes(ctx)[:1]
        + [path for low, path in ctx.lowered if low.startswith(("docs/", "doc/")) and low.endswith(_DOC_EXT)][
            :_MAX_DOCS
        ]
    )
    mentions: list[Evidence] = []
    for path in docs:
        text = ctx.read(path, README_READ if path in find_readmes(ctx) else _DOC_READ)
        for match in _MENTION.finditer(text):
            mentions.append(Evidence(path, line_of(text, match.start()), match[0][:80]))
            if len(mentions) >= 10:
                break
        if len(mentions) >= 10:
            break
    apis = sorted(api_files(ctx))
    details = {"commands": commands[:20], "mentions": len(mentions), "api_formats": apis}
    if not (commands or mentions or apis):
        message = _(
            "No sign of data export or import was found (commands, an API, or documentation mentioning CSV,"
            " JSON or XML); describe how non-personal data can be extracted."
        )
        return Outcome(Status.WARNING, message, [], details)
    evidence = mentions[:5] + file_evidence(commands, _("export or import command"), 5)
    evidence += file_evidence((paths[0] for paths in api_files(ctx).values()), _("API description"), 3)
    hints = []
    if commands:
        hints.append(_("export or import commands"))
    if mentions:
        hints.append(_("documentation about exporting or importing open formats"))
    if apis:
        hints.append(_("an API description"))
    message = _("Data can likely be exported or imported: %(hints)s.") % {"hints": "; ".join(hints)}
    return Outcome(Status.PASS, message, evidence, details)


CHECKS = [
    CheckDef("api_description", gettext_noop("API description"), ("6", "8"), (), check_api_description),
    CheckDef("data_export", gettext_noop("Data export and import"), ("6",), (), check_data_export),
]
