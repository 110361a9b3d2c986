"""Notices about meetings: in-app notifications and e-mail, each sent only to people who may
see the record it is about (goodoffices.policies.audience_members), and, for a step that needs
someone's act, only to those who must act (``who``): the heads of delegation, who act for their
parties, and for a meeting held also the mediators, who draft its record.

E-mail is queued in the outbox in the caller's transaction and sent by the worker after commit
(goodoffices.mail), at once or in a daily digest as each reader chose: the request's answer
never depends on a mail server."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from goodoffices.accounts.models import User
from goodoffices.mail.models import MailPreference
from goodoffices.mail.services import Mail, mail_enqueue
from goodoffices.policies import audience_members
from goodoffices.processes.models import Appointment, AppointmentRole, DelegationMembership, DelegationRole, Process

from .joint import render
from .models import Notification

DIGEST_EVERY = timedelta(days=1)
DIGEST_BATCH = 200


class Who(StrEnum):
    """Who is told: everyone who may see the record, or only those who must act on it."""

    EVERYONE = "everyone"
    HEADS = "heads"
    HEADS_AND_MEDIATORS = "heads_and_mediators"


def _url(subject: models.Model) -> str:
    from .models import Communique, Meeting, Proposal

    if isinstance(subject, Proposal):
        return reverse("proposal", args=[subject.pk])
    if isinstance(subject, Meeting):
        return reverse("meeting", args=[subject.pk])
    if isinstance(subject, Communique):
        return reverse("meeting", args=[subject.meeting_id])
    return reverse("process", args=[subject.process_id])  # type: ignore[attr-defined]


def must_act(process: Process, who: Who) -> set[int]:
    """The users of ``process`` who act on a step: its heads of delegation (and mediators)."""
    ids = set(
        DelegationMembership.objects.filter(party__process=process, role=DelegationRole.HEAD).values_list(
            "user_id", flat=True
        )
    )
    if who == Who.HEADS_AND_MEDIATORS:
        ids |= set(
            Appointment.objects.filter(process=process, role=AppointmentRole.MEDIATOR).values_list("user_id", flat=True)
        )
    return ids


def notify(
    *,
    process: Process,
    record_audience: str,
    subject: models.Model,
    actor: User | None,
    message: str,
    params: dict[str, Any],
    email: bool = True,
    who: Who = Who.EVERYONE,
    only: Iterable[int] | None = None,
) -> None:
    """Notify everyone who may read ``subject`` except the actor (narrowed to those who must act,
    ``who``, or to the users ``only``), in the app and by e-mail (sent by the worker once the
    caller's transaction commits, or gathered in the reader's daily digest)."""
    url = _url(subject)
    recipients = [u for u in audience_members(process, record_audience) if actor is None or u.pk != actor.pk]
    if who != Who.EVERYONE:
        acting = must_act(process, who)
        recipients = [u for u in recipients if u.pk in acting]
    if only is not None:
        allowed = set(only)
        recipients = [u for u in recipients if u.pk in allowed]
    Notification.objects.bulk_create(
        Notification(user=u, process=process, message=message, params=params, url=url, email=email) for u in recipients
    )
    if email:
        later = set(
            MailPreference.objects.filter(user__in=recipients)
            .exclude(choice=MailPreference.Choice.NOW)
            .values_list("user_id", flat=True)
        )
        site = settings.SITE_URL.rstrip("/")
        mail_enqueue(_mail(u, message, params, site + url) for u in recipients if u.email and u.pk not in later)


def _mail(user: User, message: str, params: dict[str, Any], link: str) -> Mail:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = render(message, params)
        body = gettext("%(text)s\n\nOpen it in Good Offices: %(url)s") % {"text": text, "url": link}
    return Mail(to=user.email, subject=text, body=body)


def digests_send(*, now: datetime) -> int:
    """Send each reader who chose a daily digest, a day after the last, one e-mail with the
    notices worth an e-mail since then. One bounded pass, safe in two workers: a digest is
    claimed by moving ``digest_sent_at`` before it is queued, in one transaction."""
    due = (
        MailPreference.objects.filter(choice=MailPreference.Choice.DIGEST, user__is_active=True)
        .exclude(user__email="")
        .filter(models.Q(digest_sent_at__isnull=True) | models.Q(digest_sent_at__lte=now - DIGEST_EVERY))
        .select_related("user")
        .order_by("digest_sent_at", "pk")[:DIGEST_BATCH]
    )
    sent = 0
    site = settings.SITE_URL.rstrip("/")
    for preference in due:
        since = preference.digest_sent_at or now - DIGEST_EVERY
        with transaction.atomic():
            claimed = MailPreference.objects.filter(pk=preference.pk, digest_sent_at=preference.digest_sent_at).update(
                digest_sent_at=now
            )
            if not claimed:
                continue
            notices = list(
                Notification.objects.filter(user=preference.user, email=True, created_at__gt=since, created_at__lte=now)
                .select_related("process")
                .order_by("id")
            )
            if not notices:
                continue
            user = preference.user
            with translation.override(user.language or settings.LANGUAGE_CODE):
                lines = [f"- {render(n.message, n.params)}\n  {site}{n.url}" for n in notices]
                subject = gettext("Good Offices: %(count)s notice(s) since your last digest") % {"count": len(notices)}
                body = gettext("What happened in your processes since your last digest:\n\n%(lines)s") % {
                    "lines": "\n".join(lines)
                }
            mail_enqueue([Mail(to=user.email, subject=subject, body=body)])
            sent += 1
    return sent
