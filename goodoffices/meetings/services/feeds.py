"""A user's private calendar link: the secret is shown once, only its SHA-256 is stored."""

import hashlib
import secrets

from django.db import transaction

from goodoffices.accounts.models import User
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience, clock

from ..models import CalendarFeed


@transaction.atomic
def calendar_feed_replace(*, user: User, create: bool) -> str | None:
    """Revoke the user's calendar link and, with ``create``, make a new one. Returns the new
    secret, which is shown once."""
    revoked = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=clock.now())
    secret = None
    if create:
        secret = secrets.token_urlsafe(32)
        feed = CalendarFeed.objects.create(user=user, digest=hashlib.sha256(secret.encode()).hexdigest())
        event_record(
            kind=EventKind.CALENDAR_FEED_CREATED, actor=user, subject=feed, audience=audience.SEALED, payload={}
        )
    elif revoked:
        event_record(
            kind=EventKind.CALENDAR_FEED_REVOKED, actor=user, subject=user, audience=audience.SEALED, payload={}
        )
    return secret


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    """Mark every notice of ``user`` read. A notice is a convenience, not recorded state: no
    event (the ledger would otherwise grow with every click)."""
    return user.notifications.filter(read_at__isnull=True).update(read_at=clock.now())
