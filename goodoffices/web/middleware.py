import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from goodoffices.accounts.models import User
from goodoffices.policies import two_factor_missing

Handler = Callable[[HttpRequest], HttpResponse]

# Browser features the platform never uses, turned off for every page and every frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
    )
)


class ResponseHeadersMiddleware:
    """Headers of every answer: a Permissions-Policy; and ``Cache-Control: private, no-store``
    on whatever was answered to a signed-in user (by session or by token), unless the view chose
    its own caching (the public register, the ledger, static files)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # Static files are answered before authentication runs: they have no user.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


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
        if isinstance(user, User) and not request.path.startswith(self.EXEMPT_PREFIXES) and two_factor_missing(user):
            return redirect(reverse("two_factor") + "?required=1")
        return self.get_response(request)
