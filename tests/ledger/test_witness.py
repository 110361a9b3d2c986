"""Witnesses: registration, the cosignature exchange, k-of-n, and refusing forks and rollbacks."""

import json

import pytest
from django.core.management import CommandError, call_command

from goodoffices.events.models import Event, EventKind
from goodoffices.ledger.log import LogView, tree_size
from goodoffices.ledger.models import Cosignature, Witness
from goodoffices.ledger.services import witness_add
from goodoffices.lib.errors import Invalid
from goodoffices.lib.ledger import (
    Checkpoint,
    CheckpointState,
    Ed25519Signer,
    generate_key,
    open_checkpoint,
    sign_checkpoint,
    verify_log,
)
from goodoffices.lib.ledger.client import STATE_FILE, WITNESS_KEY_FILE, witness_run
from goodoffices.lib.ledger.cosignature import CosignatureSigner, generate_cosigner
from goodoffices.lib.ledger.note import Ed25519Verifier, Note, Signature, parse_note, sign_note

from .conftest import record
from .fakelog import fake_log


@pytest.fixture
def observer_state() -> CosignatureSigner:
    return generate_cosigner("eu-observer")


def cosigned(anonymous, *signers) -> bytes:
    served = parse_note(anonymous.get("/ledger/checkpoint").content)
    return sign_note(served.text, list(signers), existing=served.signatures)


def post(anonymous, note: bytes):
    return anonymous.post("/ledger/cosignature", note, content_type="text/plain")


def test_witness_registration_is_a_public_event(world, observer_state):
    witness = witness_add(vkey=observer_state.verifier.vkey)
    assert witness.name == "eu-observer"
    event = Event.objects.latest("seq")
    assert event.kind == EventKind.LEDGER_WITNESS_ADDED
    assert event.audience == "public"
    assert event.payload["vkey"] == observer_state.verifier.vkey
    with pytest.raises(Invalid, match="already registered"):
        witness_add(vkey=observer_state.verifier.vkey)


@pytest.mark.parametrize(
    "vkey",
    ["", "nonsense", "name+00000000+AAAA", "PRIVATE+KEY+x+00000000+AA=="],
)
def test_a_witness_key_that_does_not_parse_is_refused(world, vkey):
    before = Event.objects.count()
    with pytest.raises(Invalid) as raised:
        witness_add(vkey=vkey)
    assert raised.value.errors[0].field == "vkey"
    with pytest.raises(CommandError, match="not a witness cosignature key"):
        call_command("ledger", "witness-add", vkey)
    assert Event.objects.count() == before


def test_the_log_key_is_not_a_witness_key(world, log_key):
    with pytest.raises(Invalid, match="not an Ed25519 cosignature key"):
        witness_add(vkey=log_key.vkey)


def test_cosignature_is_stored_and_served_with_the_checkpoint(world, anonymous, fetch, log_key, observer_state):
    witness_add(vkey=observer_state.verifier.vkey)
    response = post(anonymous, cosigned(anonymous, observer_state))
    assert response.status_code == 200, response.content
    assert "eu-observer" in response.content.decode()
    assert Cosignature.objects.filter(tree_size=tree_size()).count() == 1
    served = anonymous.get("/ledger/checkpoint").content
    _, note = open_checkpoint(served, [Ed25519Verifier.from_vkey(log_key.vkey), observer_state.verifier])
    assert {s.name for s in note.verified} == {log_key.signer.name, "eu-observer"}
    result = verify_log(fetch, log_key.vkey, [observer_state.verifier.vkey], 1)
    assert result.ok, result.verdict
    assert result.witnesses == ("eu-observer",)
    page = anonymous.get("/ledger/").content.decode()
    assert "eu-observer" in page
    # A new entry moves the tree on: the old cosignature no longer applies to the current checkpoint.
    record(world)
    assert not verify_log(fetch, log_key.vkey, [observer_state.verifier.vkey], 1).ok


def test_k_of_n_witnesses(world, anonymous, fetch, log_key):
    a, b, c = (generate_cosigner(name) for name in ("witness-a", "witness-b", "witness-c"))
    for w in (a, b, c):
        witness_add(vkey=w.verifier.vkey)
    assert post(anonymous, cosigned(anonymous, a, b)).status_code == 200
    keys = [w.verifier.vkey for w in (a, b, c)]
    for required, ok in ((0, True), (1, True), (2, True), (3, False)):
        result = verify_log(fetch, log_key.vkey, keys, required)
        assert result.ok is ok, (required, result.verdict)
    failed = verify_log(fetch, log_key.vkey, keys, 3)
    assert "2 of the required 3 witness cosignatures" in failed.verdict


def test_a_removed_witness_no_longer_counts(world, anonymous, fetch, log_key, observer_state):
    witness_add(vkey=observer_state.verifier.vkey)
    call_command("ledger", "witness-remove", "eu-observer")
    assert not Witness.objects.get().active
    response = post(anonymous, cosigned(anonymous, observer_state))
    assert response.status_code == 403


def _refused(anonymous, note: bytes, status: int, text: str) -> None:
    before = Cosignature.objects.count()
    response = post(anonymous, note)
    assert response.status_code == status, response.content
    assert text in response.content.decode()
    assert Cosignature.objects.count() == before


def test_unknown_witness_is_403(world, anonymous, observer_state):
    _refused(anonymous, cosigned(anonymous, observer_state), 403, "no cosignature from a registered witness")


def test_a_bad_cosignature_is_403(world, anonymous, observer_state):
    witness_add(vkey=observer_state.verifier.vkey)
    impostor = CosignatureSigner("eu-observer", generate_cosigner("x").private_key)
    # Same name, another key: a different key ID, so it is simply unknown.
    _refused(anonymous, cosigned(anonymous, impostor), 403, "no cosignature from a registered witness")
    note = parse_note(cosigned(anonymous, observer_state))
    *log_signature, mine = note.signatures
    flipped = Signature(mine.name, mine.key_id, mine.signature[:-1] + bytes([mine.signature[-1] ^ 1]))
    broken = Note(note.text, (*log_signature, flipped)).encode()
    _refused(anonymous, broken, 403, "the cosignature of witness eu-observer does not verify")


@pytest.mark.parametrize(
    "note",
    [b"", b"not a note", b"\xff\xfe", b"origin\n1\nroot\n\n", "only text\n\n\u2014 x AAAA\n".encode()],
)
def test_malformed_notes_are_400(world, anonymous, note):
    _refused(anonymous, note, 400, "malformed checkpoint note")


def test_a_checkpoint_not_signed_by_this_log_is_400(world, anonymous, settings, observer_state):
    witness_add(vkey=observer_state.verifier.vkey)
    skey, _ = generate_key(settings.LEDGER_ORIGIN)
    view = LogView.current()
    note = sign_checkpoint(view.checkpoint(settings.LEDGER_ORIGIN), [Ed25519Signer.from_skey(skey), observer_state])
    _refused(anonymous, note, 400, "valid signature of this log")


def test_another_origin_is_400(world, anonymous, log_key, observer_state):
    witness_add(vkey=observer_state.verifier.vkey)
    view = LogView.current()
    note = sign_checkpoint(Checkpoint("other.example/log", view.size, view.root), [log_key.signer, observer_state])
    _refused(anonymous, note, 400, "is not this log")


def test_wrong_root_or_size_is_409(world, anonymous, settings, log_key, observer_state):
    witness_add(vkey=observer_state.verifier.vkey)
    view = LogView.current()
    wrong_root = Checkpoint(settings.LEDGER_ORIGIN, view.size, bytes(32))
    _refused(anonymous, sign_checkpoint(wrong_root, [log_key.signer, observer_state]), 409, "not this log's root")
    too_big = Checkpoint(settings.LEDGER_ORIGIN, view.size + 5, view.root)
    _refused(anonymous, sign_checkpoint(too_big, [log_key.signer, observer_state]), 409, "has no tree of size")
    # An earlier, genuine size is fine: witnesses may lag behind.
    earlier = Checkpoint(settings.LEDGER_ORIGIN, view.size - 1, LogView(view.size - 1).root)
    assert post(anonymous, sign_checkpoint(earlier, [log_key.signer, observer_state])).status_code == 200


def test_oversized_body_is_413(world, anonymous):
    _refused(anonymous, b"x" * (1 << 20 | 1), 413, "too large")


# The witness client, with the test client as its transport.


def run_witness(anonymous, log_key, state_dir, fetch, name="eu-observer"):
    lines: list[str] = []
    status = witness_run(
        fetch=fetch,
        log_key=log_key.vkey,
        state_dir=state_dir,
        name=name,
        post=lambda note: (lambda r: (r.status_code, r.content.decode()))(post(anonymous, note)),
        out=lines.append,
    )
    return status, lines


def test_witness_first_run_creates_its_key_then_cosigns_once_registered(world, anonymous, fetch, log_key, tmp_path):
    state = tmp_path / "witness"
    status, lines = run_witness(anonymous, log_key, state, fetch)
    assert status == 1
    assert "goodoffices ledger witness-add eu-observer+" in lines[1]
    assert "HTTP 403" in lines[-1]
    assert (state / WITNESS_KEY_FILE).stat().st_mode & 0o777 == 0o600
    vkey = lines[1].split()[-1]
    call_command("ledger", "witness-add", vkey)
    status, lines = run_witness(anonymous, log_key, state, fetch)
    assert status == 0, lines
    assert lines[-1].startswith(f"OK: cosigned {log_key.signer.name} at size {tree_size()}")
    assert verify_log(fetch, log_key.vkey, [vkey], 1).ok
    saved = CheckpointState.from_json(json.loads((state / STATE_FILE).read_text()))
    assert saved.size == tree_size()
    # Runs again after growth, checking consistency with what it saw.
    record(world, count=4)
    status, lines = run_witness(anonymous, log_key, state, fetch)
    assert status == 0, lines
    assert verify_log(fetch, log_key.vkey, [vkey], 1).ok


def test_witness_refuses_a_rollback(world, anonymous, fetch, log_key, tmp_path, settings):
    state = tmp_path / "witness"
    run_witness(anonymous, log_key, state, fetch)
    entries = [b"entry %d" % i for i in range(2)]
    shorter = fake_log(entries, log_key.signer, settings.LEDGER_ORIGIN)
    status, lines = run_witness(anonymous, log_key, state, shorter)
    assert status == 1
    assert lines[-1].startswith("REFUSED: rollback: tree size 2 < previously seen")


def test_witness_refuses_a_fork(world, anonymous, fetch, log_key, tmp_path, settings):
    state = tmp_path / "witness"
    run_witness(anonymous, log_key, state, fetch)
    seen = CheckpointState.from_json(json.loads((state / STATE_FILE).read_text()))
    forked = fake_log([b"other %d" % i for i in range(seen.size + 3)], log_key.signer, settings.LEDGER_ORIGIN)
    status, lines = run_witness(anonymous, log_key, state, forked)
    assert status == 1
    assert lines[-1].startswith("REFUSED: fork:")
    same_size = fake_log([b"other %d" % i for i in range(seen.size)], log_key.signer, settings.LEDGER_ORIGIN)
    status, lines = run_witness(anonymous, log_key, state, same_size)
    assert lines[-1] == f"REFUSED: fork: two different roots for tree size {seen.size}"
    # Nothing it refused became its memory.
    assert CheckpointState.from_json(json.loads((state / STATE_FILE).read_text())) == seen


def test_witness_refuses_a_checkpoint_with_a_bad_signature(world, anonymous, log_key, tmp_path, settings):
    skey, _ = generate_key(settings.LEDGER_ORIGIN)
    forged = fake_log([b"x"], Ed25519Signer.from_skey(skey), settings.LEDGER_ORIGIN)
    status, lines = run_witness(anonymous, log_key, tmp_path / "w", forged)
    assert status == 1
    assert lines[-1].startswith("REFUSED: checkpoint signature")
