"""The portfolio's use cases. One keyword-only, atomic service each; they raise ``PermissionDenied`` or
``ValidationError`` (a message per field where there is a field) and write nothing when they refuse.

``investments`` (create with the fund's rules, contract, outcome), ``plan`` (milestones, evidence,
tranches), ``reports`` (quarterly reports, cohort KPIs, reminders), ``outcomes`` (follow-on rounds,
knowledge products).
"""

from seedbed.portfolio.services.investments import (
    amendment_record,
    can_edit_solution,
    clean_terms,
    contract_sign,
    graduated_from_venture,
    investment_create,
    investment_set_status,
    missing_for_graduation,
    rule_breaches,
    solution_create,
    solution_update,
)
from seedbed.portfolio.services.outcomes import follow_on_record, knowledge_product_create
from seedbed.portfolio.services.plan import (
    evidence_submit,
    milestone_add,
    milestone_decide,
    milestones_satisfy,
    tranche_add,
    tranche_cancel,
    tranche_reduce,
    tranche_release,
    waiting_milestones,
)
from seedbed.portfolio.services.reports import (
    cohort_kpi_add,
    overdue_reports,
    report_kpis,
    report_submit,
    reports_remind,
)

__all__ = [
    "amendment_record",
    "can_edit_solution",
    "clean_terms",
    "cohort_kpi_add",
    "contract_sign",
    "evidence_submit",
    "follow_on_record",
    "graduated_from_venture",
    "investment_create",
    "investment_set_status",
    "knowledge_product_create",
    "milestone_add",
    "milestone_decide",
    "milestones_satisfy",
    "missing_for_graduation",
    "overdue_reports",
    "report_kpis",
    "report_submit",
    "reports_remind",
    "rule_breaches",
    "solution_create",
    "solution_update",
    "tranche_add",
    "tranche_cancel",
    "tranche_reduce",
    "tranche_release",
    "waiting_milestones",
]
