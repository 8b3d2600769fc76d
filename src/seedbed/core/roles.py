"""The roles of PRODUCT.md. A user may hold several; anonymous visitors are the public."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FUND_MANAGER = "fund_manager", _("Fund manager")
    REVIEWER = "reviewer", _("Reviewer")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    OSS_MENTOR = "oss_mentor", _("Open-source mentor")
    FOCAL_POINT = "focal_point", _("Country office focal point")
    APPLICANT = "applicant", _("Applicant")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that must enrol and use a TOTP second factor before any page opens.
TWO_FACTOR_ROLES = frozenset({Role.FINANCE_OFFICER, Role.ADMINISTRATOR})

# Roles of the fund's own staff (everyone but applicants).
STAFF_ROLES = frozenset(set(Role) - {Role.APPLICANT})

# Roles that manage the directory: create and edit any organization, invite users.
DIRECTORY_MANAGERS = frozenset({Role.FUND_MANAGER, Role.ADMINISTRATOR})

# Roles that may register an organization of their own (they become its owner).
ORGANIZATION_CREATORS = DIRECTORY_MANAGERS | {Role.APPLICANT, Role.FOCAL_POINT}

# Who may invite a user with a given role. Only administrators can hand out the administrator role.
INVITERS = DIRECTORY_MANAGERS

# Roles that may ask to join an organization they do not belong to (its owners or a directory manager
# approve). Self sign-up gives the applicant role.
MEMBERSHIP_REQUESTERS = frozenset({Role.APPLICANT, Role.FOCAL_POINT})
