"""Atom feeds of the status changes of public agreements' commitments: all of them (linked from
``/register/``), and one agreement's. A change made by a report that is not public is listed with
what the register shows (status, breach, overdue) and nothing of the report."""

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goodoffices.agreements.models import Agreement, Commitment
from goodoffices.lib import audience
from goodoffices.meetings.atom import PlainTextAtomFeed, xml_text

from . import selectors
from .models import CommitmentChange


def change_title(change: CommitmentChange) -> str:
    status = Commitment.Status(change.status).label
    flags = [str(status)]
    if change.breach:
        flags.append(_("breach"))
    if change.overdue:
        flags.append(_("overdue"))
    if change.completed_on:
        flags.append(_("fully implemented on %(date)s") % {"date": change.completed_on.isoformat()})
    return xml_text(
        _("%(agreement)s, clause %(clause)s: %(state)s")
        % {"agreement": change.agreement.title, "clause": change.commitment.clause, "state": ", ".join(flags)}
    )


def change_summary(change: CommitmentChange) -> str:
    parts = [change.commitment.action]
    report = change.report
    if report is not None and report.audience == audience.PUBLIC:
        parts.append(
            _("Report of %(date)s: %(summary)s") % {"date": report.observed_on.isoformat(), "summary": report.summary}
        )
        parts.extend(f"{s['url']} ({s['read_on']})" for s in report.sources)
    elif report is None:
        parts.append(_("Escalated by the platform: the deadline passed without full implementation."))
    return xml_text("\n\n".join(parts))


class StatusChangesFeed(Feed):  # type: ignore[type-arg]
    feed_type = PlainTextAtomFeed
    title = gettext_lazy("Good Offices: status of public commitments")
    subtitle = gettext_lazy("Every change in the execution of public agreements' commitments")

    def link(self) -> str:
        return reverse("register")

    def items(self) -> list[CommitmentChange]:
        return list(selectors.status_changes())

    def item_title(self, item: CommitmentChange) -> str:
        return change_title(item)

    def item_description(self, item: CommitmentChange) -> str:
        return change_summary(item)

    def item_link(self, item: CommitmentChange) -> str:
        return reverse("commitment", args=[item.commitment_id]) + f"#change-{item.pk}"

    def item_pubdate(self, item: CommitmentChange) -> datetime:
        return item.recorded_at

    def item_updateddate(self, item: CommitmentChange) -> datetime:
        return item.recorded_at


class AgreementChangesFeed(StatusChangesFeed):
    def get_object(self, request: HttpRequest, agreement_id: int) -> Agreement:  # noqa: ARG002 - Django passes the request
        agreement = selectors.public_agreements().filter(pk=agreement_id).first()
        if agreement is None:
            raise Http404(_("Not found."))
        return agreement

    def title(self, obj: Agreement) -> str:  # type: ignore[override]
        return xml_text(_("Good Offices: status of the commitments of %(agreement)s") % {"agreement": obj.title})

    def link(self, obj: Agreement) -> str:  # type: ignore[override]
        return reverse("compliance_register", args=[obj.pk])

    def items(self, obj: Agreement) -> list[CommitmentChange]:  # type: ignore[override]
        return list(selectors.status_changes(agreement=obj))
