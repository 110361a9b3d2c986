"""Accounts in the admin are read-only. Who someone is (password, staff and superuser flags,
second factor) changes only through services that record an event: the owner resets a password
through the link sent to their own e-mail address, and staff accounts are made with
``goodoffices createsuperuser`` (docs/operators.md)."""

from django.contrib import admin

from goodoffices.web.admin import ReadOnlyAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "display_name", "email", "is_active", "is_staff", "totp_enabled", "last_login")
    list_filter = ("is_active", "is_staff", "totp_enabled")
    search_fields = ("username", "display_name", "email")
    fields = (
        "username",
        "display_name",
        "email",
        "timezone",
        "language",
        "is_active",
        "is_staff",
        "is_superuser",
        "totp_enabled",
        "last_login",
        "date_joined",
    )
    readonly_fields = fields


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are created and revoked by their owners, through the service that records it."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "digest", "created_at", "last_used_at", "revoked_at")
