from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "seedbed.portfolio"
    label = "portfolio"
    verbose_name = _("Portfolio")
    demo_loader = "seedbed.portfolio.demo.load"
    demo_order = 40

    def ready(self) -> None:
        from seedbed.core.attention import register as register_attention
        from seedbed.core.navigation import NavEntry, register
        from seedbed.portfolio import access
        from seedbed.portfolio.attention import portfolio_attention

        register(NavEntry(_("Portfolio"), "portfolio_list", access.can_view_portfolio, order=9))
        register(NavEntry(_("My investments"), "my_investments", access.is_grantee_nav, order=10))
        register(NavEntry(_("Milestones to review"), "mentor_queue", access.is_mentor_nav, order=11))
        register_attention(portfolio_attention)
