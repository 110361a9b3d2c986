"""The one place that decides whether a session counts as signed in.

An account with two-factor on is signed in only by a session in which it passed its second
factor: at the site's sign-in, or by turning two-factor on. Any other session of that account
(one from before it turned two-factor on, or opened by any way in that asked only for the
password) is anonymous for every page and API call. Bearer tokens are minted only after the
same check (``POST /api/v1/auth/token``).
"""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from .models import User

SECOND_FACTOR_SESSION_KEY = "goodoffices_second_factor"


def second_factor_passed(request: HttpRequest, user: User) -> None:
    """Mark the request's session as having passed ``user``'s second factor."""
    request.session[SECOND_FACTOR_SESSION_KEY] = user.pk


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
