"""The served log: leaves and stored hashes in tables, a consistent view at one tree size.

Leaves are added once per epoch (integrate.py); each is an event's entry or a cover entry.
Entries are never stored: they are derived from the events (and the covers' salts) each time
(see lib/ledger/entries.py).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from goodoffices.events.entries import event_entry
from goodoffices.lib.ledger import Checkpoint, cover_entry, prove_record, tree_hash
from goodoffices.lib.ledger.errors import StorageError
from goodoffices.lib.ledger.tiles import TILE_WIDTH, Tile, encode_bundle, read_tile_data

from .models import Leaf, LedgerState, StoredHash


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


def tree_size() -> int:
    """Number of leaves: as of the last epoch (nothing beyond it is served)."""
    state = LedgerState.objects.filter(id=1).values_list("size", flat=True).first()
    return state or 0


def leaf_entry(leaf: Leaf) -> bytes:
    """The entry of a leaf: its event's (canonical or sealed), or a cover's commitment."""
    if leaf.event is not None:
        return event_entry(leaf.event)
    return cover_entry(leaf.cover_salt, leaf.cover_nonce)


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
        leaves = Leaf.objects.filter(index__gte=first, index__lt=first + count).select_related("event")
        expected = first
        for leaf in leaves.order_by("index").iterator(chunk_size=TILE_WIDTH):
            if leaf.index != expected:
                raise StorageError(f"leaf {expected} is missing")
            yield leaf_entry(leaf)
            expected += 1
        if expected != first + count:
            raise StorageError(f"leaf {expected} is missing")

    def bundle(self, tile: Tile) -> bytes:
        """An entry bundle's bytes."""
        return encode_bundle(list(self.entries(tile.index * TILE_WIDTH, tile.width)))

    def inclusion_proof(self, index: int) -> list[bytes]:
        if not 0 <= index < self.size:
            raise BeyondTree(f"leaf {index} is not in the tree of size {self.size}")
        return prove_record(self.size, index, DatabaseHashReader())
