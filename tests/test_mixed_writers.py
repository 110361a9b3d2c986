"""Issue 8 item 11 and issue 14 item 2: concurrent writers of every kind never meet a deadlock.

Mixed writers (caucus messages, readiness toggled, communiqués amended and consented, minutes
redrafted, the mandate amended) run at once on PostgreSQL for a few seconds. No write fails with
anything but a domain refusal, the event sequence stays gapless and the log verifies."""

import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import OperationalError, connection

from goodoffices.caucus import services as caucus
from goodoffices.events.models import Event
from goodoffices.ledger.audit import audit_log
from goodoffices.lib.errors import DomainError
from goodoffices.meetings import services as meetings
from goodoffices.processes.services import mandate_amend

from .meetings.conftest import confirm, hold, propose
from .world import make_world

SECONDS = 4


@pytest.mark.django_db(transaction=True)
def test_mixed_writers_never_deadlock():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises all writers: there is no deadlock to provoke")
    world = make_world(prefix="mixed-")
    meeting = hold(world, confirm(world, propose(world, title="Mixed")))
    communique = meetings.communique_draft(actor=world.mediator, meeting=meeting, text="v1")
    proposal = propose(world, title="Toggle")
    stop = time.monotonic() + SECONDS
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    lock = threading.Lock()

    def loop(name: str, act: Callable[[int], object]) -> None:
        i = 0
        try:
            while time.monotonic() < stop:
                i += 1
                try:
                    act(i)
                    outcome = "ok"
                except DomainError:
                    outcome = "refused"
                except OperationalError as exc:
                    outcome = "error"
                    with lock:
                        failures.append(f"{name}: {exc}")
                with lock:
                    outcomes[outcome] += 1
        finally:
            connection.close()

    def version() -> int:
        return type(communique).objects.get(pk=communique.pk).version

    writers: dict[str, Callable[[int], object]] = {
        "caucus a": lambda i: caucus.caucus_message_post(actor=world.head_a, party=world.party_a, body=f"a {i}"),
        "caucus b": lambda i: caucus.caucus_message_post(actor=world.mediator, party=world.party_b, body=f"b {i}"),
        "readiness": lambda i: meetings.readiness_set(actor=world.head_b, proposal=proposal, ready=bool(i % 2), slot=0),
        "amend": lambda i: meetings.communique_amend(actor=world.mediator, communique=communique, text=f"v{i}"),
        "consent": lambda i: meetings.communique_consent(
            actor=world.head_a, communique=communique, consent=True, version=version()
        ),
        "minutes": lambda i: meetings.minutes_draft(actor=world.mediator, meeting=meeting, text=f"minutes {i}"),
        "mandate": lambda i: mandate_amend(
            actor=world.operator, mandate=world.mandate, note=f"amendment {i}", tasks=[f"Task {i}"]
        ),
    }
    threads = [threading.Thread(target=loop, args=item) for item in writers.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The figures the issue asks for (run with -s): writes done, refused and failed in SECONDS.
    print(f"mixed writers on PostgreSQL, {len(writers)} threads for {SECONDS} s: {dict(outcomes)}")
    assert failures == []
    assert outcomes["ok"] > 50, outcomes
    seqs = list(Event.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(len(seqs)))
    assert audit_log()[1] == []
