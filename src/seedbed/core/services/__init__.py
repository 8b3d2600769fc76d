"""Every write in the directory, users, invitations, sign-up and tokens. One function per use case.

Each service is keyword-only, runs in one transaction, validates, writes an audit event and returns the
object. Pages and the API call the same services.

The services live in submodules and are all importable from here (``services.organization_create``):
``directory`` (countries, organizations, memberships, requests to join), ``accounts`` (users, roles,
invitations, API tokens) and ``signup`` (self sign-up with e-mail verification).
"""

from seedbed.core.services.accounts import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    role_grant,
    role_revoke,
    user_create,
)
from seedbed.core.services.directory import (
    ORGANIZATION_FIELDS,
    REGIONS_FILE,
    countries_sync,
    membership_add,
    membership_remove,
    membership_request_create,
    membership_request_decide,
    organization_create,
    organization_update,
)
from seedbed.core.services.signup import email_verification_token, signup_create, signup_verify

__all__ = [
    "ORGANIZATION_FIELDS",
    "REGIONS_FILE",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "countries_sync",
    "email_verification_token",
    "invitation_accept",
    "invitation_create",
    "invitation_for_token",
    "membership_add",
    "membership_remove",
    "membership_request_create",
    "membership_request_decide",
    "organization_create",
    "organization_update",
    "role_grant",
    "role_revoke",
    "signup_create",
    "signup_verify",
    "user_create",
]
