"""Property tests: stored-hash trees against the RFC 9162 recursive definitions."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodoffices.lib.ledger.errors import HashLengthError, ProofError, StorageError
from goodoffices.lib.ledger.merkle import (
    EMPTY_ROOT,
    consistency_proof_length,
    inclusion_proof_length,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from goodoffices.lib.ledger.storage import (
    MemoryHashStore,
    prove_record,
    prove_tree,
    stored_hash_count,
    stored_hash_index,
    stored_hashes_for_append,
    tree_hash,
)
from goodoffices.lib.ledger.subtree import (
    is_valid_subtree,
    prove_subtree_consistency,
    verify_subtree_consistency,
    verify_subtree_inclusion,
)

MAX = 300


def mth(hashes: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1, literally."""
    n = len(hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(hashes[:k]), mth(hashes[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH, literally."""
    n = len(d)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    """RFC 9162 §2.1.4.1 SUBPROOF, literally."""
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def leaves(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def build(n: int) -> MemoryHashStore:
    store = MemoryHashStore()
    store.extend(i.to_bytes(4, "big") for i in range(n))
    return store


STORES: dict[int, MemoryHashStore] = {}


def store_of(n: int) -> MemoryHashStore:
    if n not in STORES:
        STORES[n] = build(n)
    return STORES[n]


def flip(h: bytes, bit: int) -> bytes:
    b = bytearray(h)
    b[bit // 8 % len(b)] ^= 1 << (bit % 8)
    return bytes(b)


class ProtocolOnlyStore:
    """Appends only through stored_hashes_for_append, as the Django side will."""

    def __init__(self) -> None:
        self.hashes: list[bytes] = []

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        return [self.hashes[i] for i in indexes]


def test_stored_layout_matches_fast_path() -> None:
    fast = build(1000)
    slow = ProtocolOnlyStore()
    for n in range(1000):
        assert len(slow.hashes) == stored_hash_count(n)
        slow.hashes.extend(stored_hashes_for_append(n, leaf_hash(n.to_bytes(4, "big")), slow))
    assert slow.hashes == fast.read_hashes(range(stored_hash_count(1000)))


def test_stored_hash_index_known_values() -> None:
    # Values from the layout of Go's tlog.StoredHashIndex.
    assert [stored_hash_index(0, n) for n in range(8)] == [0, 1, 3, 4, 7, 8, 10, 11]
    assert [stored_hash_index(1, n) for n in range(4)] == [2, 5, 9, 12]
    assert stored_hash_index(2, 0) == 6
    assert stored_hash_index(3, 0) == 14


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=MAX))
def test_roots_agree(n: int) -> None:
    d = leaves(n)
    want = mth(d)
    store = store_of(MAX)
    assert tree_hash(n, store) == want
    assert root_from_leaf_hashes(d) == want
    assert build(n).root() == want


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_inclusion_proofs(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=1, max_value=MAX))
    i = data.draw(st.integers(min_value=0, max_value=n - 1))
    d = leaves(n)
    root = mth(d)
    proof = prove_record(n, i, store_of(MAX))
    assert proof == path(i, d)
    verify_inclusion(i, n, d[i], proof, root)

    if proof:
        k = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        bit = data.draw(st.integers(min_value=0, max_value=255))
        bad = list(proof)
        bad[k] = flip(bad[k], bit)
        with pytest.raises(ProofError):
            verify_inclusion(i, n, d[i], bad, root)
        with pytest.raises(ProofError):
            verify_inclusion(i, n, d[i], proof[:-1], root)
    with pytest.raises(ProofError):
        verify_inclusion(i, n, d[i], [*proof, root], root)
    with pytest.raises(ProofError):
        verify_inclusion(i, n, flip(d[i], data.draw(st.integers(0, 255))), proof, root)
    with pytest.raises(ProofError):
        verify_inclusion(i, n, d[i], proof, flip(root, data.draw(st.integers(0, 255))))
    other = data.draw(st.integers(min_value=0, max_value=n))
    if other != i and not (other < n and d[other] == d[i]):
        with pytest.raises(ProofError):
            verify_inclusion(other, n, d[i], proof, root)
    # A proof does not authenticate the tree size on its own (sizes giving the
    # same path shape yield the same root), so only shape changes must fail.
    wrong_size = data.draw(st.integers(min_value=i + 1, max_value=2 * MAX))
    if inclusion_proof_length(i, wrong_size) != len(proof):
        with pytest.raises(ProofError):
            verify_inclusion(i, wrong_size, d[i], proof, root)
    with pytest.raises(HashLengthError):
        verify_inclusion(i, n, d[i][:31], proof, root)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_consistency_proofs(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=1, max_value=MAX))
    m = data.draw(st.integers(min_value=1, max_value=n))
    d = leaves(n)
    old, new = mth(d[:m]), mth(d)
    proof = prove_tree(n, m, store_of(MAX))
    assert proof == subproof(m, d, True)
    verify_consistency(m, n, proof, old, new)

    if proof:
        k = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        bad = list(proof)
        bad[k] = flip(bad[k], data.draw(st.integers(0, 255)))
        with pytest.raises(ProofError):
            verify_consistency(m, n, bad, old, new)
        with pytest.raises(ProofError):
            verify_consistency(m, n, proof[1:], old, new)
    with pytest.raises(ProofError):
        verify_consistency(m, n, proof, flip(old, 3), new)
    with pytest.raises(ProofError):
        verify_consistency(m, n, proof, old, flip(new, 200))
    with pytest.raises(ProofError):
        verify_consistency(0, n, proof, EMPTY_ROOT, new)
    wrong = data.draw(st.integers(min_value=1, max_value=2 * MAX))
    if wrong >= m and consistency_proof_length(m, wrong) != len(proof):
        with pytest.raises(ProofError):
            verify_consistency(m, wrong, proof, old, new)
    if wrong <= n and consistency_proof_length(wrong, n) != len(proof):
        with pytest.raises(ProofError):
            verify_consistency(wrong, n, proof, old, new)


@st.composite
def subtrees(draw: st.DrawFn) -> tuple[int, int, int]:
    size = draw(st.integers(min_value=1, max_value=MAX))
    start = draw(st.integers(min_value=0, max_value=size - 1))
    # Any aligned block [start, start + 2^k) clipped to a shorter end is valid.
    align = (start & -start) if start else 1 << size.bit_length()
    end = draw(st.integers(min_value=start + 1, max_value=min(size, start + align)))
    assert is_valid_subtree(start, end)
    return start, end, size


@settings(max_examples=300, deadline=None)
@given(subtrees(), st.data())
def test_subtree_proofs(sub: tuple[int, int, int], data: st.DataObject) -> None:
    start, end, size = sub
    d = leaves(size)
    sroot, root = mth(d[start:end]), mth(d)
    proof = prove_subtree_consistency(start, end, size, store_of(MAX))
    if start == 0:
        assert proof == subproof(end, d, True)
    verify_subtree_consistency(start, end, size, proof, sroot, root)
    if proof:
        k = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        bad = list(proof)
        bad[k] = flip(bad[k], data.draw(st.integers(0, 255)))
        with pytest.raises(ProofError):
            verify_subtree_consistency(start, end, size, bad, sroot, root)
        with pytest.raises(ProofError):
            verify_subtree_consistency(start, end, size, proof[:-1], sroot, root)
    with pytest.raises(ProofError):
        verify_subtree_consistency(start, end, size, proof, flip(sroot, 9), root)
    with pytest.raises(ProofError):
        verify_subtree_consistency(start, end, size, proof, sroot, flip(root, 9))

    i = data.draw(st.integers(min_value=start, max_value=end - 1))
    incl = path(i - start, d[start:end])
    verify_subtree_inclusion(i, start, end, d[i], incl, sroot)
    with pytest.raises(ProofError):
        verify_subtree_inclusion(i, start, end, d[i], incl, flip(sroot, 1))


def test_reader_errors_are_storage_errors() -> None:
    store = build(5)
    with pytest.raises(StorageError):
        tree_hash(6, store)

    class Short:
        def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
            return []

    with pytest.raises(StorageError):
        prove_record(4, 1, Short())
    with pytest.raises(ProofError):
        prove_record(4, 4, store)
    with pytest.raises(ProofError):
        prove_tree(4, 0, store)


def test_memory_store_append_api() -> None:
    store = MemoryHashStore()
    assert store.root() == EMPTY_ROOT
    assert store.append(b"a") == 0
    assert store.append(b"b") == 1
    assert store.root() == node_hash(leaf_hash(b"a"), leaf_hash(b"b"))
    assert store.leaf_hashes() == [leaf_hash(b"a"), leaf_hash(b"b")]
    assert hashlib.sha256(b"\x00a").digest() == leaf_hash(b"a")
    with pytest.raises(StorageError):
        store.extend_leaf_hashes([b"short"])
    assert store.size == 2
