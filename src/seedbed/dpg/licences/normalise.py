"""Text normalisation for licence matching, after askalono's method.

A licence text is reduced to a sequence of words that ignores what varies between copies of the same
licence: case, quote and dash styles, bullets, Markdown markup, clause numbering, line wrapping,
punctuation, British / American spellings, ``http`` vs ``https`` in URLs, and copyright lines. Each word
keeps the (1-based) line it came from, so a finding can point at the line.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import unicodedata
from collections.abc import Iterable

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2022": " ",
        "\u00b7": " ",
        "\u25cf": " ",
        "\u25aa": " ",
        "\u00a0": " ",
        "\ufeff": "",
    }
)

# British spellings and other variants that mean the same word in a licence.
VARIANTS = {
    "licence": "license",
    "licences": "licenses",
    "licenced": "licensed",
    "licencing": "licensing",
    "licencee": "licensee",
    "licencor": "licensor",
    "authorise": "authorize",
    "authorised": "authorized",
    "organisation": "organization",
    "organisations": "organizations",
    "recognise": "recognize",
    "recognised": "recognized",
    "behaviour": "behavior",
    "favour": "favor",
    "fulfil": "fulfill",
    "labelled": "labeled",
    "offence": "offense",
    "whilst": "while",
    "copyleft": "copyleft",
}

_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_LINE_MARKERS = re.compile(
    r"^\s*(?:(?:[#>*+\-|]|//+|/?\*+|;+|%+|--|rem\b|dnl\b)\s*)*"  # Markdown, comment leaders, bullets
    r"(?:(?:\(?[0-9]{1,2}(?:\.[0-9]{1,2})*[.)]|\(?[a-z]\)|\([ivx]{1,4}\)|[ivx]{1,4}\.)\s+)?",  # 1. (a) ii.
    re.IGNORECASE,
)
_WORD = re.compile(r"url:\S+|[a-z0-9]+(?:\.[0-9]+)*")
_COPYRIGHT = re.compile(
    r"^\s*(?:copyright\b|\(c\)\s*[0-9]|©|all rights reserved\b|spdx-license-identifier\b)", re.I
)
_NOT_COPYRIGHT = re.compile(
    r"^\s*copyright\s+(?:notices?|holders?|owners?|and|law|laws|statements?|licen[cs]es?|protection|interest"
    r"|rights?|or|in|is|of|to|the|this|that|by|disclaimer|for|on|are|may|shall)\b",
    re.IGNORECASE,
)


@dataclasses.dataclass(frozen=True)
class Words:
    """A text as normalised words, each with its line number; ``copyright_lines`` were left out."""

    words: tuple[str, ...]
    lines: tuple[int, ...]
    copyright_lines: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.words)

    def slice(self, start: int, end: int) -> Words:
        return Words(self.words[start:end], self.lines[start:end], ())

    def joined(self) -> str:
        return " ".join(self.words)


def _url_token(url: str) -> str:
    url = re.sub(r"^(?:https?|ftp)://", "", url.lower())
    url = re.sub(r"^www\.", "", url).rstrip(".,;:!?>*_")
    url = re.sub(r"(?:/index)?\.(?:html?|php|txt|md)$", "", url).rstrip("/")
    return "url:" + url


def is_copyright_line(line: str) -> bool:
    stripped = _LINE_MARKERS.sub("", line, count=1) if not line.lstrip().startswith("(c)") else line
    return bool(_COPYRIGHT.match(stripped)) and not _NOT_COPYRIGHT.match(stripped)


def normalise_line(line: str) -> list[str]:
    """The words of one line."""
    line = unicodedata.normalize("NFKC", line.translate(_QUOTES))
    line = _MD_LINK.sub(r"\1 \2", line)
    urls: list[str] = []

    def keep_url(match: re.Match[str]) -> str:
        urls.append(_url_token(match.group(0)))
        return f" \x00{len(urls) - 1}\x00 "

    line = _URL.sub(keep_url, line)
    line = _LINE_MARKERS.sub("", line, count=1).lower().replace("'", "")
    words: list[str] = []
    for part in re.split(r"\x00(\d+)\x00", line):
        if part.isdigit() and urls and int(part) < len(urls):
            words.append(urls[int(part)])
            continue
        for word in _WORD.findall(part):
            words.append(VARIANTS.get(word, word))
    return words


def normalise(text: str, *, drop_copyright: bool = True) -> Words:
    words: list[str] = []
    lines: list[int] = []
    dropped: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if drop_copyright and is_copyright_line(line):
            dropped.append(number)
            continue
        for word in normalise_line(line):
            words.append(word)
            lines.append(number)
    return Words(tuple(words), tuple(lines), tuple(dropped))


def bigrams(words: Iterable[str]) -> set[tuple[str, str]]:
    sequence = list(words)
    return set(itertools.pairwise(sequence))
