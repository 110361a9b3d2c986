"""RFC 9162 Merkle tree hashing and proof verification.

The verification routines follow RFC 9162 §2.1.3.2 and §2.1.4.2 step by step,
and refuse anything that is not exactly shaped like a proof for the given
sizes: wrong hash lengths, wrong proof lengths, indexes out of range, and
consistency from the empty tree (as transparency-dev/merkle does, since such a
"proof" proves nothing).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from .errors import HashLengthError, ProofError, ProofLengthError, RootMismatchError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def leaf_hash(entry: bytes) -> bytes:
    """Return SHA-256(0x00 || entry)."""
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()


def largest_power_of_two_below(n: int) -> int:
    """Return the largest power of two strictly smaller than ``n`` (n > 1)."""
    if n <= 1:
        raise ValueError(f"no power of two below {n}")
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """Return the RFC 9162 Merkle tree hash of a list of leaf hashes.

    Works bottom-up: promoting an unpaired last node unchanged to the next
    level yields the same root as the RFC's recursive split at the largest
    power of two, without recursion.
    """
    if not hashes:
        return EMPTY_ROOT
    level = list(hashes)
    sha = _sha256
    while len(level) > 1:
        nxt = [sha(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) & 1:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def check_hash(value: bytes, what: str) -> None:
    """Refuse anything that is not a 32-byte hash."""
    if len(value) != HASH_SIZE:
        raise HashLengthError(f"{what} is {len(value)} bytes long, want {HASH_SIZE}")


def _check_proof_hashes(proof: Sequence[bytes]) -> None:
    for i, h in enumerate(proof):
        check_hash(h, f"proof hash {i}")


def inclusion_proof_length(index: int, size: int) -> int:
    """Number of hashes in the inclusion proof of leaf ``index`` in a tree of ``size``."""
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def consistency_proof_length(old_size: int, new_size: int) -> int:
    """Number of hashes in the consistency proof from ``old_size`` to ``new_size``."""
    if old_size == new_size:
        return 0
    inner = ((old_size - 1) ^ (new_size - 1)).bit_length()
    border = ((old_size - 1) >> inner).bit_count()
    shift = (old_size & -old_size).bit_length() - 1
    # When the old tree is a perfect subtree its root seeds the proof and is
    # therefore not repeated inside it.
    seed = 0 if old_size == 1 << shift else 1
    return seed + inner - shift + border


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """Recompute the root from an inclusion proof (RFC 9162 §2.1.3.2 steps 1-6)."""
    if index < 0 or size < 0:
        raise ProofError(f"negative index or size ({index}, {size})")
    if index >= size:
        raise ProofError(f"leaf index {index} is not below tree size {size}")
    check_hash(leaf, "leaf hash")
    _check_proof_hashes(proof)
    want = inclusion_proof_length(index, size)
    if len(proof) != want:
        raise ProofLengthError(f"inclusion proof has {len(proof)} hashes, want {want} for leaf {index} of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofLengthError("inclusion proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofLengthError("inclusion proof is shorter than the path to the root")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """Raise unless ``proof`` shows leaf ``index`` with hash ``leaf`` is in the tree ``(size, root)``."""
    check_hash(root, "root hash")
    calculated = root_from_inclusion_proof(index, size, leaf, proof)
    if calculated != root:
        raise RootMismatchError(f"inclusion proof for leaf {index} of {size} yields a different root")


def verify_consistency(old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes) -> None:  # noqa: C901 - RFC 9162 2.1.4.2, step by step
    """Raise unless ``proof`` shows tree ``(old_size, old_root)`` is a prefix of ``(new_size, new_root)``.

    RFC 9162 §2.1.4.2, refusing ``old_size == 0`` outright.
    """
    check_hash(old_root, "old root hash")
    check_hash(new_root, "new root hash")
    _check_proof_hashes(proof)
    if old_size < 0 or new_size < 0:
        raise ProofError(f"negative tree size ({old_size}, {new_size})")
    if old_size > new_size:
        raise ProofError(f"old tree size {old_size} is larger than new tree size {new_size}")
    if old_size == 0:
        raise ProofError("a consistency proof from the empty tree is meaningless")
    if old_size == new_size:
        if proof:
            raise ProofLengthError("tree sizes are equal but the consistency proof is not empty")
        if old_root != new_root:
            raise RootMismatchError(f"different roots for the same tree size {old_size}")
        return
    want = consistency_proof_length(old_size, new_size)
    if len(proof) != want:
        raise ProofLengthError(f"consistency proof has {len(proof)} hashes, want {want} for {old_size} -> {new_size}")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofLengthError("consistency proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofLengthError("consistency proof is shorter than the path to the root")
    if fr != old_root:
        raise RootMismatchError(f"consistency proof does not reproduce the old root at size {old_size}")
    if sr != new_root:
        raise RootMismatchError(f"consistency proof does not reproduce the new root at size {new_size}")
