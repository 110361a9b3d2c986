"""The compliance register (public where the agreement is public), its exports, and a commitment's
page where monitors and guarantors report and the obligor party answers.

Works without JavaScript; the register's chart is SVG drawn on the server, with a table of the same
figures beside it.
"""

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from goodoffices.accounts.models import signed_in
from goodoffices.agreements.models import Agreement, Commitment
from goodoffices.lib.compliance import ChartLabels, as_percent, score_chart_svg
from goodoffices.policies import WIDER, Permission, can
from goodoffices.policies.rules.monitoring import REPORT_AUDIENCES
from goodoffices.texts.categories import category_label
from goodoffices.web.shortcuts import attempt, page_of, visible_or_404

from . import selectors, services
from .evidence import evidence_response
from .forms import AnswerForm, ReportForm
from .models import MonitoringReport


def _audiences(agreement: Agreement) -> list[str]:
    """The audiences a report on this agreement may have (never wider than the agreement)."""
    return [a for a in REPORT_AUDIENCES if WIDER[a] <= WIDER.get(agreement.audience, 0)]


def _chart(register: selectors.Register) -> str:
    score = as_percent(register.score)
    labels = ChartLabels(
        title=_("Implementation score of %(agreement)s over time") % {"agreement": register.agreement.title},
        description=_(
            "Mean status of the %(count)d commitments divided by 3, from %(start)s, when the agreement was "
            "adopted, to today: %(score)s. The table below gives every change."
        )
        % {"count": register.commitments, "start": register.agreement.adopted_on.isoformat(), "score": score},
        axis=_("Implementation score"),
    )
    # Every text in it is escaped by score_chart_svg.
    return mark_safe(score_chart_svg(register.series, end=register.today, labels=labels))  # noqa: S308


@require_GET
def register(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = visible_or_404(lambda: selectors.agreement_get(user=request.user, agreement_id=agreement_id))
    figures = selectors.register_get(user=request.user, agreement=agreement)
    page = page_of(
        request,
        selectors.commitments_of(user=request.user, agreement=agreement),
        order=("position", "id"),
        scope=f"register:{agreement.pk}",
    )
    context = {
        "agreement": agreement,
        "register": figures,
        "score": as_percent(figures.score),
        "chart": _chart(figures),
        "rows": selectors.rows_of(page.items),
        "page": page,
    }
    return render(request, "monitoring/register.html", context)


def _cell(value: Any) -> str:
    """A CSV cell no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_COLUMNS = [
    "id",
    "clause",
    "obligor",
    "action",
    "category",
    "deadline",
    "schedule",
    "continuous",
    "status",
    "breach",
    "overdue",
    "completed_on",
    "last_report_observed_on",
    "last_report_summary",
    "last_report_sources",
]


@require_GET
def register_csv(request: HttpRequest, agreement_id: int) -> HttpResponseBase:
    agreement = visible_or_404(lambda: selectors.agreement_get(user=request.user, agreement_id=agreement_id))
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for row in selectors.export_rows(user=request.user, agreement=agreement):
            c, report = row.commitment, row.last_report
            yield writer.writerow(
                _cell(v)
                for v in (
                    c.pk,
                    c.clause,
                    c.obligor.name,
                    c.action,
                    c.category,
                    c.deadline.isoformat() if c.deadline else "",
                    c.schedule,
                    "yes" if c.continuous else "no",
                    c.status,
                    "yes" if c.breach else "no",
                    "yes" if c.overdue else "no",
                    c.completed_on.isoformat() if c.completed_on else "",
                    report.observed_on.isoformat() if report else "",
                    report.summary if report else "",
                    " ".join(s["url"] for s in report.sources) if report else "",
                )
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="agreement-{agreement.pk}-commitments.csv"'
    return response


def _json_row(row: selectors.Row) -> dict[str, Any]:
    c, report = row.commitment, row.last_report
    return {
        "id": c.pk,
        "clause": c.clause,
        "obligor": c.obligor_id,
        "obligor_name": c.obligor.name,
        "action": c.action,
        "category": c.category,
        "deadline": c.deadline.isoformat() if c.deadline else None,
        "schedule": c.schedule or None,
        "continuous": c.continuous,
        "status": c.status,
        "breach": c.breach,
        "overdue": c.overdue,
        "completed_on": c.completed_on.isoformat() if c.completed_on else None,
        "last_report": None
        if report is None
        else {
            "id": report.pk,
            "observed_on": report.observed_on.isoformat(),
            "status": report.status,
            "breach": report.breach,
            "summary": report.summary,
            "sources": report.sources,
        },
    }


@require_GET
def register_json(request: HttpRequest, agreement_id: int) -> HttpResponseBase:
    agreement = visible_or_404(lambda: selectors.agreement_get(user=request.user, agreement_id=agreement_id))
    head = {"id": agreement.pk, "title": agreement.title, "audience": agreement.audience}

    def chunks() -> Iterator[str]:
        yield '{"agreement": ' + json.dumps(head, ensure_ascii=False) + ', "items": ['
        for i, row in enumerate(selectors.export_rows(user=request.user, agreement=agreement)):
            yield ("," if i else "") + json.dumps(_json_row(row), ensure_ascii=False)
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="agreement-{agreement.pk}-commitments.json"'
    return response


def _commitment_page(
    request: HttpRequest,
    commitment: Commitment,
    *,
    report_form: ReportForm | None = None,
    failed_answer: tuple[int, AnswerForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    page = page_of(
        request,
        selectors.reports_of(user=request.user, commitment=commitment),
        order=("-observed_on", "-id"),
        scope=f"reports:{commitment.pk}",
    )
    agreement = commitment.agreement
    may_answer = can(request.user, Permission.REPORT_ANSWER, commitment.obligor)
    context = {
        "agreement": agreement,
        "commitment": commitment,
        "category": category_label(commitment.category),
        "reports": selectors.report_views(page.items),
        "page": page,
        "history": selectors.history_of(user=request.user, commitment=commitment),
        "escalations": selectors.escalations_of(user=request.user, commitment=commitment),
        "may_report": can(request.user, Permission.REPORT_FILE, commitment),
        "may_answer": may_answer,
        "report_form": report_form or ReportForm(audiences=_audiences(agreement)),
        "answer_form": AnswerForm(),
        "failed_answer": failed_answer,
    }
    return render(request, "monitoring/commitment.html", context, status=status)


def _commitment(request: HttpRequest, commitment_id: int) -> Commitment:
    return visible_or_404(lambda: selectors.commitment_get(user=request.user, commitment_id=commitment_id))


@require_GET
def commitment(request: HttpRequest, commitment_id: int) -> HttpResponse:
    return _commitment_page(request, _commitment(request, commitment_id))


@login_required
@require_POST
def report_file(request: HttpRequest, commitment_id: int) -> HttpResponse:
    item = _commitment(request, commitment_id)
    if not can(request.user, Permission.REPORT_FILE, item):
        raise PermissionDenied
    form = ReportForm(request.POST, request.FILES, audiences=_audiences(item.agreement))
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            request,
            lambda: services.report_file(
                actor=signed_in(request),
                commitment=item,
                observed_on=data["observed_on"],
                status=data["status"],
                breach=data["breach"],
                summary=data["summary"],
                audience_name=data["audience"],
                sources=data["sources"],
                evidence=data["evidence"],
            ),
            form=form,
        )
        if outcome.done:
            messages.success(request, _("Your report was filed."))
            return redirect("commitment", commitment_id=item.pk)
        status = outcome.status
    return _commitment_page(request, item, report_form=form, status=status)


@login_required
@require_POST
def report_respond(request: HttpRequest, report_id: int) -> HttpResponse:
    report: MonitoringReport = visible_or_404(lambda: selectors.report_get(user=request.user, report_id=report_id))
    item = _commitment(request, report.commitment_id)
    if not can(request.user, Permission.REPORT_ANSWER, item.obligor):
        raise PermissionDenied
    form = AnswerForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            request,
            lambda: services.report_answer(
                actor=signed_in(request),
                report=report,
                kind=data["kind"],
                body=data["body"],
                sources=data["sources"],
                evidence=data["evidence"],
            ),
            form=form,
        )
        if outcome.done:
            messages.success(request, _("Your party's answer was filed."))
            return redirect("commitment", commitment_id=item.pk)
        status = outcome.status
    return _commitment_page(request, item, failed_answer=(report.pk, form), status=status)


@require_GET
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    return visible_or_404(lambda: evidence_response(selectors.evidence_get(user=request.user, evidence_id=evidence_id)))
