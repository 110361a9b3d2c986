"""Events recorded before the ledger existed enter it now, in order, exactly as
``ledger_append`` would have appended them."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from goodoffices.events.entries import event_canonical
from goodoffices.lib.ledger import MemoryHashStore, ledger_entry, stored_hash_count


def backfill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Event = apps.get_model("events", "Event")
    StoredHash = apps.get_model("ledger", "StoredHash")
    if StoredHash.objects.exists():
        raise RuntimeError("the ledger already holds stored hashes; refusing to backfill over them")
    store = MemoryHashStore()
    for expected, event in enumerate(Event.objects.order_by("seq").iterator(chunk_size=2000)):
        if event.seq != expected:
            raise RuntimeError(f"event {expected} is missing: the events table has a gap")
        # The historical model has the fields event_canonical reads, so the bytes are the same.
        entry = ledger_entry(audience=event.audience, salt=event.salt, canonical=event_canonical(event))
        store.append(entry)
    count = stored_hash_count(store.size)
    batch = 5000
    for start in range(0, count, batch):
        indexes = range(start, min(start + batch, count))
        StoredHash.objects.bulk_create(
            StoredHash(index=i, hash=h) for i, h in zip(indexes, store.read_hashes(indexes), strict=True)
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only"), ("events", "0002_append_only")]
    # Stored hashes cannot be deleted row by row; unapplying 0001 drops the whole table.
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
