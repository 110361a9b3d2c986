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

from .conftest import integrate, leaf_of, record


def open_in_service(event, actor=None):
    # ledger_open runs inside the declassification service's transaction.
    with transaction.atomic():
        return ledger_open(event=event, actor=actor)


def test_opening_publishes_what_the_sealed_leaf_committed_to(world, anonymous):
    (sealed,) = record(world, audience_name=audience.caucus(world.party_a.pk), payload={"position": "road first"})
    opening = open_in_service(sealed, world.mediator)
    assert opening.kind == EventKind.LEDGER_OPENED
    assert opening.audience == audience.PUBLIC
    assert opening.payload["event"]["id"] == sealed.public_id
    assert "seq" not in opening.payload
    assert opening.payload["event"]["payload"] == {"position": "road first"}
    # It names the event it opens by its public id, never by its place among all events.
    assert opening.subject_id == sealed.public_id
    assert anonymous.get(f"/ledger/entries/{leaf_of(sealed)}?format=json").json()["opened_by"] is None
    integrate()
    # Everything a member of the public needs comes from the served log alone.
    entries = decode_bundle(anonymous.get(f"/ledger/tile/entries/000.p/{tree_size()}").content)
    assert verify_opening(entries[leaf_of(sealed)], opening.payload)
    assert json.loads(entries[leaf_of(opening)])["payload"] == opening.payload
    page = anonymous.get(f"/ledger/entries/{leaf_of(sealed)}?format=json").json()
    assert page["opened_by"] == leaf_of(opening)


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
        lambda p: {**p, "seq": 7},
        lambda p: {**p, "event": {**p["event"], "id": "0" * 32}},
        lambda p: {**p, "event": {**p["event"], "payload": {"position": "talks first"}}},
        lambda p: {**p, "event": {**p["event"], "audience": "public"}},
        lambda p: {**p, "event": "not an object"},
        lambda p: {"salt": p["salt"]},
        lambda p: {"salt": p["salt"], "cover": p["salt"]},
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


def test_a_cover_entry_can_be_proven_a_cover_and_nothing_else(world, anonymous):
    from goodoffices.ledger.models import Leaf
    from goodoffices.ledger.services import ledger_open_cover

    record(world, audience_name=audience.MEDIATORS)
    cover = Leaf.objects.filter(event__isnull=True).order_by("index").first()
    event_leaf = Leaf.objects.filter(event__isnull=False).first()
    assert cover is not None
    assert event_leaf is not None
    with pytest.raises(Invalid, match="not a cover entry"):
        ledger_open_cover(index=event_leaf.index)
    with pytest.raises(Invalid, match="not in the log"):
        ledger_open_cover(index=10**6)
    opened = ledger_open_cover(index=cover.index)
    entries = decode_bundle(anonymous.get(f"/ledger/tile/entries/000.p/{tree_size()}").content)
    assert verify_opening(entries[cover.index], opened.payload)
    # It opens only that leaf: it fits no other.
    assert not any(verify_opening(entry, opened.payload) for i, entry in enumerate(entries) if i != cover.index)
    with pytest.raises(Invalid, match="already been opened"):
        ledger_open_cover(index=cover.index)
