"""Fetching a repository to scan: a shallow ``git clone`` into a cache folder (refreshed on the next scan),
bounded in time and size, with a plain message for every way it can fail. Local paths work too: a working
tree or a bare repository is cloned from (so the scan sees what is committed), a plain folder is read as
it is. Credentials are never asked for (``GIT_TERMINAL_PROMPT=0``).

Who may scan what: web users give ``http(s)://`` or ``git://`` URLs; a host that resolves to a private or
loopback address is refused unless ``SEEDBED_SCAN_ALLOW_PRIVATE`` is set (no probing of the server's
own network). Local paths are for the command line, and for pages only under
``SEEDBED_SCAN_LOCAL_ROOTS``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import ipaddress
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from seedbed.dpg.scanner.tree import RepoTree

DEPTH = 200  # enough history for the activity check (90 days of a busy project), never the whole past


class FetchError(Exception):
    """A repository that could not be fetched; the message says why in plain words."""


@dataclasses.dataclass(frozen=True)
class Forge:
    """Where a repository lives on the web, to link evidence to the exact commit and line."""

    kind: str  # github, gitlab, bitbucket, gitea (Codeberg and others), or "" when unknown
    web_url: str

    def permalink(self, commit: str, path: str, line: int | None = None) -> str:
        if not self.kind or not commit:
            return ""
        base = self.web_url.rstrip("/")
        if self.kind == "github":
            url = f"{base}/blob/{commit}/{path}"
            return url + (f"#L{line}" if line else "")
        if self.kind == "gitlab":
            url = f"{base}/-/blob/{commit}/{path}"
            return url + (f"#L{line}" if line else "")
        if self.kind == "bitbucket":
            url = f"{base}/src/{commit}/{path}"
            return url + (f"#lines-{line}" if line else "")
        url = f"{base}/src/commit/{commit}/{path}"
        return url + (f"#L{line}" if line else "")


def forge_of(source: str) -> Forge:
    """The forge of a URL (github.com, gitlab.*, bitbucket.org, codeberg.org / gitea / forgejo)."""
    if "://" not in source:
        return Forge("", "")
    parts = urlsplit(source)
    host = (parts.hostname or "").lower()
    path = parts.path.removesuffix("/").removesuffix(".git")
    web = f"https://{host}{path}"
    if host == "github.com" or host.endswith(".github.com"):
        return Forge("github", web)
    if "gitlab" in host:
        return Forge("gitlab", web)
    if host == "bitbucket.org":
        return Forge("bitbucket", web)
    if host in {"codeberg.org", "gitea.com"} or "gitea" in host or "forgejo" in host:
        return Forge("gitea", web)
    return Forge("", "")


@dataclasses.dataclass
class Fetched:
    source: str
    tree: RepoTree
    commit: str
    forge: Forge
    is_git: bool


def is_url(source: str) -> bool:
    return "://" in source or source.startswith("git@")


def check_source(source: str, *, local_roots: list[Path] | None = None, cli: bool = False) -> str:
    """The source as it will be fetched, or ``FetchError``. ``cli``: the command line may read any local
    path; pages only under ``local_roots``."""
    source = (source or "").strip()
    if not source:
        raise FetchError(_("Give the repository's address or a local path."))
    if is_url(source):
        scheme = urlsplit(source).scheme.lower()
        if scheme not in {"https", "http", "git"}:
            raise FetchError(
                _("Use an https:// address (other schemes such as ssh or file are not fetched).")
            )
        if not urlsplit(source).hostname:
            raise FetchError(_("This address has no host."))
        return source
    path = Path(source).expanduser()
    if not cli:
        roots = [root.resolve() for root in local_roots or []]
        resolved = path.resolve()
        if not any(resolved == root or root in resolved.parents for root in roots):
            raise FetchError(_("Local folders can be scanned only from the command line."))
    if not path.exists():
        raise FetchError(_("There is no folder at %(path)s.") % {"path": source})
    if not path.is_dir():
        raise FetchError(_("%(path)s is a file, not a folder.") % {"path": source})
    return str(path.resolve())


def _refuse_private(url: str) -> None:
    if os.environ.get("SEEDBED_SCAN_ALLOW_PRIVATE") == "1":
        return
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        raise FetchError(_("The host %(host)s could not be found.") % {"host": host}) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            raise FetchError(
                _("%(host)s is on a private network; Seedbed does not fetch from there.") % {"host": host}
            )


def _is_bare(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and not (path / ".git").exists()


def _size(path: Path) -> int:
    total = 0
    for directory, _dirs, names in os.walk(path):
        for name in names:
            with contextlib.suppress(OSError):  # a file removed while git writes
                total += os.lstat(os.path.join(directory, name)).st_size
    return total


def _run_git(args: list[str], *, cwd: Path | None, target: Path, timeout: float, max_bytes: int) -> None:
    """Run git, killing it past ``timeout`` seconds or once ``target`` grows past ``max_bytes``."""
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "true",
        "GIT_LFS_SKIP_SMUDGE": "1",
        "LC_ALL": "C",
    }
    process = subprocess.Popen(  # noqa: S603 - fixed git arguments from PATH, no shell
        ["git", "-c", "protocol.file.allow=always", "-c", "core.askPass=true", *args],  # noqa: S607
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    while True:
        try:
            process.wait(timeout=0.2)  # returns as soon as git ends (a sleep cost 0.2 s per git call)
            break
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() - started > timeout:
            process.kill()
            process.wait()
            raise FetchError(
                _("Fetching took more than %(seconds)s seconds and was stopped.") % {"seconds": int(timeout)}
            )
        if target.exists() and _size(target) > max_bytes:
            process.kill()
            process.wait()
            raise FetchError(
                _("The repository is larger than %(mb)s MB and was not fetched.")
                % {"mb": max_bytes // (1024 * 1024)}
            )
    if process.returncode != 0:
        error = (process.stderr.read() if process.stderr else "").strip().splitlines()
        detail = error[-1] if error else ""
        if "not found" in detail.lower() or "does not appear to be a git repository" in detail.lower():
            raise FetchError(_("No git repository was found at this address."))
        if "could not resolve host" in detail.lower() or "unable to access" in detail.lower():
            raise FetchError(_("The repository could not be reached: %(detail)s") % {"detail": detail[:200]})
        if "authentication" in detail.lower() or "terminal prompts disabled" in detail.lower():
            raise FetchError(
                _("The repository is private or asks for a password; only public repositories are scanned.")
            )
        raise FetchError(
            _("git could not fetch the repository: %(detail)s") % {"detail": detail[:200] or "?"}
        )


def fetch(source: str, *, cache_dir: Path, timeout: float = 120, max_mb: int = 500) -> Fetched:
    """Fetch ``source`` (already checked by ``check_source``) and return a tree to scan."""
    max_bytes = max_mb * 1024 * 1024
    path = Path(source)
    if not is_url(source) and not (path / ".git").exists() and not _is_bare(path):
        return Fetched(source, RepoTree(path), "", Forge("", ""), is_git=False)  # a plain folder, as it is
    if is_url(source):
        _refuse_private(source)
        origin = source
    else:
        origin = path.resolve().as_uri()  # file:// makes --depth work on a local repository
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / hashlib.sha256(source.encode()).hexdigest()[:32]
    if (target / ".git").is_dir():
        try:
            _run_git(
                ["fetch", "--depth", str(DEPTH), "--tags", "origin", "HEAD"],
                cwd=target,
                target=target,
                timeout=timeout,
                max_bytes=max_bytes,
            )
            _run_git(
                ["reset", "--hard", "--quiet", "FETCH_HEAD"],
                cwd=target,
                target=target,
                timeout=timeout,
                max_bytes=max_bytes,
            )
            _run_git(["clean", "-fdxq"], cwd=target, target=target, timeout=timeout, max_bytes=max_bytes)
        except FetchError:
            shutil.rmtree(target, ignore_errors=True)  # start afresh below
    if not (target / ".git").is_dir():
        shutil.rmtree(target, ignore_errors=True)
        try:
            _run_git(
                ["clone", "--quiet", "--depth", str(DEPTH), "--single-branch", origin, str(target)],
                cwd=None,
                target=target,
                timeout=timeout,
                max_bytes=max_bytes,
            )
        except FetchError:
            shutil.rmtree(target, ignore_errors=True)
            raise
    tree = RepoTree(target)
    if not tree.head:
        raise FetchError(_("The repository has no commit yet."))
    return Fetched(source, tree, tree.head, forge_of(source), is_git=True)
