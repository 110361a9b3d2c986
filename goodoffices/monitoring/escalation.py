"""Escalation: the worker's pass over every agreement's commitments (issue 12, item 3).

It escalates, each once:

- a commitment whose deadline's day has passed (in the mandate's time zone) without full
  implementation: marked overdue;
- a continuous commitment (no deadline, no schedule) found in breach by a report;
- a check date of a commitment's schedule that passed with no report observed since the one before;
- a report that called for the obligor's answer and got none within the mandate's response period.

Each escalation is an ``Escalation`` row (unique per commitment, reason and what was escalated), the
change it makes (overdue), and one ``commitment.escalated`` event, in one transaction with the
notices: the guarantors of the process and the framework's operators who may read the commitment
are told in the app and by e-mail, once per agreement and kind per batch.

The pass reads candidates by primary key in batches, never the whole table, and locks each batch's
commitments (``FOR NO KEY UPDATE SKIP LOCKED`` on PostgreSQL: a second worker skips what the first
holds; SQLite's immediate transactions admit one writer at a time). Under the lock it re-reads what
was escalated already, so running the pass twice, or in two workers at once, escalates nothing twice.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_noop

from goodoffices.accounts.models import User
from goodoffices.agreements.models import Agreement, Commitment
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib.compliance import check_dates
from goodoffices.policies import roles_cache
from goodoffices.policies.rules.monitoring import may_read_commitments, report_audiences
from goodoffices.processes.models import Appointment, AppointmentRole, FrameworkOperator

from .models import CommitmentChange, Escalation, MonitoringReport
from .notices import notify
from .services import today_in

logger = logging.getLogger(__name__)

BATCH = 500
Reason = Escalation.Reason

# One notice per agreement and reason in a batch: for one commitment, and for several.
MESSAGES: dict[str, tuple[str, str]] = {
    Reason.OVERDUE: (
        gettext_noop("Escalated: clause %(clause)s of %(agreement)s is past its deadline without full implementation."),
        gettext_noop(
            "Escalated: %(count)s commitments of %(agreement)s are past their deadline without full implementation."
        ),
    ),
    Reason.BREACH: (
        gettext_noop("Escalated: clause %(clause)s of %(agreement)s, a continuous commitment, is reported in breach."),
        gettext_noop("Escalated: %(count)s continuous commitments of %(agreement)s are reported in breach."),
    ),
    Reason.CHECK_MISSED: (
        gettext_noop("Escalated: a check date of clause %(clause)s of %(agreement)s passed without a report."),
        gettext_noop("Escalated: %(count)s check dates of commitments of %(agreement)s passed without a report."),
    ),
    Reason.UNANSWERED: (
        gettext_noop("Escalated: a monitoring report on clause %(clause)s of %(agreement)s was left unanswered."),
        gettext_noop("Escalated: %(count)s monitoring reports on commitments of %(agreement)s were left unanswered."),
    ),
}


@dataclass
class EscalationSummary:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Reason.values, 0))
    notified: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __bool__(self) -> bool:
        return self.total > 0

    def __str__(self) -> str:
        done = ", ".join(f"{count} {reason.replace('_', ' ')}" for reason, count in self.counts.items() if count)
        return f"escalated {done}; {self.notified} notice(s)" if done else "nothing to escalate"


@dataclass
class _Found:
    commitment: Commitment
    reason: str
    key: str
    due_on: date
    report: MonitoringReport | None = None
    change: CommitmentChange | None = None


def _ids(queryset: QuerySet[Any], batch: int) -> Iterator[list[int]]:
    """The primary keys of ``queryset`` a batch at a time, by keyset (no OFFSET, no full read)."""
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _locked(commitment_ids: Sequence[int]) -> list[Commitment]:
    """The batch's commitments that no other worker holds, locked until commit."""
    return list(
        Commitment.objects.select_for_update(of=("self",), no_key=True, skip_locked=True)
        .filter(pk__in=commitment_ids)
        .select_related("agreement__process__mandate_version", "agreement__process__mandate", "obligor")
        .defer(*Agreement.frozen("agreement"))
        .order_by("pk")
    )


def _recipients(agreement: Agreement, cache: dict[int, list[User]]) -> list[User]:
    """The process's guarantors and the framework's operators who may read the agreement's commitments."""
    if agreement.pk not in cache:
        process = agreement.process
        people = User.objects.filter(
            Q(pk__in=Appointment.objects.filter(process=process, role=AppointmentRole.GUARANTOR).values("user_id"))
            | Q(pk__in=FrameworkOperator.objects.filter(framework_id=process.mandate.framework_id).values("user_id")),
            is_active=True,
        ).order_by("pk")
        cache[agreement.pk] = [user for user in people if may_read_commitments(user, agreement)]
    return cache[agreement.pk]


def _audience(found: _Found) -> str:
    # An unanswered report's escalation is read by the report's readers, never wider.
    return found.report.audience if found.reason == Reason.UNANSWERED and found.report else found.commitment.audience


def _readers(item: _Found, people: list[User]) -> list[User]:
    """Those of ``people`` who may read what ``item`` is about (an unanswered report has its own audience)."""
    if item.report is None:
        return people
    process = item.commitment.agreement.process
    return [
        user
        for user in people
        if (audiences := report_audiences(user, process)) is None or item.report.audience in audiences
    ]


def _escalate(
    found: Sequence[_Found], now: datetime, summary: EscalationSummary, recipients_cache: dict[int, list[User]]
) -> None:
    """Record, mark and tell, inside the caller's transaction (which holds the commitments' locks):
    the batch's rows in a few statements, then one event per escalation."""
    readers = [_readers(item, _recipients(item.commitment.agreement, recipients_cache)) for item in found]
    escalations = Escalation.objects.bulk_create(
        Escalation(
            commitment=item.commitment,
            agreement=item.commitment.agreement,
            reason=item.reason,
            key=item.key,
            due_on=item.due_on,
            report=item.report,
            change=item.change,
            escalated_at=now,
            notified=len(told),
        )
        for item, told in zip(found, readers, strict=True)
    )
    # Overdue: the commitments are marked, each change recorded (as record_change would, in bulk).
    marked = {
        item.commitment.pk: escalation
        for item, escalation in zip(found, escalations, strict=True)
        if item.reason == Reason.OVERDUE and not item.commitment.overdue
    }
    by_pk = {item.commitment.pk: item.commitment for item in found}
    CommitmentChange.objects.bulk_create(
        CommitmentChange(
            commitment=by_pk[pk],
            agreement_id=by_pk[pk].agreement_id,
            recorded_at=now,
            effective_on=today_in(by_pk[pk].agreement.process, now),
            status=by_pk[pk].status,
            breach=by_pk[pk].breach,
            overdue=True,
            completed_on=by_pk[pk].completed_on,
            previous_status=by_pk[pk].status,
            previous_breach=by_pk[pk].breach,
            previous_overdue=False,
            escalation=escalation,
        )
        for pk, escalation in marked.items()
    )
    Commitment.objects.filter(pk__in=list(marked)).update(overdue=True)
    told: dict[tuple[int, str], list[_Found]] = defaultdict(list)
    for item, escalation in zip(found, escalations, strict=True):
        commitment = item.commitment
        agreement = commitment.agreement
        changed = item.reason == Reason.OVERDUE and marked.get(commitment.pk) is escalation
        event_record(
            kind=EventKind.COMMITMENT_ESCALATED,
            actor=None,
            subject=escalation,
            audience=_audience(item),
            process=agreement.process,
            payload={
                "commitment": commitment.pk,
                "agreement": agreement.pk,
                "clause": commitment.clause,
                "reason": item.reason,
                "key": item.key,
                "due_on": item.due_on.isoformat(),
                "report": item.report.pk if item.report else None,
                "change": {"overdue": [False, True]} if changed else None,
                "notified": escalation.notified,
            },
        )
        told[agreement.pk, item.reason].append(item)
        summary.counts[item.reason] += 1
    for (_, reason), items in told.items():
        first = items[0]
        agreement = first.commitment.agreement
        recipients = _recipients(agreement, recipients_cache)
        for item in items:
            recipients = _readers(item, recipients)
        one, several = MESSAGES[reason]
        params = {"clause": first.commitment.clause, "agreement": agreement.title, "count": str(len(items))}
        summary.notified += notify(
            recipients=recipients,
            process=agreement.process,
            subject=first.commitment,
            message=one if len(items) == 1 else several,
            params=params,
        )


def _run(
    candidates: QuerySet[Any],
    *,
    batch: int,
    now: datetime,
    summary: EscalationSummary,
    find: Callable[[list[int], datetime], list[_Found]],
) -> None:
    cache: dict[int, list[User]] = {}
    for ids in _ids(candidates, batch):
        with transaction.atomic():
            found = find(ids, now)
            if found:
                _escalate(found, now, summary, cache)


def _escalated(commitment_ids: Sequence[int], reason: str) -> set[tuple[int, str]]:
    return set(
        Escalation.objects.filter(commitment_id__in=commitment_ids, reason=reason).values_list("commitment_id", "key")
    )


# --- overdue -----------------------------------------------------------------------------------


def _overdue_candidates(now: datetime) -> QuerySet[Commitment]:
    # Every zone's today is within a day of UTC's; the exact day is checked per commitment.
    latest_possible = now.date() + timedelta(days=1)
    return Commitment.objects.filter(deadline__lt=latest_possible, status__lt=Commitment.Status.FULL).exclude(
        Exists(Escalation.objects.filter(commitment=OuterRef("pk"), reason=Reason.OVERDUE))
    )


def _find_overdue(ids: list[int], now: datetime) -> list[_Found]:
    locked = _locked(ids)
    done = _escalated([c.pk for c in locked], Reason.OVERDUE)
    found = []
    for commitment in locked:
        deadline = commitment.deadline
        if deadline is None or commitment.status >= Commitment.Status.FULL:
            continue
        key = f"deadline:{deadline.isoformat()}"
        if (commitment.pk, key) in done or deadline >= today_in(commitment.agreement.process, now):
            continue
        found.append(_Found(commitment, Reason.OVERDUE, key, deadline))
    return found


# --- breach of a continuous commitment -------------------------------------------------------


def _breach_candidates() -> QuerySet[CommitmentChange]:
    return CommitmentChange.objects.filter(
        breach=True, previous_breach=False, commitment__deadline__isnull=True, commitment__schedule=""
    ).exclude(Exists(Escalation.objects.filter(change=OuterRef("pk"), reason=Reason.BREACH)))


def _find_breaches(change_ids: list[int], _now: datetime) -> list[_Found]:
    changes = {c.pk: c for c in CommitmentChange.objects.filter(pk__in=change_ids).select_related("report")}
    locked = {c.pk: c for c in _locked(sorted({c.commitment_id for c in changes.values()}))}
    done = _escalated(list(locked), Reason.BREACH)
    found = []
    for change in sorted(changes.values(), key=lambda c: c.pk):
        commitment = locked.get(change.commitment_id)
        key = f"change:{change.pk}"
        if commitment is None or (commitment.pk, key) in done:
            continue
        found.append(_Found(commitment, Reason.BREACH, key, change.effective_on, report=change.report, change=change))
    return found


# --- missed check dates ----------------------------------------------------------------------


def _missed(commitment: Commitment, observed: list[date], today: date) -> list[date]:
    """The check dates before ``today`` with no report observed since the check date before."""
    start = commitment.agreement.adopted_on
    dates = check_dates(commitment.schedule, start=start, end=today - timedelta(days=1))
    missed = []
    previous = start - timedelta(days=1)
    for day in dates:
        if not any(previous < seen <= day for seen in observed):
            missed.append(day)
        previous = day
    return missed


def _observed(commitment_ids: Sequence[int]) -> dict[int, list[date]]:
    observed: dict[int, list[date]] = defaultdict(list)
    for commitment_id, day in MonitoringReport.objects.filter(commitment_id__in=commitment_ids).values_list(
        "commitment_id", "observed_on"
    ):
        observed[commitment_id].append(day)
    return observed


def _find_missed_checks(ids: list[int], now: datetime) -> list[_Found]:
    # Every scheduled commitment is read, without a lock; only those with a missed date are locked
    # and read again under the lock (a report filed meanwhile may have met the date).
    scheduled = (
        Commitment.objects.filter(pk__in=ids)
        .select_related("agreement__process__mandate_version")
        .defer(*Agreement.frozen("agreement"))
    )
    observed = _observed(ids)
    done = _escalated(ids, Reason.CHECK_MISSED)
    suspects = [
        c.pk
        for c in scheduled
        if any(
            (c.pk, f"check:{day.isoformat()}") not in done
            for day in _missed(c, observed[c.pk], today_in(c.agreement.process, now))
        )
    ]
    if not suspects:
        return []
    locked = _locked(suspects)
    observed = _observed([c.pk for c in locked])
    done = _escalated([c.pk for c in locked], Reason.CHECK_MISSED)
    found = []
    for commitment in locked:
        today = today_in(commitment.agreement.process, now)
        for day in _missed(commitment, observed[commitment.pk], today):
            key = f"check:{day.isoformat()}"
            if (commitment.pk, key) not in done:
                found.append(_Found(commitment, Reason.CHECK_MISSED, key, day))
    return found


# --- unanswered reports ------------------------------------------------------------------------


def _unanswered_candidates(now: datetime) -> QuerySet[MonitoringReport]:
    return MonitoringReport.objects.filter(answered_at__isnull=True, answer_due_at__lt=now).exclude(
        Exists(Escalation.objects.filter(report=OuterRef("pk"), reason=Reason.UNANSWERED))
    )


def _find_unanswered(report_ids: list[int], now: datetime) -> list[_Found]:
    commitment_ids = sorted(
        set(MonitoringReport.objects.filter(pk__in=report_ids).values_list("commitment_id", flat=True))
    )
    locked = {c.pk: c for c in _locked(commitment_ids)}
    done = _escalated(list(locked), Reason.UNANSWERED)
    # Re-read under the commitments' locks: an answer takes the same lock before it marks its report.
    reports = MonitoringReport.objects.filter(pk__in=report_ids, commitment_id__in=list(locked)).order_by("pk")
    found = []
    for report in reports:
        key = f"report:{report.pk}"
        due = report.answer_due_at
        if report.answered_at is not None or due is None or due >= now or (report.commitment_id, key) in done:
            continue
        commitment = locked[report.commitment_id]
        report.commitment = commitment
        due_on = today_in(commitment.agreement.process, due)
        found.append(_Found(commitment, Reason.UNANSWERED, key, due_on, report=report))
    return found


def escalation_pass(*, now: datetime, batch: int = BATCH) -> EscalationSummary:
    """One bounded pass of every escalation rule at ``now``; safe to run in several workers at once."""
    summary = EscalationSummary()
    # Who may read what is read once per pass, as once per request.
    with roles_cache():
        _run(_overdue_candidates(now), batch=batch, now=now, summary=summary, find=_find_overdue)
        _run(_breach_candidates(), batch=batch, now=now, summary=summary, find=_find_breaches)
        _run(Commitment.objects.exclude(schedule=""), batch=batch, now=now, summary=summary, find=_find_missed_checks)
        _run(_unanswered_candidates(now), batch=batch, now=now, summary=summary, find=_find_unanswered)
    if summary:
        logger.info("escalation pass: %s", summary)
    return summary
