"""Account writes: API tokens, two-factor enrolment and password resets.

Account events belong to no process, so no process feed shows them; the ledger seals them.
Who someone is (password, second factor) changes only here, each change with its event; the
admin shows accounts but changes none of them.
"""

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from goodoffices.compiled import CompiledQuery
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience, zones
from goodoffices.lib.errors import FieldError, Invalid, NotFound

from .models import ApiToken, User

TOKEN_PREFIX = "go_"
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "api") -> tuple[ApiToken, str]:
    """Create a token; returns the row and the clear token, which is never stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise Invalid.one("name", _("a token name must have 1 to 80 characters"))
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=clear[:10], digest=token_digest(clear))
    event_record(
        kind=EventKind.ACCOUNT_TOKEN_CREATED,
        actor=user,
        subject=token,
        audience=audience.SEALED,
        payload={"name": name},
    )
    return token, clear


_USER_FIELDS = tuple(field.attname for field in User._meta.concrete_fields)


def _token_lookup(facts: Mapping[str, Any]) -> CompiledQuery:
    return CompiledQuery(
        lambda digest: (
            ApiToken.objects.annotate(**facts)
            .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
            .order_by()
            .values_list("pk", "last_used_at", *(f"user__{name}" for name in _USER_FIELDS), *facts)
        ),
        values=(str,),
    )


_lookups: dict[tuple[str, ...], CompiledQuery] = {}


def api_token_authenticate(*, token: str, facts: Mapping[str, Any] | None = None) -> User | None:
    """The active user a valid token belongs to. ``facts`` are expressions over the token's
    ``user`` (e.g. a policy's; always the same expression under the same name), read in the same
    query and left on ``user.token_facts``. Every API request runs this lookup: it is compiled
    once (goodoffices.compiled)."""
    facts = facts or {}
    names = tuple(facts)
    lookup = _lookups.get(names)
    if lookup is None:
        lookup = _lookups.setdefault(names, _token_lookup(facts))
    rows = lookup.rows(token_digest(token))
    if not rows:
        return None
    token_id, last_used_at, *rest = rows[0]
    # Last use is a convenience, not state worth an event, and a read must not write: it is
    # recorded at most once a minute.
    now = timezone.now()
    if last_used_at is None or now - last_used_at > TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    user = User.from_db(DEFAULT_DB_ALIAS, list(_USER_FIELDS), rest[: len(_USER_FIELDS)])
    user.token_facts = dict(zip(names, rest[len(_USER_FIELDS) :], strict=True))
    return user


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    token = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound("token")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    event_record(
        kind=EventKind.ACCOUNT_TOKEN_REVOKED,
        actor=user,
        subject=token,
        audience=audience.SEALED,
        payload={"name": token.name},
    )


def _totp_step(secret: str, code: str, at: datetime) -> int | None:
    """The time step whose code ``code`` is, within one step of ``at`` (clock drift); else None."""
    totp = pyotp.TOTP(secret)
    code = code.strip()
    if len(code) != totp.digits or not code.isdigit():
        return None
    now = totp.timecode(at)
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def totp_verify(*, user: User, code: str) -> bool:
    """True when ``user`` has no second factor, or ``code`` is a current code of theirs that was
    never accepted before. A code is accepted once: the step it belongs to is kept, and a code
    of the same or an earlier step is refused afterwards, even by a concurrent request."""
    if not user.totp_enabled or not user.totp_secret:
        return True
    step = _totp_step(user.totp_secret, code, timezone.now())
    if step is None:
        return False
    # One conditional UPDATE: of two requests racing with the same code, only one matches.
    accepted = (
        User.objects.filter(pk=user.pk)
        .filter(Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step))
        .update(totp_last_step=step)
    )
    if accepted:
        user.totp_last_step = step
    return accepted == 1


@transaction.atomic
def totp_begin(*, user: User) -> str:
    """Start enrolment: a new secret, not yet enforced until confirmed with a code."""
    if user.totp_enabled:
        raise Invalid.one("otp", _("two-factor authentication is already on"))
    user.totp_secret = pyotp.random_base32()
    user.save(update_fields=["totp_secret"])
    return user.totp_secret


@transaction.atomic
def totp_confirm(*, user: User, code: str) -> None:
    if not user.totp_secret:
        raise Invalid.one("otp", _("start two-factor set-up first"))
    step = _totp_step(user.totp_secret, code, timezone.now())
    if step is None:
        raise Invalid.one("otp", _("that code is not valid; check the time on your device"))
    user.totp_enabled = True
    # The code that turned two-factor on is spent: it cannot sign in as well.
    user.totp_last_step = step
    user.save(update_fields=["totp_enabled", "totp_last_step"])
    event_record(
        kind=EventKind.ACCOUNT_TWO_FACTOR_ENABLED,
        actor=user,
        subject=user,
        audience=audience.SEALED,
        payload={},
    )


@transaction.atomic
def user_password_reset(*, user: User, password: str) -> None:
    """Set the password of ``user`` after they proved they hold the account's e-mail address
    (Django's password-reset link, sent to them and to no one else). Staff never set one."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid.one("new_password1", " ".join(exc.messages)) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    event_record(
        kind=EventKind.ACCOUNT_PASSWORD_RESET,
        actor=user,
        subject=user,
        audience=audience.SEALED,
        payload={},
    )


@transaction.atomic
def user_preferences_set(*, user: User, timezone_name: str, language: str) -> None:
    errors = []
    if timezone_name not in zones.available():
        errors.append(FieldError("timezone", _("%(name)r is not an IANA time zone") % {"name": timezone_name}))
    if language and language not in dict(settings.LANGUAGES):
        errors.append(FieldError("language", _("%(code)r is not a supported language") % {"code": language}))
    if errors:
        raise Invalid(errors)
    user.timezone = timezone_name
    user.language = language
    user.save(update_fields=["timezone", "language"])
