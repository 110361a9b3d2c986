"""Reads of accounts."""

from django.utils.translation import gettext as _

from goodoffices.lib.errors import Invalid

from .models import ApiToken, User


def user_by_username(username: str) -> User:
    """The active account called ``username``; ``Invalid`` naming the field otherwise."""
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise Invalid.one("username", _("no active account is called %(name)r") % {"name": username.strip()})
    return user


def api_token_list(*, user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
