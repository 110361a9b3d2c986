"""The served log: events as leaves, stored hashes in a table, a consistent view at one tree size.

Leaf ``i`` is the ledger entry of the event with ``seq == i``; entries are never
stored, they are derived from the events each time (see lib/ledger/entries.py).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Max

from goodoffices.events.entries import event_entry
from goodoffices.events.models import Event
from goodoffices.lib.errors import Invalid
from goodoffices.lib.ledger import (
    Checkpoint,
    leaf_hash,
    prove_record,
    stored_hash_count,
    stored_hashes_for_append,
    tree_hash,
)
from goodoffices.lib.ledger.errors import StorageError
from goodoffices.lib.ledger.tiles import MAX_ENTRY_SIZE, TILE_WIDTH, Tile, encode_bundle, read_tile_data

from .models import StoredHash


class DatabaseHashReader:
    """``HashReader`` over the StoredHash table: one query per batch of indexes."""

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        wanted = set(indexes)
        rows = StoredHash.objects.filter(index__in=wanted).values_list("index", "hash")
        found = {index: bytes(h) for index, h in rows}
        missing = wanted - found.keys()
        if missing:
            raise StorageError(f"stored hash {min(missing)} is missing")
        return [found[i] for i in indexes]


def ledger_append(event: Event) -> None:
    """Append ``event``'s leaf. Call it in the transaction that recorded the event.

    Writers are serialised by the event counter's row lock, so ``event.seq`` is the
    next leaf and the primary key on the stored-hash index refuses any duplicate.
    """
    entry = event_entry(event)
    if len(entry) > MAX_ENTRY_SIZE:
        raise Invalid.one(
            "payload",
            f"this record is {len(entry)} bytes in canonical form, too large for the ledger "
            f"(at most {MAX_ENTRY_SIZE} bytes); shorten it or attach the content separately",
        )
    start = stored_hash_count(event.seq)
    hashes = stored_hashes_for_append(event.seq, leaf_hash(entry), DatabaseHashReader())
    StoredHash.objects.bulk_create(StoredHash(index=start + i, hash=h) for i, h in enumerate(hashes))


def tree_size() -> int:
    """Number of leaves: one per recorded event."""
    top = Event.objects.aggregate(top=Max("seq"))["top"]
    return 0 if top is None else top + 1


class BeyondTree(LookupError):
    """A tile, bundle or leaf that the tree of this size does not have."""


@dataclass(frozen=True)
class LogView:
    """The log at one tree size. Reading the size first and everything else after is
    consistent because events and their stored hashes commit together and never change."""

    size: int

    @classmethod
    def current(cls) -> "LogView":
        return cls(tree_size())

    @cached_property
    def root(self) -> bytes:
        return tree_hash(self.size, DatabaseHashReader())

    def checkpoint(self, origin: str) -> Checkpoint:
        return Checkpoint(origin, self.size, self.root)

    def tile(self, tile: Tile) -> bytes:
        """A Merkle tile's bytes; a partial tile is served as long as the tree holds its hashes."""
        try:
            return read_tile_data(tile, self.size, DatabaseHashReader())
        except StorageError:
            raise
        except ValueError as exc:
            raise BeyondTree(str(exc)) from None

    def entries(self, first: int, count: int) -> Iterator[bytes]:
        """Entries of leaves ``first .. first + count - 1``, in order."""
        if first + count > self.size:
            raise BeyondTree(f"leaves {first}..{first + count - 1} are not all in the tree of size {self.size}")
        events = Event.objects.filter(seq__gte=first, seq__lt=first + count).order_by("seq")
        expected = first
        for event in events.iterator(chunk_size=TILE_WIDTH):
            if event.seq != expected:
                raise StorageError(f"event {expected} is missing")
            yield event_entry(event)
            expected += 1
        if expected != first + count:
            raise StorageError(f"event {expected} is missing")

    def bundle(self, tile: Tile) -> bytes:
        """An entry bundle's bytes."""
        return encode_bundle(list(self.entries(tile.index * TILE_WIDTH, tile.width)))

    def inclusion_proof(self, index: int) -> list[bytes]:
        if not 0 <= index < self.size:
            raise BeyondTree(f"leaf {index} is not in the tree of size {self.size}")
        return prove_record(self.size, index, DatabaseHashReader())
