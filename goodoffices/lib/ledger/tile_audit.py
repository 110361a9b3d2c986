"""Client side of tlog-tiles: fetch every tile and bundle of a tree and recompute it.

This is the verifier's workhorse. Given a tree size and ``fetch(path) ->
bytes`` it re-hashes every entry, checks every level-0 hash against its
entry, rebuilds the tree bottom-up, checks every higher tile hash against the
subtree it covers, and yields the root at the tree size and at any earlier
sizes asked for (to check consistency with previously seen checkpoints).
Problems are collected as named :class:`Failure` records, not raised, so a
report lists all of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .errors import BundleFormatError, ResourceMissingError, ResourceUnavailableError, TileError
from .merkle import EMPTY_ROOT
from .progress import SILENT, Progress
from .tiles import TILE_HEIGHT, TILE_WIDTH, Tile, bundles_for_size, decode_bundle, split_tile, tiles_for_size

Fetch = Callable[[str], bytes]
# Called with each entry's index and bytes as it is read (the verifier looks for key handovers).
OnEntry = Callable[[int, bytes], None]

# Past this many, listing more entry failures does not help anyone.
MAX_REPORTED = 50


@dataclass(frozen=True)
class Failure:
    """One named verification failure: a stable ``code`` and a one-line message."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class TreeAudit:
    size: int
    failures: list[Failure] = field(default_factory=list)
    roots: dict[int, bytes] = field(default_factory=dict)
    entries_checked: int = 0
    suppressed: int = 0

    def fail(self, code: str, message: str) -> None:
        if len(self.failures) < MAX_REPORTED:
            self.failures.append(Failure(code, message))
        else:
            self.suppressed += 1

    @property
    def root(self) -> bytes | None:
        return self.roots.get(self.size)


def _fetch(fetch: Fetch, tile: Tile, audit: TreeAudit) -> bytes | None:
    """Fetch a tile; a missing partial tile may be replaced by the prefix of its full tile."""
    try:
        return fetch(tile.path)
    except ResourceUnavailableError as exc:
        audit.fail("unavailable", f"the log cannot serve {exc}")
        return None
    except ResourceMissingError:
        pass
    if tile.partial:
        try:
            data = fetch(tile.full().path)
        except ResourceMissingError:
            pass
        else:
            if tile.entries:
                try:
                    return _reencode_prefix(data, tile.width)
                except BundleFormatError as exc:
                    audit.fail("bad-bundle", f"{tile.full().path}: {exc}")
                    return None
            return data[: tile.width * 32]
    audit.fail("missing", f"missing resource {tile.path}")
    return None


def _reencode_prefix(data: bytes, width: int) -> bytes:
    entries = decode_bundle(data, TILE_WIDTH)[:width]
    return b"".join(len(e).to_bytes(2, "big") + e for e in entries)


def _leaf_hashes(  # noqa: C901 - each malformed bundle is named by its own check
    size: int, fetch: Fetch, audit: TreeAudit, on_entry: OnEntry | None, progress: Progress
) -> list[bytes] | None:
    """Leaf hashes from the entries, cross-checked with the level-0 tiles."""
    hashes: list[bytes | None] = [None] * size
    progress.stage("entries", size)
    for bundle in bundles_for_size(size):
        progress.advance(bundle.width)
        data = _fetch(fetch, bundle, audit)
        if data is None:
            continue
        try:
            entries = decode_bundle(data, bundle.width)
        except BundleFormatError as exc:
            audit.fail("bad-bundle", f"{bundle.path}: {exc}")
            continue
        first = bundle.index * TILE_WIDTH
        sha = hashlib.sha256
        hashes[first : first + len(entries)] = [sha(b"\x00" + e).digest() for e in entries]
        if on_entry is not None:
            for i, e in enumerate(entries):
                on_entry(first + i, e)
        audit.entries_checked += len(entries)
    progress.stage("leaf hashes", size)
    for tile in (t for t in tiles_for_size(size) if t.level == 0):
        progress.advance(tile.width)
        data = _fetch(fetch, tile, audit)
        if data is None:
            continue
        try:
            row = split_tile(data, tile.width)
        except TileError as exc:
            audit.fail("bad-tile", f"{tile.path}: {exc}")
            continue
        first = tile.index * TILE_WIDTH
        for i, h in enumerate(row):
            mine = hashes[first + i]
            if mine is None:
                # No entry to check against: the tile's hash is all there is.
                hashes[first + i] = h
            elif mine != h:
                audit.fail("entry-mismatch", f"entry {first + i} does not match its leaf hash")
    if any(h is None for h in hashes):
        audit.fail("incomplete", f"cannot recompute the tree of size {size}: leaves are missing")
        return None
    return [h for h in hashes if h is not None]


def _check_upper_tiles(level: int, row: Sequence[bytes], size: int, fetch: Fetch, audit: TreeAudit) -> None:
    """Compare the level-``level`` tiles with the complete subtree hashes computed from below."""
    for tile in (t for t in tiles_for_size(size) if t.level == level):
        data = _fetch(fetch, tile, audit)
        if data is None:
            continue
        try:
            hashes = split_tile(data, tile.width)
        except TileError as exc:
            audit.fail("bad-tile", f"{tile.path}: {exc}")
            continue
        first = tile.index * TILE_WIDTH
        for i, h in enumerate(hashes):
            if row[first + i] != h:
                audit.fail("tile-mismatch", f"{tile.path} hash {i} does not match the subtree it covers")


def audit_tree(
    size: int,
    fetch: Fetch,
    earlier_sizes: Sequence[int] = (),
    on_entry: OnEntry | None = None,
    progress: Progress = SILENT,
) -> TreeAudit:
    """Fetch and recompute the tree of ``size`` leaves; also compute the roots at ``earlier_sizes``.

    ``on_entry`` sees every entry read; only a root that matches a signed checkpoint makes them true.
    ``progress`` hears of the entries read, then of the level-0 tiles checked, in entries."""
    audit = TreeAudit(size)
    wanted = sorted({s for s in (*earlier_sizes, size) if 0 <= s <= size})
    if size == 0:
        audit.roots = dict.fromkeys(wanted, EMPTY_ROOT)
        return audit
    row = _leaf_hashes(size, fetch, audit, on_entry, progress)
    if row is None:
        return audit
    # For each wanted size, the complete subtrees its root folds, largest first.
    parts: dict[int, list[bytes]] = {s: [] for s in wanted}
    sha = hashlib.sha256
    level = 0
    while row:
        for s in wanted:
            if s >> level & 1:
                parts[s].append(row[(s >> level) - 1])
        if level and level % TILE_HEIGHT == 0:
            _check_upper_tiles(level // TILE_HEIGHT, row, size, fetch, audit)
        row = [sha(b"\x01" + row[i] + row[i + 1]).digest() for i in range(0, len(row) - 1, 2)]
        level += 1
    for s in wanted:
        if s == 0:
            audit.roots[s] = EMPTY_ROOT
            continue
        subtrees = parts[s]
        h = subtrees[0]
        for left in subtrees[1:]:
            h = sha(b"\x01" + left + h).digest()
        audit.roots[s] = h
    return audit
