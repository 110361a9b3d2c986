from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from goodoffices.lib import zones


def validate_timezone(value: str) -> None:
    if value not in zones.available():
        raise ValidationError(_("%(value)s is not an IANA time zone"), params={"value": value})


class User(AbstractUser):
    """A person. Roles come from processes (delegations, appointments), never from here."""

    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_timezone])
    language = models.CharField(_("language"), max_length=8, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_enabled = models.BooleanField(default=False)
    # The time step of the last one-time code accepted: a code is good once, and never again
    # with the same or an earlier step (RFC 6238, section 5.2).
    totp_last_step = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    # Facts read with the API token that signed this user in (accounts.services), not stored.
    token_facts: dict[str, Any]

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A bearer token for scripts. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


def signed_in(request: HttpRequest) -> User:
    """The request's user, for views that already require sign-in."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
