"""Forms of the fund pages, all importable from here: ``ledger`` (filters, a statement's period, payment
requests, reversals), ``record`` (money coming in and commitments) and ``rules`` (a fund's rules).

Amounts are typed as people write them ("1.5", "100,000.00") and read exactly by ``money.parse_amount``;
an amount with more decimals than its asset has is refused with the parser's message, never rounded.
"""

from seedbed.funds.forms.common import AssetChoiceField, DateInput
from seedbed.funds.forms.ledger import (
    MovementFilterForm,
    PaymentRequestFilterForm,
    PaymentRequestForm,
    PeriodForm,
    RejectForm,
    ReverseForm,
)
from seedbed.funds.forms.record import CommitmentForm, ContributionForm, PledgeReceiptForm
from seedbed.funds.forms.rules import FundRulesForm

__all__ = [
    "AssetChoiceField",
    "CommitmentForm",
    "ContributionForm",
    "DateInput",
    "FundRulesForm",
    "MovementFilterForm",
    "PaymentRequestFilterForm",
    "PaymentRequestForm",
    "PeriodForm",
    "PledgeReceiptForm",
    "RejectForm",
    "ReverseForm",
]
