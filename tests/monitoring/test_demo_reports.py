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


def _states(statement, words: str) -> list[tuple[int, bool, date | None]]:
    return [
        (c.status, c.breach, c.completed_on) for c in statement.commitments.order_by("position") if words in c.action
    ]


def test_the_reports_tell_the_statements_execution(world, statement):
    filed = demo.load_reports(statement)
    # The ceasefire and the return of displaced persons are reported on for each party.
    assert len(filed) == len(demo.REPORTS) - 1 + 2  # no point 5 commitment; points 1 and 7 on both
    assert _states(statement, "Aghdam") == [(3, False, date(2020, 11, 20))]
    assert _states(statement, "Kalbajar") == [(3, False, date(2020, 11, 25))]  # ten days after its deadline
    assert _states(statement, "Lachin district") == [(3, False, date(2020, 12, 1))]
    assert _states(statement, "Cease fire") == [(2, False, None)] * 2
    assert _states(statement, "both directions") == [(0, True, None)]
    assert _states(statement, "displaced") == [(0, False, None)] * 2
    assert _states(statement, "prisoners") == [(0, False, None)] * 2  # nothing reported
    assert _states(statement, "Withdraw") == [(0, False, None)]


def test_the_centres_opening_goes_to_a_monitoring_commitment_where_there_is_one(world):
    statement = statement_2020(world.process, armenia=world.party_a, azerbaijan=world.party_b, with_centre=True)
    demo.load_reports(statement)
    assert _states(statement, "Deploy a peacekeeping centre") == [(3, False, date(2021, 1, 30))]
    assert _states(statement, "Cease fire") == [(2, False, None)] * 2


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
    points = {p.day: round(p.score * 13 * 3) for p in register.series}  # in status points of 13 commitments
    assert points[date(2020, 11, 10)] == 0
    assert points[date(2020, 11, 20)] == 2 + 3  # Kalbajar under way, Aghdam done
    assert points[date(2020, 12, 1)] == 3 + 3 + 3 + 3  # three districts and the corridor
    assert points[date(2021, 1, 30)] == 12 + 2 + 2  # the ceasefire, for each party
    assert points[date(2023, 6, 15)] == 3 + 3 + 3 + 0 + 2 + 2  # the corridor at 0
    assert register.score == pytest.approx(13 / 39)


def test_the_worker_escalates_what_the_record_leaves_open(world, statement):
    demo.load_reports(statement)
    escalation_pass(now=datetime(2024, 1, 10, tzinfo=UTC))
    escalated = sorted(
        (e.commitment.action.split()[-1], e.reason, e.due_on.isoformat()) for e in Escalation.objects.all()
    )
    reasons = {(reason, day) for _, reason, day in escalated}
    assert ("breach", "2022-12-12") in reasons  # the corridor
    # Reports left unanswered: Kalbajar's extension, the ceasefire's (two), the corridor's of December and
    # February, point 7's (two).
    assert sum(1 for _, reason, _ in escalated if reason == "unanswered") == 7
    # The contested report was answered in time.
    assert not Escalation.objects.filter(report__observed_on=date(2023, 6, 15)).exists()


def test_a_missing_commitment_is_skipped_and_a_missing_monitor_refused(world, statement):
    statement.commitments.filter(action__contains="Aghdam").update(action="Something else")
    assert len(demo.load_reports(statement)) == len(demo.REPORTS) - 1 + 2 - 1
    other = statement_2020(world.process, armenia=world.party_a, azerbaijan=world.party_b)
    world.process.appointments.filter(role__in=["monitor", "guarantor"]).delete()
    with pytest.raises(ValueError, match="appoint a monitor"):
        demo.load_reports(other)


def test_the_demo_hook_loads_the_2020_statement_once(world, statement):
    assert len(demo.demo_monitoring_load()) == len(demo.REPORTS) + 1
    assert demo.demo_monitoring_load() == []


def test_the_reports_load_into_the_demo_and_show_on_its_public_register(db, settings):
    """With the agreements demo's statement where the demo has it (its hook then loaded the reports),
    else with the stand-in in the seed's process."""
    from django.test import Client

    from goodoffices.agreements.models import Agreement
    from goodoffices.processes.demo import demo_load
    from goodoffices.processes.models import Process

    settings.DEMO = True
    demo_load()
    statement = Agreement.objects.filter(title__contains="2020").first()
    if statement is None:
        process = Process.objects.get(title="Stepanakert–Baku dialogue")
        baku, stepanakert = process.parties.get(name="Baku"), process.parties.get(name="Stepanakert")
        statement = statement_2020(process, armenia=stepanakert, azerbaijan=baku)
        assert len(demo.demo_monitoring_load()) == len(demo.REPORTS) + 1
    assert MonitoringReport.objects.filter(commitment__agreement=statement).count() == len(demo.REPORTS) + 1
    assert demo.demo_monitoring_load() == []  # once only
    assert ReportAnswer.objects.get().author.username == "baku"
    client = Client(HTTP_HOST="localhost")
    page = client.get(f"/register/agreements/{statement.pk}/").content.decode()
    assert "fully implemented on 25 November 2020, after the deadline" in page
    feed = client.get("/register/commitments/feed.atom").content.decode()
    assert "Lachin corridor" in feed
    summary = escalation_pass(now=datetime(2024, 1, 10, tzinfo=UTC))
    assert summary.counts["unanswered"] == 7
    assert summary.counts["breach"] == 1
