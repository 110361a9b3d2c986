"""An exported agreement holds all that is needed to check it without the platform: its signatures
verify with `openssl pkeyutl -verify -rawin` alone, its digests match, and each signature's event is
proven in the transparency log against the log's signed checkpoint."""

import base64
import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from goodoffices.events.entries import event_canonical
from goodoffices.events.models import Event, EventKind
from goodoffices.ledger.integrate import integrate_epoch
from goodoffices.lib.ledger import Ed25519Verifier, generate_key, leaf_hash, open_checkpoint, verify_inclusion
from goodoffices.lib.ledger.entries import sealed_entry

from .conftest import adopt, clean_text, register_key, sign_with

OPENSSL = "/usr/bin/openssl"


@pytest.fixture(autouse=True)
def log_key(settings, tmp_path) -> str:
    settings.LEDGER_KEY_FILE = tmp_path / "ledger.key"
    skey, vkey = generate_key(settings.LEDGER_ORIGIN)
    settings.LEDGER_KEY_FILE.write_text(skey + "\n")
    return vkey


def _export(client: Client, agreement_id: int, into: Path) -> dict[str, Any]:
    response = client.get(f"/agreements/{agreement_id}/export.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(into)
    manifest: dict[str, Any] = json.loads((into / "manifest.json").read_text())
    return manifest


def _openssl_verify(folder: Path, key: str, signature: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            OPENSSL,
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            key,
            "-rawin",
            "-in",
            "canonical.json",
            "-sigfile",
            signature,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.fixture
def in_force(signatories):
    world = signatories
    agreement = adopt(world, clean_text(world))
    for name in ("head_a", "mediator", "head_b"):
        sign_with(world.users[name], agreement, register_key(world, world.users[name]))
    integrate_epoch(force=True)
    agreement.refresh_from_db()
    assert agreement.status == "in_force"
    return agreement


def test_an_exported_agreement_s_signatures_verify_with_openssl_alone(in_force, tmp_path):
    folder = tmp_path / "export"
    manifest = _export(Client(HTTP_HOST="localhost"), in_force.pk, folder)
    canonical = (folder / "canonical.json").read_bytes()
    assert hashlib.sha256(canonical).hexdigest() == manifest["sha256"] == in_force.sha256
    assert hashlib.sha256((folder / "agreement.pdf").read_bytes()).hexdigest() == manifest["pdf_sha256"]
    assert hashlib.sha256((folder / "agreement.html").read_bytes()).hexdigest() == manifest["html_sha256"]
    signatures = manifest["signatures"]
    assert isinstance(signatures, list)
    assert [s["role"] for s in signatures] == ["signatory", "witness", "signatory"]
    for entry in signatures:
        done = _openssl_verify(folder, entry["key_file"], entry["signature_file"])
        assert done.returncode == 0, done.stderr
        assert "Signature Verified Successfully" in done.stdout
        # The command the page and the README show is exactly this one.
        assert (
            f"-inkey {entry['key_file']} -rawin -in canonical.json -sigfile {entry['signature_file']}"
            in (folder / "README.txt").read_text()
        )
    script = subprocess.run(["sh", str(folder / "verify.sh")], capture_output=True, text=True, timeout=60, check=False)
    assert script.returncode == 0, script.stderr
    assert script.stdout.count("Signature Verified Successfully") == 3
    # One byte changed, and openssl refuses every signature.
    (folder / "canonical.json").write_bytes(canonical.replace(b"natural gas", b"natural oil"))
    for entry in signatures:
        assert _openssl_verify(folder, entry["key_file"], entry["signature_file"]).returncode != 0


def test_each_signature_s_event_is_proven_in_the_log(in_force, tmp_path, log_key):
    folder = tmp_path / "export"
    manifest = _export(Client(HTTP_HOST="localhost"), in_force.pk, folder)
    checkpoint, _note = open_checkpoint((folder / "checkpoint").read_bytes(), [Ed25519Verifier.from_vkey(log_key)])
    for entry in manifest["signatures"]:
        proof = json.loads((folder / entry["proof_file"]).read_text())
        raw = base64.b64decode(proof["entry_base64"])
        assert proof["tree_size"] == checkpoint.size
        assert bytes.fromhex(proof["root"]["hex"]) == checkpoint.root
        verify_inclusion(
            proof["leaf_index"],
            proof["tree_size"],
            leaf_hash(raw),
            [bytes.fromhex(h["hex"]) for h in proof["inclusion_proof"]],
            checkpoint.root,
        )
        # A public agreement's signature event is in the log in full: the signature and key with it.
        assert proof["sealed"] is False
        event = json.loads(raw)
        assert event["kind"] == "agreement.signed"
        assert event["payload"]["signature"] == entry["signature"]
        assert event["payload"]["public_key"] == entry["public_key"]
        assert event["payload"]["sha256"] == manifest["sha256"]


def test_a_plenary_agreement_s_export_opens_its_sealed_entries_to_its_readers(signatories, client_for, tmp_path):
    world = signatories
    agreement = adopt(world, clean_text(world), audience="plenary")
    sign_with(world.head_a, agreement, register_key(world, world.head_a))
    integrate_epoch(force=True)
    folder = tmp_path / "export"
    manifest = _export(client_for("delegate_b"), agreement.pk, folder)
    [entry] = manifest["signatures"]
    proof = json.loads((folder / entry["proof_file"]).read_text())
    assert proof["sealed"] is True
    event = Event.objects.get(kind=EventKind.AGREEMENT_SIGNED)
    # The opening opens the sealed entry: salt and content give back exactly the leaf's entry.
    opening = proof["opening"]
    assert sealed_entry(opening["salt"], event_canonical(event)) == base64.b64decode(proof["entry_base64"])
    assert opening["event"]["payload"]["signature"] == entry["signature"]
    assert _openssl_verify(folder, entry["key_file"], entry["signature_file"]).returncode == 0
    assert client_for("observer").get(f"/agreements/{agreement.pk}/export.zip").status_code == 404


def test_a_signature_not_yet_in_the_log_is_exported_without_a_proof(signatories, tmp_path):
    world = signatories
    agreement = adopt(world, clean_text(world))
    sign_with(world.head_a, agreement, register_key(world, world.head_a))
    manifest = _export(Client(HTTP_HOST="localhost"), agreement.pk, tmp_path / "export")
    assert manifest["signatures"][0]["proof_file"] is None
    assert (
        _openssl_verify(
            tmp_path / "export", manifest["signatures"][0]["key_file"], manifest["signatures"][0]["signature_file"]
        ).returncode
        == 0
    )
