"""Notices about meetings: in-app notifications and e-mail, each sent only to people who may
see the record it is about (goodoffices.policies.audience_members)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from goodoffices.accounts.models import User
from goodoffices.policies import audience_members
from goodoffices.processes.models import Process

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
    params: dict[str, str],
    email: bool = False,
) -> None:
    """Notify everyone who may read ``subject`` except the actor; e-mail after commit."""
    url = _url(subject)
    recipients = [u for u in audience_members(process, record_audience) if actor is None or u.pk != actor.pk]
    Notification.objects.bulk_create(
        Notification(user=u, process=process, message=message, params=params, url=url) for u in recipients
    )
    if email:
        mails = [(u.email, u.language or settings.LANGUAGE_CODE) for u in recipients if u.email]
        transaction.on_commit(lambda: _send(mails, message, params, url))


def _send(mails: list[tuple[str, str]], message: str, params: dict[str, str], url: str) -> None:
    for address, language in mails:
        with translation.override(language):
            text = gettext(message) % params
            body = gettext("%(text)s\n\nOpen it in Good Offices: %(url)s") % {
                "text": text,
                "url": settings.SITE_URL.rstrip("/") + url,
            }
            send_mail(text, body, None, [address], fail_silently=True)
