"""One licence file, as real repositories ship them.

``analyse_licence_file`` finds the standard licence text inside the file (the best-matching window, so a
preamble, a Markdown layout or a long copyright block do not hide it), then aligns the file's words
with the canonical text to find what the file adds: a neutral note is reported as a note, language that
restricts use is reported as an added restriction (the file is then not that licence), and additional
terms under GPL/AGPL section 7 as a warning. Files with no licence text are read as short notices
("Licensed under the Apache License, Version 2.0 …") or as unfilled templates.
"""

from __future__ import annotations

import dataclasses
import difflib
import re

from .corpus import ACCEPT_SCORE, Corpus, Match, get_corpus
from .normalise import Words, normalise
from .notices import ADDITIONAL_TERMS, RESTRICTIVE, notice_licence, placeholders
from .registry import family

NOTICE_CONFIDENCE = 0.6
SPDX_LINE_CONFIDENCE = 0.9
_SMALL_CHANGE = 6  # inserted words up to this many, with no restrictive language, are ordinary variation
_NESTED_MIN_WORDS = 80  # text outside the match this long may be a second licence
_SPDX_LINE = re.compile(r"SPDX-License-Identifier:\s*([^\n\r*]+?)\s*(?:\*/|-->|#\}|$)", re.MULTILINE)
_GNU_FAMILIES = ("GPL-", "AGPL-", "LGPL-")


@dataclasses.dataclass(frozen=True)
class Passage:
    """Text in a licence file that is not part of the standard text: before it (``preamble``), after it
    (``postscript``) or inside it (``insertion``). Lines are 1-based and inclusive."""

    kind: str
    first_line: int
    last_line: int
    text: str
    restrictive: bool = False
    additional_terms: bool = False


@dataclasses.dataclass(frozen=True)
class LicenceFinding:
    """What one file says about licensing.

    ``kind`` is ``text`` (a licence text matched with ``score`` ≥ 0.8), ``notice`` (a short notice that
    names a licence), ``template`` (an unfilled template: placeholders such as ``<year>``), ``unknown``
    (no licence recognised; ``best_guess`` holds the nearest text) or ``empty``."""

    path: str
    kind: str
    spdx_id: str | None = None
    name: str = ""
    score: float = 0.0
    confidence: float = 0.0
    line: int | None = None
    end_line: int | None = None
    same_text: tuple[str, ...] = ()
    passages: tuple[Passage, ...] = ()
    also: tuple[LicenceFinding, ...] = ()  # further licence texts found in the same file
    placeholder_line: int | None = None  # a copyright line still holding template placeholders
    template_hint: str | None = None  # for a template: the licence it was meant to name
    best_guess: Match | None = None

    @property
    def identified(self) -> bool:
        return self.spdx_id is not None and self.kind in ("text", "notice")

    @property
    def restrictions(self) -> tuple[Passage, ...]:
        return tuple(p for p in self.passages if p.restrictive and not p.additional_terms)

    @property
    def additional_terms(self) -> tuple[Passage, ...]:
        return tuple(p for p in self.passages if p.additional_terms)

    @property
    def notes(self) -> tuple[Passage, ...]:
        return tuple(p for p in self.passages if not p.restrictive and not p.additional_terms)


@dataclasses.dataclass(frozen=True)
class _Window:
    index: int
    score: float
    start: int
    end: int
    opcodes: tuple[tuple[str, int, int, int, int], ...]


def _align(corpus: Corpus, index: int, words: Words) -> _Window | None:
    canon = corpus.words[index].words
    matcher = difflib.SequenceMatcher(None, canon, words.words, autojunk=len(words) >= 200)
    blocks = [block for block in matcher.get_matching_blocks() if block.size]
    if not blocks:
        return None
    # Clusters of matching blocks; a gap longer than this starts a new cluster (text that is not the
    # licence's). The densest cluster is the licence's window.
    gap = max(40, len(canon) // 5)
    clusters: list[list[difflib.Match]] = [[blocks[0]]]
    for block in blocks[1:]:
        previous = clusters[-1][-1]
        if block.b - (previous.b + previous.size) > gap:
            clusters.append([block])
        else:
            clusters[-1].append(block)
    best = max(clusters, key=lambda cluster: sum(block.size for block in cluster))
    start, end = best[0].b, best[-1].b + best[-1].size
    score = corpus.dice(words.words[start:end], index)
    return _Window(index, score, start, end, tuple(matcher.get_opcodes()))


def _best_window(corpus: Corpus, words: Words) -> _Window | None:
    rows = corpus.scores(words.words)
    by_dice = sorted(rows, reverse=True)[:3]
    by_containment = sorted(
        (row for row in rows if row[1] >= 0.6 and len(corpus.sets[row[2]]) >= 20),
        key=lambda row: (row[1], len(corpus.sets[row[2]])),
        reverse=True,
    )[:3]
    order = [row[2] for row in (*by_dice, *by_containment) if row[0] > 0.2 or row[1] >= 0.6]
    windows: list[_Window] = []
    for index in dict.fromkeys(order):
        window = _align(corpus, index, words)
        if window is not None:
            windows.append(window)
            if window.score >= 0.95:  # nothing else can be a clearly better match
                break
    if not windows:
        return None
    return max(windows, key=lambda w: (round(w.score, 3), len(corpus.sets[w.index])))


def _original(lines: list[str], first: int, last: int) -> str:
    return "\n".join(line.rstrip() for line in lines[first - 1 : last]).strip()


def _passage(kind: str, words: Words, start: int, end: int, lines: list[str], gnu: bool) -> Passage | None:
    if end <= start:
        return None
    joined = " ".join(words.words[start:end])
    restrictive = bool(RESTRICTIVE.search(joined))
    additional = gnu and bool(ADDITIONAL_TERMS.search(joined))
    if end - start <= _SMALL_CHANGE and not restrictive:
        return None
    first, last = words.lines[start], words.lines[end - 1]
    return Passage(kind, first, last, _original(lines, first, last), restrictive, additional)


def _nested(
    path: str, lines: list[str], words: Words, start: int, end: int, depth: int
) -> LicenceFinding | None:
    if end - start < _NESTED_MIN_WORDS or depth > 0:
        return None
    first, last = words.lines[start], words.lines[end - 1]
    inner = _analyse(path, "\n".join(lines[first - 1 : last]), depth + 1, line_offset=first - 1)
    return inner if inner.kind == "text" else None


def _shift(finding: LicenceFinding, offset: int) -> LicenceFinding:
    if not offset:
        return finding
    return dataclasses.replace(
        finding,
        line=finding.line + offset if finding.line else None,
        end_line=finding.end_line + offset if finding.end_line else None,
        passages=tuple(
            dataclasses.replace(p, first_line=p.first_line + offset, last_line=p.last_line + offset)
            for p in finding.passages
        ),
    )


def _text_finding(path: str, text: str, words: Words, window: _Window, depth: int) -> LicenceFinding:
    corpus = get_corpus()
    licence = corpus.licences[window.index]
    lines = text.splitlines()
    gnu = family(licence.spdx_id).startswith(_GNU_FAMILIES)
    passages: list[Passage] = []
    also: list[LicenceFinding] = []
    for kind, start, end in (("preamble", 0, window.start), ("postscript", window.end, len(words))):
        inner = _nested(path, lines, words, start, end, depth)
        if inner is not None:
            also.append(inner)
            continue
        passage = _passage(kind, words, start, end, lines, gnu)
        if passage:
            passages.append(passage)
    for tag, _i1, _i2, j1, j2 in window.opcodes:
        if tag in ("insert", "replace"):
            passage = _passage("insertion", words, max(j1, window.start), min(j2, window.end), lines, gnu)
            if passage:
                passages.append(passage)
    first_line = words.lines[window.start] if words.lines else None
    placeholder_line = next(
        (n for n in words.copyright_lines if n <= (first_line or 0) + 10 and placeholders(lines[n - 1])),
        None,
    )
    return LicenceFinding(
        path=path,
        kind="text",
        spdx_id=licence.spdx_id,
        name=licence.name,
        score=round(window.score, 4),
        confidence=round(window.score, 4),
        line=min([first_line or 1, *(n for n in words.copyright_lines if first_line and n < first_line)]),
        end_line=words.lines[window.end - 1],
        same_text=licence.same_text,
        passages=tuple(sorted(passages, key=lambda p: p.first_line)),
        also=tuple(also),
        placeholder_line=placeholder_line,
    )


def _first_line_with(text: str, needle: re.Pattern[str]) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle.search(line):
            return number
    return None


def _analyse(path: str, text: str, depth: int = 0, line_offset: int = 0) -> LicenceFinding:
    if not text.strip():
        return LicenceFinding(path, "empty")
    corpus = get_corpus()
    words = normalise(text)
    window = _best_window(corpus, words) if len(words) >= 2 else None
    if window is not None and window.score >= ACCEPT_SCORE:
        return _shift(_text_finding(path, text, words, window, depth), line_offset)
    guess = corpus.match_for(window.index, window.score) if window else None
    found = placeholders(text)
    spdx_line = _SPDX_LINE.search(text)
    if spdx_line and not found:
        line = text.count("\n", 0, spdx_line.start()) + 1 + line_offset
        expression = spdx_line.group(1).strip()
        return LicenceFinding(path, "notice", expression, expression, 0.0, SPDX_LINE_CONFIDENCE, line, line)
    all_words = normalise(text, drop_copyright=False)
    named = notice_licence(all_words.joined(), text)
    if found:
        where = _first_line_with(text, re.compile(re.escape(found[0])))
        return LicenceFinding(
            path, "template", None, "", 0.0, 0.0, where, None, template_hint=named, best_guess=guess
        )
    if named:
        licence = corpus.get(named)
        mention = notice_line(all_words, named)
        return LicenceFinding(
            path,
            "notice",
            named,
            licence.name if licence else named,
            0.0,
            NOTICE_CONFIDENCE,
            mention,
            all_words.lines[-1] if all_words.lines else mention,
            best_guess=guess,
        )
    return LicenceFinding(path, "unknown", best_guess=guess)


def notice_line(words: Words, spdx_id: str) -> int | None:
    """The first line of a notice that names the licence (best effort: its first line with words)."""
    key = spdx_id.split("-")[0].lower()
    for word, line in zip(words.words, words.lines, strict=True):
        if key in word or word in ("licensed", "license", "gnu"):
            return line
    return words.lines[0] if words.lines else None


def analyse_licence_file(path: str, text: str) -> LicenceFinding:
    """Name the licence in one file, with its score and where it starts, and what the file adds to the
    standard text. ``path`` is only carried into the finding (for evidence)."""
    return _analyse(path, text)
