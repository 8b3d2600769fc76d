"""Pack the DPGA registry into the one file Seedbed ships: ``src/seedbed/dpg/data/registry.json.gz``.

Input: the registry in its published format, a folder holding ``nominees/<key>.json`` and
``digitalpublicgoods/<key>.json`` (in development ``../shared/data/dpga/registry``, the default)::

    .venv/bin/python scripts/build_registry_bundle.py [registry folder]

Output: one gzip-compressed JSON document, ``{"format", "version", "source", "licence", "nominees":
{key: record}, "digitalpublicgoods": {key: record}}``, whose keys are the files' stems and whose records are
the files' parsed JSON, unchanged. The output is deterministic (sorted keys, gzip level 9 with mtime 0), so
rebuilding from the same folder gives the same bytes. ``seedbed.dpg.registry.registry_import`` reads it
like the folder, and ``seedbed dpga import`` imports it when no folder is given.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "dpga" / "registry"
DEFAULT_OUT = REPO / "src" / "seedbed" / "dpg" / "data" / "registry.json.gz"
FOLDERS = ("nominees", "digitalpublicgoods")
BUNDLE_FORMAT = "seedbed.dpga-registry"  # the same constants as seedbed.dpg.registry
BUNDLE_VERSION = 1
SOURCE = (
    "Digital Public Goods Alliance, DPGAlliance/publicgoods-candidates (archived 2024-08), commit "
    "a1d99f08b175143bb562f7377beefb1de41a6186, folders nominees/ and digitalpublicgoods/; contact names "
    "and e-mail addresses withheld"
)


def read_folder(folder: Path) -> dict[str, dict[str, Any]]:
    """``{"nominees": {stem: record}, "digitalpublicgoods": {stem: record}}``; stops at an unreadable file."""
    if not (folder / "nominees").is_dir() and (folder / "registry" / "nominees").is_dir():
        folder = folder / "registry"
    found: dict[str, dict[str, Any]] = {}
    for name in FOLDERS:
        directory = folder / name
        if not directory.is_dir():
            raise SystemExit(f"No {name}/ folder in {folder}.")
        records: dict[str, Any] = {}
        for path in sorted(directory.glob("*.json")):
            try:
                records[path.stem] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
                raise SystemExit(f"{name}/{path.name}: not readable JSON ({error}).") from None
        found[name] = records
    return found


def build(folder: Path) -> tuple[bytes, dict[str, dict[str, Any]]]:
    records = read_folder(folder)
    payload = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "source": SOURCE,
        "licence": "Unlicense",
        **records,
    }
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return gzip.compress(data, compresslevel=9, mtime=0), records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=DEFAULT_SOURCE, help="the registry folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    blob, records = build(args.folder)
    # The records must read back exactly as parsed from the folder.
    with gzip.open(io.BytesIO(blob), "rt", encoding="utf-8") as handle:
        again = json.load(handle)
    if any(again[name] != records[name] for name in FOLDERS):
        raise SystemExit("The bundle does not read back as the folder's records.")
    args.out.write_bytes(blob)
    counts = ", ".join(f"{len(records[name])} {name}" for name in FOLDERS)
    print(f"{args.out}: {counts}, {len(blob) / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
