"""Every check of a repository except the licence ones (``seedbed.dpg.licences``), in a stable order.

``run_checks(tree)`` runs them all and returns one ``CheckResult`` each; ``CHECKS`` lists their
``(key, title)``; ``CHECK_KEYS`` maps a check to the milestone check keys it can satisfy and
``INDICATORS`` to the DPG indicators it supports. A result carries its check keys only when it satisfies
them (see ``_base``). Checks are pure: they read the tree through bounded reads and git through the tree.

| check | indicators | milestone check key |
|---|---|---|
| readme.present | 5 | oss.readme (with English and set-up + usage sections) |
| readme.english, readme.sections | 5 | — |
| docs.present | 5 | oss.docs (when something builds it: Read the Docs or CI) |
| code_of_conduct | 9c | oss.code_of_conduct |
| contributing | 8 | oss.contributing |
| security_policy | 9a | — |
| governance | 3 | — |
| issue_templates | 8 | oss.issue_templates |
| pr_templates | 8 | — |
| ci | 8 | oss.ci (when a workflow runs on pull requests) |
| tests | 8 | oss.tests |
| containers | 5 | — |
| api_description | 6, 8 | — |
| data_export | 6 | — |
| activity | — | — |
| pull_requests | — | oss.pull_requests |
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils.translation import gettext as _

from ..tree import RepoTree
from ..types import CheckResult, Status
from . import community, data, docs, engineering, history, readme
from ._base import CheckDef, Context

logger = logging.getLogger(__name__)

DEFINITIONS: tuple[CheckDef, ...] = (
    *readme.CHECKS,
    *docs.CHECKS,
    *community.CHECKS,
    *engineering.CHECKS,
    *data.CHECKS,
    *history.CHECKS,
)
CHECKS: list[tuple[str, str]] = [(check.key, check.title) for check in DEFINITIONS]
CHECK_KEYS: dict[str, tuple[str, ...]] = {check.key: check.check_keys for check in DEFINITIONS}
INDICATORS: dict[str, tuple[str, ...]] = {check.key: check.indicators for check in DEFINITIONS}

__all__ = ["CHECKS", "CHECK_KEYS", "DEFINITIONS", "INDICATORS", "run_checks"]


def run_checks(
    tree: RepoTree, *, now: dt.datetime | None = None, only: set[str] | None = None
) -> list[CheckResult]:
    """Run every check (or the ``only`` ones) on ``tree``. ``now`` (default: the current time, UTC; a naive
    value is taken as UTC) sets the activity window. A check that crashes gives a warning, not a failed
    scan."""
    if now is None:
        now = dt.datetime.now(dt.UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    ctx = Context(tree, now)
    results = []
    for check in DEFINITIONS:
        if only is not None and check.key not in only:
            continue
        try:
            results.append(check.result(check.run(ctx)))
        except Exception as error:  # a check's bug must not lose the scan's other results
            logger.exception("check %s failed on %s", check.key, tree.root)
            results.append(
                CheckResult(
                    key=check.key,
                    title=_(check.title),
                    status=Status.WARNING,
                    message=_("This check could not run on this repository."),
                    indicators=check.indicators,
                    details={"error": type(error).__name__},
                )
            )
    return results
