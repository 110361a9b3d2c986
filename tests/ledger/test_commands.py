"""The operator's commands (keygen, export, audit, witnesses) and the Django-free clients."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from goodoffices.ledger.log import tree_size
from goodoffices.lib.ledger import client
from goodoffices.lib.ledger.export import verify_export

ROOT = Path(__file__).resolve().parents[2]


def test_keygen_writes_a_private_file_and_refuses_to_overwrite(db, settings, tmp_path, capsys):
    settings.LEDGER_KEY_FILE = tmp_path / "keys" / "ledger.key"
    call_command("ledger", "keygen")
    out = capsys.readouterr().out
    assert f"Verifier key: {settings.LEDGER_ORIGIN}+" in out
    assert settings.LEDGER_KEY_FILE.stat().st_mode & 0o777 == 0o600
    first = settings.LEDGER_KEY_FILE.read_text()
    with pytest.raises(CommandError, match="refusing to replace"):
        call_command("ledger", "keygen")
    assert settings.LEDGER_KEY_FILE.read_text() == first


def test_export_then_verify_export(world, log_key, tmp_path, capsys):
    archive = tmp_path / "log.zip"
    call_command("ledger", "export", str(archive))
    assert f"at size {tree_size()}" in capsys.readouterr().out
    assert verify_export(archive, log_key.vkey, [], 0).ok
    assert client.main("verify-export", [str(archive), "--key", log_key.vkey, "--state", str(tmp_path / "s")]) == 0
    assert capsys.readouterr().out.startswith(f"OK: {log_key.signer.name} at size {tree_size()}")
    assert (tmp_path / "s" / client.STATE_FILE).exists()
    with pytest.raises(CommandError, match="already exists"):
        call_command("ledger", "export", str(archive))


def test_verify_export_names_a_tampered_archive(world, log_key, tmp_path, capsys):
    import zipfile

    archive = tmp_path / "log.zip"
    call_command("ledger", "export", str(archive))
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name.startswith("tile/entries/"):
                # The last entry's closing brace: same length, different bytes.
                data = data[:-1] + b"]"
            dst.writestr(name, data)
    assert client.main("verify-export", [str(tampered), "--key", log_key.vkey]) == 1
    assert f"entry {tree_size() - 1} does not match its leaf hash" in capsys.readouterr().out


def test_client_errors_are_one_line_and_exit_2(tmp_path, capsys):
    assert client.main("verify", ["--log", "ftp://x/ledger", "--key", "k"]) == 2
    assert "must be an http(s) URL" in capsys.readouterr().err
    assert client.main("verify", ["--log", "http://127.0.0.1:9/ledger", "--key", "k"]) == 2
    assert "error:" in capsys.readouterr().err
    assert client.main("verify-export", [str(tmp_path / "missing.zip"), "--key", "k"]) == 2
    assert "is not a file" in capsys.readouterr().err
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / client.STATE_FILE).write_text("{not json")
    args = ["--log", "http://127.0.0.1:9/ledger", "--key", "k", "--state", str(tmp_path / "state")]
    assert client.main("verify", args) == 2
    assert "is not a saved checkpoint state" in capsys.readouterr().err
    assert client.main("verify", ["--log", "http://127.0.0.1:9/x", "--key", "k", "--witnesses-required", "1"]) == 2
    assert "needs at least that many --witness keys" in capsys.readouterr().err


def test_the_clients_load_no_django():
    code = (
        "import sys; from goodoffices.cli import _client_command; from goodoffices.lib.ledger import client;"
        "assert _client_command(['ledger', 'verify', '--x']) == ('verify', ['--x']);"
        "assert _client_command(['witness']) == ('witness', []);"
        "assert _client_command(['ledger', 'audit']) is None;"
        "assert not [m for m in sys.modules if m.startswith('django')], 'django was imported'"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOODOFFICES_", "DJANGO_"))}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_witness_list(world, capsys):
    from goodoffices.ledger.services import witness_add
    from goodoffices.lib.ledger.cosignature import generate_cosigner

    witness_add(vkey=generate_cosigner("un-observer").verifier.vkey)
    call_command("ledger", "witness-list")
    assert capsys.readouterr().out.startswith("un-observer\tactive\tun-observer+")
    with pytest.raises(CommandError, match="no active witness is named 'nobody'"):
        call_command("ledger", "witness-remove", "nobody")
