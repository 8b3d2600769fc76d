from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "seedbed.core"
    label = "core"
    verbose_name = _("Directory and platform")
    # `seedbed demo` calls each app's demo loader in this order (see seedbed.core.demo_framework).
    demo_loader = "seedbed.core.demo.load"
    demo_order = 10

    def ready(self) -> None:
        from seedbed.core import access
        from seedbed.core.navigation import NavEntry, register

        register(NavEntry(_("Organizations"), "organization_list", access.can_view_directory, order=10))
        register(NavEntry(_("Countries"), "country_list", access.can_view_directory, order=20))
        register(NavEntry(_("Invitations"), "invitation_list", access.can_invite, order=900))
        register(NavEntry(_("Audit log"), "audit_log", access.can_view_audit_log, order=910))
