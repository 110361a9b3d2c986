"""Writes of the monitoring of commitments: a report (the only way a commitment's status changes)
and the obligor party's answer to one. Escalations are the worker's (``escalation.py``).

Each service checks policy, validates everything (files included) before it writes, stores the
evidence, then in one transaction locks and re-reads the commitment, writes its rows and records
exactly one event whose payload is what was filed, evidence by SHA-256. A refusal leaves no row, no
event and no file.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_noop

from goodoffices.accounts.models import User
from goodoffices.agreements.models import Agreement, Commitment
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import clock, text
from goodoffices.lib.errors import FieldError, Forbidden, Invalid, NotFound
from goodoffices.policies import WIDER, Permission, can, require, roles_for
from goodoffices.policies.rules.monitoring import REPORT_AUDIENCES, may_read_commitments, report_audiences
from goodoffices.processes.models import Appointment, AppointmentRole, DelegationMembership, Process

from . import evidence as files
from .models import MAX_SOURCES, MAX_SUMMARY, CommitmentChange, Evidence, MonitoringReport, ReportAnswer
from .notices import notify

MAX_URL = 500
MAX_SOURCE_TITLE = 200
MAX_ANSWER = 4000
STATUS_MESSAGE = "must be 0 (not initiated), 1 (minimal), 2 (intermediate) or 3 (full)"


@dataclass(frozen=True)
class SourceIn:
    """A source a report or an answer cites: a link and the day it was read."""

    url: str
    read_on: date
    title: str = ""


def deadline_zone(process: Process) -> ZoneInfo:
    """The zone in which the process's commitments' dates fall (a mandate rule)."""
    return ZoneInfo(process.mandate_version.deadline_timezone)


def today_in(process: Process, at: datetime | None = None) -> date:
    return (at or clock.now()).astimezone(deadline_zone(process)).date()


def _sources(raw: Sequence[SourceIn], today: date, errors: list[FieldError]) -> list[dict[str, str]]:
    if len(raw) > MAX_SOURCES:
        errors.append(FieldError("sources", f"at most {MAX_SOURCES} sources"))
        return []
    cleaned: list[dict[str, str]] = []
    for i, source in enumerate(raw):
        field = f"sources[{i}]"
        try:
            url = text.single_line(source.url, f"{field}.url", MAX_URL)
        except Invalid as exc:
            errors.extend(exc.errors)
            continue
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
            errors.append(FieldError(f"{field}.url", "must be an http or https address with no spaces"))
            continue
        try:
            title = text.single_line(source.title, f"{field}.title", MAX_SOURCE_TITLE, required=False)
        except Invalid as exc:
            errors.extend(exc.errors)
            continue
        if not isinstance(source.read_on, date) or isinstance(source.read_on, datetime):
            errors.append(FieldError(f"{field}.read_on", "must be a date (YYYY-MM-DD)"))
            continue
        if source.read_on > today:
            errors.append(FieldError(f"{field}.read_on", f"cannot be in the future (today is {today.isoformat()})"))
            continue
        cleaned.append({"url": url, "title": title, "read_on": source.read_on.isoformat()})
    return cleaned


def _locked_commitment(commitment: Commitment) -> Commitment:
    # FOR NO KEY UPDATE of the commitment only: its execution fields change, its key never does,
    # and the agreement and process read with it are not locked.
    return (
        Commitment.objects.select_for_update(of=("self",), no_key=True)
        .select_related("agreement__process__mandate_version", "obligor")
        .defer(*Agreement.frozen("agreement"))
        .get(pk=commitment.pk)
    )


def overdue_on(commitment: Commitment, status: int, today: date) -> bool:
    """A commitment with a deadline is overdue once the deadline's day has passed without full
    implementation."""
    return commitment.deadline is not None and commitment.deadline < today and status < Commitment.Status.FULL


def record_change(
    *,
    commitment: Commitment,
    at: datetime,
    effective_on: date,
    status: int,
    breach: bool,
    overdue: bool,
    completed_on: date | None,
    report: MonitoringReport | None = None,
    escalation: Any = None,
) -> dict[str, list[Any]] | None:
    """Apply a new state to the locked ``commitment`` and record the change; None when nothing
    changed. Returns what changed as ``{field: [before, after]}`` for the event."""
    before = {
        "status": commitment.status,
        "breach": commitment.breach,
        "overdue": commitment.overdue,
        "completed_on": commitment.completed_on.isoformat() if commitment.completed_on else None,
    }
    after = {
        "status": status,
        "breach": breach,
        "overdue": overdue,
        "completed_on": completed_on.isoformat() if completed_on else None,
    }
    if before == after:
        return None
    CommitmentChange.objects.create(
        commitment=commitment,
        agreement_id=commitment.agreement_id,
        recorded_at=at,
        effective_on=effective_on,
        status=status,
        breach=breach,
        overdue=overdue,
        completed_on=completed_on,
        previous_status=commitment.status,
        previous_breach=commitment.breach,
        previous_overdue=commitment.overdue,
        report=report,
        escalation=escalation,
    )
    Commitment.objects.filter(pk=commitment.pk).update(
        status=status, breach=breach, overdue=overdue, completed_on=completed_on
    )
    commitment.status, commitment.breach, commitment.overdue, commitment.completed_on = (
        status,
        breach,
        overdue,
        completed_on,
    )
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def _author_role(actor: User, process: Process) -> str:
    roles = roles_for(actor, process)
    return AppointmentRole.MONITOR.value if roles.monitor else AppointmentRole.GUARANTOR.value


def _organisation(actor: User, process: Process, role: str) -> str:
    held = Appointment.objects.filter(process=process, user=actor, role=role).values_list("organisation", flat=True)
    return next(iter(held), "")


def _check_report(
    *,
    agreement: Agreement,
    today: date,
    observed_on: Any,
    status: Any,
    breach: Any,
    summary: str,
    audience_name: str,
    errors: list[FieldError],
) -> str:
    """Check a report's fields, adding what is wrong to ``errors``; the cleaned summary."""
    if not isinstance(status, int) or isinstance(status, bool) or not 0 <= status <= 3:
        errors.append(FieldError("status", STATUS_MESSAGE))
    if not isinstance(breach, bool):
        errors.append(FieldError("breach", "must be true or false"))
    elif breach and status == Commitment.Status.FULL:
        errors.append(FieldError("breach", "a commitment found fully implemented (status 3) is not in breach"))
    if not isinstance(observed_on, date) or isinstance(observed_on, datetime):
        errors.append(FieldError("observed_on", "must be a date (YYYY-MM-DD)"))
    elif observed_on < agreement.adopted_on:
        errors.append(
            FieldError(
                "observed_on",
                f"cannot be before the agreement was adopted ({agreement.adopted_on.isoformat()})",
            )
        )
    elif observed_on > today:
        errors.append(FieldError("observed_on", f"cannot be in the future (today is {today.isoformat()})"))
    if audience_name not in REPORT_AUDIENCES:
        errors.append(FieldError("audience", "must be public, process or plenary"))
    elif WIDER[audience_name] > WIDER.get(agreement.audience, 0):
        errors.append(
            FieldError(
                "audience",
                f"the agreement is read by the {agreement.audience} only: a report on it cannot reach further",
            )
        )
    try:
        return text.multi_line(summary, "summary", MAX_SUMMARY)
    except Invalid as exc:
        errors.extend(exc.errors)
        return ""


def report_file(
    *,
    actor: User,
    commitment: Commitment,
    observed_on: date,
    status: int,
    breach: bool,
    summary: str,
    audience_name: str,
    sources: Sequence[SourceIn] = (),
    evidence: Sequence[UploadedFile] = (),
) -> MonitoringReport:
    """File a monitor's or guarantor's dated report on ``commitment``. When it is the latest
    observation of the commitment, the commitment takes its status and breach (and its date of full
    implementation, and its overdue flag): the one way these change."""
    agreement = commitment.agreement
    process = agreement.process
    require(
        actor, Permission.REPORT_FILE, commitment, visible=may_read_commitments(actor, agreement), what="commitment"
    )
    today = today_in(process)
    errors: list[FieldError] = []
    cleaned_summary = _check_report(
        agreement=agreement,
        today=today,
        observed_on=observed_on,
        status=status,
        breach=breach,
        summary=summary,
        audience_name=audience_name,
        errors=errors,
    )
    cleaned_sources = _sources(sources, today, errors)
    checked = files.check_uploads(evidence, errors)
    if errors:
        raise Invalid(errors)
    stored = files.store(checked, process.pk)
    try:
        return _report_write(
            actor=actor,
            commitment=commitment,
            observed_on=observed_on,
            status=status,
            breach=breach,
            summary=cleaned_summary,
            audience_name=audience_name,
            sources=cleaned_sources,
            checked=checked,
            stored=stored,
        )
    except BaseException:
        # The rows rolled back; the files must go too.
        files.discard(stored)
        raise


@transaction.atomic
def _report_write(
    *,
    actor: User,
    commitment: Commitment,
    observed_on: date,
    status: int,
    breach: bool,
    summary: str,
    audience_name: str,
    sources: list[dict[str, str]],
    checked: list[files.Checked],
    stored: list[str],
) -> MonitoringReport:
    locked = _locked_commitment(commitment)
    agreement = locked.agreement
    process = agreement.process
    now = clock.now()
    latest = MonitoringReport.objects.filter(commitment=locked).order_by("-observed_on", "-id").first()
    current = latest is None or observed_on >= latest.observed_on
    calls_for_answer = status < Commitment.Status.FULL or breach
    role = _author_role(actor, process)
    report = MonitoringReport.objects.create(
        commitment=locked,
        process=process,
        author=actor,
        author_role=role,
        organisation=_organisation(actor, process, role),
        observed_on=observed_on,
        status=status,
        breach=breach,
        summary=summary,
        sources=sources,
        audience=audience_name,
        filed_at=now,
        answer_due_at=now + timedelta(days=process.mandate_version.response_period_days) if calls_for_answer else None,
    )
    Evidence.objects.bulk_create(
        Evidence(
            report=report,
            process=process,
            uploaded_by=actor,
            original_name=item.name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            file=name,
            uploaded_at=now,
        )
        for item, name in zip(checked, stored, strict=True)
    )
    change = None
    if current:
        if status == Commitment.Status.FULL:
            completed_on = locked.completed_on if locked.status == Commitment.Status.FULL else observed_on
        else:
            completed_on = None
        change = record_change(
            commitment=locked,
            at=now,
            effective_on=observed_on,
            status=status,
            breach=breach,
            overdue=overdue_on(locked, status, today_in(process, now)),
            completed_on=completed_on,
            report=report,
        )
    event_record(
        kind=EventKind.REPORT_FILED,
        actor=actor,
        subject=report,
        audience=audience_name,
        process=process,
        payload={
            "commitment": locked.pk,
            "agreement": agreement.pk,
            "clause": locked.clause,
            "observed_on": observed_on.isoformat(),
            "status": status,
            "breach": breach,
            "summary": summary,
            "sources": sources,
            "evidence": [item.describe() for item in checked],
            "role": role,
            "change": change,
            "answer_due": report.answer_due_at.isoformat() if report.answer_due_at else None,
        },
    )
    if calls_for_answer:
        _notify_obligor(report, locked, actor)
    return report


def _notify_obligor(report: MonitoringReport, commitment: Commitment, actor: User) -> None:
    """The obligor's delegation learns that a report calls for its answer (every audience a report
    may have includes the delegations)."""
    members = list(
        User.objects.filter(
            pk__in=DelegationMembership.objects.filter(party_id=commitment.obligor_id).values("user_id"),
            is_active=True,
        ).exclude(pk=actor.pk)
    )
    notify(
        recipients=members,
        process=report.process,
        subject=commitment,
        message=gettext_noop("A monitoring report on clause %(clause)s of %(agreement)s awaits your party's answer."),
        params={"clause": commitment.clause, "agreement": commitment.agreement.title},
    )


def report_readable(user: Any, report: MonitoringReport) -> bool:
    audiences = report_audiences(user, report.process)
    return audiences is None or report.audience in audiences


def report_answer(
    *,
    actor: User,
    report: MonitoringReport,
    kind: str,
    body: str,
    sources: Sequence[SourceIn] = (),
    evidence: Sequence[UploadedFile] = (),
) -> ReportAnswer:
    """The obligor party's response to ``report``, or its contest of the report's findings."""
    commitment = report.commitment
    if not report_readable(actor, report) or not may_read_commitments(actor, commitment.agreement):
        raise NotFound("report")
    obligor = commitment.obligor
    if not can(actor, Permission.REPORT_ANSWER, obligor):
        raise Forbidden(
            f"only the delegation of {obligor.name}, the party bound by this commitment, answers reports on it"
        )
    today = today_in(report.process)
    errors: list[FieldError] = []
    if kind not in ReportAnswer.Kind.values:
        errors.append(FieldError("kind", "must be response or contest"))
    try:
        cleaned_body = text.multi_line(body, "body", MAX_ANSWER)
    except Invalid as exc:
        errors.extend(exc.errors)
        cleaned_body = ""
    cleaned_sources = _sources(sources, today, errors)
    checked = files.check_uploads(evidence, errors)
    if errors:
        raise Invalid(errors)
    stored = files.store(checked, report.process_id)
    try:
        return _answer_write(
            actor=actor,
            report=report,
            kind=kind,
            body=cleaned_body,
            sources=cleaned_sources,
            checked=checked,
            stored=stored,
        )
    except BaseException:
        files.discard(stored)
        raise


@transaction.atomic
def _answer_write(
    *,
    actor: User,
    report: MonitoringReport,
    kind: str,
    body: str,
    sources: list[dict[str, str]],
    checked: list[files.Checked],
    stored: list[str],
) -> ReportAnswer:
    # One lock order everywhere: the commitment, then its report.
    commitment = _locked_commitment(report.commitment)
    locked = MonitoringReport.objects.select_for_update(of=("self",), no_key=True).get(pk=report.pk)
    now = clock.now()
    answer = ReportAnswer.objects.create(
        report=locked, party_id=commitment.obligor_id, author=actor, kind=kind, body=body, sources=sources, filed_at=now
    )
    Evidence.objects.bulk_create(
        Evidence(
            answer=answer,
            process_id=locked.process_id,
            uploaded_by=actor,
            original_name=item.name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            file=name,
            uploaded_at=now,
        )
        for item, name in zip(checked, stored, strict=True)
    )
    first = locked.answered_at is None
    if first:
        MonitoringReport.objects.filter(pk=locked.pk).update(answered_at=now)
        locked.answered_at = now
    event_record(
        kind=EventKind.REPORT_ANSWERED,
        actor=actor,
        subject=answer,
        audience=locked.audience,
        process=commitment.agreement.process,
        payload={
            "report": locked.pk,
            "commitment": commitment.pk,
            "party": commitment.obligor_id,
            "kind": kind,
            "body": body,
            "sources": sources,
            "evidence": [item.describe() for item in checked],
        },
    )
    author = User.objects.filter(pk=locked.author_id, is_active=True).exclude(pk=actor.pk).first()
    notify(
        recipients=[author] if author is not None else [],
        process=commitment.agreement.process,
        subject=commitment,
        message=gettext_noop("%(party)s answered your monitoring report on clause %(clause)s of %(agreement)s."),
        params={"party": commitment.obligor.name, "clause": commitment.clause, "agreement": commitment.agreement.title},
    )
    return answer
