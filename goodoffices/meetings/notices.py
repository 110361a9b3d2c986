"""Notices about meetings: in-app notifications and e-mail, each sent only to people who may
see the record it is about (goodoffices.policies.audience_members).

E-mail is queued in the outbox in the caller's transaction and sent by the worker after commit
(goodoffices.mail): the request's answer never depends on a mail server."""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from goodoffices.accounts.models import User
from goodoffices.mail.services import Mail, mail_enqueue
from goodoffices.policies import audience_members
from goodoffices.processes.models import Process

from .joint import render
from .models import Notification


def _url(subject: models.Model) -> str:
    from .models import Communique, Meeting, Proposal

    if isinstance(subject, Proposal):
        return reverse("proposal", args=[subject.pk])
    if isinstance(subject, Meeting):
        return reverse("meeting", args=[subject.pk])
    if isinstance(subject, Communique):
        return reverse("meeting", args=[subject.meeting_id])
    return reverse("process", args=[subject.process_id])  # type: ignore[attr-defined]


def notify(
    *,
    process: Process,
    record_audience: str,
    subject: models.Model,
    actor: User | None,
    message: str,
    params: dict[str, Any],
    email: bool = True,
) -> None:
    """Notify everyone who may read ``subject`` except the actor, in the app and by e-mail (sent
    by the worker once the caller's transaction commits)."""
    url = _url(subject)
    recipients = [u for u in audience_members(process, record_audience) if actor is None or u.pk != actor.pk]
    Notification.objects.bulk_create(
        Notification(user=u, process=process, message=message, params=params, url=url) for u in recipients
    )
    if email:
        site = settings.SITE_URL.rstrip("/")
        mail_enqueue(_mail(u, message, params, site + url) for u in recipients if u.email)


def _mail(user: User, message: str, params: dict[str, Any], link: str) -> Mail:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = render(message, params)
        body = gettext("%(text)s\n\nOpen it in Good Offices: %(url)s") % {"text": text, "url": link}
    return Mail(to=user.email, subject=text, body=body)
