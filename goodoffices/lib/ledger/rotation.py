"""Handing the log over from one signing key to the next, and following such handovers.

A new key for an existing log is a recorded act: the public event ``ledger.key_rotated`` carries
the new verifier key and a *handover*, a signed note whose text names the old and the new key,
signed by the old key. A verifier that trusts the old key reads the handovers from the log's own
entries, in order, and trusts each new key only when the key it trusted at that point signed it.
Someone who took over the server without the old key cannot write a handover, so the verifier
refuses their checkpoints.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import LedgerError
from .note import Ed25519Signer, Ed25519Verifier, open_note, sign_note

KIND = "ledger.key_rotated"
HEADER = "goodoffices ledger key handover v1"
_MARKER = f'"kind":"{KIND}"'.encode()


def handover_text(old_vkey: str, new_vkey: str) -> str:
    return f"{HEADER}\nold {old_vkey}\nnew {new_vkey}\n"


def sign_handover(old: Ed25519Signer, new_vkey: str) -> str:
    """The handover note from ``old`` to the key ``new_vkey``, signed by ``old``."""
    new = Ed25519Verifier.from_vkey(new_vkey)
    if new.name != old.name:
        raise ValueError(f"the new key is named {new.name!r}, not {old.name!r}: a log keeps its name")
    return sign_note(handover_text(old.verifier.vkey, new_vkey), [old]).decode()


@dataclass(frozen=True)
class Rotation:
    """One ``ledger.key_rotated`` entry: leaf ``seq`` and its payload."""

    seq: int
    new_key: str
    old_key: str | None
    handover: str | None


def rotation_in_entry(seq: int, entry: bytes) -> Rotation | None:
    """The rotation a public entry records, or None when it records something else."""
    if _MARKER not in entry:
        return None
    try:
        event: Any = json.loads(entry)
        payload = event["payload"]
        if event.get("kind") != KIND or event.get("audience") != "public":
            return None
        new_key, old_key, handover = payload["new_key"], payload.get("old_key"), payload.get("handover")
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(new_key, str) or not isinstance(old_key, str | None) or not isinstance(handover, str | None):
        return None
    return Rotation(seq, new_key, old_key, handover)


@dataclass
class KeyChain:
    """Where following the handovers from a trusted key leads."""

    key: Ed25519Verifier
    followed: list[Rotation] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _accept(trusted: Ed25519Verifier, rotation: Rotation) -> Ed25519Verifier:
    """The new key, if ``trusted`` signed this handover to it; raises ``LedgerError`` saying why not."""
    if rotation.handover is None:
        raise LedgerError(
            f"entry {rotation.seq} replaces the log's key without a handover signed by the old key "
            "(the operator recorded it as lost): obtain the new key through a channel you trust"
        )
    try:
        note = open_note(rotation.handover.encode(), [trusted])
        new = Ed25519Verifier.from_vkey(rotation.new_key)
    except LedgerError as exc:
        raise LedgerError(f"entry {rotation.seq}: the key handover is not signed by the key you trust: {exc}") from None
    if note.text != handover_text(trusted.vkey, rotation.new_key) or new.name != trusted.name:
        raise LedgerError(f"entry {rotation.seq}: the key handover does not name the key it hands over to")
    return new


def follow_rotations(trusted: Ed25519Verifier, rotations: Iterable[Rotation]) -> KeyChain:
    """Follow, in log order, every handover the currently trusted key signed."""
    chain = KeyChain(trusted)
    for rotation in sorted(rotations, key=lambda r: r.seq):
        if rotation.old_key is not None and rotation.old_key != chain.key.vkey:
            continue  # a handover from a key this verifier never trusted says nothing to it
        try:
            chain.key = _accept(chain.key, rotation)
        except LedgerError as exc:
            chain.refused.append(str(exc))
            continue
        chain.followed.append(rotation)
    return chain
