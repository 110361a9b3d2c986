"""Progress of the long runs over a log: a bar on a terminal, nothing anywhere else, results unchanged."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from goodoffices.lib.ledger import client
from goodoffices.lib.ledger.errors import ResourceMissingError
from goodoffices.lib.ledger.export import export_log, verify_export
from goodoffices.lib.ledger.note import Ed25519Signer, generate_key
from goodoffices.lib.ledger.progress import SILENT, Tally, progress_bar
from goodoffices.lib.ledger.verify import verify_log

from ..ledger.fakelog import fake_log

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "log.example/ledger"
# Not a multiple of 256: the last bundle and tiles are partial.
SIZE = 700


class TerminalLike(io.StringIO):
    """A stream that says it is a terminal and keeps what was written to it."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def log() -> tuple[client.Fetch, str]:
    skey, vkey = generate_key(ORIGIN)
    entries = [f"entry {i}".encode() for i in range(SIZE)]
    return fake_log(entries, Ed25519Signer.from_skey(skey), ORIGIN), vkey


@pytest.fixture
def archive(log: tuple[client.Fetch, str], tmp_path: Path) -> Path:
    path = tmp_path / "log.zip"
    export_log(path, log[0])
    return path


def test_a_bar_only_on_a_terminal_and_never_when_quiet() -> None:
    assert progress_bar(None, "verify") is SILENT
    assert progress_bar(io.StringIO(), "verify") is SILENT
    assert progress_bar(TerminalLike(), "verify", quiet=True) is SILENT
    assert progress_bar(TerminalLike(), "verify") is not SILENT


def test_verify_reports_every_entry_and_returns_the_same_result(log: tuple[client.Fetch, str]) -> None:
    fetch, vkey = log
    tally = Tally()
    reported = verify_log(fetch, vkey, [], 0, progress=tally)
    plain = verify_log(fetch, vkey, [], 0)
    assert reported == plain
    assert reported.verdict.startswith(f"OK: {ORIGIN} at size {SIZE}, {SIZE} entries re-hashed")
    assert tally.stages == {"entries": [SIZE, SIZE], "leaf hashes": [SIZE, SIZE]}


def test_a_failing_log_fails_the_same_with_a_bar(log: tuple[client.Fetch, str]) -> None:
    fetch, vkey = log

    def without_the_second_bundle(path: str) -> bytes:
        if path == "tile/entries/001":
            raise ResourceMissingError(path)
        return fetch(path)

    terminal = TerminalLike()
    bar = progress_bar(terminal, "verify")
    reported = verify_log(without_the_second_bundle, vkey, [], 0, progress=bar)
    bar.close()
    plain = verify_log(without_the_second_bundle, vkey, [], 0)
    assert reported == plain
    assert reported.verdict == "FAILED: missing resource tile/entries/001"
    assert f"{SIZE}/{SIZE}" in terminal.getvalue()


def test_export_reports_the_tiles_the_bundles_and_the_archive(log: tuple[client.Fetch, str], tmp_path: Path) -> None:
    fetch, vkey = log
    tally = Tally()
    assert export_log(tmp_path / "log.zip", fetch, tally) == SIZE
    assert tally.stages == {"tiles": [SIZE, SIZE], "entries": [SIZE, SIZE], "archive": [SIZE, SIZE]}
    assert verify_export(tmp_path / "log.zip", vkey, [], 0).ok


def test_the_bar_counts_the_entries_with_their_rate_and_time_left(log: tuple[client.Fetch, str]) -> None:
    fetch, vkey = log
    terminal = TerminalLike()
    bar = progress_bar(terminal, "verify")
    result = verify_log(fetch, vkey, [], 0, progress=bar)
    bar.close()
    assert result.ok
    shown = terminal.getvalue()
    assert "verify: entries: 100%" in shown
    assert f"{SIZE}/{SIZE} [" in shown
    assert "verify: leaf hashes: 100%" in shown
    assert " entries/s]" in shown
    # The time taken, then the time left, as tqdm shows them: [elapsed<left, rate].
    assert "<00:00, " in shown
    # Cleared at the end: the terminal keeps only what the command prints itself.
    assert shown.endswith("\r")


def test_the_verify_export_client_draws_on_a_terminal_only(
    log: tuple[client.Fetch, str], archive: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    vkey = log[1]
    args = [str(archive), "--key", vkey]
    assert client.main("verify-export", args) == 0
    plain = capsys.readouterr()
    assert plain.out.startswith(f"OK: {ORIGIN} at size {SIZE}")
    assert plain.err == ""

    terminal = TerminalLike()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert client.main("verify-export", args) == 0
    assert capsys.readouterr().out == plain.out
    assert "verify-export: entries: 100%|" in terminal.getvalue()
    assert f"{SIZE}/{SIZE}" in terminal.getvalue()

    quiet = TerminalLike()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert client.main("verify-export", [*args, "--quiet"]) == 0
    assert capsys.readouterr().out == plain.out
    assert quiet.getvalue() == ""


def _run_on_a_terminal(args: list[str]) -> tuple[int, str, str]:
    """Run ``goodoffices`` with its standard error on a pseudo-terminal 100 columns wide.
    Returns (exit status, standard output, what the terminal received)."""
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOODOFFICES_", "DJANGO_"))}
    env["PYTHONPATH"] = str(ROOT)
    process = subprocess.Popen(
        [sys.executable, "-m", "goodoffices.cli", *args],
        stdout=subprocess.PIPE,
        stderr=secondary,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    os.close(secondary)
    received = bytearray()
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            process.kill()
            raise AssertionError("the command wrote nothing for 60 s")
        try:
            chunk = os.read(main, 4096)
        except OSError:  # EIO: the last holder of the terminal's other end has gone
            break
        if not chunk:
            break
        received += chunk
    os.close(main)
    assert process.stdout is not None
    out = process.stdout.read().decode()
    process.stdout.close()
    return process.wait(timeout=60), out, received.decode("utf-8", "replace")


def test_a_real_terminal_shows_the_bar_and_a_pipe_gets_only_the_verdict(
    log: tuple[client.Fetch, str], archive: Path
) -> None:
    vkey = log[1]
    status, out, shown = _run_on_a_terminal(["ledger", "verify-export", str(archive), "--key", vkey])
    assert status == 0
    assert out.startswith(f"OK: {ORIGIN} at size {SIZE}, {SIZE} entries re-hashed")
    assert "verify-export: leaf hashes: 100%" in shown
    assert f"{SIZE}/{SIZE}" in shown
    assert "entries/s]" in shown

    status, out_quiet, shown_quiet = _run_on_a_terminal(
        ["ledger", "verify-export", str(archive), "--key", vkey, "--quiet"]
    )
    assert (status, out_quiet, shown_quiet) == (0, out, "")
