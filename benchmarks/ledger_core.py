"""Benchmark of the ledger core against pymerkle 7 and the raw hashlib bound.

Run: ``.venv/bin/python benchmarks/ledger_core.py [--n 1000000] [--proofs 2000]``.
Prints one line per operation: our time, pymerkle's time and their ratio.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import random
import sys
import time
import warnings
from collections.abc import Callable
from typing import TypeVar

from pymerkle import InmemoryTree
from pymerkle import verify_consistency as pm_verify_consistency
from pymerkle import verify_inclusion as pm_verify_inclusion

from goodoffices.lib.ledger.merkle import leaf_hash, root_from_leaf_hashes, verify_consistency, verify_inclusion
from goodoffices.lib.ledger.storage import MemoryHashStore, prove_record, prove_tree, tree_hash
from goodoffices.lib.ledger.tile_audit import audit_tree
from goodoffices.lib.ledger.tiles import bundles_for_size, encode_bundle, read_tile_data, tiles_for_size

T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:8.2f} s "
    if seconds >= 1e-3:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds * 1e6:8.2f} µs"


def row(label: str, ours: float, theirs: float | None = None) -> None:
    line = f"{label:<50} ours {fmt(ours)}"
    if theirs is not None:
        line += f"   pymerkle {fmt(theirs)}   pymerkle/ours {theirs / ours:7.1f}x"
    print(line, flush=True)


def main(argv: list[str]) -> None:  # noqa: C901 - a script printing one figure after another
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="number of entries (default 10^6)")
    parser.add_argument("--proofs", type=int, default=2000, help="proofs per measurement")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    n, reps = args.n, args.proofs
    rng = random.Random(args.seed)
    entries = [b"entry %d" % i for i in range(n)]
    print(f"n = {n:,} entries, {reps:,} proofs per measurement, Python {sys.version.split()[0]}")

    sha = hashlib.sha256

    def raw_bound() -> None:
        for e in entries:
            h = sha(b"\x00" + e).digest()
            sha(b"\x01" + h + h).digest()

    t, _ = timed(raw_bound)
    row("hashlib bound: 2 SHA-256 per leaf", t)

    store = MemoryHashStore()
    t_ours, _ = timed(lambda: store.extend(entries))
    tree = InmemoryTree(algorithm="sha256")
    t_pm, _ = timed(lambda: [tree.append_entry(e) for e in entries])  # pymerkle has no faster bulk path
    row(f"append {n:,} entries", t_ours, t_pm)
    root = store.root()
    assert tree.get_root() == root == tree_hash(n, store)

    indexes = [rng.randrange(n) for _ in range(reps)]
    t_ours, ours_proofs = timed(lambda: [prove_record(n, i, store) for i in indexes])
    t_pm, pm_proofs = timed(lambda: [tree.prove_inclusion(i + 1, n) for i in indexes])
    row(f"inclusion proof at {n:,} (per proof)", t_ours / reps, t_pm / reps)

    leaves = [leaf_hash(entries[i]) for i in indexes]

    def ours_verify_inclusion() -> None:
        for i, leaf, proof in zip(indexes, leaves, ours_proofs, strict=True):
            verify_inclusion(i, n, leaf, proof, root)

    def pm_verify_all_inclusion() -> None:
        for i, proof in zip(indexes, pm_proofs, strict=True):
            pm_verify_inclusion(tree.get_leaf(i + 1), root, proof)

    t_ours, _ = timed(ours_verify_inclusion)
    t_pm, _ = timed(pm_verify_all_inclusion)
    row("inclusion verify (per proof)", t_ours / reps, t_pm / reps)

    olds = [rng.randrange(1, n) for _ in range(reps)]
    t_ours, ours_cons = timed(lambda: [prove_tree(n, m, store) for m in olds])
    t_pm, pm_cons = timed(lambda: [tree.prove_consistency(m, n) for m in olds])
    row(f"consistency proof m -> {n:,} (per proof)", t_ours / reps, t_pm / reps)

    old_roots = [tree_hash(m, store) for m in olds]

    def ours_verify_consistency() -> None:
        for m, old, proof in zip(olds, old_roots, ours_cons, strict=True):
            verify_consistency(m, n, proof, old, root)

    def pm_verify_all_consistency() -> None:
        for old, proof in zip(old_roots, pm_cons, strict=True):
            pm_verify_consistency(old, root, proof)

    t_ours, _ = timed(ours_verify_consistency)
    t_pm, _ = timed(pm_verify_all_consistency)
    row("consistency verify (per proof)", t_ours / reps, t_pm / reps)

    t_ours, ours_root = timed(lambda: root_from_leaf_hashes([sha(b"\x00" + e).digest() for e in entries]))
    t_pm, pm_root = timed(lambda: InmemoryTree.init_from_entries(entries, algorithm="sha256").get_root())
    assert ours_root == pm_root == root
    row(f"full recompute of the root from {n:,} entries", t_ours, t_pm)

    files: dict[str, bytes] = {}
    t_pub, _ = timed(lambda: files.update({t.path: read_tile_data(t, n, store) for t in tiles_for_size(n)}))
    for b in bundles_for_size(n):
        files[b.path] = encode_bundle(entries[b.index * 256 : b.index * 256 + b.width])
    row(f"tile data for all {len(tiles_for_size(n)):,} tiles from stored hashes", t_pub)
    t_audit, audit = timed(lambda: audit_tree(n, files.__getitem__, [n // 2]))
    assert audit.root == root
    assert not audit.failures
    row("full verification from tiles and bundles", t_audit)


if __name__ == "__main__":
    warnings.simplefilter("ignore", DeprecationWarning)
    main(sys.argv[1:])
