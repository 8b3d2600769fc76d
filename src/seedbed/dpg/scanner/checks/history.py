"""What the git history shows: recent activity (``activity``: commits in the last 90 days, distinct authors
by lower-cased e-mail, the top author's share, tags) and changes merged through pull requests
(``pull_requests``: merge commits and squash-merge subjects of GitHub, GitLab, Gitea, Bitbucket).

Bots (``[bot]`` authors, Dependabot, Renovate...) are counted apart, not as authors. A shallow clone shows
only part of the history: with a single commit nothing can be said (n/a, with the reason); with more, the
figures are lower bounds unless the fetched history reaches back past the 90 days. Activity is not one of
the DPG indicators; it tells a mentor whether the project is alive and not one person's work. E-mail
addresses are counted, never reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from ..tree import Commit, RepoTree
from ..types import Status
from ._base import CheckDef, Context, Outcome

WINDOW_DAYS = 90
TOP_AUTHOR_SHARE = 0.8
_BOT = re.compile(r"\[bot\]|^(dependabot|renovate|github-actions|greenkeeper|snyk-bot|pre-commit-ci)\b", re.I)
_MERGED_PR = re.compile(
    r"^Merge pull request #\d+|^Merge branch '[^']+' into '[^']+'$|\(#\d+\)\s*$"
    r"|^Merged in \S+ \(pull request #\d+\)"
    r"|^Merge pull request '.+' \(#\d+\)",
)


def is_shallow(tree: RepoTree) -> bool:
    return tree.is_shallow


def _shallow(ctx: Context) -> bool:
    if "shallow" not in ctx.cache:
        ctx.cache["shallow"] = is_shallow(ctx.tree)
    return bool(ctx.cache["shallow"])


def _is_bot(commit: Commit) -> bool:
    return bool(_BOT.search(commit.author_name) or _BOT.search(commit.author_email))


def _history_unusable(ctx: Context) -> Outcome | None:
    commits = ctx.tree.commits
    if not commits:
        return Outcome(
            Status.NOT_APPLICABLE,
            _("The repository has no commits to read (it is empty, or its history could not be read)."),
            details={"commits": 0},
        )
    if _shallow(ctx) and len(commits) == 1:
        return Outcome(
            Status.NOT_APPLICABLE,
            _("The repository was cloned with only its last commit, so its history cannot be judged."),
            details={"commits": 1, "shallow": True, "last_commit": commits[0].when.isoformat()},
        )
    return None


def check_activity(ctx: Context) -> Outcome:
    if unusable := _history_unusable(ctx):
        return unusable
    commits = ctx.tree.commits
    shallow = _shallow(ctx)
    since = ctx.now - dt.timedelta(days=WINDOW_DAYS)
    recent = [commit for commit in commits if commit.when >= since]
    humans = [commit for commit in recent if not _is_bot(commit)]
    authors = Counter(commit.author_email.lower() for commit in humans)
    top_share = max(authors.values()) / len(humans) if humans else 0.0
    complete = not shallow or commits[-1].when < since
    tags = ctx.tree.tags
    last = commits[0].when
    details = {
        "window_days": WINDOW_DAYS,
        "commits_recent": len(recent),
        "bot_commits_recent": len(recent) - len(humans),
        "authors_recent": len(authors),
        "top_author_share": round(top_share, 3),
        "authors_all_time": len({commit.author_email.lower() for commit in commits if not _is_bot(commit)}),
        "commits_read": len(commits),
        "last_commit": last.isoformat(),
        "days_since_last_commit": max(0, (ctx.now - last).days),
        "tags": len(tags),
        "latest_tags": tags[-5:],
        "shallow": shallow,
        "complete": complete,
    }
    partial = "" if complete else " " + _("The clone is shallow, so these figures are lower bounds.")
    if not humans:
        message = _("Nobody has committed in the last %(days)d days (the last commit is from %(date)s).") % {
            "days": WINDOW_DAYS,
            "date": last.date().isoformat(),
        }
        return Outcome(Status.WARNING, message + partial, details=details)
    count = len(humans)
    commits_text = ngettext(
        "%(count)d commit in the last %(days)d days", "%(count)d commits in the last %(days)d days", count
    ) % {"count": count, "days": WINDOW_DAYS}
    tags_text = ngettext("%(count)d tag", "%(count)d tags", len(tags)) % {"count": len(tags)}
    if len(authors) == 1 or top_share > TOP_AUTHOR_SHARE:
        message = _("One author made %(share)d per cent of the %(commits)s (%(tags)s).") % {
            "share": round(top_share * 100),
            "commits": commits_text,
            "tags": tags_text,
        }
        return Outcome(Status.WARNING, message + partial, details=details)
    authors_text = ngettext("%(count)d author", "%(count)d authors", len(authors)) % {"count": len(authors)}
    message = _("The project is active: %(commits)s by %(authors)s (%(tags)s).") % {
        "commits": commits_text,
        "authors": authors_text,
        "tags": tags_text,
    }
    return Outcome(Status.PASS, message + partial, details=details)


def check_pull_requests(ctx: Context) -> Outcome:
    if unusable := _history_unusable(ctx):
        return unusable
    commits = ctx.tree.commits
    merged = [commit for commit in commits if _MERGED_PR.search(commit.subject)]
    details = {
        "merged_pull_requests": len(merged),
        "commits_read": len(commits),
        "last_merged": merged[0].when.isoformat() if merged else None,
        "shallow": _shallow(ctx),
    }
    if not merged:
        message = _(
            "The history shows no merged pull requests (no merge or squash-merge commits); the forge can"
            " tell for sure."
        )
        return Outcome(Status.WARNING, message, details=details)
    message = ngettext(
        "The history shows %(count)d change merged through a pull request.",
        "The history shows %(count)d changes merged through pull requests.",
        len(merged),
    ) % {"count": len(merged)}
    return Outcome(Status.PASS, message, details=details)


CHECKS = [
    CheckDef("activity", gettext_noop("Recent activity"), (), (), check_activity),
    CheckDef(
        "pull_requests",
        gettext_noop("Changes through pull requests"),
        (),
        ("oss.pull_requests",),
        check_pull_requests,
    ),
]
