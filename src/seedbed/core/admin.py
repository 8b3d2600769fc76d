from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from seedbed.core.models import (
    AuditEvent,
    Country,
    Job,
    Membership,
    MembershipRequest,
    Organization,
    RoleGrant,
    User,
)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    readonly_fields = ("granted_at", "granted_by")


@admin.register(User)
class SeedbedUserAdmin(UserAdmin):
    inlines = [RoleGrantInline]
    list_display = ("username", "full_name", "email", "is_active", "last_login")
    search_fields = ("username", "full_name", "email")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Seedbed", {"fields": ("full_name",)}))


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name", "iso2", "iso3", "unicef_region", "programme_country")
    list_filter = ("unicef_region", "programme_country")
    search_fields = ("name", "iso2", "iso3")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # countries come from `seedbed countries sync`


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "is_sample")
    list_filter = ("kind", "is_sample")
    search_fields = ("name",)
    autocomplete_fields = ("country", "parent")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "title")
    autocomplete_fields = ("user", "organization")


@admin.register(MembershipRequest)
class MembershipRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "organization", "outcome", "decided_by")
    list_filter = ("outcome",)
    autocomplete_fields = ("user", "organization")
    readonly_fields = ("decided_at", "decided_by")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "object_repr")
    list_filter = ("action",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "title", "status", "done", "total", "created_by")
    list_filter = ("status", "kind")
