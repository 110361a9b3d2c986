"""Query budgets of the monitoring pages and API reads (issue 9: API reads at most 8 queries, pages at
most 12), measured with 1 record of every kind and again with 50: commitments in the agreement,
reports (with evidence and answers) on one commitment, changes and escalations."""

from datetime import UTC, datetime, time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from goodoffices.agreements.models import Commitment
from goodoffices.monitoring import services
from goodoffices.monitoring.escalation import escalation_pass

from ..test_query_budgets import API_BUDGET, PAGE_BUDGET
from .conftest import evidence_file, file_report, today

ENDPOINTS = [
    ("api commitment", True, "anonymous", "/api/v1/commitments/{c}"),
    ("api reports", True, "anonymous", "/api/v1/commitments/{c}/reports"),
    ("api reports (monitor)", True, "monitor", "/api/v1/commitments/{c}/reports"),
    ("api report", True, "head_a", "/api/v1/reports/{r}"),
    ("api compliance", True, "anonymous", "/api/v1/agreements/{a}/compliance"),
    ("register", False, "anonymous", "/register/agreements/{a}/"),
    ("register (guarantor)", False, "guarantor", "/register/agreements/{a}/"),
    ("commitment", False, "monitor", "/commitments/{c}/"),
    ("commitment (obligor)", False, "head_a", "/commitments/{c}/"),
    ("public register", False, "anonymous", "/register/"),
    ("feed", False, "anonymous", "/register/commitments/feed.atom"),
    ("agreement feed", False, "anonymous", "/register/agreements/{a}/feed.atom"),
]


def _grow(world, agreements, count: int) -> dict[str, int]:
    agreement = agreements.public
    first = agreement.commitments.get(clause="1")
    start = agreement.commitments.count()
    Commitment.objects.bulk_create(
        Commitment(
            agreement=agreement,
            position=start + i,
            clause=f"x{start + i}",
            obligor=world.party_a,
            action=f"Step {start + i}",
            category="ceasefire",
            deadline=today() - timedelta(days=1),
        )
        for i in range(count)
    )
    report = None
    for i in range(count):
        report = file_report(
            world.monitor,
            first,
            status=i % 3,
            breach=bool(i % 2),
            observed_on=today() - timedelta(days=60 - i),
            evidence=[evidence_file(f"e{i}.pdf")],
        )
        services.report_answer(actor=world.head_a, report=report, kind="response", body=f"Answer {i}")
    escalation_pass(now=datetime.combine(today(), time(12), tzinfo=UTC))
    assert report is not None
    return {"a": agreement.pk, "c": first.pk, "r": report.pk}


FROZEN_COLUMNS = [f'"agreements_agreement"."{name}"' for name in ("canonical", "html", "pdf")]


def _count(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    # An agreement's frozen bytes (its PDF with the fonts) are served by their own downloads, never
    # read to name the agreement on a list or beside a commitment or a report.
    read = [column for q in queries.captured_queries for column in FROZEN_COLUMNS if column in q["sql"]]
    assert not read, f"{url} read {read}"
    return response.status_code, len(queries)


def test_no_monitoring_read_grows_with_the_record(world, agreements, client_for, api_for):
    clients = {(persona, api): (api_for(persona) if api else client_for(persona)) for _, api, persona, _ in ENDPOINTS}
    ids = _grow(world, agreements, 1)
    for _name, api, persona, url in ENDPOINTS:  # once each first: a token's first use is recorded
        clients[persona, api].get(url.format(**ids))
    small = {}
    for name, api, persona, url in ENDPOINTS:
        status, small[name] = _count(clients[persona, api], url.format(**ids))
        assert status == 200, name
    ids = _grow(world, agreements, 49)
    for _name, api, persona, url in ENDPOINTS:  # growing may take over a minute: record last use again
        clients[persona, api].get(url.format(**ids))
    problems = {}
    for name, api, persona, url in ENDPOINTS:
        status, large = _count(clients[persona, api], url.format(**ids))
        assert status == 200, name
        budget = API_BUDGET if api else PAGE_BUDGET
        if large != small[name]:
            problems[name] = f"{small[name]} queries with 1 record, {large} with 50"
        elif large > budget:
            problems[name] = f"{large} queries, over its budget of {budget}"
    print("queries:", small)
    assert not problems, problems
