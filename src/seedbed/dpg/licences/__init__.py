"""The licence engine: names a repository's licence from its licence files (text matching against the
SPDX licence texts, after askalono's bigram method), its package manifests and its SPDX headers;
classifies it against the DPGA's accepted licences; and finds clauses added to a standard text.

Entry points: ``identify_text`` (whole-text match), ``analyse_licence_file`` (one messy file),
``licence_checks`` (a repository), ``to_registry_id`` (SPDX id -> the DPGA registry's spelling).
"""

from __future__ import annotations

from .analyse import LicenceFinding, Passage, analyse_licence_file
from .checks import find_licence_files, licence_checks
from .corpus import ACCEPT_SCORE, Match, get_corpus, identify_text
from .declared import Declaration, normalise_expression, normalise_id
from .registry import DPGA_LICENCES, family, is_dpga_accepted, is_non_commercial, to_registry_id

__all__ = [
    "ACCEPT_SCORE",
    "DPGA_LICENCES",
    "Declaration",
    "LicenceFinding",
    "Match",
    "Passage",
    "analyse_licence_file",
    "family",
    "find_licence_files",
    "get_corpus",
    "identify_text",
    "is_dpga_accepted",
    "is_non_commercial",
    "licence_checks",
    "normalise_expression",
    "normalise_id",
    "to_registry_id",
]
