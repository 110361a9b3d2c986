"""One reminder before a proposal's answer deadline passes, to the heads of the parties that
have not answered it (worker job ``reply-reminders``). Who has answered is read from the joint
consent by the system alone: each head is told only about its own party."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext_noop

from goodoffices.consent.models import Consent, Purpose
from goodoffices.consent.services import joint_consent_lock

from .models import Proposal
from .notices import Who, notify

REMIND_BEFORE = timedelta(days=1)
BATCH = 100

REMINDER = gettext_noop(
    "Reminder: your party has not answered the proposal “%(title)s”. The parties are asked to answer by %(when)s."
)


def reply_reminders_send(*, now: datetime) -> int:
    """Remind, once, the heads whose parties have not answered an open proposal whose deadline
    falls within a day. A bounded pass, safe in two workers: each proposal is claimed by setting
    ``reminded_at`` in the transaction that queues its notices."""
    due = list(
        Proposal.objects.filter(
            status=Proposal.Status.OPEN,
            reply_by__gt=now,
            reply_by__lte=now + REMIND_BEFORE,
            reminded_at__isnull=True,
        )
        .select_related("process__mandate")
        .order_by("reply_by", "pk")[:BATCH]
    )
    reminded = 0
    for proposal in due:
        with transaction.atomic():
            # Claimed only while still open and unreminded: a proposal answered, declined or
            # withdrawn since the list was read is left alone.
            claimed = Proposal.objects.filter(
                pk=proposal.pk, status=Proposal.Status.OPEN, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            joint = joint_consent_lock(subject=proposal, purpose=Purpose.READINESS)
            if joint is None:
                continue
            answered = sorted(set(Consent.objects.filter(joint=joint).values_list("party_id", flat=True)))
            assert proposal.reply_by is not None
            told = notify(
                process=proposal.process,
                record_audience=proposal.audience,
                subject=proposal,
                actor=None,
                message=REMINDER,
                params={"title": proposal.title, "when": proposal.reply_by.strftime("%Y-%m-%d %H:%M UTC")},
                who=Who.HEADS,
                except_parties=answered,
            )
            reminded += bool(told)
    return reminded
