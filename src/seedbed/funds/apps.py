from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "seedbed.funds"
    label = "funds"
    verbose_name = _("Funds and ledger")
