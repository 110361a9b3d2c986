"""The worker's escalation: what it escalates, whom it tells, and that nothing is escalated twice,
whether the pass runs twice or in two workers at once."""

import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection, connections

from goodoffices.agreements.models import Commitment
from goodoffices.events.models import Event, EventKind
from goodoffices.mail.models import OutboundMail
from goodoffices.meetings.models import Notification
from goodoffices.monitoring import services
from goodoffices.monitoring.escalation import MESSAGES, escalation_pass
from goodoffices.monitoring.models import Escalation
from goodoffices.worker.jobs import JOBS
from tests.demo_server import clean_env
from tests.world import make_world

from .conftest import file_report, today
from .factories import Spec, make_agreement


def _at(day, hours: int = 12) -> datetime:
    return datetime.combine(day, time(hours), tzinfo=UTC)


def _escalated() -> list[tuple[str, str, str]]:
    return sorted(Escalation.objects.values_list("commitment__clause", "reason", "key"))


def test_nothing_is_escalated_before_its_time(world, agreements):
    assert not escalation_pass(now=_at(today()))
    assert Escalation.objects.count() == Event.objects.filter(kind=EventKind.COMMITMENT_ESCALATED).count() == 0


def test_a_passed_deadline_marks_the_commitment_overdue_once(world, agreements):
    commitment = agreements.commitment("public", "1")
    world.operator.email = "operator@example.org"
    world.operator.save()
    Notification.objects.all().delete()
    # The deadline's day itself is not late; the day after is.
    assert escalation_pass(now=_at(commitment.deadline, 23)).counts["overdue"] == 0
    summary = escalation_pass(now=_at(commitment.deadline + timedelta(days=1)))
    assert summary.counts["overdue"] == 2  # the public and the plenary agreement's clause 1
    commitment.refresh_from_db()
    assert commitment.overdue
    escalation = Escalation.objects.get(commitment=commitment)
    assert (escalation.reason, escalation.key, escalation.due_on) == (
        "overdue",
        f"deadline:{commitment.deadline}",
        commitment.deadline,
    )
    event = Event.objects.get(kind=EventKind.COMMITMENT_ESCALATED, subject_id=str(escalation.pk))
    assert event.audience == "public"
    assert event.payload["change"] == {"overdue": [False, True]}
    # The guarantor and the framework's operator are told; the operator may not read the plenary
    # agreement, so hears only of the public one.
    notices = sorted(Notification.objects.values_list("user__username", "params__agreement"))
    assert notices == [
        ("guarantor", "Agreement on humanitarian access"),
        ("guarantor", "Confidential arrangement"),
        ("operator", "Agreement on humanitarian access"),
    ]
    assert sorted(OutboundMail.objects.values_list("to", flat=True)) == [
        "guarantor@example.org",
        "guarantor@example.org",
        "operator@example.org",
    ]
    # Again, and again later: nothing new.
    before = (Escalation.objects.count(), Event.objects.count(), Notification.objects.count())
    assert not escalation_pass(now=_at(commitment.deadline + timedelta(days=1)))
    assert (Escalation.objects.count(), Event.objects.count(), Notification.objects.count()) == before
    assert escalation_pass(now=_at(commitment.deadline + timedelta(days=40))).counts["overdue"] == 0
    assert Escalation.objects.filter(reason="overdue").count() == 2


def test_a_deadline_is_a_day_in_the_mandates_time_zone(world, agreements):
    from goodoffices.processes.services import mandate_amend

    mandate_amend(actor=world.operator, mandate=world.mandate, note="Deadlines in Baku", deadline_timezone="Asia/Baku")
    commitment = agreements.commitment("public", "1")
    # 21:00 UTC on the deadline is already the next day in Baku (UTC+4).
    assert escalation_pass(now=_at(commitment.deadline, 19)).counts["overdue"] == 0
    assert escalation_pass(now=_at(commitment.deadline, 21)).counts["overdue"] == 2


def test_full_implementation_in_time_is_never_overdue(world, agreements):
    commitment = agreements.commitment("public", "1")
    file_report(world.monitor, commitment, status=3)
    escalation_pass(now=_at(commitment.deadline + timedelta(days=5)))
    assert not Escalation.objects.filter(commitment=commitment).exists()


def test_a_breach_of_a_continuous_commitment_is_escalated_once_per_breach(world, agreements):
    commitment = agreements.commitment("public", "2")
    file_report(world.monitor, commitment, status=1, breach=True, observed_on=today() - timedelta(days=1))
    summary = escalation_pass(now=_at(today()))
    assert summary.counts["breach"] == 1
    assert not escalation_pass(now=_at(today()))
    # The breach ends, then a new one begins: that one is escalated too.
    file_report(world.monitor, commitment, status=3, breach=False)
    file_report(world.monitor, commitment, status=1, breach=True)
    assert escalation_pass(now=_at(today())).counts["breach"] == 1
    assert Escalation.objects.filter(commitment=commitment, reason="breach").count() == 2
    # A breach of a commitment with a deadline is not this rule's (its deadline is).
    file_report(world.monitor, agreements.commitment("public", "1"), status=1, breach=True)
    assert escalation_pass(now=_at(today())).counts["breach"] == 0


def test_a_check_date_without_a_report_is_escalated(world, agreements):
    first = today() - timedelta(days=75)
    agreement = make_agreement(
        world.process,
        [Spec("9", world.party_a, "Report on mine clearance", "ceasefire", schedule=f"every 30 days from {first}")],
        title="Mine clearance",
        adopted_on=today() - timedelta(days=90),
    )
    commitment = agreement.commitments.get()
    # A report before the first check date meets it; the second and third have none.
    file_report(world.monitor, commitment, status=2, observed_on=first)
    summary = escalation_pass(now=_at(today()))
    keys = sorted(Escalation.objects.filter(commitment=commitment).values_list("key", flat=True))
    assert summary.counts["check_missed"] >= 2
    assert f"check:{first.isoformat()}" not in keys
    assert len(keys) == 2
    assert not escalation_pass(now=_at(today()))


def test_a_report_left_unanswered_past_the_period_is_escalated(world, agreements):
    public_report = file_report(world.monitor, agreements.commitment("public", "2"), status=1)
    plenary_report = file_report(
        world.monitor, agreements.commitment("plenary", "2"), status=1, audience_name="plenary"
    )
    services.report_answer(actor=world.head_b, report=public_report, kind="response", body="We are working on it.")
    Notification.objects.all().delete()
    assert escalation_pass(now=public_report.filed_at + timedelta(days=29)).counts["unanswered"] == 0
    summary = escalation_pass(now=public_report.filed_at + timedelta(days=31))
    assert summary.counts["unanswered"] == 1
    escalation = Escalation.objects.get(reason="unanswered")
    assert escalation.report == plenary_report
    event = Event.objects.get(kind=EventKind.COMMITMENT_ESCALATED, subject_id=str(escalation.pk))
    assert event.audience == "plenary"  # never wider than the report
    told = Notification.objects.filter(message=MESSAGES["unanswered"][0])
    assert list(told.values_list("user__username", flat=True)) == ["guarantor"]


def test_the_worker_runs_the_escalation_as_a_job(world, agreements):
    job = next(j for j in JOBS if j.name == "escalation")
    deadline = agreements.commitment("public", "1").deadline
    assert "2 overdue" in job.run(_at(deadline + timedelta(days=1)))
    assert job.run(_at(deadline + timedelta(days=1))) == ""


def test_batches_read_only_what_they_need(world, agreements, django_assert_max_num_queries):
    """Many commitments, small batches: every one escalated, each once."""
    specs = [Spec(str(i), world.party_a, f"Step {i}", deadline=today() - timedelta(days=2)) for i in range(30)]
    agreement = make_agreement(world.process, specs, title="Many steps", adopted_on=today() - timedelta(days=30))
    summary = escalation_pass(now=_at(today()), batch=7)
    assert summary.counts["overdue"] == 30
    assert Commitment.objects.filter(agreement=agreement, overdue=True).count() == 30
    assert Event.objects.filter(kind=EventKind.COMMITMENT_ESCALATED).count() == 30


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_escalate_nothing_twice_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's row locks; SQLite is covered by the two-process test below")
    world = make_world(prefix="esc-")
    specs = [Spec(str(i), world.party_a, f"Step {i}", deadline=today() - timedelta(days=2)) for i in range(120)]
    specs += [Spec(f"c{i}", world.party_b, f"Hold {i}") for i in range(20)]
    agreement = make_agreement(world.process, specs, title="Concurrent", adopted_on=today() - timedelta(days=30))
    for commitment in agreement.commitments.filter(clause__startswith="c"):
        file_report(world.monitor, commitment, status=1, breach=True)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            escalation_pass(now=_at(today()), batch=10)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    # Whatever one worker skipped while the other held it, a third pass finds nothing left.
    escalation_pass(now=_at(today()), batch=10)
    assert Escalation.objects.filter(reason="overdue").count() == 120
    assert Escalation.objects.filter(reason="breach").count() == 20
    # 20 unanswered reports too, but only once their period has passed.
    assert Event.objects.filter(kind=EventKind.COMMITMENT_ESCALATED).count() == Escalation.objects.count() == 140
    assert not escalation_pass(now=_at(today()))


SQLITE_SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from datetime import timedelta
from django.utils import timezone
from tests.world import make_world
from tests.monitoring.factories import Spec, make_agreement
world = make_world()
today = timezone.now().date()
make_agreement(world.process, [Spec(str(i), world.party_a, f"Step {i}", deadline=today - timedelta(days=2))
               for i in range(300)], adopted_on=today - timedelta(days=30))
"""

SQLITE_PASS = """
import django, sys
django.setup()
from django.utils import timezone
from goodoffices.monitoring.escalation import MESSAGES, escalation_pass
print(escalation_pass(now=timezone.now(), batch=int(sys.argv[1])).counts["overdue"])
"""

SQLITE_COUNT = """
import django
django.setup()
from goodoffices.events.models import Event
from goodoffices.monitoring.models import Escalation
print(Escalation.objects.count(), Escalation.objects.values("commitment", "reason", "key").distinct().count(),
      Event.objects.filter(kind="commitment.escalated").count())
"""


def test_two_worker_processes_at_once_on_sqlite(tmp_path):
    """Two processes on one SQLite file, as two `goodoffices worker`s would be."""
    env = clean_env(
        GOODOFFICES_DATA_DIR=str(tmp_path), GOODOFFICES_TESTING="true", DJANGO_SETTINGS_MODULE="goodoffices.settings"
    )

    def run(script: str, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(script), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    setup = run(SQLITE_SETUP)
    out, err = setup.communicate(timeout=300)
    assert setup.returncode == 0, err
    workers = [run(SQLITE_PASS, "25"), run(SQLITE_PASS, "40")]
    counts = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        counts.append(int(out.strip().splitlines()[-1]))
    assert sum(counts) == 300, counts
    count = run(SQLITE_COUNT)
    out, err = count.communicate(timeout=120)
    assert count.returncode == 0, err
    assert out.split() == ["300", "300", "300"]
