"""Subtree inclusion and consistency proofs (draft-ietf-plants-merkle-tree-certs §4).

A subtree ``[start, end)`` is valid when ``start`` is a multiple of the
smallest power of two not below ``end - start``; it is then laid out inside
the big tree exactly like a standalone tree, which is why subtree inclusion is
ordinary inclusion shifted by ``start``. Subtree consistency generalises RFC
9162 consistency to a subtree that does not start at leaf 0 (the witness
``sign-subtree`` call uses it).
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import ProofError, ProofLengthError, RootMismatchError
from .merkle import EMPTY_ROOT, check_hash, node_hash, root_from_inclusion_proof
from .storage import HashReader, range_hashes, subtree_consistency_ranges


def is_valid_subtree(start: int, end: int) -> bool:
    """True if ``[start, end)`` is a non-empty, properly aligned subtree."""
    if start < 0 or start >= end:
        return False
    ceil = 1 << (end - start - 1).bit_length()
    return start & (ceil - 1) == 0


def verify_subtree_inclusion(
    index: int, start: int, end: int, leaf: bytes, proof: Sequence[bytes], subtree_root: bytes
) -> None:
    """Raise unless ``proof`` shows leaf ``index`` is in the subtree ``[start, end)`` with ``subtree_root``."""
    check_hash(subtree_root, "subtree hash")
    if not is_valid_subtree(start, end):
        raise ProofError(f"[{start}, {end}) is not a valid subtree")
    if not start <= index < end:
        raise ProofError(f"leaf index {index} is outside the subtree [{start}, {end})")
    calculated = root_from_inclusion_proof(index - start, end - start, leaf, proof)
    if calculated != subtree_root:
        raise RootMismatchError(f"inclusion proof for leaf {index} yields a different subtree hash")


def prove_subtree_consistency(start: int, end: int, size: int, reader: HashReader) -> list[bytes]:
    """SUBTREE_PROOF(start, end, D[0:size]) from stored hashes."""
    if not is_valid_subtree(start, end) or end > size:
        raise ProofError(f"[{start}, {end}) is not a valid subtree of a tree of size {size}")
    return range_hashes(subtree_consistency_ranges(start, end, size), reader)


def verify_subtree_consistency(  # noqa: C901 - the C2SP algorithm, step by step
    start: int, end: int, size: int, proof: Sequence[bytes], subtree_root: bytes, root: bytes
) -> None:
    """Raise unless ``proof`` shows subtree ``[start, end)`` with ``subtree_root`` sits in ``(size, root)``."""
    check_hash(subtree_root, "subtree hash")
    check_hash(root, "root hash")
    for i, h in enumerate(proof):
        check_hash(h, f"proof hash {i}")
    if start == end and 0 <= start <= size:
        # The empty subtree is trivially part of every tree; the only thing to
        # check is that it is presented as the empty tree.
        if proof:
            raise ProofLengthError("proof for an empty subtree must be empty")
        if subtree_root != EMPTY_ROOT:
            raise RootMismatchError("an empty subtree must have the empty-tree hash")
        return
    if not is_valid_subtree(start, end) or end > size:
        raise ProofError(f"[{start}, {end}) is not a valid subtree of a tree of size {size}")

    # fn..sn are the subtree's first and last node at the current level and
    # tn the tree's last; shifting all three climbs one level.
    fn, sn, tn = start, end - 1, size - 1
    if sn == tn:
        while fn != sn:
            fn, sn, tn = fn >> 1, sn >> 1, tn >> 1
    else:
        while fn != sn and sn & 1:
            fn, sn, tn = fn >> 1, sn >> 1, tn >> 1

    if fn == sn:
        fr = sr = subtree_root
        rest = list(proof)
    else:
        if not proof:
            raise ProofLengthError("subtree consistency proof is empty")
        fr = sr = proof[0]
        rest = list(proof[1:])

    for c in rest:
        if tn == 0:
            raise ProofLengthError("subtree consistency proof is longer than the path to the root")
        if sn & 1 or sn == tn:
            # Only hashes left of the subtree's right edge *and* inside it
            # rebuild the subtree; once it is a single node, fr is final.
            if fn < sn:
                fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not sn & 1:
                fn, sn, tn = fn >> 1, sn >> 1, tn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn, tn = fn >> 1, sn >> 1, tn >> 1

    if tn != 0:
        raise ProofLengthError("subtree consistency proof is shorter than the path to the root")
    if fr != subtree_root:
        raise RootMismatchError(f"proof does not reproduce the hash of subtree [{start}, {end})")
    if sr != root:
        raise RootMismatchError(f"proof does not reproduce the root of the tree of size {size}")
