"""Notices about commitments: in-app notifications and e-mail (queued in the caller's transaction,
sent by the worker, at once or in the daily digest as each reader chose), to recipients the caller
chose among those who may read the commitment."""

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from goodoffices.accounts.models import User
from goodoffices.agreements.models import Commitment
from goodoffices.mail.models import MailPreference
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
    if not recipients:
        return 0
    url = commitment_url(subject)
    # Worth an e-mail: at once, or in the reader's daily digest, or not at all, as each chose.
    Notification.objects.bulk_create(
        Notification(user=user, process=process, message=message, params=params, url=url, email=True)
        for user in recipients
    )
    later = set(
        MailPreference.objects.filter(user__in=[user.pk for user in recipients])
        .exclude(choice=MailPreference.Choice.NOW)
        .values_list("user_id", flat=True)
    )
    site = settings.SITE_URL.rstrip("/")
    mail_enqueue(_mail(user, message, params, site + url) for user in recipients if user.email and user.pk not in later)
    return len(recipients)


def _mail(user: User, message: str, params: dict[str, str], link: str) -> Mail:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = gettext(message) % params
        body = gettext("%(text)s\n\nOpen it in Good Offices: %(url)s") % {"text": text, "url": link}
    return Mail(to=user.email, subject=text, body=body)
