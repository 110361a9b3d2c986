"""The monitoring of commitments: reports, answers, evidence, the compliance register.

A public agreement's commitments, public reports and register answer without authentication; what
the caller may not read answers 404, as what does not exist. A report or a response is sent as JSON,
or as multipart/form-data with the same JSON in the part ``report`` (``response``) and evidence files
in parts named ``evidence``; every refusal is problem+json naming the field, and writes nothing.
"""

import json
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Router
from ninja.errors import HttpError, ValidationError
from ninja.openapi.schema import REF_TEMPLATE
from ninja.responses import Status
from pydantic import ValidationError as PydanticError

from goodoffices.accounts.models import signed_in
from goodoffices.agreements.models import Agreement, Commitment
from goodoffices.lib.compliance import ScorePoint
from goodoffices.monitoring import selectors, services
from goodoffices.monitoring.evidence import MAX_FILES, evidence_response
from goodoffices.monitoring.models import (
    MAX_SOURCES,
    MAX_SUMMARY,
    Escalation,
    Evidence,
    ReportAnswer,
)
from goodoffices.pagination import paginate
from goodoffices.policies.rules.monitoring import REPORT_AUDIENCES
from goodoffices.texts.categories import category_label

from .auth import bearer, session
from .schemas import Cursor, Input, Limit, Out, PageOut, json_date, line, lines_of_text, one_of

router = Router(tags=["monitoring"])
S = TypeVar("S", bound=Input)


def anyone(request: HttpRequest) -> bool | None:
    """Let a caller without credentials through as anonymous (what is public answers; the rest is
    404); a caller who sent a token that does not authenticate gets 401, not a public answer."""
    return None if request.headers.get("Authorization") else True


PUBLIC = [bearer, session, anyone]


# --- input ---------------------------------------------------------------------------------------


class SourceIn(Input):
    url: Annotated[str, line(services.MAX_URL)] = Field(max_length=services.MAX_URL)
    title: Annotated[str, line(services.MAX_SOURCE_TITLE, required=False)] = Field(
        default="", max_length=services.MAX_SOURCE_TITLE
    )
    read_on: date = json_date(description="the day the source was read")

    def source(self) -> services.SourceIn:
        return services.SourceIn(url=self.url, title=self.title, read_on=self.read_on)


class ReportIn(Input):
    observed_on: date = json_date(description="the day the finding holds for")
    status: int = Field(ge=0, le=3, description="0 not initiated, 1 minimal, 2 intermediate, 3 full")
    breach: bool
    summary: Annotated[str, lines_of_text(MAX_SUMMARY)] = Field(max_length=MAX_SUMMARY)
    audience: Annotated[str, one_of(REPORT_AUDIENCES)] = Field(
        description="who reads the report: never wider than the agreement (a plenary agreement's reports are plenary)"
    )
    sources: list[SourceIn] = Field(default_factory=list, max_length=MAX_SOURCES)


class ResponseIn(Input):
    kind: Annotated[str, one_of(ReportAnswer.Kind.values)] = Field(
        description="response, or contest of the report's findings"
    )
    body: Annotated[str, lines_of_text(services.MAX_ANSWER)] = Field(max_length=services.MAX_ANSWER)
    sources: list[SourceIn] = Field(default_factory=list, max_length=MAX_SOURCES)


def body_schemas() -> dict[str, Any]:
    """The JSON schemas of the bodies this module's writes read themselves, for the API's components."""
    found: dict[str, Any] = {}
    for model in (ReportIn, ResponseIn):
        schema = model.model_json_schema(ref_template=REF_TEMPLATE)
        found.update(schema.pop("$defs", {}))
        found[model.__name__] = schema
    return found


def _request_body(schema: type[Input], part: str) -> dict[str, Any]:
    """The OpenAPI request body of a write that takes JSON, or multipart with evidence files."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{schema.__name__}"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [part],
                        "properties": {
                            part: {"type": "string", "description": f"the {schema.__name__} object as JSON"},
                            "evidence": {
                                "type": "array",
                                "maxItems": MAX_FILES,
                                "items": {"type": "string", "format": "binary"},
                            },
                        },
                    }
                },
            },
        }
    }


def _parsed(request: HttpRequest, schema: type[S], part: str) -> tuple[S, list[UploadedFile]]:
    """The body as ``schema``, from JSON or from a multipart part, with the evidence files."""
    if request.content_type == "application/json":
        raw: str | bytes = request.body
        uploads: list[UploadedFile] = []
    elif request.content_type == "multipart/form-data":
        if part not in request.POST:
            raise ValidationError([{"loc": ("body", part), "msg": f"the part {part!r} (JSON) is missing"}])
        raw = request.POST[part]
        uploads = list(request.FILES.getlist("evidence"))
        unknown = sorted((set(request.POST) | set(request.FILES)) - {part, "evidence"})
        if unknown:
            raise ValidationError([{"loc": ("body", name), "msg": "is not a part of this request"} for name in unknown])
    else:
        raise HttpError(415, f"send application/json, or multipart/form-data with the part {part!r} and evidence files")
    try:
        data = json.loads(raw)
    except ValueError:
        raise HttpError(400, "the request body is not valid JSON") from None
    try:
        # Validated as the API's other bodies are (parsed, then the model), so that the text checks
        # see every string, a lone surrogate included, and name its field.
        return schema.model_validate(data), uploads
    except PydanticError as exc:
        raise ValidationError(
            [{"loc": ("body", *e["loc"]), "msg": e["msg"]} for e in exc.errors(include_url=False)]
        ) from None


# --- output --------------------------------------------------------------------------------------


class CommitmentOut(Out):
    """The contract of ``GET /api/v1/agreements/{id}/commitments`` (issue 12, item 6)."""

    id: int
    clause: str
    obligor: int = Field(description="the obligor party's id")
    action: str
    category: str
    deadline: date | None
    status: int = Field(description="0 not initiated, 1 minimal, 2 intermediate, 3 full")
    breach: bool
    overdue: bool
    completed_on: date | None


class CommitmentList(PageOut):
    items: list[CommitmentOut]


def commitment_out(commitment: Commitment) -> CommitmentOut:
    return CommitmentOut(
        id=commitment.pk,
        clause=commitment.clause,
        obligor=commitment.obligor_id,
        action=commitment.action,
        category=commitment.category,
        deadline=commitment.deadline,
        status=commitment.status,
        breach=commitment.breach,
        overdue=commitment.overdue,
        completed_on=commitment.completed_on,
    )


def commitment_list(request: HttpRequest, agreement_id: int, limit: int | None, cursor: str | None) -> CommitmentList:
    """What ``GET /api/v1/agreements/{id}/commitments`` answers (its route is the agreements API's)."""
    agreement = selectors.agreement_get(user=request.user, agreement_id=agreement_id)
    page = selectors.commitments_page(user=request.user, agreement=agreement, cursor=cursor, limit=limit)
    return CommitmentList(items=[commitment_out(c) for c in page.items], next=page.next, prev=page.prev)


class SourceOut(Out):
    url: str
    title: str
    read_on: date


class EvidenceOut(Out):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str = Field(description="recorded in the event of the report or response: the ledger holds it")
    download: str


class ResponseOut(Out):
    id: int
    report: int
    party: int
    kind: str
    body: str
    sources: list[SourceOut]
    evidence: list[EvidenceOut]
    filed_at: datetime


class ReportOut(Out):
    id: int
    commitment: int
    observed_on: date
    status: int
    breach: bool
    summary: str
    sources: list[SourceOut]
    audience: str
    role: str = Field(description="monitor or guarantor")
    organisation: str
    filed_at: datetime
    answer_due_at: datetime | None = Field(description="null when the report calls for no answer")
    answered_at: datetime | None
    evidence: list[EvidenceOut]
    responses: list[ResponseOut]


class ReportList(PageOut):
    items: list[ReportOut]


class ChangeOut(Out):
    recorded_at: datetime
    effective_on: date
    status: int
    breach: bool
    overdue: bool
    completed_on: date | None
    previous_status: int
    cause: str = Field(description="report or escalation")
    report: int | None = Field(description="the report that made it, where you may read it")


class EscalationOut(Out):
    reason: str
    due_on: date
    escalated_at: datetime
    report: int | None


class CommitmentDetailOut(CommitmentOut):
    agreement: int
    agreement_title: str
    obligor_name: str
    category_label: str
    schedule: str
    continuous: bool
    verification: str
    monitors: list[str]
    history: list[ChangeOut]
    escalations: list[EscalationOut]


class SummaryOut(Out):
    key: str
    label: str
    commitments: int
    by_status: list[int] = Field(description="how many at status 0, 1, 2 and 3")
    breach: int
    overdue: int
    score: float | None


class PointOut(Out):
    day: date
    score: float


class ComplianceOut(Out):
    agreement: int
    title: str
    audience: str
    adopted_on: date
    commitments: int
    score: float | None = Field(description="mean status / 3 (Peace Accords Matrix), from 0 to 1")
    by_party: list[SummaryOut]
    by_category: list[SummaryOut]
    series: list[PointOut] = Field(description="the score on each day it changed")


def _evidence(items: list[Evidence]) -> list[EvidenceOut]:
    return [
        EvidenceOut(
            id=e.pk,
            name=e.original_name,
            content_type=e.content_type,
            size=e.size,
            sha256=e.sha256,
            download=f"/api/v1/evidence/{e.pk}",
        )
        for e in items
    ]


def _sources(items: list[dict[str, str]]) -> list[SourceOut]:
    return [SourceOut(url=s["url"], title=s.get("title", ""), read_on=date.fromisoformat(s["read_on"])) for s in items]


def _response(answer: ReportAnswer, evidence: list[Evidence]) -> ResponseOut:
    return ResponseOut(
        id=answer.pk,
        report=answer.report_id,
        party=answer.party_id,
        kind=answer.kind,
        body=answer.body,
        sources=_sources(answer.sources),
        evidence=_evidence(evidence),
        filed_at=answer.filed_at,
    )


def _report(view: selectors.ReportView) -> ReportOut:
    report = view.report
    return ReportOut(
        id=report.pk,
        commitment=report.commitment_id,
        observed_on=report.observed_on,
        status=report.status,
        breach=report.breach,
        summary=report.summary,
        sources=_sources(report.sources),
        audience=report.audience,
        role=report.author_role,
        organisation=report.organisation,
        filed_at=report.filed_at,
        answer_due_at=report.answer_due_at,
        answered_at=report.answered_at,
        evidence=_evidence(view.evidence),
        responses=[_response(a.answer, a.evidence) for a in view.answers],
    )


def _change(entry: selectors.HistoryEntry) -> ChangeOut:
    change = entry.change
    return ChangeOut(
        recorded_at=change.recorded_at,
        effective_on=change.effective_on,
        status=change.status,
        breach=change.breach,
        overdue=change.overdue,
        completed_on=change.completed_on,
        previous_status=change.previous_status,
        cause="report" if entry.by_report else "escalation",
        report=entry.report.pk if entry.report else None,
    )


def _escalation(escalation: Escalation) -> EscalationOut:
    return EscalationOut(
        reason=escalation.reason,
        due_on=escalation.due_on,
        escalated_at=escalation.escalated_at,
        report=escalation.report_id,
    )


def _summary(summary: selectors.Summary) -> SummaryOut:
    return SummaryOut(
        key=summary.key,
        label=summary.label,
        commitments=summary.commitments,
        by_status=list(summary.by_status),
        breach=summary.breach,
        overdue=summary.overdue,
        score=summary.score,
    )


def _point(point: ScorePoint) -> PointOut:
    return PointOut(day=point.day, score=point.score)


def _report_view(request: HttpRequest, report_id: int) -> selectors.ReportView:
    report = selectors.report_get(user=request.user, report_id=report_id)
    return selectors.report_views([report])[0]


# --- endpoints -----------------------------------------------------------------------------------


@router.get(
    "/commitments/{commitment_id}",
    auth=PUBLIC,
    response=CommitmentDetailOut,
    summary="A commitment: its execution, history and escalations",
)
def commitment_detail(request: HttpRequest, commitment_id: int) -> CommitmentDetailOut:
    commitment = selectors.commitment_get(user=request.user, commitment_id=commitment_id)
    agreement: Agreement = commitment.agreement
    return CommitmentDetailOut(
        **commitment_out(commitment).model_dump(),
        agreement=agreement.pk,
        agreement_title=agreement.title,
        obligor_name=commitment.obligor.name,
        category_label=category_label(commitment.category),
        schedule=commitment.schedule,
        continuous=commitment.continuous,
        verification=commitment.verification,
        monitors=[str(m) for m in commitment.monitors],
        history=[_change(c) for c in selectors.history_of(user=request.user, commitment=commitment)],
        escalations=[_escalation(e) for e in selectors.escalations_of(user=request.user, commitment=commitment)],
    )


@router.get(
    "/commitments/{commitment_id}/reports",
    auth=PUBLIC,
    response=ReportList,
    summary="The monitoring reports on a commitment you may read, newest observation first",
)
def report_list(request: HttpRequest, commitment_id: int, limit: Limit = None, cursor: Cursor = None) -> ReportList:
    commitment = selectors.commitment_get(user=request.user, commitment_id=commitment_id)
    page = paginate(
        selectors.reports_of(user=request.user, commitment=commitment),
        order=("-observed_on", "-id"),
        scope=f"reports:{commitment.pk}",
        user=request.user,
        cursor=cursor,
        limit=limit,
    )
    return ReportList(items=[_report(v) for v in selectors.report_views(page.items)], next=page.next, prev=page.prev)


@router.post(
    "/commitments/{commitment_id}/reports",
    response={201: ReportOut, 413: dict[str, object]},
    summary="File a monitoring report (monitors and guarantors of the process)",
    description="JSON (a ReportIn), or multipart/form-data with the ReportIn as JSON in the part 'report' and up "
    f"to {MAX_FILES} files in parts named 'evidence', checked by content as caucus documents are (a file whose "
    "name claims another type is refused, 422; one over the size limit, 413). The report sets the commitment's "
    "status and breach when it is its latest observation. A refusal writes nothing.",
    openapi_extra=_request_body(ReportIn, "report"),
)
def report_file(request: HttpRequest, commitment_id: int) -> Status[ReportOut]:
    actor = signed_in(request)
    # The body is read first, as for every other operation of the API.
    payload, uploads = _parsed(request, ReportIn, "report")
    commitment = selectors.commitment_get(user=request.user, commitment_id=commitment_id)
    report = services.report_file(
        actor=actor,
        commitment=commitment,
        observed_on=payload.observed_on,
        status=payload.status,
        breach=payload.breach,
        summary=payload.summary,
        audience_name=payload.audience,
        sources=[s.source() for s in payload.sources],
        evidence=uploads,
    )
    return Status(201, _report(_report_view(request, report.pk)))


@router.get("/reports/{report_id}", auth=PUBLIC, response=ReportOut, summary="A monitoring report and its responses")
def report_detail(request: HttpRequest, report_id: int) -> ReportOut:
    return _report(_report_view(request, report_id))


@router.post(
    "/reports/{report_id}/responses",
    response={201: ResponseOut, 413: dict[str, object]},
    summary="Respond to a report, or contest it (the obligor party's head or delegates)",
    description="JSON (a ResponseIn), or multipart/form-data with the ResponseIn as JSON in the part 'response' "
    "and evidence files in parts named 'evidence'. Another party than the obligor: 403.",
    openapi_extra=_request_body(ResponseIn, "response"),
)
def report_respond(request: HttpRequest, report_id: int) -> Status[ResponseOut]:
    actor = signed_in(request)
    payload, uploads = _parsed(request, ResponseIn, "response")
    report = selectors.report_get(user=request.user, report_id=report_id)
    answer = services.report_answer(
        actor=actor,
        report=report,
        kind=payload.kind,
        body=payload.body,
        sources=[s.source() for s in payload.sources],
        evidence=uploads,
    )
    return Status(201, _response(answer, list(answer.evidence.order_by("id"))))


@router.get(
    "/evidence/{evidence_id}",
    auth=PUBLIC,
    response={200: None},
    summary="Download an evidence file",
    description="Always as an attachment, with its SHA-256 in Repr-Digest (RFC 9530); a stored file whose "
    "content no longer has that hash is not served.",
)
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    return evidence_response(selectors.evidence_get(user=request.user, evidence_id=evidence_id))


@router.get(
    "/agreements/{agreement_id}/compliance",
    auth=PUBLIC,
    response=ComplianceOut,
    summary="The compliance register's figures: per party, per category, and the score over time",
)
def agreement_compliance(request: HttpRequest, agreement_id: int) -> ComplianceOut:
    agreement = selectors.agreement_get(user=request.user, agreement_id=agreement_id)
    register = selectors.register_get(user=request.user, agreement=agreement)
    return ComplianceOut(
        agreement=agreement.pk,
        title=agreement.title,
        audience=agreement.audience,
        adopted_on=agreement.adopted_on,
        commitments=register.commitments,
        score=register.score,
        by_party=[_summary(s) for s in register.by_party],
        by_category=[_summary(s) for s in register.by_category],
        series=[_point(p) for p in register.series],
    )
