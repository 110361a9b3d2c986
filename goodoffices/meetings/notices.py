"""Notices about meetings: in-app notifications and e-mail, each sent only to people who may
see the record it is about (goodoffices.policies.audience_reader_ids), and, for a step that needs
someone's act, only to those who must act (``who``): the heads of delegation, who act for their
parties, and for a meeting held also the mediators, who draft its record.

E-mail is queued in the outbox in the caller's transaction and sent by the worker after commit
(goodoffices.mail), at once or in a daily digest as each reader chose: the request's answer
never depends on a mail server."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from goodoffices.accounts.models import User
from goodoffices.compiled import table
from goodoffices.mail.models import MailPreference
from goodoffices.mail.services import Mail, mail_enqueue
from goodoffices.policies import audience_reader_ids, visible_processes
from goodoffices.processes.models import (
    Appointment,
    AppointmentRole,
    DelegationMembership,
    DelegationRole,
    Party,
    Process,
)

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


def _acting(process: Process, who: Who, except_parties: Sequence[int]) -> tuple[str, list[Any]]:
    """The ids of those who act on a step of ``process``, as SQL: its heads of delegation (but
    those of ``except_parties``), and, for a meeting held, its mediators."""
    q = connection.ops.quote_name
    sql = (
        f"SELECT m.{q('user_id')} FROM {table(DelegationMembership)} m"  # noqa: S608 - names from the models
        f" INNER JOIN {table(Party)} p ON p.{q('id')} = m.{q('party_id')}"
        f" WHERE p.{q('process_id')} = %s AND m.{q('role')} = %s"
    )
    params: list[Any] = [process.pk, DelegationRole.HEAD.value]
    if except_parties:
        sql += f" AND m.{q('party_id')} NOT IN ({', '.join(['%s'] * len(except_parties))})"
        params.extend(except_parties)
    if who == Who.HEADS_AND_MEDIATORS:
        sql += (
            f" UNION SELECT {q('user_id')} FROM {table(Appointment)}"  # noqa: S608 - names from the models
            f" WHERE {q('process_id')} = %s AND {q('role')} = %s"
        )
        params.extend([process.pk, AppointmentRole.MEDIATOR.value])
    return sql, params


@dataclass(frozen=True)
class _Recipient:
    pk: int
    email: str
    language: str
    later: bool


def _recipients(
    process: Process, record_audience: str, actor: User | None, who: Who, except_parties: Sequence[int]
) -> list[_Recipient]:
    """Who is told, in one query: the active readers of the record but the actor, narrowed to those
    who act (``who``), each with whether they chose e-mail later (a digest, or none)."""
    readers = audience_reader_ids(process, record_audience)
    if readers is None:
        return []
    q = connection.ops.quote_name
    sql = (
        f"SELECT u.{q('id')}, u.{q('email')}, u.{q('language')},"  # noqa: S608 - names from the models
        f" EXISTS (SELECT 1 FROM {table(MailPreference)} mp WHERE mp.{q('user_id')} = u.{q('id')}"
        f" AND mp.{q('choice')} <> %s)"
        f" FROM {table(User)} u WHERE u.{q('is_active')} = %s AND u.{q('id')} IN ({readers[0]})"
    )
    params: list[Any] = [MailPreference.Choice.NOW.value, True, *readers[1]]
    if who != Who.EVERYONE:
        acting, acting_params = _acting(process, who, except_parties)
        sql += f" AND u.{q('id')} IN ({acting})"
        params.extend(acting_params)
    if actor is not None:
        sql += f" AND u.{q('id')} <> %s"
        params.append(actor.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql + f" ORDER BY u.{q('id')}", params)
        return [_Recipient(pk, email, language, bool(later)) for pk, email, language, later in cursor.fetchall()]


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
    except_parties: Sequence[int] = (),
) -> int:
    """Notify everyone who may read ``subject`` except the actor (narrowed to those who must act,
    ``who``, but the heads of ``except_parties``), in the app and by e-mail (sent by the worker
    once the caller's transaction commits, or gathered in the reader's daily digest). Returns how
    many were told."""
    if except_parties and who == Who.EVERYONE:
        raise ValueError("except_parties narrows those who act: name who acts")
    recipients = _recipients(process, record_audience, actor, who, except_parties)
    if not recipients:
        return 0
    url = _url(subject)
    Notification.objects.bulk_create(
        Notification(user_id=u.pk, process=process, message=message, params=params, url=url, email=email)
        for u in recipients
    )
    if email:
        site = settings.SITE_URL.rstrip("/")
        mail_enqueue(
            _mail(u.email, u.language, message, params, site + url) for u in recipients if u.email and not u.later
        )
    return len(recipients)


def _mail(to: str, language: str, message: str, params: dict[str, Any], link: str) -> Mail:
    with translation.override(language or settings.LANGUAGE_CODE):
        text = render(message, params)
        body = gettext("%(text)s\n\nOpen it in Good Offices: %(url)s") % {"text": text, "url": link}
    return Mail(to=to, subject=text, body=body)


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
                # Only of processes the reader is still admitted to: one removed from a delegation
                # since is told nothing more of it.
                .filter(process__in=visible_processes(preference.user))
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
