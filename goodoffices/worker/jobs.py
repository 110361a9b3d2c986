"""The jobs `goodoffices worker` runs: each a function of the current time that does one bounded
pass, safe in two workers."""

from datetime import datetime, timedelta

from django.conf import settings

from goodoffices.caucus.sweep import orphan_files_sweep
from goodoffices.ledger.integrate import integrate_epoch
from goodoffices.mail.services import mail_deliver
from goodoffices.meetings.notices import digests_send
from goodoffices.meetings.reminders import reply_reminders_send
from goodoffices.monitoring.escalation import escalation_pass
from goodoffices.monitoring.evidence import orphan_evidence_sweep

from .loop import Job


def deliver_mail(now: datetime) -> str:
    return str(mail_deliver(now=now) or "")


def sweep_orphan_files(now: datetime) -> str:
    older_than = now - timedelta(minutes=settings.ORPHAN_GRACE_MINUTES)
    removed = orphan_files_sweep(older_than=older_than) + orphan_evidence_sweep(older_than=older_than)
    return f"removed {len(removed)} stored file(s) that no row refers to" if removed else ""


def integrate_ledger(_now: datetime) -> str:
    """The ledger's epoch, when it is due (one at a time, however many workers run)."""
    epoch = integrate_epoch()
    return f"epoch {epoch.number}: {epoch.events} event(s), {epoch.covers} cover entries" if epoch else ""


def escalate_commitments(now: datetime) -> str:
    """Commitments past their deadline, breached, missing a check, or with reports left unanswered:
    each escalated once, however often and in however many workers this runs."""
    summary = escalation_pass(now=now)
    return str(summary) if summary else ""


def remind_replies(now: datetime) -> str:
    """One reminder, a day before its answer deadline, for each open proposal not yet answered."""
    reminded = reply_reminders_send(now=now)
    return f"reminded the heads of {reminded} proposal(s)" if reminded else ""


def send_digests(now: datetime) -> str:
    """The daily digests of those who chose one."""
    sent = digests_send(now=now)
    return f"queued {sent} digest(s)" if sent else ""


JOBS = (
    Job("ledger-epoch", integrate_ledger),
    # Before the mail, so that the notices it queues leave in the same turn.
    Job("escalation", escalate_commitments, every=timedelta(seconds=settings.ESCALATION_EVERY_SECONDS)),
    Job("reply-reminders", remind_replies, every=timedelta(minutes=10)),
    Job("mail-digests", send_digests, every=timedelta(minutes=15)),
    Job("mail", deliver_mail),
    Job("orphan-files", sweep_orphan_files, every=timedelta(hours=1)),
)
