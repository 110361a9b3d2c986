"""Ed25519 signatures on agreements: keys and signatures as people bring them, checked exactly.

A signatory makes a key either in the browser (WebCrypto) or with openssl, and the server only ever
holds the public half. This module parses what they bring into one normal form and verifies:

* a public key is kept as its **raw 32 bytes** (RFC 8032 encoding), whatever form it arrived in:
  raw bytes, base64 of them (standard or URL-safe, padding optional, whitespace ignored), PEM
  ``SubjectPublicKeyInfo`` (what ``openssl pkey -pubout`` writes), DER (``-outform DER``) or base64 of DER;
* a signature is kept as its **raw 64 bytes**: what ``openssl pkeyutl -sign -rawin`` writes, or its base64.

Every refusal is ``goodoffices.lib.errors.Invalid`` naming the field (``public_key``, ``signature``)
and saying what is wrong, so a service can pass it to the person who sent the input unchanged.

Beyond what OpenSSL checks, keys of small order (and encodings that are not points of the curve) are
refused, and so are signatures whose scalar is not reduced: with such a key one signature can fit
many texts, and a non-reduced scalar makes a second valid signature of the same text. A signature
accepted here is one that names exactly one text.
"""

import base64
import binascii
import hashlib
import re
import shlex

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, rsa, x448, x25519
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_der_public_key,
    load_pem_public_key,
)

from .errors import Invalid

PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64

PUBLIC_KEY_FIELD = "public_key"
SIGNATURE_FIELD = "signature"

# The fixed 12-byte prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { SEQUENCE { OID
# 1.3.101.112 }, BIT STRING (33 bytes: no unused bits, then the key) }.
_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----")
_BASE64_TEXT = re.compile(rb"[A-Za-z0-9+/_-]+={0,2}")
_ASCII_WHITESPACE = re.compile(rb"[ \t\r\n\v\f]+")

_FORMS = "32 raw bytes, their base64, PEM (BEGIN PUBLIC KEY) or DER"

# Curve constants of RFC 8032, section 5.1.
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = (-121665 * pow(121666, -1, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


# --- public keys ------------------------------------------------------------------------------


def parse_public_key(value: bytes | str, *, field: str = PUBLIC_KEY_FIELD) -> bytes:
    """Normalise an Ed25519 public key in any accepted form to its raw 32 bytes.

    ``value`` is raw bytes, DER, PEM or base64 (``str`` or ASCII ``bytes``). Raises ``Invalid`` on
    ``field`` for anything else: keys of other algorithms (named), private keys, wrong lengths,
    encodings that are not points of the curve, and keys of small order.
    """
    data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    stripped = data.strip()
    if not stripped:
        raise Invalid.one(field, "is empty: expected an Ed25519 public key (" + _FORMS + ")")
    # Raw keys and DER hold bytes outside base64's alphabet; base64 text and PEM are ASCII. A bytes
    # value of exactly 32 bytes is always taken as a raw key.
    if isinstance(value, bytes) and len(data) == PUBLIC_KEY_SIZE:
        raw = data
    elif stripped.startswith((b"ssh-", b"-----BEGIN OPENSSH")):
        raise Invalid.one(
            field,
            "is an OpenSSH key, which openssl cannot sign with; make a key with openssl genpkey -algorithm ed25519",
        )
    elif _PEM_BLOCK.search(stripped):
        raw = _from_pem(stripped, field)
    elif (decoded := _decode_base64(stripped)) is None:
        if isinstance(value, bytes) and data[:1] == b"\x30":
            raw = _from_der(data, field)
        else:
            raise Invalid.one(field, "is not an Ed25519 public key: expected " + _FORMS)
    else:
        if len(decoded) == PUBLIC_KEY_SIZE:
            raw = decoded
        elif decoded[:1] == b"\x30":
            raw = _from_der(decoded, field)
        else:
            raise Invalid.one(
                field,
                f"decodes to {len(decoded)} bytes; an Ed25519 public key is {PUBLIC_KEY_SIZE} bytes",
            )
    _check_point(raw, field)
    return raw


def _from_pem(data: bytes, field: str) -> bytes:
    match = _PEM_BLOCK.search(data)
    assert match is not None
    label = match.group(1).decode("ascii")
    if "PRIVATE KEY" in label:
        raise Invalid.one(
            field,
            "is a private key: never send it to anyone; send the public key "
            "(openssl pkey -in key.pem -pubout -out public.pem)",
        )
    if label != "PUBLIC KEY":
        raise Invalid.one(field, f"is a PEM {label!r} block, not a PUBLIC KEY")
    try:
        key = load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise Invalid.one(field, "is a PEM PUBLIC KEY block that cannot be read") from None
    return _raw_ed25519(key, field)


def _from_der(data: bytes, field: str) -> bytes:
    if len(data) == len(_SPKI_PREFIX) + PUBLIC_KEY_SIZE and data.startswith(_SPKI_PREFIX):
        return data[len(_SPKI_PREFIX) :]
    try:
        key = load_der_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise Invalid.one(field, "is not an Ed25519 public key: expected " + _FORMS) from None
    return _raw_ed25519(key, field)


def _raw_ed25519(key: object, field: str) -> bytes:
    if isinstance(key, Ed25519PublicKey):
        return key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    raise Invalid.one(field, f"is {_algorithm_name(key)} key; an Ed25519 key is required")


def _algorithm_name(key: object) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return f"an RSA ({key.key_size} bits)"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"an EC ({key.curve.name})"
    if isinstance(key, ed448.Ed448PublicKey):
        return "an Ed448"
    if isinstance(key, x25519.X25519PublicKey):
        return "an X25519 (key agreement, not signing)"
    if isinstance(key, x448.X448PublicKey):
        return "an X448 (key agreement, not signing)"
    if isinstance(key, dsa.DSAPublicKey):
        return "a DSA"
    return "another kind of"


def _decode_base64(text: bytes) -> bytes | None:
    """Standard or URL-safe base64 with optional padding and any ASCII whitespace; ``None`` if not."""
    compact = _ASCII_WHITESPACE.sub(b"", text)
    if not _BASE64_TEXT.fullmatch(compact):
        return None
    urlsafe = b"-" in compact or b"_" in compact
    if urlsafe and (b"+" in compact or b"/" in compact):
        return None
    body = compact.rstrip(b"=")
    if len(body) % 4 == 1:
        return None
    padded = body + b"=" * (-len(body) % 4)
    try:
        decoded = base64.b64decode(padded, altchars=b"-_" if urlsafe else None, validate=True)
    except binascii.Error:
        return None
    # Refuse encodings whose unused trailing bits are set: each byte string then has one spelling.
    canonical = base64.urlsafe_b64encode(decoded) if urlsafe else base64.b64encode(decoded)
    if canonical.rstrip(b"=") != body:
        return None
    return decoded


def _check_point(raw: bytes, field: str) -> None:
    """Refuse encodings that are no point of the curve, and points of small order ([8]P is the identity)."""
    point = _decode_point(raw)
    if point is None:
        raise Invalid.one(field, "is not a valid Ed25519 public key: the bytes are not a point of the curve")
    if _is_identity(_multiply_by_8(point)):
        raise Invalid.one(
            field,
            "is a weak Ed25519 key (a point of small order): a signature under it would fit many texts",
        )


_Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z


def _decode_point(raw: bytes) -> _Point | None:
    """RFC 8032, section 5.1.3: ``None`` when decoding fails."""
    encoded = int.from_bytes(raw, "little")
    sign = encoded >> 255
    y = encoded & ((1 << 255) - 1)
    if y >= _P:
        return None
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x = (u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P)) % _P
    if (v * x * x - u) % _P != 0:
        if (v * x * x + u) % _P != 0:
            return None
        x = (x * _SQRT_M1) % _P
    if x == 0 and sign == 1:
        return None
    if x & 1 != sign:
        x = _P - x
    return (x, y, 1, (x * y) % _P)


def _double(point: _Point) -> _Point:
    """RFC 8032, section 5.1.4 (addition of a point to itself)."""
    x1, y1, z1, t1 = point
    a = (y1 - x1) * (y1 - x1) % _P
    b = (y1 + x1) * (y1 + x1) % _P
    c = 2 * t1 * t1 * _D % _P
    d = 2 * z1 * z1 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _multiply_by_8(point: _Point) -> _Point:
    return _double(_double(_double(point)))


def _is_identity(point: _Point) -> bool:
    x, y, z, _ = point
    return x % _P == 0 and (y - z) % _P == 0


def key_fingerprint(public_key: bytes) -> str:
    """SHA-256 of the raw 32-byte key, lowercase hex: the key's short name in the UI and the ledger."""
    _require_raw_key(public_key)
    return hashlib.sha256(public_key).hexdigest()


def public_key_pem(public_key: bytes) -> str:
    """The PEM ``SubjectPublicKeyInfo`` of a raw key, as ``openssl pkey -pubout`` writes it (``key.pem``)."""
    _require_raw_key(public_key)
    key = Ed25519PublicKey.from_public_bytes(public_key)
    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def to_base64(data: bytes) -> str:
    """Standard padded base64: how the API carries raw keys and signatures."""
    return base64.b64encode(data).decode("ascii")


def _require_raw_key(public_key: bytes) -> None:
    if len(public_key) != PUBLIC_KEY_SIZE:
        raise ValueError(f"a raw Ed25519 public key is {PUBLIC_KEY_SIZE} bytes, not {len(public_key)}")


# --- signatures -------------------------------------------------------------------------------


def parse_signature(value: bytes | str, *, field: str = SIGNATURE_FIELD) -> bytes:
    """Normalise an Ed25519 signature to its raw 64 bytes.

    ``value`` is the 64 bytes ``openssl pkeyutl -sign -rawin`` writes, or their base64 (``str`` or
    ASCII ``bytes``; standard or URL-safe, whitespace ignored, so ``base64 sig.bin`` output with its
    line breaks is fine). Raises ``Invalid`` on ``field`` for any other length or encoding, and for a
    signature whose scalar is not reduced (a malleated copy of another signature).
    """
    data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    if isinstance(value, bytes) and len(data) == SIGNATURE_SIZE:
        raw = data
    else:
        if not data.strip():
            raise Invalid.one(field, f"is empty: expected an Ed25519 signature ({SIGNATURE_SIZE} bytes or base64)")
        decoded = _decode_base64(data.strip())
        if decoded is None:
            raise Invalid.one(
                field,
                f"is neither {SIGNATURE_SIZE} raw bytes nor base64 ({len(data)} bytes that are not base64)",
            )
        if len(decoded) != SIGNATURE_SIZE:
            raise Invalid.one(field, f"decodes to {len(decoded)} bytes; an Ed25519 signature is {SIGNATURE_SIZE} bytes")
        raw = decoded
    if int.from_bytes(raw[32:], "little") >= _L:
        raise Invalid.one(field, "is not a canonical Ed25519 signature (its scalar is not reduced)")
    return raw


def verify_signature(*, public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True if ``signature`` (raw 64 bytes) is ``public_key``'s (raw 32 bytes) Ed25519 signature of
    exactly ``message``. Inputs that are not well-formed raw values give ``False``, never an exception."""
    if len(public_key) != PUBLIC_KEY_SIZE or len(signature) != SIGNATURE_SIZE:
        return False
    if int.from_bytes(signature[32:], "little") >= _L:
        return False
    point = _decode_point(public_key)
    if point is None or _is_identity(_multiply_by_8(point)):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def check_signature(*, public_key: bytes, message: bytes, signature: bytes, field: str = SIGNATURE_FIELD) -> None:
    """Raise ``Invalid`` on ``field`` unless ``verify_signature`` accepts; the message says which key failed."""
    if not verify_signature(public_key=public_key, message=message, signature=signature):
        fingerprint = key_fingerprint(public_key) if len(public_key) == PUBLIC_KEY_SIZE else "?"
        raise Invalid.one(
            field,
            f"does not verify: it is not the signature of these exact bytes by the key {fingerprint[:16]}…",
        )


def openssl_verify_command(
    *, key_file: str = "key.pem", message_file: str = "canonical.json", signature_file: str = "sig.bin"
) -> str:
    """The one shell command that checks a signature with OpenSSL 3 alone.

    ``key_file`` holds ``public_key_pem(...)``, ``message_file`` the exact signed bytes and
    ``signature_file`` the raw 64-byte signature; OpenSSL prints ``Signature Verified Successfully``.
    File names are shell-quoted.
    """
    return shlex.join(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            key_file,
            "-rawin",
            "-in",
            message_file,
            "-sigfile",
            signature_file,
        ]
    )


# --- keys made on the server: for the demo and tests only ---------------------------------------
# A real signatory's private key never reaches the server (docs/signatures.md); the demo loader
# signs for its made-up signatories with these, and says so.


def generate_private_key() -> bytes:
    """A fresh Ed25519 private key: its 32-byte seed (RFC 8032)."""
    return Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def public_key_of(private_key: bytes) -> bytes:
    """The raw 32-byte public key of a 32-byte seed."""
    return Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign(private_key: bytes, message: bytes) -> bytes:
    """The raw 64-byte Ed25519 signature of ``message`` by the 32-byte seed ``private_key``."""
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(message)
