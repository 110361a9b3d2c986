"""The issue's "done when": a real `goodoffices demo` server's log verifies and a witness cosigns it,
all through the installed console script, as an observer would run it."""

import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from goodoffices.lib.ledger import generate_key

from ..demo_server import GOODOFFICES, clean_env, demo_server

_env = clean_env


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("demo")
    with demo_server(data_dir) as url:
        yield url + "/ledger", data_dir


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GOODOFFICES, *args], env=_env(**env), capture_output=True, text=True, timeout=120)


def test_demo_log_verifies_and_a_witness_cosigns_it(demo, tmp_path):
    log_url, data_dir = demo
    with urllib.request.urlopen(log_url + "/key", timeout=10) as response:
        vkey = response.read().decode().strip()
    assert (data_dir / "ledger.key").stat().st_mode & 0o777 == 0o600
    server_side = {"GOODOFFICES_DEMO": "true", "GOODOFFICES_DATA_DIR": str(data_dir)}

    verifier_state = str(tmp_path / "verifier")
    verified = run("ledger", "verify", "--log", log_url, "--key", vkey, "--state", verifier_state)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("OK: 127.0.0.1:8000/ledger at size ")

    witness_state = str(tmp_path / "witness")
    first = run("witness", "--log", log_url, "--key", vkey, "--state", witness_state, "--name", "eu-observer")
    assert first.returncode == 1
    assert "HTTP 403" in first.stdout
    witness_vkey = next(line.split()[-1] for line in first.stdout.splitlines() if "witness-add" in line)

    added = run("ledger", "witness-add", witness_vkey, **server_side)
    assert added.returncode == 0, added.stderr
    # The demo closes an epoch every 10 seconds, padded even when nothing happened, so the log may
    # move on between the witness's cosignature and the verifier's read: the newer checkpoint is not
    # cosigned yet. A witness runs again and again as the log grows; so does this one, a few times.
    for _attempt in range(5):
        cosigned = run("witness", "--log", log_url, "--key", vkey, "--state", witness_state)
        assert cosigned.returncode == 0, cosigned.stdout + cosigned.stderr
        assert cosigned.stdout.startswith("OK: cosigned 127.0.0.1:8000/ledger at size ")
        with_witness = run(
            "ledger",
            "verify",
            "--log",
            log_url,
            "--key",
            vkey,
            "--witness",
            witness_vkey,
            "--witnesses-required",
            "1",
            "--state",
            verifier_state,
        )
        if with_witness.returncode == 0 or "cosignatures present" not in with_witness.stdout:
            break
    assert with_witness.returncode == 0, with_witness.stdout + with_witness.stderr
    assert with_witness.stdout.rstrip().endswith("1/1 required witnesses")

    audit = run("ledger", "audit", **server_side)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert audit.stdout.startswith("OK: ")


def test_verify_fails_with_another_key_or_a_key_that_does_not_parse(demo):
    log_url, _ = demo
    _, other = generate_key("127.0.0.1:8000/ledger")
    result = run("ledger", "verify", "--log", log_url, "--key", other)
    assert result.returncode == 1
    assert result.stdout.startswith("FAILED: checkpoint signature: note has no valid signature from a known key")
    garbled = run("ledger", "verify", "--log", log_url, "--key", "127.0.0.1:8000/ledger+00000000+AQ==")
    assert garbled.returncode == 2
    assert garbled.stderr.startswith("error: ")


def test_verify_reports_the_reason_of_a_checkpoint_the_log_cannot_serve(demo, tmp_path):
    log_url, data_dir = demo
    with urllib.request.urlopen(log_url + "/key", timeout=10) as response:
        vkey = response.read().decode().strip()
    key_file = data_dir / "ledger.key"
    aside = tmp_path / "ledger.key"
    key_file.rename(aside)
    try:
        with pytest.raises(urllib.error.HTTPError) as served:
            urllib.request.urlopen(log_url + "/checkpoint", timeout=10)
        assert served.value.code == 503
        reason = served.value.read().decode().strip()
        result = run("ledger", "verify", "--log", log_url, "--key", vkey)
    finally:
        aside.rename(key_file)
    assert result.returncode == 1
    # The server's own words, not "missing resource".
    assert result.stdout.strip() == f"FAILED: the log cannot serve its checkpoint now: checkpoint (HTTP 503): {reason}"
    assert "missing resource" not in result.stdout
