"""Ed25519 checkpoint cosignatures (c2sp.org/tlog-cosignature, signature type 0x04).

A cosignature is a note signature whose bytes are an 8-byte big-endian POSIX
timestamp followed by an Ed25519 signature over::

    cosignature/v1
    time <timestamp>
    <checkpoint body>

so cosigners and their verifiers plug into :mod:`.note` like any other key.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import CosignatureError, KeyFormatError
from .note import (
    ALG_COSIGNATURE_ED25519,
    Signature,
    VerifiedNote,
    b64decode_strict,
    check_key_name,
    format_verifier_key,
    key_id,
    parse_verifier_key,
    public_bytes,
    seed_bytes,
)

MAX_TIMESTAMP = (1 << 63) - 1


def cosigned_message(body: str, timestamp: int) -> bytes:
    """The bytes an Ed25519 cosigner signs for a checkpoint body at ``timestamp``."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise CosignatureError(f"timestamp {timestamp} is out of range")
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


@dataclass(frozen=True)
class CosignatureVerifier:
    """Verifies a witness's Ed25519 cosignatures."""

    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def from_vkey(cls, vkey: str) -> CosignatureVerifier:
        name, kid, alg, public = parse_verifier_key(vkey)
        if alg != ALG_COSIGNATURE_ED25519:
            raise KeyFormatError(f"verifier key type 0x{alg:02x} is not an Ed25519 cosignature key (0x04)")
        if len(public) != 32:
            raise KeyFormatError("Ed25519 public key must be 32 bytes")
        return cls(name, kid, public)

    @property
    def vkey(self) -> str:
        return format_verifier_key(self.name, ALG_COSIGNATURE_ED25519, self.public_key)

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != 72:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        signed = cosigned_message(message.decode(), timestamp)
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature[8:], signed)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class CosignatureSigner:
    """Produces Ed25519 cosignatures; ``clock`` gives the POSIX time to sign."""

    name: str
    private_key: Ed25519PrivateKey
    clock: Callable[[], int] = field(default=lambda: int(time.time()), compare=False)

    def __post_init__(self) -> None:
        check_key_name(self.name)

    @property
    def key_id(self) -> int:
        return key_id(self.name, ALG_COSIGNATURE_ED25519, public_bytes(self.private_key))

    @property
    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self.name, self.key_id, public_bytes(self.private_key))

    def sign(self, message: bytes) -> bytes:
        timestamp = self.clock()
        signed = cosigned_message(message.decode(), timestamp)
        return timestamp.to_bytes(8, "big") + self.private_key.sign(signed)

    @classmethod
    def from_skey(cls, skey: str) -> CosignatureSigner:
        """Parse ``PRIVATE+KEY+<name>+<hex id>+base64(0x04 || seed)``."""
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise KeyFormatError("cosigner key must be PRIVATE+KEY+<name>+<hex id>+<base64 key>")
        name, hex_id, b64 = parts[2:]
        raw = b64decode_strict(b64, "cosigner key material")
        if len(raw) != 33 or raw[0] != ALG_COSIGNATURE_ED25519:
            raise KeyFormatError("cosigner key material must be 0x04 followed by a 32-byte Ed25519 seed")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if f"{signer.key_id:08x}" != hex_id:
            raise KeyFormatError(f"cosigner key ID {hex_id} does not match the key")
        return signer

    def skey(self) -> str:
        material = base64.b64encode(bytes([ALG_COSIGNATURE_ED25519]) + seed_bytes(self.private_key)).decode()
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{material}"


def generate_cosigner(name: str) -> CosignatureSigner:
    return CosignatureSigner(name, Ed25519PrivateKey.generate())


def cosignature_line(body: str, signer: CosignatureSigner) -> str:
    """A complete ``— <name> <base64>`` line cosigning a checkpoint body (a witness response line)."""
    return Signature(signer.name, signer.key_id, signer.sign(body.encode())).line()


def cosignature_timestamp(signature: Signature) -> int:
    if len(signature.signature) != 72:
        raise CosignatureError("not an Ed25519 cosignature")
    return int.from_bytes(signature.signature[:8], "big")


def witnesses_satisfied(
    note: VerifiedNote, witnesses: Iterable[CosignatureVerifier], required: int
) -> list[CosignatureVerifier]:
    """Return the witnesses whose cosignature verified, raising unless at least ``required`` did.

    ``note`` must come from :func:`.note.open_note` given these witnesses as
    verifiers, so every listed signature is already checked.
    """
    pool = list(witnesses)
    if required < 0 or required > len(pool):
        raise CosignatureError(f"policy asks for {required} of {len(pool)} witnesses")
    signed = {(s.name, s.key_id) for s in note.verified}
    present = [w for w in pool if (w.name, w.key_id) in signed]
    # A witness holding two listed keys still counts once towards the quorum.
    distinct = len({w.name for w in present})
    if distinct < required:
        raise CosignatureError(f"{distinct} of the required {required} witness cosignatures are present")
    return present


def cosigners_from_vkeys(vkeys: Sequence[str]) -> list[CosignatureVerifier]:
    verifiers = [CosignatureVerifier.from_vkey(k) for k in vkeys]
    if len({(v.name, v.key_id) for v in verifiers}) != len(verifiers):
        raise KeyFormatError("the same witness key is listed twice")
    return verifiers
