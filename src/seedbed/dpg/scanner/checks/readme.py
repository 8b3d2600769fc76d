"""The README: present (``readme.present``), in English (``readme.english``), with set-up and usage
sections (``readme.sections``). Three checks so the readiness matrix shows which part is missing;
``readme.present`` carries ``oss.readme`` only when the other two pass as well.

English is judged offline by the share of common English function words among the words of the README
(code blocks, inline code, links and HTML left out). The list leaves out words that are just as common in
French, Spanish, Portuguese, German or Italian ("a", "in", "on", "die"...), so a README in those languages
scores near zero and an English one scores 0.25–0.45; the threshold is 0.12.
"""

from __future__ import annotations

import functools
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..types import Evidence, Status
from ._base import README_READ, CheckDef, Context, Outcome


def _vocab(words: str) -> frozenset[str]:
    return frozenset(words.split())


ENGLISH_WORDS = _vocab(
    """the and of to is that for with this you are it be by from or your can not have at which we if all
    these their has they but more should also when how what into our other any there each been then them its
    about only would may must some does who than after before see make sure following up out need get were
    had his her he she us my yes why where here those such very just over under between both because while
    without within"""
)
# A few very common words of other languages, to name the likely language when English fails.
OTHER_LANGUAGES = {
    "fr": _vocab("le la les des est une pour dans avec sur pas qui que sont ce cette nous vous"),
    "es": _vocab("el los las del es una para con por que son como pero este esta su"),
    "pt": _vocab("os das dos para com uma que não são como mais pelo pela este esta seu"),
    "de": _vocab("der die das und ist nicht mit für auf ein eine sie sind werden zu auch"),
    "it": _vocab("il della per che sono con una gli non come anche questo questa del"),
}
ENGLISH_THRESHOLD = 0.12
MIN_WORDS = 30
MAX_WORDS = 20_000
NEARLY_EMPTY = 120  # characters of prose

_RST_MARKUP = re.compile(r"^[ \t]*(\.\. .*|:[\w -]+:.*)$", re.M)  # directives, substitutions, fields
# Every repeat is bounded or stops at a line end: a README may be one enormous line.
_INLINE_CODE = re.compile(r"`[^`\n]{0,200}`")
_URL = re.compile(r"https?://\S+|\]\([^)\n]{0,200}\)|<[^>\n]{1,200}>")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

SETUP = re.compile(
    r"\b(install\w*|set(ting)?[\s-]?up|get(ting)?[\s-]started|quick[\s-]?start|start(ing)? here"
    r"|build(ing)?( from source)?|compil(e|ing|ation)|deploy\w*|local development"
    r"|development (setup|environment)"
    r"|run(ning)? (it )?locally|how to (build|install|run|set ?up|deploy))\b",
    re.I,
)
USAGE = re.compile(
    r"\b(usage|how to use|using|use|examples?|user guide|user manual|tutorials?|walk-?through|run(ning)?"
    r"|how to run|commands?|cli|get(ting)?[\s-]started|quick[\s-]?start|basic use)\b",
    re.I,
)
_BOTH = re.compile(r"\b(get(ting)?[\s-]started|quick[\s-]?start)\b", re.I)

_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$")
_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+_.:])\1{2,}\s*$")
_HTML_H = re.compile(r"<h([1-6])\b[^>\n]{0,200}>(.{0,300}?)</h\1\s*>", re.I | re.S)
_LONGEST_HEADING = 200
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)([^*_\n]{2,60})\1:?\s*$")
_PLAIN = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 /&'()-]{1,48}):?\s*$")

_README_NAME = r"readme(\.[a-z0-9_-]+)*"
_PREFERRED = ("readme.md", "readme.markdown", "readme.rst", "readme.txt", "readme", "readme.adoc")


def find_readmes(ctx: Context) -> list[str]:
    """READMEs in the root, best first; in .github/ or docs/ when the root has none (forges show those)."""
    if "readmes" not in ctx.cache:
        found = ctx.named([""], _README_NAME) or ctx.named([".github/", "docs/"], _README_NAME)

        def rank(path: str) -> tuple[int, int, str]:
            name = path.rsplit("/", 1)[-1].lower()
            english = 0 if ".en." in name or name.endswith(".en") else 1
            return (_PREFERRED.index(name) if name in _PREFERRED else len(_PREFERRED), english, name)

        ctx.cache["readmes"] = sorted(found, key=rank)
    readmes: list[str] = ctx.cache["readmes"]
    return readmes


@functools.lru_cache(maxsize=8)  # the checks look at the same README several times
def prose(text: str) -> str:
    """The README without code blocks (fenced, or reStructuredText literal blocks), reStructuredText
    markup, inline code, links and tags: the words a reader reads."""
    kept: list[str] = []
    fence = ""
    literal = False
    for line in text.splitlines():
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if literal:
            if not stripped or line[:1] in " \t":
                continue
            literal = False
        if stripped.endswith("::"):
            literal = True
        kept.append(line)
    text = _RST_MARKUP.sub(" ", "\n".join(kept))
    text = _INLINE_CODE.sub(" ", text)
    return _URL.sub(" ", text)


def language_shares(text: str) -> tuple[int, float, dict[str, float]]:
    words = [word.lower() for word in _WORD.findall(prose(text))[:MAX_WORDS]]
    if not words:
        return 0, 0.0, {}
    english = sum(word in ENGLISH_WORDS for word in words) / len(words)
    others = {
        code: sum(word in vocab for word in words) / len(words) for code, vocab in OTHER_LANGUAGES.items()
    }
    return len(words), english, others


def english_readme(ctx: Context) -> tuple[str | None, dict[str, object]]:
    """The first README judged English, and the figures for the best one looked at."""
    if "english" not in ctx.cache:
        chosen: str | None = None
        figures: dict[str, object] = {}
        for path in find_readmes(ctx)[:5]:
            count, share, others = language_shares(ctx.read(path, README_READ))
            guess = max(others, key=lambda code: others[code]) if others else ""
            row = {
                "path": path,
                "words": count,
                "english_share": round(share, 3),
                "threshold": ENGLISH_THRESHOLD,
                "likely_language": "en"
                if share >= ENGLISH_THRESHOLD
                else (guess if others.get(guess) else ""),
            }
            if not figures:
                figures = row
            if count >= MIN_WORDS and share >= ENGLISH_THRESHOLD:
                chosen, figures = path, row
                break
        ctx.cache["english"] = (chosen, figures)
    result: tuple[str | None, dict[str, object]] = ctx.cache["english"]
    return result


def headings(text: str, plain: bool) -> list[tuple[int, str]]:
    """(line, heading text) for Markdown, reStructuredText, HTML and bold-line headings; for a plain-text
    README also short title-like lines standing alone."""
    lines = [line[: _LONGEST_HEADING + 20] for line in text.splitlines()]
    found: list[tuple[int, str]] = []
    in_fence = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        stripped = line.strip()
        if match := _ATX.match(line):
            found.append((index + 1, match[1]))
        elif stripped and not _UNDERLINE.match(line) and _UNDERLINE.match(nxt) and len(stripped) <= 80:
            found.append((index + 1, stripped))
        elif match := _BOLD_LINE.match(line):
            found.append((index + 1, match[2]))
        elif (
            plain
            and (match := _PLAIN.match(line))
            and (stripped.endswith(":") or stripped.isupper() or not nxt.strip())
            and (index == 0 or not lines[index - 1].strip())
        ):
            found.append((index + 1, match[1]))
    for match in _HTML_H.finditer(text):
        found.append((text.count("\n", 0, match.start()) + 1, re.sub(r"<[^>]{0,200}>", "", match[2]).strip()))
    return found


def sections(ctx: Context) -> tuple[str | None, dict[str, list[tuple[int, str]]]]:
    if "sections" not in ctx.cache:
        readmes = find_readmes(ctx)
        path = english_readme(ctx)[0] or (readmes[0] if readmes else None)
        found: dict[str, list[tuple[int, str]]] = {"setup": [], "usage": []}
        if path:
            text = ctx.read(path, README_READ)
            plain = not path.lower().endswith((".md", ".markdown", ".rst", ".adoc", ".html"))
            for line, heading in headings(text, plain):
                if SETUP.search(heading):
                    found["setup"].append((line, heading))
                if USAGE.search(heading) and (not SETUP.search(heading) or _BOTH.search(heading)):
                    found["usage"].append((line, heading))
        ctx.cache["sections"] = (path, found)
    result: tuple[str | None, dict[str, list[tuple[int, str]]]] = ctx.cache["sections"]
    return result


def check_present(ctx: Context) -> Outcome:
    readmes = find_readmes(ctx)
    if not readmes:
        return Outcome(Status.FAIL, _("There is no README in the root of the repository."))
    path = readmes[0]
    words, _share, _others = language_shares(ctx.read(path, README_READ))
    english, _figures = english_readme(ctx)
    _path, found = sections(ctx)
    complete = english is not None and bool(found["setup"]) and bool(found["usage"])
    details = {"paths": readmes, "words": words, "english": english is not None, "complete": complete}
    evidence = [Evidence(p) for p in readmes[:5]]
    if len(prose(ctx.read(path, README_READ)).strip()) < NEARLY_EMPTY:
        return Outcome(Status.WARNING, _("The README is nearly empty."), evidence, details, satisfied=False)
    if complete:
        message = _("The repository has a README in English with set-up and usage sections.")
    else:
        message = _("The repository has a README; see the language and sections checks for what it lacks.")
    return Outcome(Status.PASS, message, evidence, details, satisfied=complete)


def check_english(ctx: Context) -> Outcome:
    if not find_readmes(ctx):
        return Outcome(Status.NOT_APPLICABLE, _("There is no README to read."))
    path, figures = english_readme(ctx)
    if path:
        return Outcome(Status.PASS, _("The README is in English."), [Evidence(path)], figures)
    shown = str(figures.get("path", ""))
    if int(str(figures.get("words", 0))) < MIN_WORDS:
        return Outcome(
            Status.WARNING, _("The README is too short to tell its language."), [Evidence(shown)], figures
        )
    return Outcome(Status.FAIL, _("The README does not look like English."), [Evidence(shown)], figures)


def check_sections(ctx: Context) -> Outcome:
    path, found = sections(ctx)
    if path is None:
        return Outcome(Status.NOT_APPLICABLE, _("There is no README to read."))
    details = {kind: [{"line": line, "heading": text} for line, text in rows] for kind, rows in found.items()}
    evidence = [Evidence(path, rows[0][0], rows[0][1]) for rows in found.values() if rows]
    if found["setup"] and found["usage"]:
        return Outcome(Status.PASS, _("The README has set-up and usage sections."), evidence, details)
    if found["setup"]:
        message = _("The README says how to set it up but has no usage section.")
        return Outcome(Status.WARNING, message, evidence, details)
    if found["usage"]:
        message = _("The README has a usage section but does not say how to install or set it up.")
        return Outcome(Status.WARNING, message, evidence, details)
    message = _("The README has no set-up or usage section (such as Installation, Getting started, Usage).")
    return Outcome(Status.FAIL, message, [Evidence(path)], details)


CHECKS = [
    CheckDef("readme.present", gettext_noop("README"), ("5",), ("oss.readme",), check_present),
    CheckDef("readme.english", gettext_noop("README in English"), ("5",), (), check_english),
    CheckDef("readme.sections", gettext_noop("README set-up and usage sections"), ("5",), (), check_sections),
]
