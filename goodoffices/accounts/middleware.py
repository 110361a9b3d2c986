"""The one place that decides whether a session counts as signed in.

An account with two-factor on is signed in only by a session in which it passed its second
factor: at the site's sign-in, or by turning two-factor on. Any other session of that account
(one from before it turned two-factor on, or opened by any way in that asked only for the
password) is anonymous for every page and API call. Bearer tokens are minted only after the
same check (``POST /api/v1/auth/token``).
"""

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from goodoffices.lib import clock

from .models import User

SECOND_FACTOR_SESSION_KEY = "goodoffices_second_factor"
# When this session last proved who its user is (sign-in, or confirming the password again):
# signing an agreement needs it to be recent.
AUTHENTICATED_AT_SESSION_KEY = "goodoffices_authenticated_at"


def second_factor_passed(request: HttpRequest, user: User) -> None:
    """Mark the request's session as having passed ``user``'s second factor."""
    request.session[SECOND_FACTOR_SESSION_KEY] = user.pk


def authenticated_now(request: HttpRequest) -> None:
    """The session's user has just proved who they are (password, and code where two-factor is on)."""
    request.session[AUTHENTICATED_AT_SESSION_KEY] = clock.now().isoformat()


def authenticated_at(request: HttpRequest) -> datetime | None:
    """When the session's user last proved who they are, or None."""
    raw = request.session.get(AUTHENTICATED_AT_SESSION_KEY)
    try:
        return datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def session_counts_for(request: HttpRequest, user: User) -> bool:
    return not user.totp_enabled or request.session.get(SECOND_FACTOR_SESSION_KEY) == user.pk


async def _anonymous() -> AnonymousUser:
    return AnonymousUser()


class SecondFactorSessionMiddleware:
    """Right after Django's AuthenticationMiddleware: a session that did not pass its account's
    second factor is anonymous."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User) and not session_counts_for(request, user):
            request.user = AnonymousUser()
            request.auser = _anonymous
        return self.get_response(request)
