"""CPU per service call (issue 9 item 3): a caucus message, a readiness and a proposal, each with its
event, measured in this process on SQLite and on PostgreSQL (when one answers), with a profile of
where the time goes. Not a test: it prints figures.

    .venv/bin/python benchmarks/services.py               # 300 calls of each, both databases
    .venv/bin/python benchmarks/services.py --calls 50    # a quick run

Each database is measured in a child process of its own (Django's settings are per process), on a
scratch database loaded with the demo. For each operation it prints the mean CPU time of this process
per call (``time.process_time``: Python, Django and the database driver; PostgreSQL's own work is in
another process and is not counted, SQLite's is), the wall time per call, and hence the rate one
thread reaches; then the functions with the most cumulative time in a profile of one run of each.
Each call runs with the roles cache open, as under a request. The ledger leaf is not part of a call
since epochs (issue 15): the integrator appends leaves once per epoch; `benchmarks/epochs.py`
measures that side.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG_URL = os.environ.get("BENCH_SERVICES_PG", "postgres://postgres@127.0.0.1:5432/bench_services")


def child(calls: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodoffices.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command

    from goodoffices.accounts.models import User
    from goodoffices.caucus.services import caucus_message_post
    from goodoffices.lib import clock
    from goodoffices.meetings.models import Proposal
    from goodoffices.meetings.selectors import proposal_get
    from goodoffices.meetings.services import proposal_create, readiness_set
    from goodoffices.meetings.terms import ProposalTerms, SlotIn
    from goodoffices.policies.roles import roles_cache
    from goodoffices.processes.demo import demo_load
    from goodoffices.processes.models import Process
    from goodoffices.processes.selectors import process_get

    call_command("migrate", interactive=False, verbosity=0)
    demo_load()
    mediator = User.objects.get(username="mediator")
    head = User.objects.get(username="stepanakert")
    first = Process.objects.order_by("id").first()
    assert first is not None
    # The objects a request hands the service, read as the API's selectors read them (the process
    # with its mandate and parties, a proposal with its process and slots), before the clock runs.
    with roles_cache():
        process = process_get(user=head, process_id=first.pk)
    party = process.parties.all()[0]
    starts = clock.now().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=30)

    def terms(n: int) -> ProposalTerms:
        return ProposalTerms.of(
            title=f"Working group {n}",
            format="direct",
            venue="Geneva, Palais des Nations",
            timezone="Europe/Zurich",
            slots=[SlotIn(starts + timedelta(days=n % 300), starts + timedelta(days=n % 300, hours=3))],
            agenda=["Humanitarian access"],
            languages=["en"],
        )

    counter = iter(range(10**9))
    proposals: list[Proposal] = []

    def message() -> None:
        caucus_message_post(actor=head, party=party, body=f"Caucus note {next(counter)} on the convoy schedule.")

    def proposal() -> None:
        proposals.append(proposal_create(actor=mediator, process=process, terms=terms(next(counter))))

    toggles = iter(range(10**9))
    # The readiness calls toggle the first 64 proposals, each read beforehand as the API reads it.
    answered: list[Proposal] = []

    def readiness() -> None:
        if not answered:
            with roles_cache():
                answered.extend(proposal_get(user=head, proposal_id=p.pk) for p in proposals[:64])
        n = next(toggles)
        readiness_set(actor=head, proposal=answered[n % len(answered)], ready=(n // len(answered)) % 2 == 0)

    def in_request(call: Callable[[], None]) -> Callable[[], None]:
        """As a request runs it: the roles cache open (the middleware's), so roles are read once."""

        def run() -> None:
            with roles_cache():
                call()

        return run

    operations: list[tuple[str, Callable[[], None]]] = [
        ("caucus message", in_request(message)),
        ("proposal", in_request(proposal)),
        ("readiness", in_request(readiness)),
    ]
    measure(operations, calls)
    profile(operations, calls)


def measure(operations: list[tuple[str, Callable[[], None]]], calls: int) -> None:
    for name, call in operations:
        for _ in range(10):  # warm caches, connections and imports
            call()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(calls):
            call()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"  {name:<15} {cpu / calls * 1000:7.2f} ms CPU/call  {wall / calls * 1000:7.2f} ms wall/call"
            f"  {calls / wall:7.0f} calls/s in one thread",
            flush=True,
        )


def profile(operations: list[tuple[str, Callable[[], None]]], calls: int) -> None:
    for name, call in operations:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(max(calls // 3, 10)):
            call()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
        stats.print_stats(14)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print(f"  profile of {name} (cumulative, top):")
        for line in lines[start : start + 15]:
            print("    " + line)


def run(name: str, env: dict[str, str], calls: int) -> None:
    print(f"{name}:", flush=True)
    subprocess.run([sys.executable, __file__, "--child", "--calls", str(calls)], env=env, check=True)  # noqa: S603


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOODOFFICES_") and k != "DJANGO_SETTINGS_MODULE"}
    env["GOODOFFICES_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    env.update({f"GOODOFFICES_{k}": v for k, v in extra.items()})
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.calls)
        return
    load = os.getloadavg()[0]
    print(f"CPU per service call, {args.calls} calls each; load average {load:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite (demo settings)", clean_env(DEMO="true", DATA_DIR=tmp), args.calls)
        base, _, name = PG_URL.rpartition("/")
        try:
            import psycopg

            with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{name}"')
        except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
            print(f"PostgreSQL: skipped ({exc.__class__.__name__}: {exc})".splitlines()[0])
            return
        secret = secrets.token_urlsafe(50)
        pg_env = clean_env(DATABASE_URL=PG_URL, DATA_DIR=tmp, SECRET_KEY=secret, SSL_REDIRECT="false")
        run("PostgreSQL (production settings)", pg_env, args.calls)


if __name__ == "__main__":
    main()
