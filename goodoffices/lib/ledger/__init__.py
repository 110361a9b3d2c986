"""Pure-Python transparency-log core of Good Offices (no Django here).

Modules:

* :mod:`.merkle`: RFC 9162 hashing, inclusion/consistency verification.
* :mod:`.storage`: Go-tlog style stored hashes, ``HashReader`` protocol,
  root and proofs from O(log n) reads, in-memory store.
* :mod:`.subtree`: subtree inclusion/consistency (MTC draft, tlog-witness).
* :mod:`.note`: c2sp.org/signed-note with Ed25519 keys.
* :mod:`.checkpoint`: c2sp.org/tlog-checkpoint.
* :mod:`.cosignature`: c2sp.org/tlog-cosignature (Ed25519, type 0x04).
* :mod:`.tiles`: c2sp.org/tlog-tiles paths, tile data, entry bundles.
* :mod:`.tile_audit`: client-side recomputation of a tree from its tiles.
* :mod:`.verify`: ``verify_log`` and ``CheckpointState``.
* :mod:`.rotation`: key handovers (``ledger.key_rotated``) signed by the old key, and following them.
* :mod:`.witness`: c2sp.org/tlog-witness ``add-checkpoint`` decisions.
* :mod:`.export`: zip export archives and their verification.
* :mod:`.entries`: entries derived from events (public or sealed) and openings.
"""

from __future__ import annotations

from .checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from .cosignature import CosignatureSigner, CosignatureVerifier, cosignature_line, witnesses_satisfied
from .entries import cover_entry, event_id, ledger_entry, sealed_entry, verify_opening
from .errors import (
    LedgerError,
    ProofError,
    ResourceMissingError,
)
from .merkle import EMPTY_ROOT, leaf_hash, node_hash, verify_consistency, verify_inclusion
from .note import Ed25519Signer, Ed25519Verifier, generate_key, open_note, sign_note
from .storage import (
    HashReader,
    MemoryHashStore,
    prove_record,
    prove_tree,
    stored_hash_count,
    stored_hash_index,
    stored_hashes_for_append,
    tree_hash,
)
from .tiles import Tile, decode_bundle, encode_bundle, parse_tile_path, read_tile_data
from .verify import CheckpointState, VerifyResult, verify_log

__all__ = [
    "EMPTY_ROOT",
    "Checkpoint",
    "CheckpointState",
    "CosignatureSigner",
    "CosignatureVerifier",
    "Ed25519Signer",
    "Ed25519Verifier",
    "HashReader",
    "LedgerError",
    "MemoryHashStore",
    "ProofError",
    "ResourceMissingError",
    "Tile",
    "VerifyResult",
    "cosignature_line",
    "cover_entry",
    "decode_bundle",
    "encode_bundle",
    "event_id",
    "generate_key",
    "leaf_hash",
    "ledger_entry",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "parse_tile_path",
    "prove_record",
    "prove_tree",
    "read_tile_data",
    "sealed_entry",
    "sign_checkpoint",
    "sign_note",
    "stored_hash_count",
    "stored_hash_index",
    "stored_hashes_for_append",
    "tree_hash",
    "verify_consistency",
    "verify_inclusion",
    "verify_log",
    "verify_opening",
    "witnesses_satisfied",
]
