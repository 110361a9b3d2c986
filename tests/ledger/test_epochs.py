"""Issue 15: the ledger integrates in epochs, in an order that hides time, padded to a step.

A party polling the log while the other party marks itself ready and withdraws learns nothing:
the log does not move within an epoch, and when it moves it grows by whole steps whatever
happened. Integration is exactly once, whatever the write order, and survives being killed."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from goodoffices.events.models import Event, EventKind
from goodoffices.events.services import event_record
from goodoffices.ledger.audit import audit_log
from goodoffices.ledger.integrate import integrate_epoch
from goodoffices.ledger.log import tree_size
from goodoffices.ledger.models import Leaf, LedgerState
from goodoffices.lib import audience
from goodoffices.lib.ledger import decode_bundle, verify_log
from goodoffices.meetings import services as meetings

from ..demo_server import ROOT, clean_env
from ..meetings.conftest import propose
from .conftest import integrate


def _served(anonymous) -> tuple[bytes, bytes]:
    checkpoint = anonymous.get("/ledger/checkpoint").content
    size = tree_size()
    bundle = anonymous.get(f"/ledger/tile/entries/000.p/{min(size, 255)}").content if size else b""
    return checkpoint, bundle


def test_a_party_polling_the_log_learns_nothing_of_the_others_readiness(world, anonymous):
    proposal = propose(world)
    integrate()
    before = _served(anonymous)
    # Within one epoch Beta's head marks itself ready for a slot and withdraws.
    meetings.readiness_set(actor=world.head_b, proposal=proposal, ready=True, slot=0)
    assert _served(anonymous) == before
    meetings.readiness_set(actor=world.head_b, proposal=proposal, ready=False, slot=0)
    assert _served(anonymous) == before
    size = tree_size()
    epoch = integrate()
    # The epoch grows by whole steps, sealed entries of one form: as an idle epoch would.
    assert epoch.size - size == settings.LEDGER_EPOCH_STEP
    idle = integrate()
    assert idle.events == 0
    assert idle.size - epoch.size == settings.LEDGER_EPOCH_STEP
    entries = decode_bundle(anonymous.get(f"/ledger/tile/entries/000.p/{min(idle.size, 255)}").content)
    new = entries[size:]
    assert all(entry.startswith(b'{"sealed":"') and len(entry) == len(new[0]) for entry in new)


def test_nothing_beyond_the_last_epoch_is_served(world, anonymous):
    size = tree_size()
    with transaction.atomic():
        event = event_record(
            kind=EventKind.PROCESS_CREATED,
            actor=world.mediator,
            subject=world.process,
            audience=audience.PUBLIC,
            process=world.process,
            payload={"statement": "not yet in the log"},
        )
    assert tree_size() == size
    assert anonymous.get(f"/ledger/tile/entries/000.p/{size + 1}").status_code == 404
    assert anonymous.get(f"/ledger/entries/{size}").status_code == 404
    assert "not yet in the log" not in anonymous.get(f"/ledger/tile/entries/000.p/{size}").content.decode()
    integrate()
    assert Leaf.objects.get(event=event).index >= size


def test_an_epoch_is_not_integrated_before_it_is_due(world, settings):
    settings.LEDGER_EPOCH_SECONDS = 3600
    integrate()
    assert integrate_epoch() is None
    assert integrate_epoch(force=True) is not None


def _record(world, kinds: list[tuple[str, str]]) -> list[Event]:
    with transaction.atomic():
        return [
            event_record(
                kind=EventKind.PROCESS_CREATED,
                actor=world.mediator,
                subject=world.process,
                audience=who,
                process=world.process,
                payload={"marker": marker},
            )
            for who, marker in kinds
        ]


@hypothesis_settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    batches=st.lists(
        st.lists(
            st.tuples(
                st.sampled_from([audience.PUBLIC, audience.PLENARY]),
                st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=8),
            ),
            max_size=20,
        ),
        min_size=1,
        max_size=4,
    ),
    step=st.sampled_from([1, 4, 16]),
)
def test_every_event_is_integrated_exactly_once_in_content_order(world, batches, step):
    integrate()
    for batch in batches:
        size = tree_size()
        _record(world, batch)
        epoch = integrate_epoch(force=True, step=step)
        assert epoch is not None
        assert (epoch.size - size) % step == 0
        assert epoch.covers == max(1, -(-epoch.events // step)) * step - epoch.events
        leaves = list(Leaf.objects.filter(epoch=epoch.number).order_by("index"))
        hashes = [bytes(leaf.hash) for leaf in leaves]
        # The order within an epoch is the order of the hashes: it does not depend on the write order.
        assert hashes == sorted(hashes)
    state = LedgerState.objects.get()
    assert state.events_integrated == Event.objects.count()
    assert Leaf.objects.filter(event__isnull=False).count() == Event.objects.count()
    assert audit_log()[1] == []


def test_two_integrators_at_once_integrate_nothing_twice(world):
    record = _record(world, [(audience.PUBLIC, "a"), (audience.PLENARY, "b")])
    first = integrate_epoch(force=True)
    second = integrate_epoch(force=True)
    assert first is not None
    assert second is not None
    assert first.events == 2
    assert second.events == 0
    assert {leaf.event_id for leaf in Leaf.objects.filter(event__in=record)} == {e.pk for e in record}


INTEGRATE_SLOWLY = """
import os, sys, time
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "goodoffices.settings"
django.setup()
from goodoffices.ledger import integrate
from goodoffices.ledger.models import Leaf
real = Leaf.objects.bulk_create
def slow(*args, **kwargs):
    result = real(*args, **kwargs)
    print("written", flush=True)
    time.sleep(60)  # killed here, after the leaves are written, before the commit
    return result
Leaf.objects.bulk_create = slow
integrate.integrate_epoch(force=True)
"""


@pytest.mark.django_db(transaction=True)
def test_an_integrator_killed_mid_epoch_leaves_nothing_and_the_next_finishes_it(tmp_path, settings):
    """Kill -9 after the epoch's leaves are written and before its commit; the next run
    integrates the same events and the log verifies."""
    if connection.vendor == "sqlite":
        pytest.skip("the test database of SQLite lives in memory: another process cannot share it")
    from ..world import make_world

    world = make_world(prefix="kill-")
    integrate()
    _record(world, [(audience.PUBLIC, f"m{i}") for i in range(20)])
    before = (tree_size(), Leaf.objects.count())
    env = clean_env(
        GOODOFFICES_TESTING="true",
        GOODOFFICES_DATABASE_URL=_database_url(),
        GOODOFFICES_LEDGER_KEY_FILE=str(settings.LEDGER_KEY_FILE),
    )
    process = subprocess.Popen(
        [sys.executable, "-c", INTEGRATE_SLOWLY], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "written", line
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    time.sleep(0.5)
    assert (tree_size(), Leaf.objects.count()) == before
    epoch = integrate_epoch(force=True)
    assert epoch is not None
    assert epoch.events == 20
    assert audit_log()[1] == []


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_the_served_log_verifies_across_epochs(world, fetch, log_key):
    state = None
    for count in (0, 3, 40):
        _record(world, [(audience.MEDIATORS, str(i)) for i in range(count)])
        integrate()
        result = verify_log(fetch, log_key.vkey, [], 0, state)
        assert result.ok, result.verdict
        state = result.state


def test_an_integrator_killed_mid_epoch_on_a_sqlite_demo(tmp_path):
    """The same on SQLite, in a demo's data directory: every step a separate process."""
    goodoffices = str(__import__("pathlib").Path(sys.executable).with_name("goodoffices"))
    env = clean_env(GOODOFFICES_DEMO="true", GOODOFFICES_DATA_DIR=str(tmp_path))

    def run(*args: str) -> str:
        done = subprocess.run(
            [goodoffices, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("demo", "--no-serve", "--data-dir", str(tmp_path))
    run("shell", "-c", "from goodoffices.ledger.integrate import integrate_epoch; integrate_epoch(force=True)")
    size = run("shell", "-c", "from goodoffices.ledger.log import tree_size; print(tree_size())").strip()
    record = (
        "from django.db import transaction\n"
        "from goodoffices.events.services import event_record\n"
        "from goodoffices.processes.models import Process\n"
        "p = Process.objects.order_by('id').first()\n"
        "with transaction.atomic():\n"
        "    for i in range(20):\n"
        "        event_record(kind='process.created', actor=None, subject=p, audience='plenary',\n"
        "                     process=p, payload={})\n"
    )
    run("shell", "-c", record)
    process = subprocess.Popen(
        [sys.executable, "-c", INTEGRATE_SLOWLY],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "written"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    assert run("shell", "-c", "from goodoffices.ledger.log import tree_size; print(tree_size())").strip() == size
    assert "Epoch" in run("ledger", "integrate", "--now")
    assert run("ledger", "audit").startswith("OK:")
