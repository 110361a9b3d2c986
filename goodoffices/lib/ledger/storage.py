"""The tree's stored hashes, laid out as Go's golang.org/x/mod/sumdb/tlog does.

Every leaf hash and every hash of a *complete* subtree is stored exactly once,
in append order: appending leaf ``n`` stores its leaf hash followed by the
hashes of the subtrees it completes. The position of the hash of the ``n``-th
node at ``level`` is :func:`stored_hash_index`. Roots and proofs for any tree
size are then assembled from O(log n) stored hashes, read in one batch through
the :class:`HashReader` protocol, which the Django side implements on a table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

from .errors import ProofError, StorageError
from .merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    largest_power_of_two_below,
    leaf_hash,
    node_hash,
)

Range = tuple[int, int]


class HashReader(Protocol):
    """Anything that can return stored hashes by stored-hash index."""

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        """Return the hashes stored at ``indexes``, in the same order."""
        ...


def stored_hash_index(level: int, n: int) -> int:
    """Position of the hash of node ``n`` at ``level`` in the stored-hash sequence."""
    # The node's hash is stored right after the rightmost leaf below it, whose
    # own index counts every hash stored before it: 2m - popcount(m).
    m = ((n + 1) << level) - 1
    return 2 * m - m.bit_count() + level


def stored_hash_count(size: int) -> int:
    """Number of hashes stored for a tree of ``size`` leaves."""
    return 2 * size - size.bit_count()


def _read(reader: HashReader, indexes: Sequence[int]) -> list[bytes]:
    hashes = reader.read_hashes(indexes)
    if len(hashes) != len(indexes):
        raise StorageError(f"reader returned {len(hashes)} hashes for {len(indexes)} indexes")
    for i, h in zip(indexes, hashes, strict=True):
        if len(h) != HASH_SIZE:
            raise StorageError(f"stored hash {i} is {len(h)} bytes long")
    return hashes


def stored_hashes_for_append(n: int, leaf: bytes, reader: HashReader) -> list[bytes]:
    """Return the hashes to store, in order, when appending leaf ``n`` (0-based) with hash ``leaf``.

    The caller stores them at indexes ``stored_hash_count(n)`` onwards.
    """
    if n < 0:
        raise ValueError(f"negative leaf index {n}")
    if len(leaf) != HASH_SIZE:
        raise StorageError(f"leaf hash is {len(leaf)} bytes long")
    # Each trailing one bit of n means leaf n completes one more subtree, whose
    # left half is the stored node just before ours at that level.
    completed = ((n + 1) & -(n + 1)).bit_length() - 1
    siblings = _read(reader, [stored_hash_index(level, (n >> level) - 1) for level in range(completed)])
    out = [leaf]
    h = leaf
    for sibling in siblings:
        h = node_hash(sibling, h)
        out.append(h)
    return out


def complete_subtrees(lo: int, hi: int) -> list[tuple[int, int]]:
    """Split ``[lo, hi)`` into maximal aligned complete subtrees, as ``(level, index)`` left to right."""
    out: list[tuple[int, int]] = []
    while lo < hi:
        level = (hi - lo).bit_length() - 1
        if lo:
            level = min(level, (lo & -lo).bit_length() - 1)
        out.append((level, lo >> level))
        lo += 1 << level
    return out


def _fold(hashes: Sequence[bytes]) -> bytes:
    # The ranges we hash are left-aligned in the tree, so their root is the
    # right fold of their complete subtrees, largest first.
    h = hashes[-1]
    for left in reversed(hashes[:-1]):
        h = node_hash(left, h)
    return h


def range_hashes(ranges: Sequence[Range], reader: HashReader) -> list[bytes]:
    """Return MTH(D[lo:hi]) for each range, reading every stored hash in a single batch."""
    plans = [complete_subtrees(lo, hi) for lo, hi in ranges]
    indexes = [stored_hash_index(level, n) for plan in plans for level, n in plan]
    hashes = _read(reader, indexes)
    out: list[bytes] = []
    pos = 0
    for plan in plans:
        out.append(_fold(hashes[pos : pos + len(plan)]))
        pos += len(plan)
    return out


def tree_hash(size: int, reader: HashReader) -> bytes:
    """Root hash of the tree of ``size`` leaves."""
    if size < 0:
        raise ValueError(f"negative tree size {size}")
    if size == 0:
        return EMPTY_ROOT
    return range_hashes([(0, size)], reader)[0]


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """Leaf ranges whose hashes form RFC 9162 PATH(index, D[0:size]), bottom first."""
    ranges: list[Range] = []
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + largest_power_of_two_below(hi - lo)
        if index < mid:
            ranges.append((mid, hi))
            hi = mid
        else:
            ranges.append((lo, mid))
            lo = mid
    ranges.reverse()
    return ranges


def subtree_consistency_ranges(start: int, end: int, size: int) -> list[Range]:
    """Ranges of the draft-ietf-plants-merkle-tree-certs SUBTREE_PROOF(start, end, D[0:size]).

    With ``start == 0`` this is exactly RFC 9162 SUBPROOF(end, D[0:size], true).
    """
    ranges: list[Range] = []
    lo, hi, known = 0, size, True
    while not (start == lo and end == hi):
        mid = lo + largest_power_of_two_below(hi - lo)
        if end <= mid:
            ranges.append((mid, hi))
            hi = mid
        elif start >= mid:
            ranges.append((lo, mid))
            lo = mid
        else:
            # Only a subtree starting at lo can straddle the split; its right
            # part is no longer a node the verifier already knows.
            ranges.append((lo, mid))
            lo = start = mid
            known = False
    if not known:
        ranges.append((lo, hi))
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[Range]:
    """Leaf ranges whose hashes form the RFC 9162 consistency proof from ``old_size`` to ``new_size``."""
    if old_size == new_size:
        return []
    return subtree_consistency_ranges(0, old_size, new_size)


def prove_record(size: int, index: int, reader: HashReader) -> list[bytes]:
    """Inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    return range_hashes(inclusion_ranges(index, size), reader)


def prove_tree(new_size: int, old_size: int, reader: HashReader) -> list[bytes]:
    """Consistency proof from the tree of ``old_size`` leaves to the tree of ``new_size`` leaves."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to size {new_size}")
    return range_hashes(consistency_ranges(old_size, new_size), reader)


class MemoryHashStore:
    """An in-memory stored-hash sequence, with a fast append path.

    Appends keep the hashes of the tree's right edge (one per set bit of the
    size) so that completing subtrees needs no index arithmetic or reads.
    """

    def __init__(self) -> None:
        self._hashes: list[bytes] = []
        self._edge: list[bytes] = []
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        hashes = self._hashes
        try:
            return [hashes[i] for i in indexes]
        except IndexError:
            raise StorageError(f"stored hash index out of range (have {len(hashes)})") from None

    def append(self, entry: bytes) -> int:
        """Append an entry and return its index."""
        self.extend_leaf_hashes([leaf_hash(entry)])
        return self._size - 1

    def extend(self, entries: Iterable[bytes]) -> None:
        sha = hashlib.sha256
        self.extend_leaf_hashes(sha(b"\x00" + e).digest() for e in entries)

    def extend_leaf_hashes(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append leaves by hash. This is the hot loop: names are bound locally on purpose."""
        hashes = self._hashes
        edge = self._edge
        push = hashes.append
        pop = edge.pop
        sha = hashlib.sha256
        n = self._size
        for h in leaf_hashes:
            if len(h) != HASH_SIZE:
                self._size = n
                raise StorageError(f"leaf hash is {len(h)} bytes long")
            push(h)
            m = n
            while m & 1:
                h = sha(b"\x01" + pop() + h).digest()
                push(h)
                m >>= 1
            edge.append(h)
            n += 1
        self._size = n

    def root(self) -> bytes:
        """Root of the whole tree, from the right-edge hashes (no reads)."""
        if not self._edge:
            return EMPTY_ROOT
        return _fold(self._edge)

    def leaf_hashes(self) -> list[bytes]:
        """All leaf hashes, in order."""
        return [self._hashes[stored_hash_index(0, i)] for i in range(self._size)]
