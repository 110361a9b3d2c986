"""Ed25519 keys and signatures as signatories bring them, against the system's OpenSSL in both directions."""

import base64
import hashlib
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed448, rsa, x25519
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from goodoffices.lib.errors import Invalid
from goodoffices.lib.signatures import (
    check_signature,
    generate_private_key,
    key_fingerprint,
    openssl_verify_command,
    parse_public_key,
    parse_signature,
    public_key_of,
    public_key_pem,
    sign,
    to_base64,
    verify_signature,
)

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="the openssl command is not installed on this machine")

# RFC 8032, section 7.1, TEST 2: a known key, message and signature.
RFC_PUBLIC = bytes.fromhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
RFC_MESSAGE = bytes.fromhex("72")
RFC_SIGNATURE = bytes.fromhex(
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
)
RFC_PEM = (
    "-----BEGIN PUBLIC KEY-----\n"
    + base64.b64encode(bytes.fromhex("302a300506032b6570032100") + RFC_PUBLIC).decode()
    + "\n-----END PUBLIC KEY-----\n"
)

WEAK = "is a weak Ed25519 key (a point of small order): a signature under it would fit many texts"
NOT_A_POINT = "is not a valid Ed25519 public key: the bytes are not a point of the curve"

# libsodium's blocklist of small-order encodings (ed25519_ref10.c, ge25519_has_small_order), which it
# compares with the sign bit cleared; written out here, not derived from the code under test. With the
# sign bit set, x = 0 has no negative and y >= p is no canonical encoding (RFC 8032, 5.1.3): those are
# not points at all.
SMALL_ORDER = [
    # (encoding, verdict with sign bit clear, verdict with sign bit set)
    ("0000000000000000000000000000000000000000000000000000000000000000", WEAK, WEAK),  # order 4
    ("0100000000000000000000000000000000000000000000000000000000000000", WEAK, NOT_A_POINT),  # identity
    ("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", WEAK, WEAK),  # order 8
    ("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", WEAK, WEAK),  # order 8
    ("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", WEAK, NOT_A_POINT),  # order 2
    ("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", NOT_A_POINT, NOT_A_POINT),  # y = p
    ("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", NOT_A_POINT, NOT_A_POINT),  # y = p + 1
]


def run(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *args], cwd=cwd, input=stdin, capture_output=True, check=False, timeout=30)


def refusal(exc: pytest.ExceptionInfo[Invalid]) -> tuple[str, str]:
    [error] = exc.value.errors
    return error.field, error.message


# --- known answers ------------------------------------------------------------------------------


def test_rfc8032_vector_in_every_form_verifies() -> None:
    forms: list[bytes | str] = [
        RFC_PUBLIC,
        base64.b64encode(RFC_PUBLIC).decode(),
        base64.urlsafe_b64encode(RFC_PUBLIC).decode().rstrip("="),
        RFC_PEM,
        RFC_PEM.encode(),
        bytes.fromhex("302a300506032b6570032100") + RFC_PUBLIC,
        base64.b64encode(bytes.fromhex("302a300506032b6570032100") + RFC_PUBLIC).decode(),
        "  " + base64.b64encode(RFC_PUBLIC).decode() + "\n",
    ]
    for form in forms:
        assert parse_public_key(form) == RFC_PUBLIC, form
    assert parse_signature(RFC_SIGNATURE) == RFC_SIGNATURE
    assert parse_signature(base64.b64encode(RFC_SIGNATURE).decode()) == RFC_SIGNATURE
    assert verify_signature(public_key=RFC_PUBLIC, message=RFC_MESSAGE, signature=RFC_SIGNATURE) is True
    assert verify_signature(public_key=RFC_PUBLIC, message=b"s", signature=RFC_SIGNATURE) is False
    check_signature(public_key=RFC_PUBLIC, message=RFC_MESSAGE, signature=RFC_SIGNATURE)


def test_base64_key_starting_with_zero_is_not_taken_for_der() -> None:
    # "0" is 0x30, the first byte of DER: an ASCII base64 key must still be read as base64.
    key = next(
        public_key_of(bytes([i]) * 32) for i in range(256) if to_base64(public_key_of(bytes([i]) * 32))[0] == "0"
    )
    assert parse_public_key(to_base64(key).encode()) == key


def test_fingerprint_pem_and_base64() -> None:
    assert key_fingerprint(RFC_PUBLIC) == hashlib.sha256(RFC_PUBLIC).hexdigest()
    assert len(key_fingerprint(RFC_PUBLIC)) == 64
    assert public_key_pem(RFC_PUBLIC) == RFC_PEM
    assert to_base64(RFC_PUBLIC) == "PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw="
    with pytest.raises(ValueError, match="32 bytes, not 31"):
        key_fingerprint(RFC_PUBLIC[:31])


def test_openssl_command_is_exact_and_quotes_names() -> None:
    assert openssl_verify_command() == (
        "openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in canonical.json -sigfile sig.bin"
    )
    command = openssl_verify_command(key_file="keys/Ո Ա.pem", message_file="a;rm -rf x", signature_file="$(x).bin")
    assert shlex.split(command)[5] == "keys/Ո Ա.pem"
    assert shlex.split(command)[8] == "a;rm -rf x"
    assert shlex.split(command)[10] == "$(x).bin"


# --- refusals, each with its exact verdict ------------------------------------------------------


def _pem(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed448.Ed448PrivateKey | x25519.X25519PrivateKey,
) -> str:
    return key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "is empty: expected an Ed25519 public key (32 raw bytes, their base64, PEM (BEGIN PUBLIC KEY) or DER)"),
        (
            b"  \n",
            "is empty: expected an Ed25519 public key (32 raw bytes, their base64, PEM (BEGIN PUBLIC KEY) or DER)",
        ),
        (
            RFC_PUBLIC[:31],
            "is not an Ed25519 public key: expected 32 raw bytes, their base64, PEM (BEGIN PUBLIC KEY) or DER",
        ),
        (base64.b64encode(RFC_PUBLIC[:31]).decode(), "decodes to 31 bytes; an Ed25519 public key is 32 bytes"),
        (base64.b64encode(RFC_PUBLIC + b"\0").decode(), "decodes to 33 bytes; an Ed25519 public key is 32 bytes"),
        (
            "not a key at all!",
            "is not an Ed25519 public key: expected 32 raw bytes, their base64, PEM (BEGIN PUBLIC KEY) or DER",
        ),
        (
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb1dl2Krl2MhYRJqKCV0dR6vJcp0tmO1TLAQ6wTbDTd alice@host",
            "is an OpenSSH key, which openssl cannot sign with; make a key with openssl genpkey -algorithm ed25519",
        ),
        # Mixed alphabets, and trailing bits set (a second spelling of the same bytes).
        (
            "PUAXw+hDiVqStwqnTRt-vJyYLM8uxJaMwM1V8Sr0Zgw=",
            "is not an Ed25519 public key: expected 32 raw bytes, their base64, PEM (BEGIN PUBLIC KEY) or DER",
        ),
        (
            "PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgx=",
            "is not an Ed25519 public key: expected 32 raw bytes, their base64, PEM (BEGIN PUBLIC KEY) or DER",
        ),
        (
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            "is a PEM 'CERTIFICATE' block, not a PUBLIC KEY",
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n",
            "is a PEM PUBLIC KEY block that cannot be read",
        ),
        (
            bytes.fromhex("3005020100"),
            "is not an Ed25519 public key: expected 32 raw bytes, their base64, PEM (BEGIN PUBLIC KEY) or DER",
        ),
    ],
)
def test_malformed_public_keys(value: bytes | str, message: str) -> None:
    with pytest.raises(Invalid) as exc:
        parse_public_key(value)
    assert refusal(exc) == ("public_key", message)


def test_keys_of_other_algorithms_are_named() -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cases: list[tuple[bytes | str, str]] = [
        (_pem(rsa_key), "is an RSA (2048 bits) key; an Ed25519 key is required"),
        (_pem(ec.generate_private_key(ec.SECP256R1())), "is an EC (secp256r1) key; an Ed25519 key is required"),
        (_pem(ed448.Ed448PrivateKey.generate()), "is an Ed448 key; an Ed25519 key is required"),
        (
            _pem(x25519.X25519PrivateKey.generate()),
            "is an X25519 (key agreement, not signing) key; an Ed25519 key is required",
        ),
        (
            rsa_key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo),
            "is an RSA (2048 bits) key; an Ed25519 key is required",
        ),
    ]
    for value, message in cases:
        with pytest.raises(Invalid) as exc:
            parse_public_key(value, field="signing_key")
        assert refusal(exc) == ("signing_key", message)


def test_private_key_is_refused_with_advice() -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    with pytest.raises(Invalid) as exc:
        parse_public_key(pem)
    assert refusal(exc) == (
        "public_key",
        "is a private key: never send it to anyone; send the public key "
        "(openssl pkey -in key.pem -pubout -out public.pem)",
    )


@pytest.mark.parametrize(("hex_key", "verdict", "verdict_negated"), SMALL_ORDER)
@pytest.mark.parametrize("sign_bit", [0, 0x80])
def test_small_order_keys_are_refused(hex_key: str, verdict: str, verdict_negated: str, sign_bit: int) -> None:
    raw = bytearray(bytes.fromhex(hex_key))
    raw[31] |= sign_bit
    with pytest.raises(Invalid) as exc:
        parse_public_key(bytes(raw))
    assert refusal(exc) == ("public_key", verdict_negated if sign_bit else verdict)
    # Whichever the reason, verification with such a key fails, even for the signature that
    # fits every message under the identity key (R = identity, S = 0).
    forged = bytes.fromhex("01" + "00" * 63)
    assert verify_signature(public_key=bytes(raw), message=b"any text", signature=forged) is False


def test_identity_key_is_weak_and_off_curve_key_is_not_a_point() -> None:
    with pytest.raises(Invalid) as exc:
        parse_public_key(bytes.fromhex("01" + "00" * 31))
    assert refusal(exc)[1] == WEAK
    # y = 2: (y² - 1)/(d·y² + 1) has no square root modulo p.
    with pytest.raises(Invalid) as exc:
        parse_public_key(bytes.fromhex("02" + "00" * 31))
    assert refusal(exc)[1] == NOT_A_POINT


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "is empty: expected an Ed25519 signature (64 bytes or base64)"),
        (RFC_SIGNATURE[:63], "is neither 64 raw bytes nor base64 (63 bytes that are not base64)"),
        (base64.b64encode(RFC_SIGNATURE[:63]).decode(), "decodes to 63 bytes; an Ed25519 signature is 64 bytes"),
        (
            "sig: " + base64.b64encode(RFC_SIGNATURE).decode(),
            "is neither 64 raw bytes nor base64 (93 bytes that are not base64)",
        ),
        # S + L: the same signature, malleated.
        (
            RFC_SIGNATURE[:32]
            + (int.from_bytes(RFC_SIGNATURE[32:], "little") + 2**252 + 27742317777372353535851937790883648493).to_bytes(
                32, "little"
            ),
            "is not a canonical Ed25519 signature (its scalar is not reduced)",
        ),
    ],
)
def test_malformed_signatures(value: bytes | str, message: str) -> None:
    with pytest.raises(Invalid) as exc:
        parse_signature(value, field="signature")
    assert refusal(exc) == ("signature", message)


def test_signature_over_other_bytes_names_the_key() -> None:
    with pytest.raises(Invalid) as exc:
        check_signature(public_key=RFC_PUBLIC, message=b"other", signature=RFC_SIGNATURE)
    assert refusal(exc) == (
        "signature",
        f"does not verify: it is not the signature of these exact bytes by the key {key_fingerprint(RFC_PUBLIC)[:16]}…",
    )


def test_verify_never_raises_on_bad_shapes() -> None:
    assert verify_signature(public_key=RFC_PUBLIC[:31], message=RFC_MESSAGE, signature=RFC_SIGNATURE) is False
    assert verify_signature(public_key=RFC_PUBLIC, message=RFC_MESSAGE, signature=RFC_SIGNATURE[:63]) is False
    assert verify_signature(public_key=bytes.fromhex("02" + "00" * 31), message=b"", signature=RFC_SIGNATURE) is False


@given(message=st.binary(max_size=300), flip=st.integers(min_value=0))
def test_any_changed_byte_fails(message: bytes, flip: int) -> None:
    seed = hashlib.sha256(b"hypothesis signer").digest()
    public, signature = public_key_of(seed), sign(seed, message)
    assert parse_public_key(public) == public
    assert verify_signature(public_key=public, message=message, signature=signature)
    tampered = bytearray(signature)
    tampered[flip % 64] ^= 1 << (flip // 64 % 8)
    assert not verify_signature(public_key=public, message=message, signature=bytes(tampered))
    if message:
        other = bytearray(message)
        other[flip % len(message)] ^= 1 << (flip // 64 % 8)
        assert not verify_signature(public_key=public, message=bytes(other), signature=signature)


# --- the system's OpenSSL, both ways ------------------------------------------------------------

DOCUMENT = '{"format":"goodoffices-agreement/1","title":"Համաձայնագիր — Соглашение — Razılaşma Ə"}'.encode()


@needs_openssl
def test_openssl_made_key_and_signature_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "doc.json").write_bytes(DOCUMENT)
    assert run("genpkey", "-algorithm", "ed25519", "-out", "key.pem", cwd=tmp_path).returncode == 0
    assert run("pkey", "-in", "key.pem", "-pubout", "-out", "public.pem", cwd=tmp_path).returncode == 0
    assert (
        run("pkey", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "public.der", cwd=tmp_path).returncode == 0
    )
    signed = run("pkeyutl", "-sign", "-rawin", "-inkey", "key.pem", "-in", "doc.json", "-out", "sig.bin", cwd=tmp_path)
    assert signed.returncode == 0, signed.stderr
    base64_sig = run("base64", "-in", "sig.bin", cwd=tmp_path).stdout  # wrapped at 64 columns

    from_pem = parse_public_key((tmp_path / "public.pem").read_text())
    assert parse_public_key((tmp_path / "public.der").read_bytes()) == from_pem
    assert parse_public_key(base64.b64encode((tmp_path / "public.der").read_bytes())) == from_pem
    signature = parse_signature((tmp_path / "sig.bin").read_bytes())
    assert b"\n" in base64_sig.strip()
    assert parse_signature(base64_sig) == signature
    assert parse_signature(base64_sig.decode()) == signature

    assert verify_signature(public_key=from_pem, message=DOCUMENT, signature=signature)
    assert not verify_signature(public_key=from_pem, message=DOCUMENT + b"\n", signature=signature)
    # The PEM we render for the export is the one openssl wrote.
    assert public_key_pem(from_pem) == (tmp_path / "public.pem").read_text()


@needs_openssl
def test_openssl_accepts_what_we_verify_with_the_rendered_command(tmp_path: Path) -> None:
    seed = generate_private_key()
    public = public_key_of(seed)
    signature = sign(seed, DOCUMENT)
    assert verify_signature(public_key=public, message=DOCUMENT, signature=signature)
    (tmp_path / "key.pem").write_text(public_key_pem(public))
    (tmp_path / "canonical.json").write_bytes(DOCUMENT)
    (tmp_path / "sig.bin").write_bytes(signature)

    argv = shlex.split(openssl_verify_command())
    assert argv[0] == "openssl"
    ok = run(*argv[1:], cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert b"Signature Verified Successfully" in ok.stdout

    (tmp_path / "canonical.json").write_bytes(DOCUMENT.replace(b"1", b"2"))
    bad = run(*argv[1:], cwd=tmp_path)
    assert bad.returncode != 0
    assert b"Signature Verification Failure" in bad.stdout
