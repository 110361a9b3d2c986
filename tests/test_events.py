import json

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from goodoffices.events.entries import event_canonical
from goodoffices.events.models import Event, EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience
from goodoffices.lib.errors import Invalid
from goodoffices.processes import services


def test_sequence_numbers_have_no_gaps(world):
    seqs = list(Event.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(len(seqs)))


def test_refused_service_writes_no_event_and_burns_no_number(world):
    before = list(Event.objects.values_list("seq", flat=True))
    with pytest.raises(Invalid):
        services.process_create(actor=world.operator, mandate=world.mandate, title="", parties=["Only one"])
    assert list(Event.objects.values_list("seq", flat=True)) == before
    services.process_create(actor=world.operator, mandate=world.mandate, title="Second track", parties=["A", "B"])
    assert Event.objects.latest("seq").seq == len(before)


@pytest.mark.parametrize("statement", ["UPDATE events_event SET kind = 'x'", "DELETE FROM events_event"])
def test_the_database_refuses_to_change_events(world, statement):
    count = Event.objects.count()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Event.objects.count() == count
    assert not Event.objects.filter(kind="x").exists()


def test_event_needs_the_services_transaction(world):
    with pytest.raises(RuntimeError):
        event_record(
            kind=EventKind.PROCESS_CREATED, actor=None, subject=world.process, audience=audience.PUBLIC, payload={}
        )


def test_party_audience_must_name_a_party_of_the_process(world):
    with pytest.raises(ValueError, match="outside the process"), transaction.atomic():
        event_record(
            kind=EventKind.PROCESS_CREATED,
            actor=None,
            subject=world.process,
            audience=audience.caucus(999999),
            payload={},
            process=world.process,
        )


def test_canonical_form_is_rfc8785(world):
    event = Event.objects.get(kind=EventKind.PROCESS_CREATED)
    raw = event_canonical(event)
    decoded = json.loads(raw)
    assert list(decoded) == sorted(decoded)
    assert raw == json.dumps(decoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    # Named by its public id, never by its place among all events (issue 15, item 4).
    assert decoded["id"] == event.public_id
    assert "seq" not in decoded
    assert decoded["at"].endswith("Z")
