from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "seedbed.funds"
    label = "funds"
    verbose_name = _("Funds and ledger")
    demo_loader = "seedbed.funds.demo.load"
    demo_order = 20

    def ready(self) -> None:
        from seedbed.core.navigation import NavEntry, register
        from seedbed.funds import access

        register(NavEntry(_("Funds"), "fund_list", access.can_view_ledger, order=30))
        register(NavEntry(_("Payment requests"), "payment_request_list", access.can_view_ledger, order=31))
