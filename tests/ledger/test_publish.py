"""`goodoffices ledger publish --to DIR`: the log as static files that a plain static server
serves and the project's own verifier accepts, written incrementally and never rewritten."""

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from goodoffices.ledger.log import tree_size
from goodoffices.lib.ledger import Checkpoint, client, generate_key, sign_checkpoint
from goodoffices.lib.ledger.note import Ed25519Signer

from .conftest import record


@pytest.fixture(autouse=True)
def one_leaf_per_event(settings) -> None:
    """Epochs of one-leaf steps: a log grown by N events grows by exactly N leaves, so that the
    tests can name the tiles of a given size (padding is tested in test_epochs.py)."""
    settings.LEDGER_EPOCH_STEP = 1


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """A plain static file server over ``directory`` (what nginx or a CDN would be)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def grow_to(world, size: int) -> None:
    record(world, count=size - tree_size())


def publish(dest: Path, *args: str, capsys) -> str:
    call_command("ledger", "publish", "--to", str(dest), *args)
    out: str = capsys.readouterr().out
    return out


def verify(url: str, key: str, state: Path, capsys) -> tuple[int, str]:
    status = client.main("verify", ["--log", url, "--key", key, "--state", str(state)])
    return status, capsys.readouterr().out


def test_a_published_log_verifies_from_a_static_server(world, log_key, fetch, tmp_path, capsys):
    grow_to(world, 300)
    dest = tmp_path / "www" / "ledger"
    out = publish(dest, capsys=capsys)
    # 300 leaves: one full and one partial level-0 tile, a partial level-1 tile, and the bundles.
    assert out.startswith(f"Published the log at size 300 to {dest}: 5 files written")
    assert (dest / "tile/0/000").stat().st_size == 256 * 32
    assert (dest / "tile/0/001.p/44").stat().st_size == 44 * 32
    assert (dest / "tile/1/000.p/1").exists()
    assert (dest / "tile/entries/000").exists()
    assert (dest / "tile/entries/001.p/44").exists()
    # The very bytes the log serves over HTTP.
    for path in ("checkpoint", "tile/0/000", "tile/1/000.p/1", "tile/entries/000", "tile/entries/001.p/44"):
        assert (dest / path).read_bytes() == fetch(path), path
    assert not list(dest.rglob(".*.tmp"))

    with static_server(dest) as url:
        status, out = verify(url, log_key.vkey, tmp_path / "state", capsys)
    assert status == 0, out
    assert out.startswith(f"OK: {log_key.signer.name} at size 300, 300 entries re-hashed")


def test_publishing_again_writes_only_what_is_new_and_never_rewrites_a_full_tile(world, log_key, tmp_path, capsys):
    grow_to(world, 300)
    dest = tmp_path / "ledger"
    publish(dest, capsys=capsys)
    with static_server(dest) as url:
        assert verify(url, log_key.vkey, tmp_path / "state", capsys)[0] == 0
    full = [dest / "tile/0/000", dest / "tile/entries/000"]
    before = [(p.stat().st_ino, p.stat().st_mtime_ns) for p in full]

    grow_to(world, 600)
    out = publish(dest, capsys=capsys)
    # New: full tiles 0/001 and entries/001, partials 0/002.p/88, 1/000.p/2, entries/002.p/88.
    # Not read again: 0/000 and entries/000, published with the checkpoint at size 300.
    assert out.startswith(
        f"Published the log at size 600 to {dest}: 5 files written, 0 already there, "
        "2 published with the checkpoint at size 300"
    )
    assert [(p.stat().st_ino, p.stat().st_mtime_ns) for p in full] == before
    # The partial tiles of size 300 stay (C2SP: a log serves them for every checkpoint it produced).
    assert (dest / "tile/0/001.p/44").exists()

    # The verifier remembers size 300 and checks that the log grew from it without a fork.
    with static_server(dest) as url:
        status, out = verify(url, log_key.vkey, tmp_path / "state", capsys)
    assert status == 0, out
    assert out.startswith(f"OK: {log_key.signer.name} at size 600")

    # Nothing new: only the checkpoint is written again.
    out = publish(dest, capsys=capsys)
    assert out.startswith(f"Published the log at size 600 to {dest}: 0 files written, 3 already there, 4 published")
    assert "7 already there" in publish(dest, "--recheck", capsys=capsys)


def test_an_altered_tile_is_refused_and_left_alone(world, log_key, tmp_path, capsys):
    grow_to(world, 300)
    dest = tmp_path / "ledger"
    publish(dest, capsys=capsys)
    checkpoint = (dest / "checkpoint").read_bytes()
    bundle = dest / "tile/entries/000"
    altered = bundle.read_bytes()[:-1] + b"]"
    bundle.write_bytes(altered)
    grow_to(world, 310)

    with pytest.raises(CommandError, match=r"tile/entries/000 is already there with other content.*never rewritten"):
        publish(dest, "--recheck", capsys=capsys)
    assert bundle.read_bytes() == altered
    assert (dest / "checkpoint").read_bytes() == checkpoint
    assert not (dest / "tile/0/001.p/54").exists()

    # An altered partial tile of the new size is refused without --recheck too.
    (dest / "tile/0/001.p/54").write_bytes(b"\0" * 54 * 32)
    with pytest.raises(CommandError, match=r"tile/0/001.p/54 is already there with other content"):
        publish(dest, capsys=capsys)
    assert (dest / "checkpoint").read_bytes() == checkpoint


def test_a_directory_of_another_log_is_refused(world, log_key, settings, tmp_path, capsys):
    grow_to(world, 20)
    other_skey, _ = generate_key("elsewhere.example/ledger")
    other = Ed25519Signer.from_skey(other_skey)
    dest = tmp_path / "other"
    dest.mkdir()
    (dest / "checkpoint").write_bytes(sign_checkpoint(Checkpoint("elsewhere.example/ledger", 5, b"\1" * 32), [other]))
    with pytest.raises(CommandError, match=r"holds the log 'elsewhere\.example/ledger'"):
        publish(dest, capsys=capsys)
    assert not (dest / "tile").exists()

    # The same origin, a tree of the same size with another root: a fork, refused.
    forked = sign_checkpoint(Checkpoint(settings.LEDGER_ORIGIN, 10, b"\2" * 32), [log_key.signer])
    (dest / "checkpoint").write_bytes(forked)
    with pytest.raises(CommandError, match="checkpoint at size 10 whose root is not this log's"):
        publish(dest, capsys=capsys)
    # And one beyond the log's size (a directory of a larger log, or of a rolled-back one).
    beyond = sign_checkpoint(Checkpoint(settings.LEDGER_ORIGIN, 99, b"\2" * 32), [log_key.signer])
    (dest / "checkpoint").write_bytes(beyond)
    with pytest.raises(CommandError, match="checkpoint at size 99, beyond this log's 20"):
        publish(dest, capsys=capsys)
    assert (dest / "checkpoint").read_bytes() == beyond
    assert not (dest / "tile").exists()


def test_publish_needs_a_directory(world, tmp_path, capsys):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("x")
    with pytest.raises(CommandError, match="is not a directory"):
        publish(not_a_directory, capsys=capsys)
