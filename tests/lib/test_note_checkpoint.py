"""Signed notes, checkpoints and cosignatures."""

from __future__ import annotations

import base64

import pytest

from goodoffices.lib.ledger.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from goodoffices.lib.ledger.cosignature import (
    CosignatureSigner,
    CosignatureVerifier,
    cosignature_line,
    cosignature_timestamp,
    cosigned_message,
    generate_cosigner,
    witnesses_satisfied,
)
from goodoffices.lib.ledger.errors import (
    CheckpointError,
    CosignatureError,
    InvalidSignatureError,
    KeyFormatError,
    KeyNameError,
    MalformedNoteError,
    UnverifiedNoteError,
)
from goodoffices.lib.ledger.merkle import EMPTY_ROOT
from goodoffices.lib.ledger.note import (
    Ed25519Signer,
    Ed25519Verifier,
    generate_key,
    is_valid_key_name,
    key_id,
    open_note,
    parse_note,
    sign_note,
)

# Known answers from Go's golang.org/x/mod/sumdb/note example_test.go.
PN_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PN_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PN_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PN_NOTE = (
    PN_TEXT + "\n"
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
).encode()

# Example of c2sp.org/signed-note.
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n\u2014 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
).encode()


def test_go_known_answer_sign_and_open() -> None:
    signer = Ed25519Signer.from_skey(PN_SKEY)
    assert signer.verifier.vkey == PN_VKEY
    assert sign_note(PN_TEXT, [signer]) == PN_NOTE
    opened = open_note(PN_NOTE, [Ed25519Verifier.from_vkey(PN_VKEY)])
    assert opened.text == PN_TEXT
    assert [s.name for s in opened.verified] == ["PeterNeumann"]


def test_spec_example_verifies() -> None:
    assert open_note(SPEC_NOTE, [Ed25519Verifier.from_vkey(SPEC_VKEY)]).text == "This is an example message.\n"


def test_generated_keys_round_trip() -> None:
    skey, vkey = generate_key("goodoffices.example/log")
    signer = Ed25519Signer.from_skey(skey)
    verifier = Ed25519Verifier.from_vkey(vkey)
    assert (signer.name, signer.key_id) == (verifier.name, verifier.key_id)
    assert verifier.key_id == key_id(verifier.name, 1, verifier.public_key)
    assert open_note(sign_note("hello\n\nworld\n", [signer]), [verifier]).text == "hello\n\nworld\n"


@pytest.mark.parametrize("name", ["", "a+b", "a b", "a\u00a0b", "a\u3000b", "a\tb", "a\u2028b"])
def test_bad_key_names(name: str) -> None:
    assert not is_valid_key_name(name)
    with pytest.raises(KeyNameError):
        generate_key(name)


@pytest.mark.parametrize(
    "vkey",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong ID
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # not lowercase
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",  # bad base64
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_bad_verifier_keys(vkey: str) -> None:
    with pytest.raises((KeyFormatError, KeyNameError)):
        Ed25519Verifier.from_vkey(vkey)


def test_open_refusals() -> None:
    good = Ed25519Verifier.from_vkey(PN_VKEY)
    _, other_vkey = generate_key("someone.example")
    other = Ed25519Verifier.from_vkey(other_vkey)
    with pytest.raises(UnverifiedNoteError):
        open_note(PN_NOTE, [other])
    tampered = PN_NOTE.replace(b"cryptography", b"cryptographY")
    with pytest.raises(InvalidSignatureError):
        open_note(tampered, [good])
    for bad in [
        PN_NOTE.replace(b"\n\n", b"\n"),  # no blank line
        PN_NOTE[:-1],  # no final newline
        PN_NOTE.replace(b"If you", b"If\tyou"),  # control character
        b"\xff" + PN_NOTE,  # not UTF-8
        PN_NOTE.replace("\u2014 ".encode(), b"- "),
        PN_NOTE.replace(b"PeterNeumann x08", b"PeterNeumann  x08"),
        PN_TEXT.encode() + "\n\u2014 PeterNeumann AAAA\n".encode(),  # too short
    ]:
        with pytest.raises(MalformedNoteError):
            parse_note(bad)
    too_many = PN_TEXT + "\n" + "\u2014 x.example AAAAAAA=\n" * 101
    with pytest.raises(MalformedNoteError):
        parse_note(too_many.encode())


def test_unknown_signatures_are_ignored_and_kept() -> None:
    skey, _ = generate_key("stranger.example")
    stranger = Ed25519Signer.from_skey(skey)
    note = parse_note(PN_NOTE)
    both = sign_note(PN_TEXT, [stranger], note.signatures)
    opened = open_note(both, [Ed25519Verifier.from_vkey(PN_VKEY)])
    assert [s.name for s in opened.verified] == ["PeterNeumann"]
    assert [s.name for s in opened.unverified] == ["stranger.example"]
    with pytest.raises(MalformedNoteError):
        sign_note("no newline", [stranger])


def _log() -> tuple[Ed25519Signer, Ed25519Verifier]:
    skey, vkey = generate_key("log.example/ledger")
    return Ed25519Signer.from_skey(skey), Ed25519Verifier.from_vkey(vkey)


def test_checkpoint_round_trip() -> None:
    cp = Checkpoint("log.example/ledger", 20852163, base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="))
    assert cp.body() == "log.example/ledger\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    assert Checkpoint.parse(cp.body()) == cp
    ext = Checkpoint(cp.origin, cp.size, cp.root, ("ext one",))
    assert Checkpoint.parse(ext.body()) == ext
    signer, verifier = _log()
    opened, _ = open_checkpoint(sign_checkpoint(cp, [signer]), [verifier], origin="log.example/ledger")
    assert opened == cp
    with pytest.raises(CheckpointError):
        open_checkpoint(sign_checkpoint(cp, [signer]), [verifier], origin="other")


@pytest.mark.parametrize(
    "body",
    [
        "o\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # leading zero
        "o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "o\n+1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "o\n1 \nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # empty origin
        "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",  # unpadded
        "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n",  # 30 bytes
        "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",  # no final newline
        "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",  # empty extension
        "o\n1\n",
        "o\n99999999999999999999\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    ],
)
def test_checkpoint_strict_parse(body: str) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint.parse(body)


def test_cosignature_sign_verify_and_policy() -> None:
    signer, log = _log()
    cp = Checkpoint("log.example/ledger", 0, EMPTY_ROOT)
    w1 = CosignatureSigner("w1.example", generate_cosigner("w1.example").private_key, clock=lambda: 1679315147)
    w2 = generate_cosigner("w2.example")
    w3 = generate_cosigner("w3.example")
    assert CosignatureSigner.from_skey(w1.skey()).key_id == w1.key_id
    assert CosignatureVerifier.from_vkey(w1.verifier.vkey) == w1.verifier
    with pytest.raises(KeyFormatError):
        Ed25519Verifier.from_vkey(w1.verifier.vkey)
    with pytest.raises(KeyFormatError):
        CosignatureVerifier.from_vkey(log.vkey)

    note = sign_checkpoint(cp, [signer, w1, w2])
    witnesses = [w1.verifier, w2.verifier, w3.verifier]
    _, opened = open_checkpoint(note, [log, *witnesses])
    assert {w.name for w in witnesses_satisfied(opened, witnesses, 2)} == {"w1.example", "w2.example"}
    with pytest.raises(CosignatureError):
        witnesses_satisfied(opened, witnesses, 3)
    w1_sig = next(s for s in opened.verified if s.name == "w1.example")
    assert cosignature_timestamp(w1_sig) == 1679315147
    expected = b"cosignature/v1\ntime 1679315147\n" + cp.body().encode()
    assert cosigned_message(cp.body(), 1679315147) == expected


def test_cosignature_line_and_tampering() -> None:
    cp = Checkpoint("log.example/ledger", 0, EMPTY_ROOT)
    w = generate_cosigner("w.example")
    line = cosignature_line(cp.body(), w)
    assert line.startswith("\u2014 w.example ")
    assert line.endswith("\n")
    note = (cp.body() + "\n" + line).encode()
    assert open_note(note, [w.verifier]).verified
    other = Checkpoint("log.example/ledger", 1, EMPTY_ROOT)
    with pytest.raises(InvalidSignatureError):
        open_note((other.body() + "\n" + line).encode(), [w.verifier])
    # A plain Ed25519 verifier for the same key and name does not accept cosignatures.
    assert not w.verifier.verify(b"x", b"\x00" * 64)


def test_no_django_in_the_ledger_core() -> None:
    import pathlib

    import goodoffices.lib.ledger as ledger

    for source in pathlib.Path(ledger.__file__).parent.glob("*.py"):
        text = source.read_text()
        assert "import django" not in text, source
        assert "from django" not in text, source
