"""The fund's money workflows and rule edits. One keyword-only, atomic service per use case.

Every movement posts through ``ledger.entry_post``, which checks balance and the fund's rules again and
writes the ledger's audit event. Each service here validates first and raises ``PermissionDenied`` or
``ValidationError`` with a clear message; since each runs in one transaction, a refusal writes nothing.

Chart of accounts (codes are ``<type>:<purpose>:<asset>[:<counterparty slug>]``, see ``account_for``):

    what                        type        purpose               per           normal balance
    holdings, fiat              ASSET       cash                  —             debit
    holdings, crypto            ASSET       wallet                —             debit
    pledges receivable          ASSET       pledges               donor         debit
    contributions               INCOME      donations             donor         credit
    commitments (off balance)   COMMITMENT  commitments           grantee       debit
    commitments contra          COMMITMENT  commitments-contra    —             credit
    grants paid                 EXPENSE     grants                grantee       debit
    fees                        EXPENSE     fees                  —             debit
    transfers between funds     EQUITY      transfers             —             either

- A pledge is income when pledged (accrual): debit pledges receivable, credit contributions. A receipt
  turns the receivable into holdings; what is left on the receivable is the outstanding pledge.
- A commitment is off balance: both of its postings are in COMMITMENT accounts, so the fund's assets,
  income and expenses do not move. A disbursement to a grantee releases that grantee's open commitment
  by the amount paid (at most what is open), inside the same entry.
- A **refund** returns part of a donor's contribution: debit that donor's contributions account (so the
  donor's net contribution, and every donor statement, goes down), credit holdings. It is not an expense,
  and it can never exceed what the donor has actually paid in (contributions less outstanding pledges).
- A transfer between funds is one entry touching both: credit holdings of the paying fund, debit its
  ``transfers`` equity; debit holdings of the receiving fund, credit its ``transfers`` equity.

Money going out (disbursements, fees, refunds, transfers) is requested by one finance officer and
approved by a different one (``payment_request_*``); approval locks the request row, so two approvals
pressed together post once. Holdings never go negative, at the payment date or at any later date.

The services live in submodules and are all importable from here (``services.donation_record``):
``common`` (the chart's accounts and the shared checks), ``contributions`` (donations, pledges, receipts,
outstanding pledges), ``outflows`` (commitments, fees, refunds, the lines of disbursements and transfers),
``payment_requests`` (four-eyes) and ``rules`` (a fund's rules).
"""

from seedbed.funds.services.common import fund_accepts, holdings_account
from seedbed.funds.services.contributions import (
    PledgeRow,
    donation_record,
    outstanding_pledges,
    pledge_receipt_record,
    pledge_record,
)
from seedbed.funds.services.outflows import (
    commitment_record,
    commitment_release,
    fee_record,
    open_commitment,
    refund_record,
)
from seedbed.funds.services.payment_requests import (
    payment_request_approve,
    payment_request_cancel,
    payment_request_create,
    payment_request_reject,
)
from seedbed.funds.services.rules import RULE_FIELDS, fund_rules_update

__all__ = [
    "RULE_FIELDS",
    "PledgeRow",
    "commitment_record",
    "commitment_release",
    "donation_record",
    "fee_record",
    "fund_accepts",
    "fund_rules_update",
    "holdings_account",
    "open_commitment",
    "outstanding_pledges",
    "payment_request_approve",
    "payment_request_cancel",
    "payment_request_create",
    "payment_request_reject",
    "pledge_receipt_record",
    "pledge_record",
    "refund_record",
]
