"""SPDX ids as the DPGA registry spells them, and the normalisation of ids found in the wild.

``DPGA_LICENCES`` is copied from ``../shared/data/dpga/nominee-schema.json``
(``properties.license.items.properties.spdx.enum``, 133 ids): the licences the DPGA accepts. It uses the
older GNU ids (``GPL-3.0``, not ``GPL-3.0-only`` / ``GPL-3.0-or-later``), so ``to_registry_id`` maps a
current SPDX id onto the registry's spelling before any comparison or export.
"""

from __future__ import annotations

import re

DPGA_LICENCES: frozenset[str] = frozenset(
    [
        "0BSD",
        "AAL",
        "AFL-3.0",
        "AGPL-3.0",
        "Apache-1.1",
        "Apache-2.0",
        "APL-1.0",
        "APSL-2.0",
        "Artistic-1.0",
        "Artistic-2.0",
        "BSD-1-Clause",
        "BSD-2-Clause",
        "BSD-2-Clause-Patent",
        "BSD-3-Clause",
        "BSD-3-Clause-LBNL",
        "BSL-1.0",
        "CAL-1.0",
        "CAL-1.0-Combined-Work-Exception",
        "CATOSL-1.1",
        "CC-BY-1.0",
        "CC-BY-2.0",
        "CC-BY-2.5",
        "CC-BY-3.0",
        "CC-BY-3.0-AT",
        "CC-BY-3.0-US",
        "CC-BY-4.0",
        "CC-BY-NC-1.0",
        "CC-BY-NC-2.0",
        "CC-BY-NC-2.5",
        "CC-BY-NC-3.0",
        "CC-BY-NC-3.0-US",
        "CC-BY-NC-4.0",
        "CC-BY-NC-SA-1.0",
        "CC-BY-NC-SA-2.0",
        "CC-BY-NC-SA-2.5",
        "CC-BY-NC-SA-3.0",
        "CC-BY-NC-SA-3.0-US",
        "CC-BY-NC-SA-4.0",
        "CC-BY-SA-1.0",
        "CC-BY-SA-2.0",
        "CC-BY-SA-2.5",
        "CC-BY-SA-3.0",
        "CC-BY-SA-3.0-AT",
        "CC-BY-SA-3.0-US",
        "CC-BY-SA-4.0",
        "CC0-1.0",
        "CDDL-1.0",
        "CECILL-2.1",
        "CNRI-Python",
        "CPAL-1.0",
        "CPL-1.0",
        "ECL-1.0",
        "ECL-2.0",
        "EFL-1.0",
        "EFL-2.0",
        "Entessa",
        "EPL-1.0",
        "EPL-2.0",
        "EUDatagrid",
        "EUPL-1.2",
        "Fair",
        "Frameworx-1.0",
        "GPL-2.0",
        "GPL-3.0",
        "HPND",
        "IPA",
        "IPL-1.0",
        "ISC",
        "LGPL-2.1",
        "LGPL-3.0",
        "LiLiQ-P-1.1",
        "LiLiQ-R-1.1",
        "LiLiQ-Rplus-1.1",
        "LPL-1.0",
        "LPL-1.02",
        "LPPL-1.3c",
        "MirOS",
        "MIT",
        "MIT-0",
        "Motosoto",
        "MPL-1.0",
        "MPL-1.1",
        "MPL-2.0",
        "MPL-2.0-no-copyleft-exception",
        "MS-PL",
        "MS-RL",
        "MulanPSL-2.0",
        "Multics",
        "NASA-1.3",
        "Naumen",
        "NCSA",
        "NGPL",
        "Nokia",
        "NPOSL-3.0",
        "NTP",
        "OCLC-2.0",
        "ODbL-1.0",
        "ODC-By-1.0",
        "OFL-1.1",
        "OFL-1.1-no-RFN",
        "OFL-1.1-RFN",
        "OGL-UK-3.0",
        "OGTSL",
        "OLDAP-2.8",
        "OSET-PL-2.1",
        "OSL-1.0",
        "OSL-2.1",
        "OSL-3.0",
        "PDDL-1.0",
        "PHP-3.0",
        "PHP-3.01",
        "PostgreSQL",
        "Python-2.0",
        "QPL-1.0",
        "RPL-1.1",
        "RPL-1.5",
        "RPSL-1.0",
        "RSCPL",
        "SimPL-2.0",
        "Sleepycat",
        "SPL-1.0",
        "UCL-1.0",
        "Unicode-DFS-2015",
        "Unicode-DFS-2016",
        "Unlicense",
        "UPL-1.0",
        "VSL-1.0",
        "W3C",
        "Watcom-1.0",
        "Xnet",
        "wxWindows",
        "Zlib",
        "ZPL-2.0",
    ]
)

# Deprecated SPDX ids -> their current spelling.
DEPRECATED_TO_CURRENT: dict[str, str] = {
    **{f"{base}": f"{base}-only" for base in ("GPL-1.0", "GPL-2.0", "GPL-3.0", "LGPL-2.0", "LGPL-2.1")},
    **{f"{base}+": f"{base}-or-later" for base in ("GPL-1.0", "GPL-2.0", "GPL-3.0", "LGPL-2.0", "LGPL-2.1")},
    "LGPL-3.0": "LGPL-3.0-only",
    "LGPL-3.0+": "LGPL-3.0-or-later",
    "AGPL-1.0": "AGPL-1.0-only",
    "AGPL-3.0": "AGPL-3.0-only",
    "AGPL-3.0+": "AGPL-3.0-or-later",
    "GFDL-1.1": "GFDL-1.1-only",
    "GFDL-1.2": "GFDL-1.2-only",
    "GFDL-1.3": "GFDL-1.3-only",
    "BSD-2-Clause-FreeBSD": "BSD-2-Clause",
    "BSD-2-Clause-NetBSD": "BSD-2-Clause",
}

_GNU_FAMILY = re.compile(r"^((?:A|L)?GPL|GFDL)-(\d\.\d)(?:-only|-or-later|\+)?$")


def family(spdx_id: str) -> str:
    """The licence text an id stands for: ``GPL-3.0-only``, ``GPL-3.0-or-later`` and ``GPL-3.0`` share
    one text, so they share the family ``GPL-3.0``. Other ids are their own family."""
    match = _GNU_FAMILY.match(spdx_id)
    return f"{match.group(1)}-{match.group(2)}" if match else spdx_id


def to_registry_id(spdx_id: str) -> str:
    """The DPGA registry's spelling of an SPDX id (``GPL-3.0-or-later`` -> ``GPL-3.0``).

    Ids the registry spells like SPDX come back unchanged, as do ids it does not list (check
    ``is_dpga_accepted`` for that)."""
    spdx_id = spdx_id.strip()
    if spdx_id in DPGA_LICENCES:
        return spdx_id
    fam = family(spdx_id)
    if fam in DPGA_LICENCES:
        return fam
    if spdx_id.replace(" ", "") == "GPL-2.0-or-laterWITHWxWindows-exception-3.1":
        return "wxWindows"
    current = DEPRECATED_TO_CURRENT.get(spdx_id)
    return current if current in DPGA_LICENCES else spdx_id


def is_dpga_accepted(spdx_id: str) -> bool:
    return to_registry_id(spdx_id) in DPGA_LICENCES


def is_non_commercial(spdx_id: str) -> bool:
    """Creative Commons NonCommercial variants and similar ids: the DPG Standard lists them as legacy,
    at risk."""
    return bool(re.search(r"(^|-)NC(-|$)|NonCommercial|-NC\b", spdx_id, re.IGNORECASE))


def is_no_derivatives(spdx_id: str) -> bool:
    return bool(re.search(r"(^|-)ND(-|$)", spdx_id))
