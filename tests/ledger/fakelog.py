"""A log served from memory by the lib alone: to show a witness or verifier a fork or a rollback."""

from goodoffices.lib.ledger import Checkpoint, Ed25519Signer, MemoryHashStore, sign_checkpoint
from goodoffices.lib.ledger.errors import ResourceMissingError
from goodoffices.lib.ledger.tiles import TILE_WIDTH, bundles_for_size, encode_bundle, read_tile_data, tiles_for_size


def fake_log(entries: list[bytes], signer: Ed25519Signer, origin: str):
    store = MemoryHashStore()
    store.extend(entries)
    size = len(entries)
    files = {"checkpoint": sign_checkpoint(Checkpoint(origin, size, store.root()), [signer])}
    for tile in tiles_for_size(size):
        files[tile.path] = read_tile_data(tile, size, store)
    for bundle in bundles_for_size(size):
        first = bundle.index * TILE_WIDTH
        files[bundle.path] = encode_bundle(entries[first : first + bundle.width])

    def fetch(path: str) -> bytes:
        try:
            return files[path]
        except KeyError:
            raise ResourceMissingError(path) from None

    return fetch
