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
    """True when ``opening`` (a ``ledger.opened`` payload) opens the sealed ``entry``.

    The payload is ``{"seq": n, "salt": "<hex>", "event": {...canonical event...}}``;
    the event's own ``seq`` must be ``n`` so an opening cannot be replayed on
    another leaf. Anything malformed is simply not a valid opening.
    """
    try:
        seq, salt, event = opening["seq"], opening["salt"], opening["event"]
    except (KeyError, TypeError):
        return False
    if not isinstance(event, dict) or not isinstance(salt, str) or type(seq) is not int:
        return False
    if event.get("seq") != seq or event.get("audience") == PUBLIC:
        return False
    try:
        canonical = canonical_json(event)
        expected = sealed_entry(salt, canonical)
    except (ValueError, TypeError):
        return False
    return expected == entry
