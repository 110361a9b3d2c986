"""The admin's one base: staff read here; every change goes through the services (the web
pages and the API), so that each one is checked and recorded as an event.

The admin has no sign-in of its own: its login page sends people to the site's one sign-in,
which asks for the second factor, so that no way in asks for the password alone."""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class SignInAdminSite(admin.AdminSite):
    site_header = "Good Offices administration"

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.user.is_authenticated:
            # Signed in, but the admin is not for this account: no second sign-in form here.
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), settings.LOGIN_URL)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
