"""Self-contained export archives: a zip of ``checkpoint`` and every ``tile/...`` path as served.

Verifying an archive runs the same :func:`.verify.verify_log` with a fetch
over the zip, so an export is checked exactly like the live log.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from .checkpoint import Checkpoint
from .errors import ArchiveError, LedgerError, ResourceMissingError, TilePathError
from .note import parse_note
from .progress import SILENT, Progress
from .tile_audit import Fetch
from .tiles import bundles_for_size, parse_tile_path, tiles_for_size
from .verify import CheckpointState, VerifyResult, verify_log

# Guards against zip bombs: the largest legitimate member is a full bundle of
# 256 maximal entries.
MAX_MEMBER_SIZE = 256 * (2 + 0xFFFF)

Target = str | Path | IO[bytes]


def write_archive(dest: Target, resources: Mapping[str, bytes], progress: Progress = SILENT) -> None:
    """Write ``resources`` (path -> bytes, as served) into a zip archive; ``progress`` hears of the
    entries whose bundles are written."""
    if "checkpoint" not in resources:
        raise ArchiveError("an export needs a checkpoint")
    tiles = {name: parse_tile_path(name) for name in resources if name != "checkpoint"}
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(resources):
            archive.writestr(name, resources[name])
            tile = tiles.get(name)
            if tile is not None and tile.entries:
                progress.advance(tile.width)


def export_log(dest: Target, fetch: Fetch, progress: Progress = SILENT) -> int:
    """Fetch a log's checkpoint and every tile and bundle it implies, and archive them. Returns the tree size.

    ``progress`` hears of the entries whose level-0 tiles, then bundles, are fetched, then of those written."""
    checkpoint = fetch("checkpoint")
    size = Checkpoint.parse(parse_note(checkpoint).text).size
    resources = {"checkpoint": checkpoint}
    progress.stage("tiles", size)
    for tile in tiles_for_size(size):
        resources[tile.path] = fetch(tile.path)
        if tile.level == 0:
            progress.advance(tile.width)
    progress.stage("entries", size)
    for bundle in bundles_for_size(size):
        resources[bundle.path] = fetch(bundle.path)
        progress.advance(bundle.width)
    progress.stage("archive", size)
    write_archive(dest, resources, progress)
    return size


class ArchiveFetcher:
    """``fetch(path)`` over an export archive; unknown paths raise :class:`ResourceMissingError`."""

    def __init__(self, source: Target) -> None:
        try:
            self._zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ArchiveError(f"not a readable zip archive: {exc}") from None
        names = self._zip.namelist()
        if len(set(names)) != len(names):
            raise ArchiveError("archive lists a path twice")
        for info in self._zip.infolist():
            if info.is_dir():
                continue
            if info.filename != "checkpoint":
                try:
                    parse_tile_path(info.filename)
                except TilePathError as exc:
                    raise ArchiveError(f"unexpected archive member: {exc}") from None
            if info.file_size > MAX_MEMBER_SIZE:
                raise ArchiveError(f"archive member {info.filename} is too large")
        self._names = set(names)

    def __call__(self, path: str) -> bytes:
        if path not in self._names:
            raise ResourceMissingError(path)
        return self._zip.read(path)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> ArchiveFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def verify_export(
    source: Target,
    log_verifier_key: str,
    witness_keys: Sequence[str],
    required_witnesses: int,
    previous_state: CheckpointState | None = None,
    progress: Progress = SILENT,
) -> VerifyResult:
    """Verify an export archive exactly as :func:`verify_log` verifies the live log."""
    try:
        fetcher = ArchiveFetcher(source)
    except LedgerError as exc:
        return VerifyResult(False, f"FAILED: {exc}")
    with fetcher:
        return verify_log(fetcher, log_verifier_key, witness_keys, required_witnesses, previous_state, progress)
