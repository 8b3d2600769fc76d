"""Build the licence corpus that ``seedbed.dpg.licences`` matches licence files against.

Input: ``spdx-full.json`` from the npm package ``spdx-license-list`` (the SPDX License List data, with
each licence's text). Get it without touching the project's package.json::

    cd /tmp && npm pack spdx-license-list@6.12.0 && tar xzf spdx-license-list-6.12.0.tgz
    python scripts/build_licence_corpus.py /tmp/package/spdx-full.json

Output: ``src/seedbed/dpg/licences/data/spdx-licences.json.gz`` (gzip level 9, deterministic) and
``SOURCE-NOTE.txt`` beside it. The corpus keeps every licence the SPDX list has not deprecated, plus
the deprecated ids the DPGA registry still uses (``GPL-3.0``, ``AGPL-3.0``, ``LGPL-3.0``…). When two
ids share the same text (``GPL-3.0-only`` / ``GPL-3.0-or-later``), the text is stored once and the
other entry names it in ``same_text_as``, which keeps the file small.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

PACKAGE = "spdx-license-list"
PACKAGE_VERSION = "6.12.0"
DATA_DIR = Path(__file__).resolve().parent.parent / "src" / "seedbed" / "dpg" / "licences" / "data"

# Ids the SPDX License List marks as deprecated (isDeprecatedLicenseId); spdx-full.json does not carry
# the flag, so it is listed here from https://spdx.org/licenses/#deprecated (list version 3.28).
DEPRECATED = frozenset(
    [
        "AGPL-1.0",
        "AGPL-3.0",
        "BSD-2-Clause-FreeBSD",
        "BSD-2-Clause-NetBSD",
        "bzip2-1.0.5",
        "eCos-2.0",
        "GFDL-1.1",
        "GFDL-1.2",
        "GFDL-1.3",
        "GPL-1.0",
        "GPL-1.0+",
        "GPL-2.0",
        "GPL-2.0+",
        "GPL-2.0-with-autoconf-exception",
        "GPL-2.0-with-bison-exception",
        "GPL-2.0-with-classpath-exception",
        "GPL-2.0-with-font-exception",
        "GPL-2.0-with-GCC-exception",
        "GPL-3.0",
        "GPL-3.0+",
        "GPL-3.0-with-autoconf-exception",
        "GPL-3.0-with-GCC-exception",
        "LGPL-2.0",
        "LGPL-2.0+",
        "LGPL-2.1",
        "LGPL-2.1+",
        "LGPL-3.0",
        "LGPL-3.0+",
        "Net-SNMP",
        "Nunit",
        "StandardML-NJ",
        "wxWindows",
    ]
)


def registry_ids() -> frozenset[str]:
    sys.path.insert(0, str(DATA_DIR.parent.parent.parent.parent))
    from seedbed.dpg.licences.registry import DPGA_LICENCES

    return DPGA_LICENCES


def build(source: Path) -> tuple[bytes, int]:
    raw: dict[str, dict[str, object]] = json.loads(source.read_text(encoding="utf-8"))
    keep_deprecated = DEPRECATED & registry_ids()
    ids = sorted(
        (spdx_id for spdx_id in raw if spdx_id not in DEPRECATED or spdx_id in keep_deprecated),
        # Current ids first and shortest first, so a shared text is stored under the plainest current id.
        key=lambda spdx_id: (spdx_id in DEPRECATED, len(spdx_id), spdx_id),
    )
    first_with_text: dict[str, str] = {}
    entries: list[dict[str, object]] = []
    for spdx_id in ids:
        item = raw[spdx_id]
        text = str(item["licenseText"]).replace("\r\n", "\n").strip() + "\n"
        entry: dict[str, object] = {
            "id": spdx_id,
            "name": item["name"],
            "osi": bool(item.get("osiApproved")),
            "deprecated": spdx_id in DEPRECATED,
        }
        if text in first_with_text:
            entry["same_text_as"] = first_with_text[text]
        else:
            first_with_text[text] = spdx_id
            entry["text"] = text
        entries.append(entry)
    entries.sort(key=lambda entry: str(entry["id"]).lower())
    payload = {
        "source": f"npm {PACKAGE}@{PACKAGE_VERSION} (spdx-full.json)",
        "licence": "CC-BY-3.0",
        "licences": entries,
    }
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return gzip.compress(data, compresslevel=9, mtime=0), len(entries)


SOURCE_NOTE = """\
spdx-licences.json.gz: licence texts used to identify licence files
===================================================================

Source: the npm package {package}@{version}, file spdx-full.json, which carries the SPDX License List
data (licence ids, names, OSI approval and licence texts).

Licence of this data: the SPDX License List is published by the SPDX Workgroup, a Linux Foundation
project, under the Creative Commons Attribution 3.0 license (CC-BY-3.0).
Attribution: "SPDX License List" by the SPDX Workgroup, https://spdx.org/licenses/, used under CC-BY-3.0.
Changes: only licences the SPDX list has not deprecated are kept, plus the deprecated ids the DPGA
registry uses:
    {kept}
Line endings are normalised and surrounding blank space trimmed; identical texts are stored once (an
entry with "same_text_as" shares the text of the named id). The individual licence texts are those of
their own authors and are otherwise reproduced unchanged.

Entries: {count}.

Regenerate:
    cd /tmp && npm pack {package}@{version} && tar xzf {package}-{version}.tgz
    cd /work/main && .venv/bin/python scripts/build_licence_corpus.py /tmp/package/spdx-full.json
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spdx_full_json", type=Path)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    blob, count = build(args.spdx_full_json)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "spdx-licences.json.gz").write_bytes(blob)
    kept = ", ".join(sorted(DEPRECATED & registry_ids()))
    note = SOURCE_NOTE.format(package=PACKAGE, version=PACKAGE_VERSION, kept=kept, count=count)
    (args.out / "SOURCE-NOTE.txt").write_text(note, encoding="utf-8")
    print(f"{count} licences, {len(blob)} bytes -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
