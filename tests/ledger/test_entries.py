"""Every event is one leaf; public events enter in full, the others sealed; the database keeps it append-only."""

import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.db import DatabaseError, IntegrityError, connection, transaction

from goodoffices.events.entries import event_canonical, event_entry
from goodoffices.events.models import Event
from goodoffices.ledger.audit import audit_log
from goodoffices.ledger.log import LogView, leaf_entry, tree_size
from goodoffices.ledger.models import Leaf, LedgerState, StoredHash
from goodoffices.lib import audience
from goodoffices.lib.errors import Invalid
from goodoffices.lib.ledger import MemoryHashStore, decode_bundle, leaf_hash, stored_hash_count, stored_hash_index

from .conftest import leaf_of, lift_append_only_guards, record


def stored(index: int) -> bytes:
    return bytes(StoredHash.objects.get(index=index).hash)


def test_every_event_is_one_leaf_and_each_epoch_is_in_hash_order(world):
    record(world, count=5)
    size = tree_size()
    assert size % 16 == 0
    assert Leaf.objects.filter(event__isnull=False).count() == Event.objects.count() > 5
    assert StoredHash.objects.count() == stored_hash_count(size)
    store = MemoryHashStore()
    for leaf in Leaf.objects.select_related("event").order_by("index"):
        assert stored(stored_hash_index(0, leaf.index)) == leaf_hash(leaf_entry(leaf)) == bytes(leaf.hash)
        store.append(leaf_entry(leaf))
    assert LogView(size).root == store.root()
    for epoch in Leaf.objects.values_list("epoch", flat=True).distinct():
        hashes = [bytes(h) for h in Leaf.objects.filter(epoch=epoch).order_by("index").values_list("hash", flat=True)]
        assert hashes == sorted(hashes)


def test_public_event_enters_in_full(world):
    (event,) = record(world, payload={"statement": "the parties met"})
    assert event_entry(event) == event_canonical(event)
    assert json.loads(event_entry(event))["payload"] == {"statement": "the parties met"}


@pytest.mark.parametrize("audience_name", ["process", "plenary", "mediators", "caucus", "party"])
def test_sealed_entry_reveals_nothing(world, anonymous, audience_name):
    name = {"caucus": audience.caucus(world.party_a.pk), "party": audience.party(world.party_a.pk)}.get(
        audience_name, audience_name
    )
    (event,) = record(world, audience_name=name, payload={"secret": "marker-7f3a"})
    entry = event_entry(event)
    assert set(json.loads(entry)) == {"sealed"}
    assert len(json.loads(entry)["sealed"]) == 64
    bundle = anonymous.get(f"/ledger/tile/entries/000.p/{tree_size()}").content
    served = decode_bundle(bundle)[leaf_of(event)]
    assert served == entry
    for secret in ("marker-7f3a", "process.created", "processes.process", '"process"', event.salt, name):
        assert secret.encode() not in served


def test_same_content_seals_differently(world):
    a, b = record(world, audience_name=audience.MEDIATORS, payload={"same": True}, count=2)
    assert event_entry(a) != event_entry(b)


def test_entry_too_large_is_refused_and_nothing_is_written(world):
    before = (Event.objects.count(), StoredHash.objects.count())
    with pytest.raises(Invalid) as raised:
        record(world, payload={"text": "x" * 70_000})
    assert raised.value.errors[0].field == "payload"
    assert "too large for the ledger" in raised.value.errors[0].message
    assert (Event.objects.count(), StoredHash.objects.count()) == before
    # The next event takes the number the refused one would have had.
    (event,) = record(world)
    assert event.seq == before[0]


@pytest.mark.parametrize(
    "statement", ["UPDATE ledger_storedhash SET hash = hash WHERE 1 = 1", "DELETE FROM ledger_storedhash"]
)
def test_the_database_refuses_to_change_stored_hashes(world, statement):
    count = StoredHash.objects.count()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert StoredHash.objects.count() == count


def test_a_stored_hash_is_32_bytes(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        StoredHash.objects.create(index=10**9, hash=b"short")


def test_a_log_from_before_epochs_upgrades_and_goes_on_growing(world):
    """A database whose log was leaf i = event seq i (the backfill, then a leaf per write)
    becomes epoch 0 of the new log, verifiably, and grows from there."""
    record(world, audience_name=audience.MEDIATORS, count=3)
    lift_append_only_guards()
    StoredHash.objects.all().delete()
    Leaf.objects.all().delete()
    LedgerState.objects.all().delete()
    backfill = importlib.import_module("goodoffices.ledger.migrations.0003_backfill")
    backfill.backfill(django_apps, connection.schema_editor())
    with pytest.raises(RuntimeError, match="already holds"):
        backfill.backfill(django_apps, connection.schema_editor())
    epochs = importlib.import_module("goodoffices.ledger.migrations.0004_epochs")
    epochs.leaves_of_the_existing_log(django_apps, connection.schema_editor())
    assert tree_size() == Event.objects.count()
    assert [leaf_of(e) for e in Event.objects.order_by("seq")] == list(range(Event.objects.count()))
    assert audit_log()[1] == []
    record(world, count=2)
    assert audit_log()[1] == []
