"""The demo's reports on the 2020 statement, filed on a provisional stand-in for the agreements demo's
agreement: what the register then shows, each report citing its sources, and what the worker
escalates of it."""

from datetime import UTC, date, datetime

import pytest

from goodoffices.events.models import Event, EventKind
from goodoffices.monitoring import demo
from goodoffices.monitoring.escalation import escalation_pass
from goodoffices.monitoring.models import Escalation, MonitoringReport, ReportAnswer
from goodoffices.monitoring.selectors import register_get

from .factories import statement_2020


@pytest.fixture
def statement(world):
    return statement_2020(world.process, armenia=world.party_a, azerbaijan=world.party_b)


def _state(statement, pattern: str) -> tuple[int, bool, date | None]:
    commitment = next(c for c in statement.commitments.all() if pattern in c.action)
    return commitment.status, commitment.breach, commitment.completed_on


def test_the_reports_tell_the_statements_execution(world, statement):
    filed = demo.load_reports(statement)
    assert len(filed) == len(demo.REPORTS)
    assert _state(statement, "Aghdam") == (3, False, date(2020, 11, 20))
    assert _state(statement, "Kalbajar") == (3, False, date(2020, 11, 25))  # ten days after its deadline
    assert _state(statement, "Lachin district") == (3, False, date(2020, 12, 1))
    assert _state(statement, "peacekeeping centre") == (3, False, date(2021, 1, 30))
    assert _state(statement, "both directions") == (0, True, None)
    assert _state(statement, "UNHCR") == (0, False, None)
    assert _state(statement, "prisoners") == (0, False, None)  # nothing reported


def test_every_report_cites_sources_read_by_the_day_it_was_filed(world, statement):
    demo.load_reports(statement)
    for report in MonitoringReport.objects.all():
        assert report.sources, report.summary
        for source in report.sources:
            assert source["url"].startswith(("https://", "http://"))
            assert date.fromisoformat(source["read_on"]) <= report.filed_at.date()
        assert report.observed_on <= report.filed_at.date()
        assert report.author == world.monitor
        assert report.audience == "public"


def test_the_reports_are_in_the_record_on_the_days_they_were_filed(world, statement):
    demo.load_reports(statement)
    days = sorted(e.occurred_at.date() for e in Event.objects.filter(kind=EventKind.REPORT_FILED))
    assert days[0] == date(2020, 11, 15)
    assert days[-1] == date(2023, 6, 16)
    assert date(2022, 12, 13) in days


def test_the_obligor_contests_the_june_2023_report(world, statement):
    demo.load_reports(statement)
    answer = ReportAnswer.objects.get()
    assert (answer.kind, answer.party, answer.report.observed_on) == ("contest", world.party_b, date(2023, 6, 15))
    assert answer.filed_at.date() == date(2023, 6, 26)


def test_the_score_history_follows_the_reports(world, statement):
    demo.load_reports(statement)
    register = register_get(user=world.mediator, agreement=statement)
    points = {p.day: round(p.score, 3) for p in register.series}
    n = 7 * 3
    assert points[date(2020, 11, 10)] == 0
    assert points[date(2020, 11, 20)] == round((2 + 3) / n, 3)  # Kalbajar under way, Aghdam done
    assert points[date(2020, 12, 1)] == round((3 + 3 + 3 + 3) / n, 3)  # three districts and the corridor
    assert points[date(2023, 6, 15)] == round((3 + 3 + 3 + 3) / n, 3)  # the corridor at 0, the centre at 3
    assert register.score == pytest.approx(12 / n)


def test_the_worker_escalates_what_the_record_leaves_open(world, statement):
    demo.load_reports(statement)
    escalation_pass(now=datetime(2024, 1, 10, tzinfo=UTC))
    escalated = sorted(
        (e.commitment.action.split()[-1], e.reason, e.due_on.isoformat()) for e in Escalation.objects.all()
    )
    reasons = {(reason, day) for _, reason, day in escalated}
    assert ("breach", "2022-12-12") in reasons  # the corridor
    # Reports left unanswered: Kalbajar's extension, the corridor's of December and February, point 7.
    assert sum(1 for _, reason, _ in escalated if reason == "unanswered") == 4
    # The contested report was answered in time.
    assert not Escalation.objects.filter(report__observed_on=date(2023, 6, 15)).exists()


def test_a_missing_commitment_is_skipped_and_a_missing_monitor_refused(world, statement):
    statement.commitments.filter(action__contains="peacekeeping centre").update(action="Something else")
    assert len(demo.load_reports(statement)) == len(demo.REPORTS) - 1
    other = statement_2020(world.process, armenia=world.party_a, azerbaijan=world.party_b)
    world.process.appointments.filter(role__in=["monitor", "guarantor"]).delete()
    with pytest.raises(ValueError, match="appoint a monitor"):
        demo.load_reports(other)


def test_the_demo_hook_loads_the_2020_statement_once(world, statement):
    assert len(demo.demo_monitoring_load()) == len(demo.REPORTS)
    assert demo.demo_monitoring_load() == []


def test_the_reports_load_into_the_demo_and_show_on_its_public_register(db, settings):
    from django.test import Client

    from goodoffices.processes.demo import demo_load
    from goodoffices.processes.models import Process

    settings.DEMO = True
    demo_load()
    process = Process.objects.get(title="Stepanakert–Baku dialogue")
    baku, stepanakert = process.parties.get(name="Baku"), process.parties.get(name="Stepanakert")
    statement = statement_2020(process, armenia=stepanakert, azerbaijan=baku)
    assert len(demo.demo_monitoring_load()) == len(demo.REPORTS)
    assert ReportAnswer.objects.get().author.username == "baku"
    client = Client(HTTP_HOST="localhost")
    page = client.get(f"/register/agreements/{statement.pk}/").content.decode()
    assert "fully implemented on 25 November 2020, after the deadline" in page
    feed = client.get("/register/commitments/feed.atom").content.decode()
    assert "Lachin corridor" in feed
    summary = escalation_pass(now=datetime(2024, 1, 10, tzinfo=UTC))
    assert summary.counts["unanswered"] == 4
    assert summary.counts["breach"] == 1
