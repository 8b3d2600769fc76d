from __future__ import annotations

from django.urls import path

from seedbed.portfolio.views import investment, lists, plan

urlpatterns = [
    path("portfolio/", lists.portfolio_list, name="portfolio_list"),
    path("portfolio/new/", investment.investment_new, name="investment_new"),
    path("portfolio/milestones/", lists.mentor_queue, name="mentor_queue"),
    path("portfolio/tranches/", lists.tranche_queue, name="tranche_queue"),
    path("portfolio/cohorts/<int:pk>/", investment.cohort_detail, name="cohort_detail"),
    path("portfolio/milestones/<int:pk>/", plan.milestone_detail, name="milestone_detail"),
    path("portfolio/evidence/<int:pk>/file", plan.evidence_file, name="evidence_file"),
    path("portfolio/tranches/<int:pk>/release/", plan.tranche_release, name="tranche_release"),
    path("portfolio/tranches/<int:pk>/change/", plan.tranche_change, name="tranche_change"),
    path("portfolio/reports/<int:pk>/", plan.report_edit, name="report_edit"),
    path("portfolio/<str:reference>/", investment.investment_detail, name="investment_detail"),
    path("portfolio/<str:reference>/status/", investment.investment_status, name="investment_status"),
    path("portfolio/<str:reference>/contract/", investment.investment_contract, name="investment_contract"),
    path(
        "portfolio/<str:reference>/contract/documents/<int:pk>",
        investment.contract_document,
        name="contract_document",
    ),
    path("portfolio/<str:reference>/follow-on/", investment.follow_on_new, name="follow_on_new"),
    path("portfolio/<str:reference>/milestones/new/", plan.milestone_new, name="milestone_new"),
    path("portfolio/<str:reference>/tranches/new/", plan.tranche_new, name="tranche_new"),
    path("my/investments/", lists.my_investments, name="my_investments"),
    path("knowledge/", lists.knowledge_list, name="knowledge_list"),
    path("knowledge/new/", lists.knowledge_new, name="knowledge_new"),
    path("knowledge/<int:pk>/file", lists.knowledge_file, name="knowledge_file"),
]
