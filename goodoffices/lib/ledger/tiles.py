"""Tiles and entry bundles (c2sp.org/tlog-tiles), tile height 8.

Paths are ``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]``, with
``N`` written in 3-digit groups, all but the last prefixed by ``x``
(1234067 -> ``x001/x234/067``). Parsing is strict: any path that is not the
canonical encoding of a tile is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import BundleFormatError, EntryTooLargeError, TileError, TilePathError
from .merkle import HASH_SIZE
from .storage import HashReader, stored_hash_index

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_LEVEL = 63
MAX_ENTRY_SIZE = 0xFFFF

_LEVEL = re.compile(r"0|[1-9][0-9]?")
_WIDTH = re.compile(r"[1-9][0-9]{0,2}")
_GROUP = re.compile(r"x[0-9]{3}")
_LAST = re.compile(r"[0-9]{3}")


@dataclass(frozen=True)
class Tile:
    """A Merkle tile (``level >= 0``) or an entry bundle (``entries`` true, ``level`` 0)."""

    level: int
    index: int
    width: int = TILE_WIDTH
    entries: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.level <= MAX_LEVEL:
            raise TilePathError(f"tile level {self.level} is not in 0..{MAX_LEVEL}")
        if self.entries and self.level != 0:
            raise TilePathError("entry bundles have no level")
        if self.index < 0:
            raise TilePathError(f"tile index {self.index} is negative")
        if not 1 <= self.width <= TILE_WIDTH:
            raise TilePathError(f"tile width {self.width} is not in 1..{TILE_WIDTH}")

    @property
    def partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def path(self) -> str:
        head = "tile/entries" if self.entries else f"tile/{self.level}"
        tail = f".p/{self.width}" if self.partial else ""
        return f"{head}/{encode_index(self.index)}{tail}"

    def full(self) -> Tile:
        return Tile(self.level, self.index, TILE_WIDTH, self.entries)


def encode_index(n: int) -> str:
    """Encode a tile index as 3-digit path elements (``x001/x234/067``)."""
    if n < 0:
        raise TilePathError(f"tile index {n} is negative")
    digits = str(n)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


def parse_tile_path(path: str) -> Tile:  # noqa: C901 - each malformed path is named by its own check (C2SP tlog-tiles)
    """Parse a tile or entry-bundle path, refusing every non-canonical form."""
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "tile":
        raise TilePathError(f"{path!r} is not a tile path")
    entries = parts[1] == "entries"
    if entries:
        level = 0
    elif _LEVEL.fullmatch(parts[1]):
        level = int(parts[1])
        if level > MAX_LEVEL:
            raise TilePathError(f"tile level {level} is above {MAX_LEVEL}")
    else:
        raise TilePathError(f"tile level {parts[1]!r} is not a decimal without leading zeros")
    rest = parts[2:]
    width = TILE_WIDTH
    if rest[-1] != "" and len(rest) >= 2 and rest[-2].endswith(".p"):
        w = rest[-1]
        if not _WIDTH.fullmatch(w) or int(w) >= TILE_WIDTH:
            raise TilePathError(f"partial tile width {w!r} is not a decimal in 1..255")
        width = int(w)
        rest = rest[:-1]
        rest[-1] = rest[-1][:-2]
    for group in rest[:-1]:
        if not _GROUP.fullmatch(group):
            raise TilePathError(f"tile index element {group!r} is not x followed by 3 digits")
    if not _LAST.fullmatch(rest[-1]):
        raise TilePathError(f"last tile index element {rest[-1]!r} is not 3 digits")
    if len(rest) > 1 and rest[0] == "x000":
        raise TilePathError("tile index has a leading zero group")
    index = int("".join(g.lstrip("x") for g in rest))
    tile = Tile(level, index, width, entries)
    if tile.path != path:
        raise TilePathError(f"{path!r} is not in canonical form")
    return tile


def tiles_for_size(size: int) -> list[Tile]:
    """Every Merkle tile a client needs for a tree of ``size`` leaves (full, then partial, per level)."""
    tiles: list[Tile] = []
    level = 0
    while size >> (TILE_HEIGHT * level):
        count = size >> (TILE_HEIGHT * level)
        tiles.extend(Tile(level, n) for n in range(count // TILE_WIDTH))
        if count % TILE_WIDTH:
            tiles.append(Tile(level, count // TILE_WIDTH, count % TILE_WIDTH))
        level += 1
    return tiles


def bundles_for_size(size: int) -> list[Tile]:
    """Every entry bundle of a tree of ``size`` leaves."""
    bundles = [Tile(0, n, entries=True) for n in range(size // TILE_WIDTH)]
    if size % TILE_WIDTH:
        bundles.append(Tile(0, size // TILE_WIDTH, size % TILE_WIDTH, entries=True))
    return bundles


def tile_hash_count(tile: Tile, tree_size: int) -> int:
    """How many hashes of ``tile``'s row exist in a tree of ``tree_size`` (to check a tile may be served)."""
    return (tree_size >> (TILE_HEIGHT * tile.level)) - tile.index * TILE_WIDTH


def read_tile_data(tile: Tile, tree_size: int, reader: HashReader) -> bytes:
    """Content of a Merkle tile for a tree of ``tree_size`` leaves, from stored hashes."""
    if tile.entries:
        raise TileError("entry bundles are not made of stored hashes")
    if tile_hash_count(tile, tree_size) < tile.width:
        raise TileError(f"{tile.path} does not exist in a tree of size {tree_size}")
    level = TILE_HEIGHT * tile.level
    first = tile.index * TILE_WIDTH
    hashes = reader.read_hashes([stored_hash_index(level, first + i) for i in range(tile.width)])
    if len(hashes) != tile.width or any(len(h) != HASH_SIZE for h in hashes):
        raise TileError(f"stored hashes for {tile.path} are incomplete")
    return b"".join(hashes)


def split_tile(data: bytes, width: int) -> list[bytes]:
    """Split tile content into hashes, refusing a wrong length."""
    if len(data) != width * HASH_SIZE:
        raise TileError(f"tile has {len(data)} bytes, want {width * HASH_SIZE}")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def encode_bundle(entries: Sequence[bytes]) -> bytes:
    """Concatenate entries, each prefixed by its big-endian uint16 length."""
    if len(entries) > TILE_WIDTH:
        raise BundleFormatError(f"a bundle holds at most {TILE_WIDTH} entries")
    out = bytearray()
    for i, entry in enumerate(entries):
        if len(entry) > MAX_ENTRY_SIZE:
            raise EntryTooLargeError(f"entry {i} is {len(entry)} bytes long, the limit is {MAX_ENTRY_SIZE}")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_bundle(data: bytes, count: int | None = None) -> list[bytes]:
    """Split an entry bundle, refusing truncation, trailing bytes, or a wrong entry count."""
    entries: list[bytes] = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise BundleFormatError(f"truncated length prefix at byte {pos}")
        length = int.from_bytes(data[pos : pos + 2], "big")
        pos += 2
        if pos + length > len(data):
            raise BundleFormatError(f"entry {len(entries)} is truncated")
        entries.append(data[pos : pos + length])
        pos += length
        if len(entries) > TILE_WIDTH:
            raise BundleFormatError(f"bundle has more than {TILE_WIDTH} entries")
    if count is not None and len(entries) != count:
        raise BundleFormatError(f"bundle has {len(entries)} entries, want {count}")
    return entries
