"""The outbox: e-mail is queued in the transaction of the change it tells about and sent by the
worker afterwards, through Django's mail backends, with retries. A request never waits for a
mail server, and never fails because of one."""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from goodoffices.lib.errors import Invalid

from .models import MailPreference, OutboundMail

logger = logging.getLogger(__name__)

# A claim outlives the slowest batch (BATCH sends, each bounded by EMAIL_TIMEOUT); a worker that
# died mid-batch leaves its messages to the others once it lapses.
BATCH = 20
LEASE = timedelta(minutes=30)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
MAX_SUBJECT = 300


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def _one_line(text: str) -> str:
    # A header holds one line: Django refuses a subject with a line break (BadHeaderError).
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())[:MAX_SUBJECT]


def mail_enqueue(mails: Iterable[Mail]) -> int:
    """Queue ``mails`` in the caller's transaction: they exist exactly when its change commits."""
    rows = [OutboundMail(to=m.to, subject=_one_line(m.subject), body=m.body) for m in mails if m.to]
    OutboundMail.objects.bulk_create(rows)
    return len(rows)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes after the attempts so far, at most LONGEST_RETRY."""
    delay: timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(delay, LONGEST_RETRY)


@dataclass(frozen=True)
class Delivery:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"sent {self.sent}, will retry {self.retrying}, gave up on {self.failed}"

    def __bool__(self) -> bool:
        return bool(self.sent or self.retrying or self.failed)


def _claim(now: datetime, token: str) -> list[OutboundMail]:
    """Claim up to BATCH due messages, atomically: on PostgreSQL rows another worker is claiming
    are skipped (SKIP LOCKED); SQLite's write transaction admits one claimer at a time."""
    with transaction.atomic():
        due = (
            OutboundMail.objects.filter(status=OutboundMail.Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True)
        )
        ids = list(due.values_list("id", flat=True)[:BATCH])
        OutboundMail.objects.filter(id__in=ids).update(
            claim=token, claimed_until=now + LEASE, attempts=F("attempts") + 1
        )
    return list(OutboundMail.objects.filter(id__in=ids, claim=token).order_by("id"))


def _settle(mail: OutboundMail, token: str, **fields: object) -> None:
    # Only while the claim is still ours: a lapsed claim may have passed the message on.
    OutboundMail.objects.filter(id=mail.pk, claim=token).update(claim="", claimed_until=None, **fields)


def mail_deliver(*, now: datetime | None = None) -> Delivery:
    """Send the messages that are due, once each; reschedule failures with backoff, give up after
    GOODOFFICES_MAIL_MAX_ATTEMPTS. Safe to run in several workers at once."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    claimed = _claim(now, token)
    if not claimed:
        return Delivery()
    sent = retrying = failed = 0
    connection = get_connection(fail_silently=False)
    for mail in claimed:
        message = EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to], connection=connection)
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - whatever the backend raises, the message waits for another try
            error = f"{type(exc).__name__}: {exc}"[:500]
            if mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
                logger.error(
                    "giving up on mail #%s to %s after %s attempts: %s", mail.pk, mail.to, mail.attempts, error
                )
                _settle(mail, token, status=OutboundMail.Status.FAILED, last_error=error)
                failed += 1
            else:
                delay = retry_delay(mail.attempts)
                logger.warning(
                    "mail #%s to %s failed (attempt %s), retrying in %s: %s",
                    mail.pk,
                    mail.to,
                    mail.attempts,
                    delay,
                    error,
                )
                _settle(mail, token, next_attempt_at=now + delay, last_error=error)
                retrying += 1
        else:
            _settle(mail, token, status=OutboundMail.Status.SENT, sent_at=timezone.now(), last_error="")
            sent += 1
    return Delivery(sent, retrying, failed)


def mail_preference_get(*, user_id: int) -> str:
    """How the user wants notice e-mail: ``now`` unless it chose otherwise."""
    choice = MailPreference.objects.filter(user_id=user_id).values_list("choice", flat=True).first()
    return choice or MailPreference.Choice.NOW


@transaction.atomic
def mail_preference_set(*, user_id: int, choice: str) -> None:
    """Each notice's e-mail at once, a daily digest, or none. A personal, operational setting
    (like delivery state): no event. Choosing the digest starts it from now."""
    if choice not in MailPreference.Choice.values:
        raise Invalid.one("choice", f"choose one of {', '.join(MailPreference.Choice.values)}")
    MailPreference.objects.update_or_create(
        user_id=user_id,
        defaults={
            "choice": choice,
            "digest_sent_at": timezone.now() if choice == MailPreference.Choice.DIGEST else None,
        },
    )
