"""Escalation benchmark (issue 12, item 8): one escalation pass over 100,000 commitments on
PostgreSQL, and the compliance register of one agreement with 1,000 commitments.

It loads, in bulk, ``--commitments`` commitments in agreements of 1,000 each, as adoption leaves them:
60 % with a deadline still ahead, 20 % past their deadline without full implementation (to be marked
overdue), 10 % continuous (one in ten of them found in breach by a report, to be escalated), 10 % on a
monthly schedule whose last check date passed without a report (to be escalated). Then, each in a
fresh process (so that its peak memory is the pass's and Django's, nothing of the loading):

- one escalation pass (``goodoffices.monitoring.escalation.escalation_pass``, batches of ``--batch``),
  printing its time, what it escalated, and its peak memory (resident set and Python's own peak);
- a second pass at the same moment, which escalates nothing (its time is the cost of looking);
- the register page of an agreement with ``--register`` commitments, each with a report with a
  source, as an anonymous reader gets it (median of ``--requests``), and its CSV export.

The database named by ``--pg`` is a scratch one: it is dropped and created again (its name must
contain "bench").
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(url: str, data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOODOFFICES_", "DJANGO_"))}
    env.update(
        GOODOFFICES_DATABASE_URL=url,
        GOODOFFICES_DATA_DIR=data_dir,
        GOODOFFICES_DEMO="true",
        DJANGO_SETTINGS_MODULE="goodoffices.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def _run(env: dict[str, str], script: str, *args: str) -> dict[str, object]:
    # This checkout's interpreter running this file's own scripts.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", textwrap.dedent(script), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(done.stderr)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def fresh_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    if "bench" not in name:
        sys.exit(f"--pg must name a scratch database whose name contains 'bench', not {name!r}")
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


LOAD = """
import json, sys, time
from datetime import UTC, datetime, timedelta
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.db import transaction
from django.utils import timezone
from goodoffices.agreements.models import Commitment
from goodoffices.events.models import Event
from goodoffices.lib import clock
from goodoffices.monitoring.models import CommitmentChange, MonitoringReport
from goodoffices.processes import services
from tests.monitoring.factories import Spec, make_agreement
from tests.world import make_user, make_world

total, size, register = int(sys.argv[1]), 1000, int(sys.argv[2])
started = time.perf_counter()
world = make_world()
guarantor = make_user("guarantor", email="guarantor@example.org")
services.appointment_make(actor=world.operator, process=world.process, user=guarantor, role="guarantor")
now = timezone.now()
today = now.date()
adopted = today - timedelta(days=400)

def spec(i):
    kind = i % 10
    party = world.party_a if i % 2 else world.party_b
    if kind < 6:
        return Spec(str(i), party, f"Step {i}", deadline=today + timedelta(days=30 + i % 300))
    if kind < 8:
        return Spec(str(i), party, f"Step {i}", deadline=today - timedelta(days=1 + i % 300))
    if kind == 8:
        return Spec(str(i), party, f"Keep {i}", "ceasefire")
    return Spec(str(i), party, f"Check {i}", "ceasefire", schedule=f"monthly from {today - timedelta(days=10)}")

made = 0
while made < total:
    with transaction.atomic():
        agreement = make_agreement(
            world.process, [spec(made + i) for i in range(size)], title=f"Agreement {made // size}", adopted_on=adopted
        )
    # One in ten continuous commitments is found in breach (the change a report makes; no event needed here).
    with transaction.atomic():
        breached = list(agreement.commitments.filter(deadline__isnull=True, schedule="")[: size // 100])
        reports = MonitoringReport.objects.bulk_create(
            MonitoringReport(commitment=c, process=world.process, author=world.monitor, author_role="monitor",
                             observed_on=today - timedelta(days=2), status=1, breach=True, summary="Breached.",
                             audience="public", filed_at=now, answered_at=now)
            for c in breached
        )
        CommitmentChange.objects.bulk_create(
            CommitmentChange(commitment=c, agreement=agreement, recorded_at=now, effective_on=today - timedelta(days=2),
                             status=1, breach=True, overdue=False, previous_status=0, previous_breach=False,
                             previous_overdue=False, report=r)
            for c, r in zip(breached, reports)
        )
        Commitment.objects.filter(pk__in=[c.pk for c in breached]).update(status=1, breach=True)
    made += size

# The register's agreement: every commitment with a report citing a source.
with transaction.atomic():
    specs = [Spec(str(i), world.party_a if i % 2 else world.party_b, f"Commitment {i}",
                  deadline=today + timedelta(days=60)) for i in range(register)]
    shown = make_agreement(world.process, specs, title="Register", adopted_on=adopted)
    commitments = list(shown.commitments.all())
    MonitoringReport.objects.bulk_create(
        MonitoringReport(commitment=c, process=world.process, author=world.monitor, author_role="monitor",
                         observed_on=today - timedelta(days=i % 300), status=i % 4, breach=False,
                         summary=f"Finding {i}.", audience="public", filed_at=now, answered_at=now,
                         sources=[{"url": f"https://example.org/{i}", "title": f"Source {i}",
                                   "read_on": today.isoformat()}])
        for i, c in enumerate(commitments)
    )
    for status in range(4):
        ids = [c.pk for i, c in enumerate(commitments) if i % 4 == status]
        Commitment.objects.filter(pk__in=ids).update(status=status)
print(json.dumps({"seconds": time.perf_counter() - started, "commitments": Commitment.objects.count(),
                  "register": shown.pk, "now": now.isoformat(), "events": Event.objects.count()}))
"""

PASS = """
import json, resource, sys, time
from datetime import datetime
import django
django.setup()
from django.db import connection
connection.ensure_connection()
from goodoffices.events.models import Event
from goodoffices.monitoring.escalation import escalation_pass
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
now = datetime.fromisoformat(sys.argv[1])
started = time.perf_counter()
summary = escalation_pass(now=now, batch=int(sys.argv[2]))
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "counts": summary.counts, "notified": summary.notified,
                  "rss_before_kib": baseline, "rss_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "events": Event.objects.count()}))
"""

REGISTER = """
import json, statistics, sys, time
import django
django.setup()
from django.test import Client
agreement, requests = int(sys.argv[1]), int(sys.argv[2])
client = Client(HTTP_HOST="localhost")
def timed(url, stream=False):
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if stream else response.content
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), len(body)
page, page_bytes = timed(f"/register/agreements/{agreement}/")
csv_time, csv_bytes = timed(f"/register/agreements/{agreement}/commitments.csv", stream=True)
api, _ = timed(f"/api/v1/agreements/{agreement}/compliance")
print(json.dumps({"page": page, "page_bytes": page_bytes, "csv": csv_time,
                  "csv_bytes": csv_bytes, "compliance_api": api}))
"""


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/goodoffices_bench_escalation")
    parser.add_argument("--commitments", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--register", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args(argv)
    fresh_database(args.pg)
    with tempfile.TemporaryDirectory(prefix="goodoffices-bench-escalation-") as data_dir:
        env = _env(args.pg, data_dir)
        print(f"Loading {args.commitments:,} commitments (and {args.register:,} more in the register's agreement) ...")
        loaded = _run(env, LOAD, str(args.commitments), str(args.register))
        print(f"  loaded in {loaded['seconds']:.1f} s: {loaded['commitments']:,} commitments")
        now = str(loaded["now"])
        for label in ("first pass", "second pass, at the same moment"):
            result = _run(env, PASS, now, str(args.batch))
            counts = result["counts"]
            assert isinstance(counts, dict)
            escalated = ", ".join(f"{v:,} {k}" for k, v in counts.items() if v) or "nothing"
            rss = int(str(result["rss_peak_kib"])) / 1024
            before = int(str(result["rss_before_kib"])) / 1024
            print(
                f"Escalation, {label} (batches of {args.batch}): {float(str(result['seconds'])):.1f} s; escalated "
                f"{escalated}; {result['notified']} notice(s); peak RSS {rss:.0f} MiB (Django loaded: {before:.0f} MiB)"
            )
        register = _run(env, REGISTER, str(loaded["register"]), str(args.requests))
        print(
            f"Register of {args.register:,} commitments, anonymous, median of {args.requests}: page "
            f"{float(str(register['page'])) * 1000:.0f} ms ({int(str(register['page_bytes'])) / 1024:.0f} KiB: "
            "the first page of commitments, the summaries and the chart); CSV export of all: "
            f"{float(str(register['csv'])) * 1000:.0f} ms ({int(str(register['csv_bytes'])) / 1024:.0f} KiB); "
            f"compliance API: {float(str(register['compliance_api'])) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    started = time.perf_counter()
    main(sys.argv[1:])
    print(f"(whole run {time.perf_counter() - started:.0f} s)")
