"""Signed notes (c2sp.org/signed-note) with Ed25519 keys.

Key strings use the formats of Go's golang.org/x/mod/sumdb/note, so keys
generated here are accepted by ``note.NewSigner``/``note.NewVerifier`` and
vice versa:

* verifier key: ``<name>+<8 hex digits key ID>+base64(0x01 || public key)``
* signer key: ``PRIVATE+KEY+<name>+<8 hex digits key ID>+base64(0x01 || seed)``
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from .errors import (
    InvalidSignatureError,
    KeyFormatError,
    KeyNameError,
    MalformedNoteError,
    UnverifiedNoteError,
)

ALG_ED25519 = 0x01
ALG_COSIGNATURE_ED25519 = 0x04

# The spec requires accepting at least 16; Go's implementation stops at 100.
MAX_SIGNATURES = 100
MAX_NOTE_SIZE = 1 << 20

_SIG_PREFIX = "\u2014 "
_HEX_ID = re.compile(r"[0-9a-f]{8}")

# Unicode White_Space, which is what Go's unicode.IsSpace reports outside Latin-1.
_UNICODE_SPACES = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def is_valid_key_name(name: str) -> bool:
    """Non-empty, no Unicode space, no ``+``, no control character."""
    if not name or "+" in name:
        return False
    return not any(ch in _UNICODE_SPACES or ch.isspace() or ord(ch) < 0x20 or ch == "\x7f" for ch in name)


def check_key_name(name: str) -> None:
    if not is_valid_key_name(name):
        raise KeyNameError(f"invalid key name {name!r}: must be non-empty, without spaces or '+'")


def key_id(name: str, alg: int, public_key: bytes) -> int:
    """SHA-256(name || 0x0A || alg || public key)[:4] as a big-endian integer."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def b64decode_strict(text: str, what: str) -> bytes:
    """Standard padded base64, refusing any non-canonical encoding."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise KeyFormatError(f"{what} is not valid base64") from None
    if base64.b64encode(raw).decode() != text:
        raise KeyFormatError(f"{what} is not canonical base64")
    return raw


class NoteSigner(Protocol):
    """Produces note signatures for one key."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def sign(self, message: bytes) -> bytes:
        """Return the signature bytes (without the 4-byte key ID)."""
        ...


class NoteVerifier(Protocol):
    """Checks note signatures for one key."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True if ``signature`` (without the key ID) is valid for ``message``."""
        ...


def parse_verifier_key(vkey: str) -> tuple[str, int, int, bytes]:
    """Split a verifier key into ``(name, key ID, algorithm byte, public key)``, checking the ID."""
    parts = vkey.split("+", 2)
    if len(parts) != 3:
        raise KeyFormatError("verifier key must be <name>+<hex id>+<base64 key>")
    name, hex_id, b64 = parts
    check_key_name(name)
    if not _HEX_ID.fullmatch(hex_id):
        raise KeyFormatError(f"verifier key ID {hex_id!r} is not 8 lowercase hex digits")
    raw = b64decode_strict(b64, "verifier key material")
    if len(raw) < 2:
        raise KeyFormatError("verifier key material is too short")
    alg, public = raw[0], raw[1:]
    if int(hex_id, 16) != key_id(name, alg, public):
        raise KeyFormatError(f"verifier key ID {hex_id} does not match the key")
    return name, int(hex_id, 16), alg, public


@dataclass(frozen=True)
class Ed25519Verifier:
    """A note verifier for an Ed25519 key (signature type 0x01)."""

    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def from_vkey(cls, vkey: str) -> Ed25519Verifier:
        name, kid, alg, public = parse_verifier_key(vkey)
        if alg != ALG_ED25519:
            raise KeyFormatError(f"verifier key type 0x{alg:02x} is not Ed25519 (0x01)")
        if len(public) != 32:
            raise KeyFormatError("Ed25519 public key must be 32 bytes")
        return cls(name, kid, public)

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    @property
    def vkey(self) -> str:
        return format_verifier_key(self.name, ALG_ED25519, self.public_key)


def format_verifier_key(name: str, alg: int, public_key: bytes) -> str:
    check_key_name(name)
    material = base64.b64encode(bytes([alg]) + public_key).decode()
    return f"{name}+{key_id(name, alg, public_key):08x}+{material}"


@dataclass(frozen=True)
class Ed25519Signer:
    """A note signer for an Ed25519 key (signature type 0x01)."""

    name: str
    key_id: int
    private_key: Ed25519PrivateKey

    @classmethod
    def from_skey(cls, skey: str) -> Ed25519Signer:
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
            raise KeyFormatError("signer key must be PRIVATE+KEY+<name>+<hex id>+<base64 key>")
        name, hex_id, b64 = parts[2:]
        check_key_name(name)
        if not _HEX_ID.fullmatch(hex_id):
            raise KeyFormatError(f"signer key ID {hex_id!r} is not 8 lowercase hex digits")
        raw = b64decode_strict(b64, "signer key material")
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise KeyFormatError("signer key material must be 0x01 followed by a 32-byte Ed25519 seed")
        private = Ed25519PrivateKey.from_private_bytes(raw[1:])
        kid = key_id(name, ALG_ED25519, public_bytes(private))
        if kid != int(hex_id, 16):
            raise KeyFormatError(f"signer key ID {hex_id} does not match the key")
        return cls(name, kid, private)

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)

    @property
    def verifier(self) -> Ed25519Verifier:
        return Ed25519Verifier(self.name, self.key_id, public_bytes(self.private_key))


def public_bytes(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def seed_bytes(private: Ed25519PrivateKey) -> bytes:
    return private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def generate_key(name: str) -> tuple[str, str]:
    """Return a fresh ``(signer key, verifier key)`` pair, like Go's note.GenerateKey."""
    check_key_name(name)
    private = Ed25519PrivateKey.generate()
    public = public_bytes(private)
    kid = key_id(name, ALG_ED25519, public)
    material = base64.b64encode(bytes([ALG_ED25519]) + seed_bytes(private)).decode()
    return f"PRIVATE+KEY+{name}+{kid:08x}+{material}", format_verifier_key(name, ALG_ED25519, public)


@dataclass(frozen=True)
class Signature:
    """One signature line of a note."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        blob = self.key_id.to_bytes(4, "big") + self.signature
        return f"{_SIG_PREFIX}{self.name} {base64.b64encode(blob).decode()}\n"


@dataclass(frozen=True)
class Note:
    """A parsed note: its text and its signature lines, in order."""

    text: str
    signatures: tuple[Signature, ...]

    def encode(self) -> bytes:
        return (self.text + "\n" + "".join(s.line() for s in self.signatures)).encode()


@dataclass(frozen=True)
class VerifiedNote:
    """A note with at least one valid signature from a known key."""

    text: str
    verified: tuple[Signature, ...]
    unverified: tuple[Signature, ...]


def _check_text(text: str) -> None:
    for ch in text:
        if ord(ch) < 0x20 and ch != "\n":
            raise MalformedNoteError(f"note contains control character U+{ord(ch):04X}")


def parse_signature_line(line: str) -> Signature:
    if not line.startswith(_SIG_PREFIX):
        raise MalformedNoteError("signature line does not start with an em dash and a space")
    name, sep, b64 = line[len(_SIG_PREFIX) :].partition(" ")
    if not sep:
        raise MalformedNoteError("signature line has no signature")
    if not is_valid_key_name(name):
        raise MalformedNoteError(f"signature line has an invalid key name {name!r}")
    try:
        blob = b64decode_strict(b64, "signature")
    except KeyFormatError as exc:
        raise MalformedNoteError(str(exc)) from None
    if len(blob) < 5:
        raise MalformedNoteError("signature is too short")
    return Signature(name, int.from_bytes(blob[:4], "big"), blob[4:])


def parse_note(message: bytes) -> Note:
    """Split a signed note into text and signatures, refusing anything malformed."""
    if len(message) > MAX_NOTE_SIZE:
        raise MalformedNoteError("note is too large")
    try:
        msg = message.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedNoteError("note is not valid UTF-8") from None
    _check_text(msg)
    split = msg.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError("note has no blank line before its signatures")
    text, block = msg[: split + 1], msg[split + 2 :]
    if not block.endswith("\n"):
        raise MalformedNoteError("note does not end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"note has more than {MAX_SIGNATURES} signatures")
    return Note(text, tuple(parse_signature_line(line) for line in lines))


def open_note(message: bytes, verifiers: Iterable[NoteVerifier]) -> VerifiedNote:
    """Parse and verify a note against known keys.

    Signatures whose (name, key ID) match no known verifier are ignored. A bad
    signature from a known key rejects the whole note; so does the absence of
    any good one.
    """
    note = parse_note(message)
    known = {(v.name, v.key_id): v for v in verifiers}
    text = note.text.encode()
    verified: list[Signature] = []
    unverified: list[Signature] = []
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if not verifier.verify(text, sig.signature):
            raise InvalidSignatureError(f"invalid signature for key {sig.name}+{sig.key_id:08x}")
        if all((s.name, s.key_id) != (sig.name, sig.key_id) for s in verified):
            verified.append(sig)
    if not verified:
        raise UnverifiedNoteError("note has no valid signature from a known key")
    return VerifiedNote(note.text, tuple(verified), tuple(unverified))


def sign_note(text: str, signers: Sequence[NoteSigner], existing: Sequence[Signature] = ()) -> bytes:
    """Sign ``text`` and return the encoded note.

    New signatures follow ``existing`` ones; an existing signature by the same
    key as a new one is dropped, as Go's note.Sign does.
    """
    if not text.endswith("\n"):
        raise MalformedNoteError("note text must end with a newline")
    _check_text(text)
    if not signers and not existing:
        raise MalformedNoteError("a note needs at least one signature")
    message = text.encode()
    fresh = []
    for signer in signers:
        check_key_name(signer.name)
        fresh.append(Signature(signer.name, signer.key_id, signer.sign(message)))
    replaced = {(s.name, s.key_id) for s in fresh}
    kept = [s for s in existing if (s.name, s.key_id) not in replaced]
    return Note(text, tuple(kept + fresh)).encode()
