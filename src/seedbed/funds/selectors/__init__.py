"""Reads for funds and the ledger: holdings, movements, statements, trial balances, charts, payment requests.

Balances at a date come from ``AccountDay`` rows (what each account received and gave per day), never
from every posting, so their cost does not grow with the length of the history. Amounts are summed with
``ExactSum`` and never compared in SQL (on SQLite they are text; docs/adr/0008). Values in the reporting
currency go through ``prices``; a missing price stays missing (``None``), it is never guessed.

The selectors live in submodules and are all importable from here (``selectors.fund_statement``):
``valuation`` (prices and exact values), ``holdings`` (per fund, every fund together, month by month),
``movements`` (a fund's entries and one entry in full), ``statements`` (a fund's statement and trial
balance), ``donors`` (a fund's donors and a donor's statement), ``payment_requests`` and ``rules``.
"""

from seedbed.funds.selectors.donors import (
    REPORTING_CODE,
    DonorEntryLine,
    DonorLine,
    DonorStatement,
    DonorStatementLine,
    donor_entries,
    donor_statement,
    donor_summary,
    get_donor_for_user,
)
from seedbed.funds.selectors.holdings import (
    RECEIVABLE_PREFIX,
    FundHoldings,
    Holding,
    HoldingsSeries,
    HoldingsTotals,
    fund_holdings,
    fund_list,
    holdings_days,
    holdings_for_funds,
    holdings_history,
    holdings_totals,
    is_holdings,
)
from seedbed.funds.selectors.movements import (
    EntryDetail,
    MovementAmount,
    MovementFilters,
    entry_detail,
    entry_list,
    fund_assets,
    movement_amounts,
    movement_counterparties,
    movement_list,
    parse_day,
)
from seedbed.funds.selectors.payment_requests import (
    PaymentRequestFilters,
    payment_request_list,
    pending_payment_requests,
)
from seedbed.funds.selectors.rules import FundRules, fund_rules
from seedbed.funds.selectors.statements import (
    Statement,
    StatementLine,
    TrialBalance,
    TrialBalanceRow,
    TrialBalanceTotal,
    default_period,
    fund_statement,
    trial_balance,
)
from seedbed.funds.selectors.valuation import ONE_DAY, UnitPrice, Valuer, Valuers, exact_value, total_of

__all__ = [
    "ONE_DAY",
    "RECEIVABLE_PREFIX",
    "REPORTING_CODE",
    "DonorEntryLine",
    "DonorLine",
    "DonorStatement",
    "DonorStatementLine",
    "EntryDetail",
    "FundHoldings",
    "FundRules",
    "Holding",
    "HoldingsSeries",
    "HoldingsTotals",
    "MovementAmount",
    "MovementFilters",
    "PaymentRequestFilters",
    "Statement",
    "StatementLine",
    "TrialBalance",
    "TrialBalanceRow",
    "TrialBalanceTotal",
    "UnitPrice",
    "Valuer",
    "Valuers",
    "default_period",
    "donor_entries",
    "donor_statement",
    "donor_summary",
    "entry_detail",
    "entry_list",
    "exact_value",
    "fund_assets",
    "fund_holdings",
    "fund_list",
    "fund_rules",
    "fund_statement",
    "get_donor_for_user",
    "holdings_days",
    "holdings_for_funds",
    "holdings_history",
    "holdings_totals",
    "is_holdings",
    "movement_amounts",
    "movement_counterparties",
    "movement_list",
    "parse_day",
    "payment_request_list",
    "pending_payment_requests",
    "total_of",
    "trial_balance",
]
