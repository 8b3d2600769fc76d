from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DpgConfig(AppConfig):
    name = "seedbed.dpg"
    label = "dpg"
    verbose_name = _("DPG readiness")
    demo_loader = "seedbed.dpg.demo.load"
    demo_order = 50

    def ready(self) -> None:
        from seedbed.core.attention import register as register_attention
        from seedbed.core.navigation import NavEntry, register
        from seedbed.dpg import access
        from seedbed.dpg.attention import dpg_attention

        register(NavEntry(_("Solutions"), "solution_list", access.can_view_solutions_nav, order=12))
        register_attention(dpg_attention)
