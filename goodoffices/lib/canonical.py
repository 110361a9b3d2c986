"""Canonical JSON (RFC 8785, JCS): the one byte form of a record that hashes and signatures cover."""

from typing import Any

import rfc8785


def canonical_json(value: Any) -> bytes:
    """Serialise ``value`` to RFC 8785 bytes; raises ``rfc8785.CanonicalizationError`` on
    values JSON cannot carry exactly (floats out of range, non-string keys)."""
    return rfc8785.dumps(value)
