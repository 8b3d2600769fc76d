"""The repository scanner's speed, per repository and per check, on local repositories only.

    .venv/bin/python bench/scan.py [--rounds 5] [PATH_OR_URL ...]

Builds the tests' kind of fixture repositories in a temporary folder (one per licence: MIT, Apache-2.0,
GPL-3.0, AGPL-3.0, MPL-2.0, BSD-3-Clause, CC-BY-4.0, CC-BY-NC-4.0; MIT with an added restriction; two
licences; no licence; README only; a full "good" repository), adds any git repository given on the command
line (a local path; an https:// address is fetched into a temporary cache), and prints:

- the median time of a whole scan per repository (fetch from the local cache, every check), and the
  median per check across repositories, over ``--rounds`` rounds;
- the ratio of a scan to the licence corpus's one-time load, measured in the same run;
- where GitHub's ``licensee`` is installed (Debian: ``ruby-licensee``), the time ``licensee detect`` takes
  on the same repositories, the ratio of our licence checks' time to it, and how often the two name the
  same licence.

Nothing leaves the machine unless you give an https:// address yourself.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

FIXTURE_LICENCES = [
    "MIT", "Apache-2.0", "GPL-3.0-only", "AGPL-3.0-only",
    "MPL-2.0", "BSD-3-Clause", "CC-BY-4.0", "CC-BY-NC-4.0",
]  # fmt: skip
README = (
    "# Sample\n\nA sample project.\n\n## Installation\n\nRun `make`.\n\n## Usage\n\nOpen it in a browser.\n"
)


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}  # fmt: skip
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)  # noqa: S603, S607


def _repo(base: Path, name: str, files: dict[str, str]) -> Path:
    root = base / name
    root.mkdir(parents=True)
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "First commit")
    return root


def fixtures(base: Path) -> dict[str, tuple[Path, str]]:
    """Name → (path, the licence we expect: an SPDX id, or "" for none)."""
    from seedbed.dpg.licences import get_corpus

    corpus = get_corpus()
    repos: dict[str, tuple[Path, str]] = {}
    for spdx in FIXTURE_LICENCES:
        licence = corpus.get(spdx)
        assert licence is not None, spdx
        repos[spdx] = (_repo(base, spdx, {"LICENSE": licence.text, "README.md": README}), spdx)
    mit = corpus.get("MIT")
    apache = corpus.get("Apache-2.0")
    assert mit is not None and apache is not None
    restricted = mit.text.replace(
        "The above copyright notice",
        "The Software may not be used for military purposes.\n\nThe above copyright notice",
    )
    repos["MIT + restriction"] = (_repo(base, "mit-restricted", {"LICENSE": restricted}), "")
    repos["MIT or Apache-2.0"] = (
        _repo(base, "dual", {"LICENSE-MIT": mit.text, "LICENSE-APACHE": apache.text}),
        "MIT OR Apache-2.0",
    )
    repos["no licence"] = (_repo(base, "none", {"src/main.py": "print('hi')\n"}), "")
    repos["README only"] = (_repo(base, "readme", {"README.md": README}), "")
    repos["good"] = (
        _repo(
            base,
            "good",
            {
                "LICENSE": mit.text,
                "README.md": README,
                "CODE_OF_CONDUCT.md": "# Code of conduct\n\nReport to conduct@example.org.\n",
                "CONTRIBUTING.md": "# Contributing\n",
                "SECURITY.md": "# Security\n\nWrite to security@example.org.\n",
                ".github/workflows/ci.yml": "on: [pull_request]\n",
                ".github/ISSUE_TEMPLATE/bug.md": "bug\n",
                "docs/index.md": "# Docs\n",
                "mkdocs.yml": "site_name: x\n",
                "tests/test_x.py": "def test_x():\n    pass\n",
                "Dockerfile": "FROM scratch\n",
                "openapi.yaml": "openapi: 3.0.0\n",
            },
        ),
        "MIT",
    )
    return repos


def licensee_detect(path: Path) -> tuple[float, str]:
    """(seconds, the licence licensee names or "")."""
    started = time.perf_counter()
    result = subprocess.run(["licensee", "detect", str(path)], capture_output=True, text=True, check=False)  # noqa: S603, S607
    seconds = time.perf_counter() - started
    for line in result.stdout.splitlines():
        if line.strip().lower().startswith("license:"):
            value = line.split(":", 1)[1].strip()
            return seconds, "" if value.lower() in {"none", "other", "no license"} else value
    return seconds, ""


def same(ours: str, theirs: str) -> bool:
    from seedbed.dpg.licences import normalise_expression

    def canon(value: str) -> str:
        value = (normalise_expression(value)[0] or value) if value else ""
        parts = sorted(
            value.replace("(", "").replace(")", "").split(" OR ")
        )  # order of a choice is no matter
        return " or ".join(parts).replace("-only", "").replace("-or-later", "").lower()

    return canon(ours) == canon(theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("sources", nargs="*", help="more repositories: local paths or https:// addresses")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="seedbed-bench-scan-")
    os.environ["SEEDBED_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seedbed.settings")
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from seedbed.dpg.licences import get_corpus, licence_checks
    from seedbed.dpg.scanner.checks import CHECKS, run_checks
    from seedbed.dpg.scanner.fetch import check_source, fetch

    try:
        started = time.perf_counter()
        get_corpus()
        corpus_load = time.perf_counter() - started
        base = Path(data_dir) / "repos"
        repos = fixtures(base)
        for source in args.sources:
            repos[source] = (Path(source) if "://" not in source else Path(), "?")  # type: ignore[assignment]
        cache = Path(data_dir) / "cache"
        trees = {}
        for name, (path, _expected) in repos.items():
            source = name if name in args.sources and "://" in name else str(path)
            trees[name] = fetch(check_source(source, cli=True), cache_dir=cache).tree
        per_repo: dict[str, list[float]] = {name: [] for name in trees}
        per_check: dict[str, list[float]] = {"licence (all four)": []} | {key: [] for key, _t in CHECKS}
        found: dict[str, str] = {}
        for _round in range(args.rounds):
            for name, tree in trees.items():
                tree.__dict__.pop("commits", None)  # no cached history between rounds
                total = time.perf_counter()
                t = time.perf_counter()
                results = licence_checks(tree)
                per_check["licence (all four)"].append(time.perf_counter() - t)
                for key, _title in CHECKS:
                    t = time.perf_counter()
                    run_checks(tree, only={key})
                    per_check[key].append(time.perf_counter() - t)
                per_repo[name].append(time.perf_counter() - total)
                identified = next((r for r in results if r.key == "licence.identified"), None)
                ok = identified is not None and str(identified.status) != "fail"
                found[name] = (
                    str(identified.details.get("expression") or identified.details.get("spdx") or "")
                    if ok
                    else ""
                )
        print(f"Licence corpus loaded once in {corpus_load * 1000:.0f} ms (the base of the ratios below).\n")
        print(f"{'repository':28} {'median ms':>10} {'× corpus load':>14}  licence found (expected)")
        for name, values in per_repo.items():
            median = statistics.median(values)
            print(
                f"{name[:28]:28} {median * 1000:10.1f} {median / corpus_load:14.3f}  "
                f"{found[name] or '—'} ({repos[name][1] or 'none'})"
            )
        print(f"\n{'check':28} {'median ms':>10}")
        for key, values in per_check.items():
            print(f"{key[:28]:28} {statistics.median(values) * 1000:10.2f}")
        if shutil.which("licensee"):
            print("\nGitHub's licensee on the same repositories:")
            agree, times = 0, []
            ours_times = per_check["licence (all four)"]
            for name, (path, _expected) in repos.items():
                if "://" in name:
                    continue
                seconds, theirs = licensee_detect(path)
                times.append(seconds)
                agrees = same(found[name], theirs)
                agree += agrees
                print(
                    f"  {name[:28]:28} licensee: {theirs or '—':24} ours: {found[name] or '—':24} "
                    f"{'same' if agrees else 'DIFFERENT'}"
                )
            ratio = statistics.median(ours_times) / statistics.median(times)
            print(
                f"Median: licensee {statistics.median(times) * 1000:.0f} ms per repository, "
                f"our licence checks "
                f"{statistics.median(ours_times) * 1000:.0f} ms (× {ratio:.2f}); "
                f"they agree on {agree} of {len(times)}."
            )
        else:
            print("\nlicensee is not installed (apt-get install ruby-licensee): no comparison.")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
