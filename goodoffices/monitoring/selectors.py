"""Reads of the monitoring of commitments, already restricted to the reader.

A commitment, its status, history and escalations are read with its agreement (public, or the
plenary) and by the process's monitors and guarantors; a report by its audience (and by them); what
one may not read answers ``NotFound``, exactly as what does not exist, and is absent from every
list, count, summary, export and feed. The compliance register's read model (``register_get``)
feeds the page, the API and the exports alike.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery

from goodoffices.agreements.models import Agreement, Commitment
from goodoffices.lib.compliance import ScorePoint, score_over_time
from goodoffices.lib.errors import NotFound
from goodoffices.pagination import Page, paginate
from goodoffices.policies import AnyUser
from goodoffices.policies.rules.monitoring import may_read_commitments, report_audiences
from goodoffices.texts.categories import category_label

from .models import CommitmentChange, Escalation, Evidence, MonitoringReport, ReportAnswer
from .services import report_readable, today_in

# The commitments of one register page, and of one page of the API's list.
REGISTER_PAGE = 100
FEED_ITEMS = 50
EXPORT_CHUNK = 500


def agreement_get(*, user: AnyUser, agreement_id: int) -> Agreement:
    """An agreement whose commitments ``user`` may read; else ``NotFound``."""
    agreement = (
        Agreement.objects.select_related("process__mandate_version", "process__mandate__framework")
        .defer(*Agreement.frozen())
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None or not may_read_commitments(user, agreement):
        raise NotFound("agreement")
    return agreement


def commitment_get(*, user: AnyUser, commitment_id: int) -> Commitment:
    commitment = (
        Commitment.objects.select_related(
            "agreement__process__mandate_version", "agreement__process__mandate__framework", "obligor__process"
        )
        .defer(*Agreement.frozen("agreement"))
        .filter(pk=commitment_id)
        .first()
    )
    if commitment is None or not may_read_commitments(user, commitment.agreement):
        raise NotFound("commitment")
    return commitment


def _visible_reports(user: AnyUser, agreement: Agreement) -> Q:
    audiences = report_audiences(user, agreement.process)
    return Q() if audiences is None else Q(audience__in=sorted(audiences))


def _last_report(user: AnyUser, agreement: Agreement) -> Subquery:
    return Subquery(
        MonitoringReport.objects.filter(_visible_reports(user, agreement), commitment=OuterRef("pk"))
        .order_by("-observed_on", "-id")
        .values("id")[:1]
    )


def commitments_of(*, user: AnyUser, agreement: Agreement) -> QuerySet[Commitment]:
    """The agreement's commitments in the document's order (the caller checked the agreement with
    ``agreement_get``), each with ``last_report_id``: the latest report the reader may read."""
    if not may_read_commitments(user, agreement):
        raise NotFound("agreement")
    return (
        Commitment.objects.filter(agreement=agreement)
        .select_related("obligor")
        .annotate(last_report_id=_last_report(user, agreement))
        .order_by("position", "id")
    )


def commitments_page(
    *, user: AnyUser, agreement: Agreement, cursor: str | None = None, limit: int | None = None
) -> Page[Commitment]:
    """One page of the agreement's commitments, for ``GET /api/v1/agreements/{id}/commitments``."""
    return paginate(
        commitments_of(user=user, agreement=agreement),
        order=("position", "id"),
        scope=f"commitments:{agreement.pk}",
        user=user,
        cursor=cursor,
        limit=limit,
    )


@dataclass(frozen=True)
class Row:
    """A commitment of the register with the latest report its reader may read."""

    commitment: Commitment
    last_report: MonitoringReport | None


def rows_of(commitments: list[Commitment]) -> list[Row]:
    """The commitments (read by ``commitments_of``) with their last reports, read in one query."""
    ids = [getattr(c, "last_report_id", None) for c in commitments]
    reports = {r.pk: r for r in MonitoringReport.objects.filter(pk__in=[i for i in ids if i])}
    return [Row(c, reports.get(i) if i else None) for c, i in zip(commitments, ids, strict=True)]


def reports_of(*, user: AnyUser, commitment: Commitment) -> QuerySet[MonitoringReport]:
    """The reports on ``commitment`` the reader may read, newest observation first (the caller read
    the commitment with ``commitment_get``); ``report_views`` adds a page's evidence and answers."""
    if not may_read_commitments(user, commitment.agreement):
        raise NotFound("commitment")
    return MonitoringReport.objects.filter(
        _visible_reports(user, commitment.agreement), commitment=commitment
    ).order_by("-observed_on", "-id")


@dataclass(frozen=True)
class AnswerView:
    answer: ReportAnswer
    evidence: list[Evidence]


@dataclass(frozen=True)
class ReportView:
    """A report as it is shown: with its evidence and the obligor's answers, with theirs."""

    report: MonitoringReport
    evidence: list[Evidence]
    answers: list[AnswerView]


def report_views(reports: list[MonitoringReport]) -> list[ReportView]:
    """Read the reports' answers and every evidence file of both in two queries."""
    ids = [r.pk for r in reports]
    answers: dict[int, list[ReportAnswer]] = {}
    for answer in ReportAnswer.objects.filter(report_id__in=ids).select_related("party").order_by("filed_at", "id"):
        answers.setdefault(answer.report_id, []).append(answer)
    answer_ids = [a.pk for items in answers.values() for a in items]
    of_report: dict[int, list[Evidence]] = {}
    of_answer: dict[int, list[Evidence]] = {}
    for item in Evidence.objects.filter(Q(report_id__in=ids) | Q(answer_id__in=answer_ids)).order_by("id"):
        if item.report_id is not None:
            of_report.setdefault(item.report_id, []).append(item)
        elif item.answer_id is not None:
            of_answer.setdefault(item.answer_id, []).append(item)
    return [
        ReportView(
            report=r,
            evidence=of_report.get(r.pk, []),
            answers=[AnswerView(a, of_answer.get(a.pk, [])) for a in answers.get(r.pk, [])],
        )
        for r in reports
    ]


def report_get(*, user: AnyUser, report_id: int) -> MonitoringReport:
    report = (
        MonitoringReport.objects.select_related(
            "commitment__agreement__process__mandate_version", "commitment__obligor", "process", "author"
        )
        .defer(*Agreement.frozen("commitment__agreement"))
        .filter(pk=report_id)
        .first()
    )
    if (
        report is None
        or not may_read_commitments(user, report.commitment.agreement)
        or not report_readable(user, report)
    ):
        raise NotFound("report")
    return report


def evidence_get(*, user: AnyUser, evidence_id: int) -> Evidence:
    """An evidence file of a report (or of an answer to one) the reader may read."""
    item = (
        Evidence.objects.select_related(
            "report__process",
            "report__commitment__agreement__process",
            "answer__report__commitment__agreement__process",
        )
        .defer(*Agreement.frozen("report__commitment__agreement", "answer__report__commitment__agreement"))
        .filter(pk=evidence_id)
        .first()
    )
    report = None if item is None else (item.report or (item.answer.report if item.answer else None))
    if (
        item is None
        or report is None
        or not may_read_commitments(user, report.commitment.agreement)
        or not report_readable(user, report)
    ):
        raise NotFound("evidence")
    return item


@dataclass(frozen=True)
class HistoryEntry:
    change: CommitmentChange
    # The report that made the change, where the reader may read it.
    report: MonitoringReport | None

    @property
    def by_report(self) -> bool:
        return self.change.report_id is not None


def history_of(*, user: AnyUser, commitment: Commitment) -> list[HistoryEntry]:
    """Every change of the commitment's execution, newest first, with its report where the reader
    may read it."""
    audiences = report_audiences(user, commitment.agreement.process)
    changes = (
        CommitmentChange.objects.filter(commitment=commitment).select_related("report").order_by("-recorded_at", "-id")
    )
    return [HistoryEntry(c, c.report if _readable(c.report, audiences) else None) for c in changes]


def escalations_of(*, user: AnyUser, commitment: Commitment) -> list[Escalation]:
    """The commitment's escalations; one about a report only where the reader may read the report."""
    audiences = report_audiences(user, commitment.agreement.process)
    escalations = Escalation.objects.filter(commitment=commitment).select_related("report").order_by("-escalated_at")
    return [e for e in escalations if e.report is None or _readable(e.report, audiences)]


def _readable(report: MonitoringReport | None, audiences: frozenset[str] | None) -> bool:
    return report is not None and (audiences is None or report.audience in audiences)


# --- the compliance register -------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """One row of a summary: a party or a category, its commitments by status, and its score."""

    key: str
    label: str
    commitments: int
    by_status: tuple[int, int, int, int]
    breach: int
    overdue: int
    score: float | None


@dataclass(frozen=True)
class Register:
    agreement: Agreement
    today: date
    commitments: int
    score: float | None
    by_party: list[Summary]
    by_category: list[Summary]
    series: list[ScorePoint]


def _summaries(agreement: Agreement, *group: str) -> list[dict[str, Any]]:
    return list(
        Commitment.objects.filter(agreement=agreement)
        .values(*group)
        .annotate(
            n=Count("id"),
            s0=Count("id", filter=Q(status=0)),
            s1=Count("id", filter=Q(status=1)),
            s2=Count("id", filter=Q(status=2)),
            s3=Count("id", filter=Q(status=3)),
            breached=Count("id", filter=Q(breach=True)),
            late=Count("id", filter=Q(overdue=True)),
            mean=Avg("status"),
        )
        .order_by(group[0])
    )


def _summary(row: dict[str, Any], key: str, label: str) -> Summary:
    return Summary(
        key=key,
        label=label,
        commitments=row["n"],
        by_status=(row["s0"], row["s1"], row["s2"], row["s3"]),
        breach=row["breached"],
        overdue=row["late"],
        score=None if row["mean"] is None else float(row["mean"]) / 3,
    )


def register_get(*, user: AnyUser, agreement: Agreement) -> Register:
    """The register's figures for one agreement: summaries per party and per category, the score
    and its history (the caller checked the agreement with ``agreement_get``)."""
    if not may_read_commitments(user, agreement):
        raise NotFound("agreement")
    by_party = [
        _summary(row, str(row["obligor"]), row["obligor__name"])
        for row in _summaries(agreement, "obligor", "obligor__name")
    ]
    by_category = [
        _summary(row, row["category"], category_label(row["category"])) for row in _summaries(agreement, "category")
    ]
    total = sum(s.commitments for s in by_party)
    score = sum((s.score or 0) * s.commitments for s in by_party) / total if total else None
    observations = MonitoringReport.objects.filter(commitment__agreement=agreement).order_by("observed_on", "id")
    series = score_over_time(
        total, observations.values_list("observed_on", "commitment_id", "status"), start=agreement.adopted_on
    )
    return Register(
        agreement=agreement,
        today=today_in(agreement.process),
        commitments=total,
        score=score,
        by_party=by_party,
        by_category=by_category,
        series=series,
    )


def export_rows(*, user: AnyUser, agreement: Agreement) -> Iterator[Row]:
    """Every commitment of the agreement with its last readable report, read a chunk at a time."""
    queryset = commitments_of(user=user, agreement=agreement)
    chunk: list[Commitment] = []
    for commitment in queryset.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(commitment)
        if len(chunk) == EXPORT_CHUNK:
            yield from rows_of(chunk)
            chunk = []
    yield from rows_of(chunk)


def public_agreements() -> QuerySet[Agreement]:
    """The agreements whose compliance register is public, newest first."""
    return Agreement.objects.filter(audience="public").defer(*Agreement.FROZEN).order_by("-adopted_at", "-id")


def status_changes(*, agreement: Agreement | None = None) -> QuerySet[CommitmentChange]:
    """The latest changes of public commitments (of one agreement, or of all), for the Atom feed."""
    changes = CommitmentChange.objects.filter(agreement__audience="public")
    if agreement is not None:
        changes = changes.filter(agreement=agreement)
    return (
        changes.select_related("commitment__obligor", "agreement", "report")
        .defer(*Agreement.frozen("agreement"))
        .order_by("-recorded_at", "-id")[:FEED_ITEMS]
    )
