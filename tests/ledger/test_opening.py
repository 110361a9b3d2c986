"""Openings: a declassified event's salt and content, checkable against its sealed leaf by anyone."""

import json

import pytest
from django.db import transaction

from goodoffices.events.entries import event_entry
from goodoffices.events.models import EventKind
from goodoffices.ledger.log import tree_size
from goodoffices.ledger.services import ledger_open
from goodoffices.lib import audience
from goodoffices.lib.errors import Invalid
from goodoffices.lib.ledger import decode_bundle, verify_opening

from .conftest import record


def open_in_service(event, actor=None):
    # ledger_open runs inside the declassification service's transaction.
    with transaction.atomic():
        return ledger_open(event=event, actor=actor)


def test_opening_publishes_what_the_sealed_leaf_committed_to(world, anonymous):
    (sealed,) = record(world, audience_name=audience.caucus(world.party_a.pk), payload={"position": "road first"})
    opening = open_in_service(sealed, world.mediator)
    assert opening.kind == EventKind.LEDGER_OPENED
    assert opening.audience == audience.PUBLIC
    assert opening.payload["seq"] == sealed.seq
    assert opening.payload["event"]["payload"] == {"position": "road first"}
    # Everything a member of the public needs comes from the served log alone.
    entries = decode_bundle(anonymous.get(f"/ledger/tile/entries/000.p/{tree_size()}").content)
    assert verify_opening(entries[sealed.seq], opening.payload)
    assert json.loads(entries[opening.seq])["payload"] == opening.payload
    page = anonymous.get(f"/ledger/entries/{sealed.seq}?format=json").json()
    assert page["opened_by"] == opening.seq


def test_opening_does_not_fit_another_leaf(world):
    first, second = record(world, audience_name=audience.MEDIATORS, payload={"same": 1}, count=2)
    opening = open_in_service(first)
    assert verify_opening(event_entry(first), opening.payload)
    assert not verify_opening(event_entry(second), opening.payload)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: {**p, "salt": "0" * 64},
        lambda p: {**p, "salt": "xyz"},
        lambda p: {**p, "seq": p["seq"] + 1},
        lambda p: {**p, "seq": str(p["seq"])},
        lambda p: {**p, "event": {**p["event"], "payload": {"position": "talks first"}}},
        lambda p: {**p, "event": {**p["event"], "audience": "public"}},
        lambda p: {**p, "event": "not an object"},
        lambda p: {"seq": p["seq"], "salt": p["salt"]},
        lambda p: [],
        lambda p: {**p, "event": {**p["event"], "x": float("nan")}},
    ],
)
def test_a_tampered_opening_does_not_verify(world, tamper):
    (sealed,) = record(world, audience_name=audience.MEDIATORS, payload={"position": "road first"})
    opening = open_in_service(sealed)
    assert not verify_opening(event_entry(sealed), tamper(opening.payload))


def test_a_public_event_has_nothing_to_open(world):
    (public,) = record(world)
    with pytest.raises(Invalid, match="already open"):
        open_in_service(public)


def test_an_event_is_opened_once(world):
    (sealed,) = record(world, audience_name=audience.MEDIATORS)
    open_in_service(sealed)
    with pytest.raises(Invalid, match="already been opened"):
        open_in_service(sealed)


def test_opening_needs_the_services_transaction(world):
    (sealed,) = record(world, audience_name=audience.MEDIATORS)
    with pytest.raises(RuntimeError):
        ledger_open(event=sealed)
