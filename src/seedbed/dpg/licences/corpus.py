"""The SPDX licence texts, loaded once per process, and whole-text identification.

Matching follows askalono: both texts are normalised (``normalise``) and compared as sets of word
bigrams with the Sørensen–Dice coefficient, ``2·|A∩B| / (|A|+|B|)``. Bigrams are stored as integers
over a vocabulary built from the corpus, so a comparison is one C-level set intersection per licence.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import json
from pathlib import Path

from .normalise import Words, normalise

CORPUS_PATH = Path(__file__).resolve().parent / "data" / "spdx-licences.json.gz"
ACCEPT_SCORE = 0.8  # the rule: a text match counts only from this score up
_SHIFT = 20  # bigram = (first word id << 20) | second word id; the vocabulary is far below 2**20


@dataclasses.dataclass(frozen=True)
class Licence:
    spdx_id: str
    name: str
    osi_approved: bool
    deprecated: bool
    text: str
    same_text: tuple[str, ...] = ()  # other ids with exactly this text (GPL-3.0-or-later for GPL-3.0-only)
    matchable: bool = True  # False for an id whose text is stored under another id


@dataclasses.dataclass(frozen=True)
class Match:
    """The best licence for a text. ``score`` is the Dice coefficient of the word bigrams (0–1);
    ``same_text`` lists ids whose licence text is identical, which a text alone cannot tell apart."""

    spdx_id: str
    name: str
    score: float
    osi_approved: bool = False
    same_text: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.score >= ACCEPT_SCORE


class Corpus:
    def __init__(self, licences: list[Licence]) -> None:
        self.licences = [licence for licence in licences if licence.matchable]
        self.by_id = {licence.spdx_id: licence for licence in licences}
        self.by_lower_id = {licence.spdx_id.lower(): licence.spdx_id for licence in licences}
        self.by_lower_name = {licence.name.lower(): licence.spdx_id for licence in licences}
        self.vocabulary: dict[str, int] = {}
        self.words: list[Words] = []
        self.sets: list[frozenset[int]] = []
        for licence in self.licences:
            words = normalise(licence.text)
            self.words.append(words)
            self.sets.append(frozenset(self.encode(words.words, grow=True)[0]))

    def encode(self, words: tuple[str, ...] | list[str], *, grow: bool = False) -> tuple[set[int], int]:
        """The bigrams of ``words`` as integers, and how many distinct bigrams the words have in all
        (bigrams with a word the corpus never uses cannot match, but still count in the total)."""
        vocabulary = self.vocabulary
        ids: list[int] = []
        for word in words:
            number = vocabulary.get(word, -1)
            if number < 0 and grow:
                number = vocabulary[word] = len(vocabulary)
            ids.append(number)
        known: set[int] = set()
        unknown: set[tuple[str, str]] = set()
        for index in range(len(ids) - 1):
            first, second = ids[index], ids[index + 1]
            if first >= 0 and second >= 0:
                known.add((first << _SHIFT) | second)
            else:
                unknown.add((words[index], words[index + 1]))
        return known, len(known) + len(unknown)

    def scores(self, words: tuple[str, ...] | list[str]) -> list[tuple[float, float, int]]:
        """For each licence (same order as ``licences``): Dice score, the share of the licence's bigrams
        found in the text (containment), and the licence's index."""
        known, total = self.encode(words)
        rows = []
        for index, licence_set in enumerate(self.sets):
            size = len(licence_set)
            if not size or not total:
                rows.append((0.0, 0.0, index))
                continue
            shared = len(known & licence_set) if len(known) < size else len(licence_set & known)
            rows.append((2 * shared / (total + size), shared / size, index))
        return rows

    def dice(self, words: tuple[str, ...] | list[str], index: int) -> float:
        known, total = self.encode(words)
        size = len(self.sets[index])
        return 2 * len(known & self.sets[index]) / (total + size) if total + size else 0.0

    def match_for(self, index: int, score: float) -> Match:
        licence = self.licences[index]
        return Match(licence.spdx_id, licence.name, round(score, 4), licence.osi_approved, licence.same_text)

    def identify(self, words: tuple[str, ...] | list[str]) -> Match | None:
        rows = self.scores(words)
        if not rows:
            return None
        best = max(rows, key=lambda row: (row[0], len(self.sets[row[2]])))
        return self.match_for(best[2], best[0])

    def resolve_id(self, text: str) -> str | None:
        """An SPDX id or licence name as written (any case) -> the corpus's id, or None."""
        key = text.strip().lower()
        return self.by_lower_id.get(key) or self.by_lower_name.get(key)

    def get(self, spdx_id: str) -> Licence | None:
        return self.by_id.get(spdx_id)

    def index_of(self, spdx_id: str) -> int | None:
        for index, licence in enumerate(self.licences):
            if licence.spdx_id == spdx_id:
                return index
        return None


def _read(path: Path) -> list[Licence]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        payload = json.load(handle)
    texts = {entry["id"]: entry["text"] for entry in payload["licences"] if "text" in entry}
    sharing: dict[str, list[str]] = {}
    for entry in payload["licences"]:
        if "same_text_as" in entry:
            sharing.setdefault(entry["same_text_as"], []).append(entry["id"])
    licences = []
    for entry in payload["licences"]:
        owner = entry.get("same_text_as", entry["id"])
        group = [owner, *sharing.get(owner, [])]
        licences.append(
            Licence(
                spdx_id=entry["id"],
                name=entry["name"],
                osi_approved=bool(entry["osi"]),
                deprecated=bool(entry["deprecated"]),
                text=texts[owner],
                same_text=tuple(sorted(i for i in group if i != entry["id"])),
                matchable="text" in entry,
            )
        )
    return licences


@functools.cache
def get_corpus() -> Corpus:
    """The corpus, read and indexed once per process (about a second; see the module's tests)."""
    return Corpus(_read(CORPUS_PATH))


def identify_text(text: str) -> Match | None:
    """The licence whose text is most like ``text`` over the whole text, whatever the score (check
    ``Match.accepted``); None for a text with no words. ``analyse_licence_file`` also handles preambles,
    notices, templates and added clauses."""
    words = normalise(text)
    if len(words) < 2:
        return None
    return get_corpus().identify(words.words)
