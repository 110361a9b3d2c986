"""A new key for an existing log is an explicit, recorded handover that verifiers holding the old
key follow; a missing key is never replaced behind anyone's back (issue 14, item 3)."""

import subprocess
import urllib.request

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from goodoffices.events.models import Event, EventKind
from goodoffices.events.services import event_record
from goodoffices.ledger.keys import pending_key_path, pending_key_write
from goodoffices.ledger.log import tree_size
from goodoffices.ledger.models import KeyRotation
from goodoffices.lib import audience
from goodoffices.lib.ledger import Ed25519Signer, generate_key, verify_log
from goodoffices.lib.ledger.rotation import sign_handover

from ..demo_server import GOODOFFICES, clean_env, demo_server
from .conftest import integrate, leaf_of, record


def _current_signer(settings) -> Ed25519Signer:
    return Ed25519Signer.from_skey(settings.LEDGER_KEY_FILE.read_text().strip())


def test_rotate_key_records_a_handover_that_verifiers_holding_the_old_key_follow(
    world, fetch, log_key, settings, capsys
):
    record(world, count=3)
    call_command("ledger", "rotate-key")
    out = capsys.readouterr().out
    new = _current_signer(settings)
    assert new.verifier.vkey != log_key.vkey
    assert f"New verifier key: {new.verifier.vkey}" in out
    # The old key file is kept beside the new one, never silently destroyed.
    retired = settings.LEDGER_KEY_FILE.with_name(f"ledger.key.retired-{log_key.signer.key_id:08x}")
    assert Ed25519Signer.from_skey(retired.read_text().strip()).verifier.vkey == log_key.vkey

    event = Event.objects.get(kind=EventKind.LEDGER_KEY_ROTATED)
    assert event.audience == audience.PUBLIC
    assert event.payload["old_key"] == log_key.vkey
    assert event.payload["new_key"] == new.verifier.vkey
    assert new.verifier.vkey in event.payload["handover"]

    record(world, count=2)  # the log goes on under the new key
    with_old = verify_log(fetch, log_key.vkey, [], 0)
    assert with_old.ok, with_old.verdict
    assert f"handed over (entry {leaf_of(event)}" in with_old.verdict
    assert f"--key {new.verifier.vkey}" in with_old.verdict
    with_new = verify_log(fetch, new.verifier.vkey, [], 0)
    assert with_new.ok, with_new.verdict
    assert with_new.checkpoint is not None
    assert with_new.checkpoint.size == tree_size()


def test_two_handovers_are_followed_in_order(world, fetch, log_key, settings):
    call_command("ledger", "rotate-key")
    record(world)
    call_command("ledger", "rotate-key")
    assert KeyRotation.objects.count() == 2
    assert verify_log(fetch, log_key.vkey, [], 0).ok


def test_a_new_key_without_the_old_keys_handover_is_refused(world, fetch, log_key, settings):
    """Someone who holds the server but not the old key writes a rotation event signed by their own key."""
    intruder_skey, intruder_vkey = generate_key(settings.LEDGER_ORIGIN)
    intruder = Ed25519Signer.from_skey(intruder_skey)
    forged = sign_handover(intruder, intruder_vkey)  # signed by the new key itself, not the old one
    with transaction.atomic():
        rotation = KeyRotation.objects.create(old_key=log_key.vkey, new_key=intruder_vkey, handover=forged)
        event_record(
            kind=EventKind.LEDGER_KEY_ROTATED,
            actor=None,
            subject=rotation,
            audience=audience.PUBLIC,
            payload={"old_key": log_key.vkey, "new_key": intruder_vkey, "handover": forged},
        )
    integrate()  # holding the server, the intruder gets the forgery into the log too
    settings.LEDGER_KEY_FILE.write_text(intruder_skey + "\n")
    result = verify_log(fetch, log_key.vkey, [], 0)
    assert not result.ok
    assert result.verdict.startswith("FAILED: checkpoint signature: note has no valid signature from a known key; ")
    assert "the key handover is not signed by the key you trust" in result.verdict


def test_a_lost_key_is_replaced_only_as_a_recorded_act_that_verifiers_do_not_take_on_trust(
    world, fetch, log_key, settings, capsys
):
    settings.LEDGER_KEY_FILE.unlink()
    with pytest.raises(CommandError, match=r"restore .* from your backup"):
        call_command("ledger", "keygen")
    assert not settings.LEDGER_KEY_FILE.exists()
    call_command("ledger", "rotate-key", "--old-key-lost")
    assert "No handover vouches for this key" in capsys.readouterr().out
    event = Event.objects.get(kind=EventKind.LEDGER_KEY_ROTATED)
    assert event.payload["handover"] is None
    result = verify_log(fetch, log_key.vkey, [], 0)
    assert not result.ok
    assert "replaces the log's key without a handover signed by the old key" in result.verdict
    # Given the new key by a channel they trust, verifiers accept the log again.
    assert verify_log(fetch, _current_signer(settings).verifier.vkey, [], 0).ok


def test_old_key_lost_is_refused_while_the_key_is_there(world, log_key, settings):
    with pytest.raises(CommandError, match="rotate without --old-key-lost"):
        call_command("ledger", "rotate-key", "--old-key-lost")
    assert not Event.objects.filter(kind=EventKind.LEDGER_KEY_ROTATED).exists()
    assert _current_signer(settings).verifier.vkey == log_key.vkey


def test_an_interrupted_rotation_is_finished_not_repeated(world, fetch, log_key, settings, capsys):
    # A run that stopped after writing the next key but before recording it: that key was never used.
    stale_skey, _ = generate_key(settings.LEDGER_ORIGIN)
    pending_key_write(stale_skey)
    call_command("ledger", "rotate-key")
    assert not pending_key_path().exists()
    rotation = KeyRotation.objects.get()
    assert _current_signer(settings).verifier.vkey == rotation.new_key
    assert rotation.new_key != Ed25519Signer.from_skey(stale_skey).verifier.vkey
    # A run that stopped after recording the handover but before renaming the files: put them back so.
    retired = settings.LEDGER_KEY_FILE.with_name(f"ledger.key.retired-{log_key.signer.key_id:08x}")
    settings.LEDGER_KEY_FILE.rename(pending_key_path())
    retired.rename(settings.LEDGER_KEY_FILE)
    capsys.readouterr()
    call_command("ledger", "rotate-key")
    assert "Finished the key handover" in capsys.readouterr().out
    assert KeyRotation.objects.count() == 1
    assert _current_signer(settings).verifier.vkey == rotation.new_key
    assert verify_log(fetch, log_key.vkey, [], 0).ok


def _demo(data_dir) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GOODOFFICES, "demo", "--no-serve", "--data-dir", str(data_dir)],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_refuses_to_start_when_the_key_of_its_log_is_missing(tmp_path):
    assert _demo(tmp_path).returncode == 0
    key = tmp_path / "ledger.key"
    key.unlink()
    again = _demo(tmp_path)
    assert again.returncode != 0
    assert "restore" in again.stderr
    assert "rotate-key" in again.stderr
    assert "Traceback" not in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    assert not key.exists(), "no new key behind the operator's back"


def test_verify_follows_a_rotation_on_a_running_demo(tmp_path):
    data_dir = tmp_path / "demo"
    data_dir.mkdir()
    with demo_server(data_dir) as url:
        with urllib.request.urlopen(url + "/ledger/key", timeout=10) as response:
            old = response.read().decode().strip()
        rotated = subprocess.run(
            [GOODOFFICES, "ledger", "rotate-key"],
            env=clean_env(GOODOFFICES_DEMO="true", GOODOFFICES_DATA_DIR=str(data_dir)),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert rotated.returncode == 0, rotated.stderr
        with urllib.request.urlopen(url + "/ledger/key", timeout=10) as response:
            new = response.read().decode().strip()
        assert new != old
        verified = subprocess.run(
            [GOODOFFICES, "ledger", "verify", "--log", url + "/ledger", "--key", old],
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("OK: ")
    assert f"from now on verify with --key {new}" in verified.stdout
