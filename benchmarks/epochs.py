"""Benchmark of the ledger's epochs: the write rate with epochs beside the per-transaction append
they replaced, and the time to integrate one epoch, on SQLite and on PostgreSQL (when one answers).

Run: ``make bench-epochs``, or
``.venv/bin/python benchmarks/epochs.py [--writes 150] [--rounds 6] [--threads 4] [--pg URL | --no-pg]``.
Prints figures as tables; asserts only that every log it built passes ``goodoffices ledger audit``.

Each database gets a fresh scratch copy (a temporary SQLite file; for PostgreSQL the database
``--pg`` names, dropped and created again, so its name must contain ``bench``) loaded with the demo
through the services, and is measured in a child process of its own (Django is configured once per
process).

**Writes.** Two kinds, each write one transaction committed, as the platform runs them:

* a caucus message through the service layer (``caucus_message_post``: the policy check, the
  message row, its sealed ``caucus.message_posted`` event);
* a bare ``event_record`` of the same event, as a service records it, without the message row.

Each is timed in three modes, interleaved round by round so that the machine's load falls on all
alike (the table gives the median round):

* ``epochs`` (today): the event commits alone; the integrator appends it later.
* ``pre-epoch append``: the append as the code before the epochs did it (``ledger_append``, called
  at the end of ``event_record``, before commit 4de7b5c): in the service's own transaction, the
  entry derived from the event, the O(log n) stored hashes it needs read in one query, and its new
  stored hashes inserted. Leaf ``i`` followed from the event's ``seq``, serialised by the event
  counter's row lock, which ``event_record`` still takes. The ``Leaf`` rows that today's schema also
  keeps are added afterwards, untimed, so that the log stays whole and is audited.
* ``append, today's tables``: the same append as it would have to be written against today's
  schema: also lock the ledger's state row, insert the ``Leaf`` row and move the state forward,
  all in the service's transaction.

With ``--threads`` (default 4), the caucus message is also posted by that many writers at once
(one connection each), which shows what holding the event counter's lock through the append costs.

**Integration.** ``--epochs 1000,10000`` pending events (sealed caucus events, recorded as the
service records them, in one transaction) are integrated as one epoch by ``integrate_epoch``: the
time of that one transaction (entries derived, sorted by leaf hash, padded with cover entries to
the epoch step, stored hashes and leaves inserted, state moved), median of ``--epoch-rounds``.

Figures move with the machine's load: the script prints ``uptime`` before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODES = ("epochs", "pre-epoch append", "append, today's tables")
WRITES = ("caucus message (service)", "event_record alone")


# ---------------------------------------------------------------- the child: one database


def child(args: argparse.Namespace) -> dict[str, Any]:  # noqa: C901 - one database's whole run, step by step
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    import goodoffices.caucus.services as caucus_services
    from goodoffices.accounts.models import User
    from goodoffices.caucus.models import CaucusMessage
    from goodoffices.caucus.services import caucus_message_post
    from goodoffices.events import services as event_services
    from goodoffices.events.entries import event_entry
    from goodoffices.events.models import Event, EventKind
    from goodoffices.ledger.audit import audit_log
    from goodoffices.ledger.integrate import integrate_epoch
    from goodoffices.ledger.log import DatabaseHashReader
    from goodoffices.ledger.models import Leaf, LedgerState, StoredHash
    from goodoffices.lib import audience
    from goodoffices.lib.ledger import leaf_hash, stored_hash_count, stored_hashes_for_append
    from goodoffices.processes.demo import demo_load
    from goodoffices.processes.models import Party, Process

    def say(text: str) -> None:
        print(f"  [{connection.vendor}] {text}", file=sys.stderr, flush=True)

    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        demo_load()
    process = Process.objects.get()
    party = Party.objects.filter(process=process).order_by("id").first()
    assert party is not None
    head = User.objects.get(username=party.name.lower())
    integrate_epoch(force=True)
    real_record = event_services.event_record
    active: dict[str, Callable[..., Event]] = {"record": real_record}

    # ---- the per-transaction appends (see the module's docstring)

    pre_epoch_base: dict[str, int] = {}

    def pre_epoch_append(event: Event) -> None:
        """``ledger_append`` before 4de7b5c: leaf ``seq`` (here offset to follow today's tree)."""
        index = pre_epoch_base["size"] + event.seq - pre_epoch_base["seq"]
        start = stored_hash_count(index)
        hashes = stored_hashes_for_append(index, leaf_hash(event_entry(event)), DatabaseHashReader())
        StoredHash.objects.bulk_create(StoredHash(index=start + i, hash=h) for i, h in enumerate(hashes))

    def todays_tables_append(event: Event) -> None:
        state = LedgerState.objects.select_for_update().get(id=1)
        index = state.size
        digest = leaf_hash(event_entry(event))
        start = stored_hash_count(index)
        hashes = stored_hashes_for_append(index, digest, DatabaseHashReader())
        StoredHash.objects.bulk_create(StoredHash(index=start + i, hash=h) for i, h in enumerate(hashes))
        Leaf.objects.create(index=index, epoch=state.epochs, event=event, hash=digest)
        LedgerState.objects.filter(id=1).update(size=index + 1, events_integrated=event.seq + 1)

    appends: dict[str, Callable[[Event], None] | None] = {
        "epochs": None,
        "pre-epoch append": pre_epoch_append,
        "append, today's tables": todays_tables_append,
    }

    def recorder(append: Callable[[Event], None] | None) -> Callable[..., Event]:
        if append is None:
            return real_record

        def record_and_append(**kwargs: Any) -> Event:
            event = real_record(**kwargs)
            # Where ledger_append ran: at the end of event_record, in the service's transaction.
            append(event)
            return event

        return record_and_append

    def begin(mode: str) -> None:
        """Every earlier event in the tree, and the appends of ``mode`` ready."""
        integrate_epoch(force=True)
        state = LedgerState.objects.get(id=1)
        pre_epoch_base.update(size=state.size, seq=state.events_integrated)
        active["record"] = recorder(appends[mode])
        # The service calls event_record by the name it imported: the append goes where it went.
        vars(caucus_services)["event_record"] = active["record"]

    def end(mode: str) -> None:
        """The leaves and state the pre-epoch code had no table for, untimed; then today's code again."""
        active["record"] = real_record
        vars(caucus_services)["event_record"] = real_record
        if mode != "pre-epoch append":
            return
        with transaction.atomic():
            state = LedgerState.objects.select_for_update().get(id=1)
            events = Event.objects.filter(seq__gte=state.events_integrated).order_by("seq")
            rows = [
                Leaf(
                    index=pre_epoch_base["size"] + e.seq - pre_epoch_base["seq"],
                    epoch=state.epochs,
                    event=e,
                    hash=leaf_hash(event_entry(e)),
                )
                for e in events
            ]
            Leaf.objects.bulk_create(rows, 2000)
            LedgerState.objects.filter(id=1).update(
                size=state.size + len(rows),
                events_integrated=state.events_integrated + len(rows),
                epochs=state.epochs + 1,
            )

    message = caucus_message_post(actor=head, party=party, body="The subject of the bare events.")

    def post(n: int) -> None:
        caucus_message_post(
            actor=head, party=party, body=f"Caucus note {n}: on the convoy schedule and the next round."
        )

    def record(n: int) -> None:
        with transaction.atomic():
            active["record"](
                kind=EventKind.CAUCUS_MESSAGE_POSTED,
                actor=head,
                subject=message,
                audience=audience.caucus(party.pk),
                process=process,
                payload={"party": party.pk, "body": f"Caucus note {n}: on the convoy schedule and the next round."},
            )

    writes: dict[str, Callable[[int], None]] = {WRITES[0]: post, WRITES[1]: record}

    def timed_writes(write: Callable[[int], None], count: int) -> tuple[float, float]:
        """(wall seconds, this process's CPU seconds) of ``count`` writes one after another."""
        start, cpu = time.perf_counter(), time.process_time()
        for n in range(count):
            write(n)
        return time.perf_counter() - start, time.process_time() - cpu

    def timed_threads(count: int, threads: int) -> tuple[float, float]:
        barrier = threading.Barrier(threads + 1)
        errors: list[BaseException] = []

        def writer() -> None:
            try:
                barrier.wait()
                for n in range(count // threads):
                    post(n)
            except BaseException as exc:  # noqa: BLE001 - reported after the run
                errors.append(exc)
            finally:
                connection.close()

        workers = [threading.Thread(target=writer) for _ in range(threads)]
        for worker in workers:
            worker.start()
        barrier.wait()
        start, cpu = time.perf_counter(), time.process_time()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - start, time.process_time() - cpu
        if errors:
            raise errors[0]
        return elapsed

    # Warm up: caches, the first pages of each table, the code paths.
    for mode in MODES:
        begin(mode)
        timed_writes(post, 30)
        timed_writes(record, 30)
        end(mode)

    together = f"caucus message, {args.threads} writers at once"
    labels = [*WRITES, together] if args.threads > 1 else list(WRITES)
    # Per write and mode, each round's [writes per second, ms of this process's CPU per write].
    rates: dict[str, dict[str, list[list[float]]]] = {w: {m: [] for m in MODES} for w in labels}
    for round_ in range(args.rounds):
        # Each round starts with another mode, so that none always runs first or last.
        for mode in MODES[round_ % 3 :] + MODES[: round_ % 3]:
            for label in labels:
                begin(mode)
                if label == together:
                    count = args.writes // args.threads * args.threads
                    wall, cpu = timed_threads(count, args.threads)
                else:
                    count = args.writes
                    wall, cpu = timed_writes(writes[label], count)
                end(mode)
                rates[label][mode].append([count / wall, 1000 * cpu / count])
                say(f"round {round_ + 1}: {label}, {mode}: {count / wall:,.0f} writes/s")
    integrate_epoch(force=True)
    size, problems = audit_log()
    if problems:
        raise SystemExit(f"the log the write benchmark built does not pass the audit: {problems[:3]}")
    say(f"audit OK at {size:,} leaves")

    # ---- integration of one epoch

    def pend(count: int) -> None:
        with transaction.atomic():
            for n in range(count):
                real_record(
                    kind=EventKind.CAUCUS_MESSAGE_POSTED,
                    actor=head,
                    subject=message,
                    audience=audience.caucus(party.pk),
                    process=process,
                    payload={"party": party.pk, "body": f"Caucus note {n}: on the convoy schedule and the next round."},
                )

    epochs: list[dict[str, Any]] = []
    for count in args.epochs:
        times: list[float] = []
        appended = 0
        trees: list[int] = []
        for _ in range(args.epoch_rounds):
            pend(count)
            before = LedgerState.objects.get(id=1).size
            trees.append(before)
            start = time.perf_counter()
            epoch = integrate_epoch(force=True)
            times.append(time.perf_counter() - start)
            assert epoch is not None
            assert epoch.events == count
            appended = epoch.events + epoch.covers
            say(f"epoch of {count:,} pending events at tree size {before:,}: {times[-1]:.2f} s")
        epochs.append({"pending": count, "leaves": appended, "trees": trees, "seconds": times})
    size, problems = audit_log()
    if problems:
        raise SystemExit(f"the log the epoch benchmark built does not pass the audit: {problems[:3]}")
    say(f"audit OK at {size:,} leaves")
    return {
        "database": "PostgreSQL" if connection.vendor == "postgresql" else "SQLite",
        "rates": rates,
        "epochs": epochs,
        "size": size,
        "messages": CaucusMessage.objects.count(),
    }


# ---------------------------------------------------------------- the parent: databases and tables


def postgres_url(url: str) -> str | None:
    """The scratch database, dropped and created again; None when no PostgreSQL answers."""
    base, _, name = url.rpartition("/")
    if "bench" not in name:
        raise SystemExit(f"--pg must name a scratch database (with 'bench' in its name): it is dropped; not {name!r}")
    try:
        import psycopg

        with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        print(f"PostgreSQL: skipped ({exc.__class__.__name__}: {exc})".splitlines()[0], flush=True)
        return None
    return url


def drop_postgres(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_child(database_url: str | None, args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOODOFFICES_", "DJANGO_"))}
    env.update(
        GOODOFFICES_DEMO="true",
        GOODOFFICES_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="goodoffices.settings",
        PYTHONPATH=str(ROOT),
    )
    if database_url:
        env["GOODOFFICES_DATABASE_URL"] = database_url
    out = data_dir / "figures.json"
    command = [
        sys.executable,
        __file__,
        "--child",
        str(out),
        "--writes",
        str(args.writes),
        "--rounds",
        str(args.rounds),
        "--threads",
        str(args.threads),
        "--epochs",
        ",".join(map(str, args.epochs)),
        "--epoch-rounds",
        str(args.epoch_rounds),
    ]
    subprocess.run(command, env=env, check=True, cwd=ROOT)  # noqa: S603 - our own interpreter and script
    figures: dict[str, Any] = json.loads(out.read_text())
    return figures


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607 - a system tool


def print_tables(results: list[dict[str, Any]]) -> None:
    print()
    print("Write rate: each write one committed transaction; median of the rounds (and their range), the")
    print("benchmark process's own CPU per write, and the rate beside the pre-epoch append's:")
    print()
    print("| database | write | mode | writes/s | range over rounds | CPU ms/write | vs pre-epoch append |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for result in results:
        for label, by_mode in result["rates"].items():
            before = statistics.median(rate for rate, _ in by_mode["pre-epoch append"])
            for mode in MODES:
                rates = [rate for rate, _ in by_mode[mode]]
                cpu = statistics.median(ms for _, ms in by_mode[mode])
                median = statistics.median(rates)
                print(
                    f"| {result['database']} | {label} | {mode} | {median:,.0f} | {min(rates):,.0f}–{max(rates):,.0f} "
                    f"| {cpu:.2f} | {median / before:.2f}x |"
                )
    print()
    print("Integration of one epoch (one transaction; median of the rounds):")
    print()
    print("| database | pending events | leaves appended (with covers) | tree size before | seconds | events/s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for result in results:
        for epoch in result["epochs"]:
            seconds = statistics.median(epoch["seconds"])
            trees = f"{epoch['trees'][0]:,}–{epoch['trees'][-1]:,}"
            print(
                f"| {result['database']} | {epoch['pending']:,} | {epoch['leaves']:,} | {trees} "
                f"| {seconds:.2f} | {epoch['pending'] / seconds:,.0f} |"
            )
    print()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writes", type=int, default=150, help="writes per mode and round")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--threads", type=int, default=4, help="writers at once for the concurrent row (1: none)")
    parser.add_argument(
        "--epochs",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[1000, 10000],
        help="pending events per integrated epoch, comma-separated",
    )
    parser.add_argument("--epoch-rounds", type=int, default=3)
    parser.add_argument(
        "--pg", default="postgres://postgres@127.0.0.1:5432/goodoffices_bench_epochs", help="scratch DB"
    )
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases")
    parser.add_argument("--child", metavar="JSON", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        Path(args.child).write_text(json.dumps(child(args)))
        return

    print(f"load before: {uptime()}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="goodoffices-bench-epochs-") as tmp:
        print("== SQLite ==", flush=True)
        (Path(tmp) / "sqlite").mkdir()
        results.append(run_child(None, args, Path(tmp) / "sqlite"))
        url = None if args.no_pg else postgres_url(args.pg)
        if url is not None:
            print("== PostgreSQL ==", flush=True)
            (Path(tmp) / "postgres").mkdir()
            try:
                results.append(run_child(url, args, Path(tmp) / "postgres"))
            finally:
                if not args.keep:
                    drop_postgres(url)
    print(f"load after: {uptime()}", flush=True)
    print_tables(results)


if __name__ == "__main__":
    warnings.simplefilter("ignore", DeprecationWarning)
    main(sys.argv[1:])
