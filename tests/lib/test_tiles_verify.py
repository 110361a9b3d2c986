"""Tiles, entry bundles, the tile audit, verify_log, the witness and export archives."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodoffices.lib.ledger.checkpoint import Checkpoint, sign_checkpoint
from goodoffices.lib.ledger.cosignature import CosignatureSigner, generate_cosigner
from goodoffices.lib.ledger.errors import (
    BundleFormatError,
    EntryTooLargeError,
    ResourceMissingError,
    TileError,
    TilePathError,
    WitnessError,
)
from goodoffices.lib.ledger.export import ArchiveFetcher, export_log, verify_export, write_archive
from goodoffices.lib.ledger.merkle import EMPTY_ROOT, leaf_hash, root_from_leaf_hashes
from goodoffices.lib.ledger.note import Ed25519Signer, generate_key
from goodoffices.lib.ledger.storage import MemoryHashStore, prove_tree
from goodoffices.lib.ledger.tile_audit import audit_tree
from goodoffices.lib.ledger.tiles import (
    Tile,
    bundles_for_size,
    decode_bundle,
    encode_bundle,
    encode_index,
    parse_tile_path,
    read_tile_data,
    split_tile,
    tiles_for_size,
)
from goodoffices.lib.ledger.verify import CheckpointState, VerifyResult, verify_log
from goodoffices.lib.ledger.witness import (
    AddCheckpointRequest,
    WitnessDecision,
    add_checkpoint,
    cosign_if_consistent,
    format_add_checkpoint,
    parse_add_checkpoint,
)

ORIGIN = "log.example/ledger"


def test_index_encoding() -> None:
    assert encode_index(0) == "000"
    assert encode_index(5) == "005"
    assert encode_index(1000) == "x001/000"
    assert encode_index(1234067) == "x001/x234/067"
    assert Tile(0, 1234067).path == "tile/0/x001/x234/067"
    assert Tile(3, 5, 17).path == "tile/3/005.p/17"
    assert Tile(0, 1234067, 1, entries=True).path == "tile/entries/x001/x234/067.p/1"


@given(st.integers(0, 63), st.integers(0, 10**12), st.integers(1, 256), st.booleans())
def test_path_round_trip(level: int, index: int, width: int, entries: bool) -> None:
    tile = Tile(0 if entries else level, index, width, entries)
    assert parse_tile_path(tile.path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/5",
        "tile/0/0005",
        "tile/00/005",
        "tile/64/005",
        "tile/-1/005",
        "tile/0/x000/005",
        "tile/0/x1/005",
        "tile/0/001/005",
        "tile/0/x001/x005",
        "tile/0/005.p/0",
        "tile/0/005.p/256",
        "tile/0/005.p/007",
        "tile/0/005.p/",
        "tile/0/005.p",
        "tile/0/005/",
        "tile/entries/005.p/300",
        "tile/entry/005",
        "tiles/0/005",
        "tile/0/x001.p/5",
        "tile/0/+05",
        "tile/0/\u0665\u0660\u0660",
        "/tile/0/005",
    ],
)
def test_malformed_paths(path: str) -> None:
    with pytest.raises(TilePathError):
        parse_tile_path(path)


def test_tiles_for_size_matches_spec_examples() -> None:
    tiles = tiles_for_size(70000)
    assert len([t for t in tiles if t.level == 0 and not t.partial]) == 273
    assert [t.width for t in tiles if t.partial] == [112, 17, 1]
    assert [t.path for t in tiles_for_size(256)] == ["tile/0/000", "tile/1/000.p/1"]
    assert tiles_for_size(0) == []
    assert [b.path for b in bundles_for_size(513)] == ["tile/entries/000", "tile/entries/001", "tile/entries/002.p/1"]


def test_bundles() -> None:
    entries = [b"", b"a", b"x" * 65535]
    data = encode_bundle(entries)
    assert decode_bundle(data, 3) == entries
    with pytest.raises(EntryTooLargeError):
        encode_bundle([b"x" * 65536])
    for bad in [data[:-1], data + b"\x00", data[:1]]:
        with pytest.raises(BundleFormatError):
            decode_bundle(bad, 3)
    with pytest.raises(BundleFormatError):
        decode_bundle(data, 2)
    with pytest.raises(BundleFormatError):
        decode_bundle(encode_bundle([b""] * 256) + b"\x00\x00")


def entry(i: int) -> bytes:
    return f"entry {i}".encode()


class Log:
    """A served log: the stored-hash tree, its signed checkpoints and the tiles, as files."""

    def __init__(self, size: int, witnesses: list[CosignatureSigner] | None = None) -> None:
        skey, self.vkey = generate_key(ORIGIN)
        self.signer = Ed25519Signer.from_skey(skey)
        self.witnesses = witnesses or []
        self.store = MemoryHashStore()
        self.files: dict[str, bytes] = {}
        self.grow(size)

    def grow(self, size: int) -> None:
        self.store.extend(entry(i) for i in range(self.store.size, size))
        self.publish()

    def publish(self) -> None:
        size = self.store.size
        self.checkpoint = Checkpoint(ORIGIN, size, self.store.root())
        self.files["checkpoint"] = sign_checkpoint(self.checkpoint, [self.signer, *self.witnesses])
        for tile in tiles_for_size(size):
            self.files[tile.path] = read_tile_data(tile, size, self.store)
        for b in bundles_for_size(size):
            first = b.index * 256
            self.files[b.path] = encode_bundle([entry(i) for i in range(first, first + b.width)])

    def fetch(self, path: str) -> bytes:
        try:
            return self.files[path]
        except KeyError:
            raise ResourceMissingError(path) from None


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 3000))
def test_tile_data_and_audit(size: int) -> None:
    log = Log(size)
    leaves = [leaf_hash(entry(i)) for i in range(size)]
    level0 = [t for t in tiles_for_size(size) if t.level == 0]
    assert b"".join(log.files[t.path] for t in level0) == b"".join(leaves)
    assert [split_tile(log.files[t.path], t.width)[0] for t in level0] == leaves[::256]
    prev = size // 3
    audit = audit_tree(size, log.fetch, [prev])
    assert audit.failures == []
    assert audit.root == root_from_leaf_hashes(leaves)
    assert audit.roots[prev] == root_from_leaf_hashes(leaves[:prev])
    assert audit.entries_checked == size


def test_read_tile_data_refuses_missing_tiles() -> None:
    log = Log(300)
    with pytest.raises(TileError):
        read_tile_data(Tile(0, 1), 300, log.store)
    with pytest.raises(TileError):
        read_tile_data(Tile(1, 0, 2), 300, log.store)


def test_verify_log_happy_and_witnesses() -> None:
    w = [generate_cosigner(f"w{i}.example") for i in range(3)]
    log = Log(1000, w[:2])
    keys = [x.verifier.vkey for x in w]
    result = verify_log(log.fetch, log.vkey, keys, 2)
    assert result.ok, result.verdict
    assert result.verdict.startswith("OK: log.example/ledger at size 1000, 1000 entries re-hashed")
    assert result.witnesses == ("w0.example", "w1.example")
    assert result.state == CheckpointState(ORIGIN, 1000, log.store.root())
    failed = verify_log(log.fetch, log.vkey, keys, 3)
    assert not failed.ok
    assert [f.code for f in failed.failures] == ["witnesses"]


def codes(result: VerifyResult) -> list[str]:
    return [f.code for f in result.failures]


def test_verify_log_names_each_failure() -> None:
    log = Log(600)
    # A changed entry, re-served consistently in its bundle: the tile no longer matches.
    log.files["tile/entries/000"] = encode_bundle([entry(i) if i != 17 else b"evil" for i in range(256)])
    result = verify_log(log.fetch, log.vkey, [], 0)
    assert "entry 17 does not match its leaf hash" in [f.message for f in result.failures]
    assert "root-mismatch" in codes(result)
    assert result.verdict.startswith("FAILED: entry 17 does not match its leaf hash")

    log = Log(600)
    del log.files["tile/entries/001"]
    assert "missing resource tile/entries/001" in [f.message for f in verify_log(log.fetch, log.vkey, [], 0).failures]

    log = Log(70000)
    bad = bytearray(log.files["tile/1/000"])
    bad[0] ^= 1
    log.files["tile/1/000"] = bytes(bad)
    assert codes(verify_log(log.fetch, log.vkey, [], 0)) == ["tile-mismatch"]

    log = Log(10)
    _, other_vkey = generate_key(ORIGIN)
    assert codes(verify_log(log.fetch, other_vkey, [], 0)) == ["signature"]
    del log.files["checkpoint"]
    assert codes(verify_log(log.fetch, log.vkey, [], 0)) == ["missing"]


def test_verify_log_rollback_and_fork() -> None:
    log = Log(9)
    seen = verify_log(log.fetch, log.vkey, [], 0).state
    assert seen is not None
    small = Log(5)
    small.signer, small.vkey = log.signer, log.vkey
    small.publish()
    result = verify_log(small.fetch, log.vkey, [], 0, seen)
    assert result.failures[0].message == "rollback: tree size 5 < previously seen 9"

    log.grow(20)
    assert verify_log(log.fetch, log.vkey, [], 0, seen).ok
    forked = CheckpointState(ORIGIN, 9, leaf_hash(b"other"))
    result = verify_log(log.fetch, log.vkey, [], 0, forked)
    assert codes(result) == ["fork"]
    assert result.failures[0].message.startswith("fork: the tree at previously seen size 9 has root")
    same_size = CheckpointState(ORIGIN, 20, leaf_hash(b"other"))
    assert codes(verify_log(log.fetch, log.vkey, [], 0, same_size)) == ["fork"]


def test_partial_tile_falls_back_to_full() -> None:
    log = Log(300)
    checkpoint_300 = log.files["checkpoint"]
    log.grow(512)
    log.files["checkpoint"] = checkpoint_300
    for path in ["tile/0/001.p/44", "tile/entries/001.p/44"]:
        log.files.pop(path, None)
    assert verify_log(log.fetch, log.vkey, [], 0).ok


def test_export_round_trip(tmp_path: object) -> None:
    log = Log(700)
    buf = io.BytesIO()
    assert export_log(buf, log.fetch) == 700
    buf.seek(0)
    assert verify_export(buf, log.vkey, [], 0).ok
    with ArchiveFetcher(io.BytesIO(buf.getvalue())) as fetch, pytest.raises(ResourceMissingError):
        fetch("tile/0/009")
    assert not verify_export(io.BytesIO(b"not a zip"), log.vkey, [], 0).ok
    with pytest.raises(TilePathError):
        write_archive(io.BytesIO(), {"checkpoint": b"", "../etc/passwd": b""})


Call = Callable[[AddCheckpointRequest, dict[str, CheckpointState]], WitnessDecision]


def _witness_setup() -> tuple[Log, CosignatureSigner, Call]:
    log = Log(10)
    w = CosignatureSigner("w.example", generate_cosigner("w.example").private_key, clock=lambda: 1700000000)
    logs = {ORIGIN: [log.signer.verifier]}
    return log, w, lambda req, latest: add_checkpoint(req, logs, latest, w)


def test_witness_add_checkpoint() -> None:
    log, _, call = _witness_setup()
    first = call(parse_add_checkpoint(format_add_checkpoint(0, [], log.files["checkpoint"])), {})
    assert first.status == 200, first.reason
    assert first.body.startswith("\u2014 w.example ".encode())
    state = first.state
    assert state is not None
    old_root = log.checkpoint.root
    log.grow(25)
    proof = prove_tree(25, 10, log.store)
    body = format_add_checkpoint(10, proof, log.files["checkpoint"])
    assert call(parse_add_checkpoint(body), {ORIGIN: state}).status == 200
    assert call(parse_add_checkpoint(body), {}).status == 409
    conflict = call(parse_add_checkpoint(format_add_checkpoint(0, [], log.files["checkpoint"])), {ORIGIN: state})
    assert conflict.body == b"10\n"
    cp = log.files["checkpoint"]
    bad = [bytes(32), *proof[1:]]
    assert call(parse_add_checkpoint(format_add_checkpoint(10, bad, cp)), {ORIGIN: state}).status == 422
    assert call(parse_add_checkpoint(format_add_checkpoint(30, [], cp)), {}).status == 400
    assert call(parse_add_checkpoint(format_add_checkpoint(0, proof, cp)), {}).status == 422
    unknown = Log(3)
    assert call(parse_add_checkpoint(format_add_checkpoint(0, [], unknown.files["checkpoint"])), {}).status == 403
    elsewhere = Log(3)
    elsewhere.files["checkpoint"] = elsewhere.files["checkpoint"].replace(ORIGIN.encode(), b"other.example", 1)
    assert call(parse_add_checkpoint(format_add_checkpoint(0, [], elsewhere.files["checkpoint"])), {}).status == 404
    fork = CheckpointState(ORIGIN, 10, leaf_hash(b"x"))
    assert call(parse_add_checkpoint(body), {ORIGIN: fork}).status == 422
    assert old_root != log.checkpoint.root
    for raw in [b"old 01\n\n", b"old 1\nnot-base64\n\n", b"old 1\n", b"new 1\n\n"]:
        with pytest.raises(WitnessError):
            parse_add_checkpoint(raw + log.files["checkpoint"])


def test_cosign_if_consistent() -> None:
    log, w, _ = _witness_setup()
    seen = CheckpointState.of(log.checkpoint)
    log.grow(12)
    line = cosign_if_consistent(log.checkpoint, seen, prove_tree(12, 10, log.store), w)
    assert line.startswith("\u2014 w.example ")
    with pytest.raises(WitnessError, match="rollback"):
        cosign_if_consistent(Checkpoint(ORIGIN, 3, EMPTY_ROOT), seen, [], w)
    with pytest.raises(WitnessError, match="fork"):
        cosign_if_consistent(log.checkpoint, CheckpointState(ORIGIN, 10, leaf_hash(b"x")), [], w)
