"""The DPG Standard as the assessment pages ask it: for each of the eleven items, the requirement in short,
the question the DPGA application asks, the screening questions a person answers Yes / No / Unknown, and
which scanner checks can suggest an answer (see DPG-STANDARD.md; summaries are ours, the Standard is the
DPGA's, CC BY-SA 4.0)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from seedbed.dpg.models import Indicator

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

YES_NO_UNKNOWN = (("", "—"), ("Yes", _("Yes")), ("No", _("No")), ("Unknown", _("Unknown")))

# How the scanner's checks suggest whether an item is met:
# - CONCLUSIVE: met when every listed check passes, not met when one fails (the scan settles it);
# - SUPPORTING: met when every listed check passes, otherwise left to a person;
# - ANY: met when one of the listed checks passes, otherwise left to a person;
# - EVIDENCE: the checks give evidence only; a person decides.
CONCLUSIVE, SUPPORTING, ANY, EVIDENCE = "conclusive", "supporting", "any", "evidence"


@dataclass(frozen=True)
class Question:
    """A screening question answered Yes / No / Unknown, stored in ``IndicatorAnswer.details``."""

    field: str
    label: StrOrPromise


@dataclass(frozen=True)
class Item:
    code: str
    requirement: StrOrPromise
    question: StrOrPromise
    questions: tuple[Question, ...] = ()
    checks: tuple[str, ...] = ()
    mode: str = EVIDENCE
    # Checks whose worst result across the repositories counts (every repository must be licensed);
    # for the others the best result counts (documentation in any repository will do).
    every_repository: bool = False

    @property
    def title(self) -> str:
        return str(Indicator(self.code).label)


ITEMS: dict[str, Item] = {
    item.code: item
    for item in (
        Item(
            "1",
            _("Advances at least one of the UN Sustainable Development Goals."),
            _("Which SDGs does it advance, and how? Give evidence text and a link for each."),
        ),
        Item(
            "2",
            _(
                "Software under an OSI-approved licence; content under Creative Commons; data under an "
                "Open Definition licence."
            ),
            _("Which licence or licences, and where is each published (e.g. the LICENSE file)?"),
            checks=("licence.identified", "licence.classification", "licence.restrictions"),
            mode=CONCLUSIVE,
            every_repository=True,
        ),
        Item(
            "3",
            _("Ownership of the assets (copyright, trademark) is defined and documented."),
            _(
                "Who owns it? Link to the evidence. If the owner does not own all code, content or "
                "data, show the right to redistribute it (e.g. a contributor licence agreement)."
            ),
            checks=("governance", "licence.file"),
            mode=EVIDENCE,
        ),
        Item(
            "4",
            _(
                "Mandatory dependencies impose no more restrictions than its own licence, or open "
                "alternatives can replace them with little change."
            ),
            _(
                "Which core technologies does it depend on? Does a closed component create a "
                "proprietary dependency, and what are the open alternatives?"
            ),
            questions=(Question("isSoftwarePltIndependent", _("Is the software platform-independent?")),),
            checks=("containers",),
        ),
        Item(
            "5",
            _("Enough documentation for a technical stranger to launch and run it."),
            _("Links to developer documentation, architecture, user guides, data dictionary or model card."),
            checks=("readme.present", "docs.present"),
            mode=CONCLUSIVE,
        ),
        Item(
            "6",
            _("Non-personal data and content can be exported and imported in non-proprietary formats."),
            _("Does it handle non-personal data? How is it imported and exported (CSV, JSON, XML, an API)?"),
            questions=(Question("collectsNonPII", _("Does it collect or store non-personal data?")),),
            checks=("data_export", "api_description"),
            mode=ANY,
        ),
        Item(
            "7",
            _("Designed to comply with privacy and other applicable laws."),
            _("Which laws apply (GDPR, national acts)? Link to the evidence: privacy policy, terms."),
        ),
        Item(
            "8",
            _("Aligns with relevant open standards and best practices."),
            _(
                "Which standards does it follow, with evidence (validators, test suites)? Which best "
                "practices?"
            ),
            checks=("ci", "tests", "contributing", "issue_templates"),
            mode=SUPPORTING,
        ),
        Item(
            "9a",
            _("If it handles personal data: privacy, security and integrity are ensured."),
            _("Does it collect, store or share personal data? Which kinds, and how are they protected?"),
            questions=(
                Question("collectsPII", _("Does it collect or store personal data?")),
                Question("thirdPartyDataSharing", _("Does it share personal data with third parties?")),
            ),
            checks=("security_policy",),
        ),
        Item(
            "9b",
            _(
                "If it handles content: policies to identify inappropriate and illegal content, and "
                "processes to detect, moderate, report and remove it."
            ),
            _(
                "What content does it handle? Which policies and processes apply, and how fast are "
                "reports handled?"
            ),
            questions=(
                Question("collectStoreDistribute", _("Does it collect, store or distribute content?")),
            ),
        ),
        Item(
            "9c",
            _(
                "If users interact: a code of conduct and processes to protect users from harassment, "
                "minors included."
            ),
            _("Do users interact through it? Which policies and processes protect them, minors included?"),
            questions=(
                Question("userInteraction", _("Do users interact with each other through it?")),
                Question(
                    "addressSafetySecurityUnderageUsers",
                    _("Does it address the safety of users under 18?"),
                ),
            ),
            checks=("code_of_conduct",),
            mode=ANY,
        ),
    )
}

# The seventeen Sustainable Development Goals, by number (their short names, as the UN writes them).
SDGS: dict[int, StrOrPromise] = {
    1: _("No poverty"),
    2: _("Zero hunger"),
    3: _("Good health and well-being"),
    4: _("Quality education"),
    5: _("Gender equality"),
    6: _("Clean water and sanitation"),
    7: _("Affordable and clean energy"),
    8: _("Decent work and economic growth"),
    9: _("Industry, innovation and infrastructure"),
    10: _("Reduced inequalities"),
    11: _("Sustainable cities and communities"),
    12: _("Responsible consumption and production"),
    13: _("Climate action"),
    14: _("Life below water"),
    15: _("Life on land"),
    16: _("Peace, justice and strong institutions"),
    17: _("Partnerships for the goals"),
}
