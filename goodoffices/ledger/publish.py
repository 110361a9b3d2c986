"""Publish the log as static files: the C2SP tlog-tiles paths as a directory tree.

Full tiles and full entry bundles never change, so a static server or a CDN can serve them for
ever, as Tessera and Sigstore's Rekor v2 do; the checkpoint is the one file that changes. A
publication writes every tile and bundle the current checkpoint needs that is not there yet
(partial ones included: a client needs them to check that checkpoint, and their path names
their width, so they never change either), then the checkpoint, each by an atomic rename, the
checkpoint last: a reader never sees a checkpoint whose tiles are missing, nor half a file.

It never rewrites a tile or a bundle. One that is already there is compared with the log, and
one that differs stops the publication before anything is written: the directory holds another
log, or someone altered it. The bytes are the ones the log serves over HTTP (``LogView``).

Incremental: when the directory's checkpoint is one this log signed a tree for (same origin,
same root at its size), every full tile and bundle that checkpoint needed was published before
it and is not read again. ``recheck`` compares them all, cheaply: tiles against the stored
hashes, bundles by their entries' leaf hashes against the level-0 tiles.
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from goodoffices.lib.ledger import Checkpoint, leaf_hash
from goodoffices.lib.ledger.errors import LedgerError
from goodoffices.lib.ledger.note import parse_note
from goodoffices.lib.ledger.tiles import (
    TILE_WIDTH,
    Tile,
    bundles_for_size,
    decode_bundle,
    split_tile,
    tile_hash_count,
    tiles_for_size,
)

from .checkpoints import signed_checkpoint
from .log import LogView

CHECKPOINT = "checkpoint"


class PublishRefused(Exception):
    """The directory cannot take this log's files; nothing was written."""


@dataclass(frozen=True)
class Publication:
    size: int
    previous: int  # the size of the checkpoint the directory held (0: none)
    written: int
    unchanged: int
    skipped: int  # full tiles and bundles published with the previous checkpoint, not read again


def ledger_publish(dest: Path, *, recheck: bool = False) -> Publication:
    """Publish the current checkpoint and everything it needs under ``dest``.
    Raises ``PublishRefused`` (and ``LogKeyUnavailable`` when the log cannot sign)."""
    if dest.exists() and not dest.is_dir():
        raise PublishRefused(f"{dest} is not a directory")
    view = LogView.current()
    signed = signed_checkpoint(view)
    previous = _previous_size(dest, view, signed.checkpoint.origin)
    trusted = 0 if recheck else previous
    missing: list[Tile] = []
    unchanged = skipped = 0
    # Every file already there is checked before anything is written: a refusal writes nothing.
    for tile in [*tiles_for_size(view.size), *bundles_for_size(view.size)]:
        if not tile.partial and tile_hash_count(tile, trusted) >= TILE_WIDTH:
            skipped += 1
        elif (dest / tile.path).exists():
            _check_published(view, tile, dest / tile.path)
            unchanged += 1
        else:
            missing.append(tile)
    for tile in missing:
        _write(dest / tile.path, view.bundle(tile) if tile.entries else view.tile(tile))
    _write(dest / CHECKPOINT, signed.note)
    return Publication(view.size, previous, len(missing), unchanged, skipped)


def _previous_size(dest: Path, view: LogView, origin: str) -> int:
    """The size of the checkpoint already in ``dest``, once it is known to be this log's."""
    try:
        data = (dest / CHECKPOINT).read_bytes()
    except FileNotFoundError:
        return 0
    try:
        previous = Checkpoint.parse(parse_note(data).text)
    except LedgerError as exc:
        raise PublishRefused(f"{dest / CHECKPOINT} is not a checkpoint: {exc}") from None
    if previous.origin != origin:
        raise PublishRefused(f"{dest} holds the log {previous.origin!r}, not {origin!r}")
    if previous.size > view.size:
        raise PublishRefused(f"{dest} holds a checkpoint at size {previous.size}, beyond this log's {view.size}")
    if LogView(previous.size).root != previous.root:
        raise PublishRefused(
            f"{dest} holds a checkpoint at size {previous.size} whose root is not this log's at that size"
        )
    return previous.size


def _check_published(view: LogView, tile: Tile, path: Path) -> None:
    data = path.read_bytes()
    if tile.entries:
        expected = split_tile(view.tile(Tile(0, tile.index, tile.width)), tile.width)
        try:
            same = [leaf_hash(entry) for entry in decode_bundle(data, tile.width)] == expected
        except LedgerError:
            same = False
    else:
        same = data == view.tile(tile)
    if not same:
        raise PublishRefused(
            f"{path} is already there with other content, and a published tile is never rewritten: "
            "the directory holds another log's files or was altered"
        )


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary name beside ``path``, flush it to disk, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
