from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "seedbed.calls"
    label = "calls"
    verbose_name = _("Calls for applications")
    demo_loader = "seedbed.calls.demo.load"
    demo_order = 30

    def ready(self) -> None:
        from seedbed.calls import access
        from seedbed.calls.attention import calls_attention
        from seedbed.core.attention import register as register_attention
        from seedbed.core.navigation import NavEntry, register

        register(NavEntry(_("Calls"), "call_list", access.can_view_calls, order=5))
        register(NavEntry(_("My applications"), "my_applications", access.can_apply_nav, order=6))
        register(NavEntry(_("My reviews"), "review_list", access.can_review, order=7))
        register(NavEntry(_("Committee"), "my_meetings", access.can_view_meetings, order=8))
        register_attention(calls_attention)
