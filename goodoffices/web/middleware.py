import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation

from goodoffices.accounts.models import User
from goodoffices.policies import two_factor_required

Handler = Callable[[HttpRequest], HttpResponse]


class UserPreferencesMiddleware:
    """Show times in the reader's zone and pages in the reader's chosen language."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User):
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            if user.language and user.language in dict(settings.LANGUAGES):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        else:
            timezone.deactivate()
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Send mediators and signatories to two-factor set-up when their mandate requires it."""

    EXEMPT_PREFIXES = ("/account/two-factor", "/logout", "/static/", "/i18n/", "/healthz", "/api/")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and not user.totp_enabled
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and two_factor_required(user)
        ):
            return redirect(reverse("two_factor") + "?required=1")
        return self.get_response(request)
