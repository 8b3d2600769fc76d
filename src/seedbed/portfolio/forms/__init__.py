"""Forms of the portfolio pages. The forms check what they can see; the services check everything again,
and the views put the services' messages on these fields."""

from seedbed.portfolio.forms.investments import (
    AmendmentForm,
    ContractForm,
    FollowOnForm,
    InvestmentForm,
    KnowledgeForm,
    StatusForm,
)
from seedbed.portfolio.forms.plan import (
    CohortKpiForm,
    DecisionForm,
    EvidenceForm,
    MilestoneForm,
    ReportForm,
    TrancheChangeForm,
    TrancheForm,
    TrancheReleaseForm,
)

__all__ = [
    "AmendmentForm",
    "CohortKpiForm",
    "ContractForm",
    "DecisionForm",
    "EvidenceForm",
    "FollowOnForm",
    "InvestmentForm",
    "KnowledgeForm",
    "MilestoneForm",
    "ReportForm",
    "StatusForm",
    "TrancheChangeForm",
    "TrancheForm",
    "TrancheReleaseForm",
]
