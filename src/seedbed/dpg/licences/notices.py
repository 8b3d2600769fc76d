"""Short licence notices that name a licence without carrying its text ("Licensed under the Apache
License, Version 2.0 … http://www.apache.org/licenses/LICENSE-2.0"), template placeholders, and the
language of added restrictions. Patterns run on normalised words (``normalise``), so punctuation, case
and URL schemes do not matter."""

from __future__ import annotations

import re

# (pattern over normalised words, SPDX id), most specific first.
_NOTICES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), spdx_id)
    for pattern, spdx_id in (
        (
            r"\bapache license version 2\.0\b|\bapache license 2\.0\b|\bapache 2\.0\b|\bapache license v2"
            r"|url:apache\.org/licenses/license-2\.0",
            "Apache-2.0",
        ),
        (r"\bmozilla public license (?:version |v )?2\.0\b|url:mozilla\.org/mpl/2\.0", "MPL-2.0"),
        (r"\beclipse public license (?:version |v )?2\.0\b|url:eclipse\.org/legal/epl-2\.0", "EPL-2.0"),
        (r"\beuropean union public license (?:version |v )?1\.2\b|\beupl (?:v )?1\.2\b", "EUPL-1.2"),
        (r"\bboost software license (?:version )?1\.0\b", "BSL-1.0"),
        (
            r"\bbsd 3 clause\b|\bnew bsd\b|\brevised bsd\b|url:opensource\.org/licenses/bsd-3-clause",
            "BSD-3-Clause",
        ),
        (r"\bbsd 2 clause\b|\bsimplified bsd\b|url:opensource\.org/licenses/bsd-2-clause", "BSD-2-Clause"),
        (r"\bcc0\b|\bcc zero\b|url:creativecommons\.org/publicdomain/zero/1\.0", "CC0-1.0"),
        (r"\bthe unlicense\b|url:unlicense\.org", "Unlicense"),
        (r"\bisc license\b|url:opensource\.org/licenses/isc\b", "ISC"),
        (r"\bmit license\b|\bunder the mit\b|\bmit licensed\b|url:opensource\.org/licenses/mit\b", "MIT"),
    )
)
_CC_WORDS = re.compile(
    r"\bcreative commons attribution((?: non ?commercial)?)((?: share ?alike| no ?derivatives| no ?derivs)?)"
    r"(?: license)?(?: international)? (?:version )?([1-4]\.[05])\b"
)
_CC_SHORT = re.compile(r"\bcc by((?: nc)?)((?: sa| nd)?) ([1-4]\.[05])\b")
_CC_URL = re.compile(r"url:creativecommons\.org/licenses/(by(?:-nc)?(?:-sa|-nd)?)/([1-4]\.[05])")
_GNU = re.compile(
    r"\bgnu (affero |lesser |library )?general public license\b|\b(a|l)?gpl ?v?([123](?:\.[01])?)\b"
)
_GNU_VERSION = re.compile(r"\b(?:version|v) ?([123](?:\.[01])?)\b")
_LATER = re.compile(r"\bany later version\b|\bor later\b|\bor newer\b")

PLACEHOLDER = re.compile(
    r"<\s*(?:year|yyyy|name of author|one line to give[^>]*|copyright holders?|owner|organization|author"
    r"|program|name)\s*>"
    r"|\[\s*(?:yyyy|year|fullname|full name|name of copyright owner|copyright holders?|owner|author|name"
    r"|your name)\s*\]"
    r"|\{\s*(?:year|yyyy|fullname|owner|author|name|copyright holders?)\s*\}",
    re.IGNORECASE,
)

RESTRICTIVE = re.compile(
    r"\bnon ?commercial\b|\bcommercial (?:use|uses|purposes?|exploitation|redistribution|applications?"
    r"|products?|settings?|entities|organizations?|companies|activities)\b|\b(?:may|must|shall|can|will"
    r"|should) not\b|\bcannot\b|\bnot (?:be )?(?:permitted|allowed|authorized)\b|\bprohibit|\bforbid"
    r"|\brestrict|\bmilitary\b|\bweapons?\b|\bsurveillance\b|\bonly (?:for|be used|use|by)\b|\bexclusively\b"
    r"|\bpersonal use\b|\b(?:educational|academic|research|evaluation|non ?profit) (?:use|uses|purposes?)"
    r"(?: only)?\b|\bwithout (?:the )?(?:prior |express |explicit )?(?:written )?(?:permission|consent)\b"
    r"|\bevil\b|\bdo no harm\b|\bcommons clause\b|\bnot for\b|\bno (?:commercial|military)\b|\bsell\b"
    r"|\bunless (?:you|licensee) (?:obtain|pay|purchase)|\broyalt(?:y|ies)\b|\bfees?\b",
)
ADDITIONAL_TERMS = re.compile(
    r"\bsection 7\b|\badditional terms?\b|\badditional permissions?\b|\bspecial exception\b"
    r"|\blinking exception\b|\bpursuant to section\b"
)


def _gnu_id(words: str, raw: str) -> str | None:
    match = _GNU.search(words)
    if not match:
        return None
    kind = (match.group(1) or match.group(2) or "").strip()
    base = {"affero": "AGPL", "a": "AGPL", "lesser": "LGPL", "library": "LGPL", "l": "LGPL"}.get(kind, "GPL")
    version = match.group(3)
    if version is None:
        found = _GNU_VERSION.search(words, match.end(), match.end() + 80)
        version = found.group(1) if found else None
    if version is None:
        return None
    version = {"1": "1.0", "2": "2.0", "3": "3.0"}.get(version, version)
    if base == "LGPL" and version == "2.0" and "lesser" in (match.group(1) or ""):
        version = "2.1"
    later = bool(_LATER.search(words)) or bool(re.search(r"(?i)\b[AL]?GPL-?v?[123](?:\.[01])?\+", raw))
    return f"{base}-{version}-{'or-later' if later else 'only'}"


def _cc_id(words: str) -> str | None:
    for pattern in (_CC_URL,):
        found = pattern.search(words)
        if found:
            return f"CC-{found.group(1).upper()}-{found.group(2)}"
    for pattern in (_CC_WORDS, _CC_SHORT):
        found = pattern.search(words)
        if found:
            nc = "-NC" if found.group(1).strip() else ""
            variant = found.group(2).replace(" ", "").strip()
            suffix = "-SA" if variant.startswith("share") or variant == "sa" else "-ND" if variant else ""
            return f"CC-BY{nc}{suffix}-{found.group(3)}"
    return None


def notice_licence(words: str, raw: str) -> str | None:
    """The SPDX id a short notice names, or None. ``words`` is the normalised text joined by spaces."""
    gnu = _gnu_id(words, raw)
    if gnu:
        return gnu
    cc = _cc_id(words)
    if cc:
        return cc
    hits = [(found.start(), spdx_id) for pattern, spdx_id in _NOTICES if (found := pattern.search(words))]
    return min(hits)[1] if hits else None


def placeholders(text: str) -> list[str]:
    return [found.group(0) for found in PLACEHOLDER.finditer(text)]
