"""Notices about commitments: in-app notifications and e-mail (queued in the caller's transaction,
sent by the worker), to recipients the caller chose among those who may read the commitment."""

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from goodoffices.accounts.models import User
from goodoffices.agreements.models import Commitment
from goodoffices.mail.services import Mail, mail_enqueue
from goodoffices.meetings.models import Notification
from goodoffices.processes.models import Process


def commitment_url(commitment: Commitment) -> str:
    return reverse("commitment", args=[commitment.pk])


def notify(
    *,
    recipients: Sequence[User],
    process: Process,
    subject: Commitment,
    message: str,
    params: dict[str, str],
) -> int:
    """Tell ``recipients`` ``message % params`` (stored untranslated, translated for each reader),
    in the app and by e-mail; the number told."""
    url = commitment_url(subject)
    Notification.objects.bulk_create(
        Notification(user=user, process=process, message=message, params=params, url=url) for user in recipients
    )
    site = settings.SITE_URL.rstrip("/")
    mail_enqueue(_mail(user, message, params, site + url) for user in recipients if user.email)
    return len(recipients)


def _mail(user: User, message: str, params: dict[str, str], link: str) -> Mail:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = gettext(message) % params
        body = gettext("%(text)s\n\nOpen it in Good Offices: %(url)s") % {"text": text, "url": link}
    return Mail(to=user.email, subject=text, body=body)
