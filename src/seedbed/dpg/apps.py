from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DpgConfig(AppConfig):
    name = "seedbed.dpg"
    label = "dpg"
    verbose_name = _("DPG readiness")

    def ready(self) -> None:
        from seedbed.core.navigation import NavEntry, register
        from seedbed.dpg import access

        register(NavEntry(_("Solutions"), "solution_list", access.can_view_solutions_nav, order=12))
