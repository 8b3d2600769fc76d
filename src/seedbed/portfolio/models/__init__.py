"""The portfolio's tables: solutions, cohorts, investments and contracts (``investment``), milestones,
evidence and tranches (``plan``), reports (``reports``), follow-on rounds and knowledge products
(``outcomes``). Import them from here."""

from seedbed.portfolio.models.investment import (
    Amendment,
    Cohort,
    Contract,
    ContractDocument,
    Investment,
    InvestmentStatus,
    RepaymentSchedule,
    Solution,
    SolutionKind,
)
from seedbed.portfolio.models.outcomes import FollowOnRound, KnowledgeKind, KnowledgeProduct
from seedbed.portfolio.models.plan import (
    Evidence,
    EvidenceKind,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Tranche,
    TrancheState,
)
from seedbed.portfolio.models.reports import STANDARD_KPIS, CohortKpi, Report, ReportStatus

__all__ = [
    "STANDARD_KPIS",
    "Amendment",
    "Cohort",
    "CohortKpi",
    "Contract",
    "ContractDocument",
    "Evidence",
    "EvidenceKind",
    "FollowOnRound",
    "Investment",
    "InvestmentStatus",
    "KnowledgeKind",
    "KnowledgeProduct",
    "Milestone",
    "MilestoneKind",
    "MilestoneStatus",
    "RepaymentSchedule",
    "Report",
    "ReportStatus",
    "Solution",
    "SolutionKind",
    "Tranche",
    "TrancheState",
]
