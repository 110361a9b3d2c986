"""Ledger entries derived from events, and the check of an opening.

A public event enters the log as its canonical JSON (RFC 8785). Any other event
enters as a *sealed* entry, ``{"sealed": "<hex SHA-256(salt || canonical)>"}``,
which says only that something was recorded. When its subject is declassified,
an opening publishes the salt and the canonical event, and anyone can recompute
the sealed entry and compare it with the leaf.

Everything here takes plain values (no Django), so the server, its data
migration and an independent verifier derive entries with the same code.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from goodoffices.lib.audience import PUBLIC
from goodoffices.lib.canonical import canonical_json

SALT_BYTES = 32
_SALT = re.compile(r"[0-9a-f]{64}")
_EVENT_ID = b"goodoffices event id\x00"


def event_id(salt_hex: str) -> str:
    """An event's public id, derived from its salt: unique, stable, and saying nothing of how many
    events there are (nor, without the salt, which sealed entry is the event's)."""
    if not _SALT.fullmatch(salt_hex):
        raise ValueError("salt must be 64 lowercase hex digits")
    return hashlib.sha256(_EVENT_ID + bytes.fromhex(salt_hex)).hexdigest()[:32]


def cover_entry(salt_hex: str, nonce_hex: str) -> bytes:
    """A cover entry: a sealed commitment to random bytes, the same size and form as any sealed
    event's entry, padding an epoch to its step (see goodoffices/ledger/integrate.py)."""
    return sealed_entry(salt_hex, canonical_json({"cover": nonce_hex}))


def sealed_entry(salt_hex: str, canonical: bytes) -> bytes:
    """The sealed entry committing to ``canonical`` with ``salt_hex`` (64 lowercase hex digits)."""
    if not _SALT.fullmatch(salt_hex):
        raise ValueError("salt must be 64 lowercase hex digits")
    commitment = hashlib.sha256(bytes.fromhex(salt_hex) + canonical).hexdigest()
    return canonical_json({"sealed": commitment})


def ledger_entry(*, audience: str, salt: str, canonical: bytes) -> bytes:
    """The ledger entry of an event with this audience, salt and canonical JSON."""
    if audience == PUBLIC:
        return canonical
    return sealed_entry(salt, canonical)


def verify_opening(entry: bytes, opening: Mapping[str, Any]) -> bool:
    """True when ``opening`` opens the sealed ``entry``.

    An event's opening (a ``ledger.opened`` payload) is ``{"salt": "<hex>", "event": {...}}``
    with the canonical event, whose ``id`` must be the one its salt gives; events recorded before
    ids existed carry ``"seq": n`` instead, which must equal the event's own ``seq``. A cover's
    opening is ``{"salt": "<hex>", "cover": "<hex>"}``. Anything malformed is not a valid opening.
    """
    if not isinstance(opening, Mapping):
        return False
    salt = opening.get("salt")
    if not isinstance(salt, str):
        return False
    try:
        if "cover" in opening:
            nonce = opening["cover"]
            return isinstance(nonce, str) and "event" not in opening and cover_entry(salt, nonce) == entry
        event = opening.get("event")
        if not isinstance(event, dict) or event.get("audience") == PUBLIC:
            return False
        if "seq" in opening or "seq" in event:
            seq = opening.get("seq")
            if type(seq) is not int or event.get("seq") != seq:
                return False
        elif event.get("id") != event_id(salt):
            return False
        return sealed_entry(salt, canonical_json(event)) == entry
    except (ValueError, TypeError):
        return False
