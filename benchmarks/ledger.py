"""Benchmark of the served ledger: the in-memory core beside pymerkle 7, then the same stored-hash
layout in SQLite and PostgreSQL, then the full platform path through Django.

Run: ``.venv/bin/python benchmarks/ledger.py [--n 1000000] [--db-n N] [--pg URL] [--django 2000]``.
Prints figures; asserts only that every store agrees on the roots.

* In memory (``ledger_core.py``, reused): the hashlib bound, appends, proofs, verification, each
  beside pymerkle 7 with the ratio.
* SQLite / PostgreSQL: appends exactly as ``ledger_append`` does them (read the O(log n) sibling
  hashes from the table, insert the new stored hashes), committed every 1,000 entries; then
  inclusion and consistency proofs read from the table, every tile served from the table, and the
  verifier's full check of the tree from those tiles.
* Django: ``event_record`` end to end (event row, counter lock, canonical JSON) on a temporary
  SQLite database, one transaction per event as the services run it; the leaves come with the
  next epoch, whose integration is timed too (``benchmarks/epochs.py`` compares both ways).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import ledger_core  # the in-memory benchmark beside this file

from goodoffices.lib.ledger import MemoryHashStore, prove_record, prove_tree, tree_hash
from goodoffices.lib.ledger.merkle import leaf_hash
from goodoffices.lib.ledger.storage import stored_hash_count, stored_hashes_for_append
from goodoffices.lib.ledger.tile_audit import audit_tree
from goodoffices.lib.ledger.tiles import TILE_WIDTH, bundles_for_size, encode_bundle, read_tile_data, tiles_for_size

BATCH = 1000
PROOFS = 1000


class Table(Protocol):
    """The stored-hash table of one database, as the server uses it."""

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]: ...

    def insert(self, rows: list[tuple[int, bytes]]) -> None: ...

    def commit(self) -> None: ...


class SqliteTable:
    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        # The settings the platform runs SQLite with.
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute('CREATE TABLE ledger_storedhash ("index" INTEGER PRIMARY KEY, hash BLOB NOT NULL)')
        self.db.execute("BEGIN IMMEDIATE")

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        if not indexes:
            return []
        marks = ",".join("?" * len(indexes))
        rows = dict(self.db.execute(f'SELECT "index", hash FROM ledger_storedhash WHERE "index" IN ({marks})', indexes))  # noqa: S608 - placeholders only
        return [rows[i] for i in indexes]

    def insert(self, rows: list[tuple[int, bytes]]) -> None:
        self.db.executemany('INSERT INTO ledger_storedhash ("index", hash) VALUES (?, ?)', rows)

    def commit(self) -> None:
        self.db.execute("COMMIT")
        self.db.execute("BEGIN IMMEDIATE")


class PostgresTable:
    def __init__(self, url: str) -> None:
        import psycopg

        self.db = psycopg.connect(url)
        with self.db.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_storedhash")
            cur.execute("CREATE TABLE bench_storedhash (index bigint PRIMARY KEY, hash bytea NOT NULL)")
        self.db.commit()

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        if not indexes:
            return []
        with self.db.cursor() as cur:
            cur.execute("SELECT index, hash FROM bench_storedhash WHERE index = ANY(%s)", (list(indexes),))
            rows = {i: bytes(h) for i, h in cur.fetchall()}
        return [rows[i] for i in indexes]

    def insert(self, rows: list[tuple[int, bytes]]) -> None:
        with self.db.cursor() as cur:
            cur.executemany("INSERT INTO bench_storedhash (index, hash) VALUES (%s, %s)", rows)

    def commit(self) -> None:
        self.db.commit()

    def drop(self) -> None:
        with self.db.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_storedhash")
        self.db.commit()
        self.db.close()


def append_all(table: Table, entries: Sequence[bytes]) -> None:
    """``ledger_append`` for every entry: read siblings, insert the new stored hashes."""
    for n, entry in enumerate(entries):
        hashes = stored_hashes_for_append(n, leaf_hash(entry), table)
        start = stored_hash_count(n)
        table.insert([(start + i, h) for i, h in enumerate(hashes)])
        if n % BATCH == BATCH - 1:
            table.commit()
    table.commit()


def bench_table(label: str, table: Table, entries: Sequence[bytes], root: bytes, seed: int) -> None:
    n = len(entries)
    t, _ = ledger_core.timed(lambda: append_all(table, entries))
    ledger_core.row(f"{label}: append {n:,} entries (commit per {BATCH:,})", t)
    ledger_core.row(f"{label}: per entry", t / n)
    assert tree_hash(n, table) == root
    rng = random.Random(seed)
    indexes = [rng.randrange(n) for _ in range(PROOFS)]
    t, _ = ledger_core.timed(lambda: [prove_record(n, i, table) for i in indexes])
    ledger_core.row(f"{label}: inclusion proof at {n:,} (per proof)", t / PROOFS)
    olds = [rng.randrange(1, n) for _ in range(PROOFS)]
    t, _ = ledger_core.timed(lambda: [prove_tree(n, m, table) for m in olds])
    ledger_core.row(f"{label}: consistency proof m -> {n:,} (per proof)", t / PROOFS)
    files: dict[str, bytes] = {}
    tiles = tiles_for_size(n)
    t, _ = ledger_core.timed(lambda: files.update({tile.path: read_tile_data(tile, n, table) for tile in tiles}))
    ledger_core.row(f"{label}: serve all {len(tiles):,} tiles from the table", t)
    for bundle in bundles_for_size(n):
        first = bundle.index * TILE_WIDTH
        files[bundle.path] = encode_bundle(entries[first : first + bundle.width])
    t, audit = ledger_core.timed(lambda: audit_tree(n, files.__getitem__))
    assert audit.root == root
    assert not audit.failures
    ledger_core.row(f"{label}: full verification of {n:,} from its tiles", t)


def postgres_url(url: str) -> str | None:
    """The scratch database, created if the server answers and it does not exist yet."""
    try:
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                admin.execute(f'CREATE DATABASE "{name}"')
        return url
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        print(f"PostgreSQL: skipped ({exc.__class__.__name__}: {exc})".splitlines()[0])
        return None


def bench_django(count: int) -> None:
    """``event_record`` through the platform, one service transaction per event."""
    data_dir = tempfile.mkdtemp(prefix="goodoffices-bench-")
    os.environ.update(
        {"GOODOFFICES_DATA_DIR": data_dir, "GOODOFFICES_DEMO": "true", "DJANGO_SETTINGS_MODULE": "goodoffices.settings"}
    )
    os.environ.pop("GOODOFFICES_DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from goodoffices.accounts.models import User
    from goodoffices.events.models import EventKind
    from goodoffices.events.services import event_record
    from goodoffices.ledger.audit import audit_log
    from goodoffices.ledger.integrate import integrate_epoch

    call_command("migrate", verbosity=0)
    subject = User.objects.create_user(username="bench", password="x" * 16)

    def record(i: int, audience: str) -> None:
        with transaction.atomic():
            event_record(kind=EventKind.DEMO_LOADED, actor=None, subject=subject, audience=audience, payload={"i": i})

    def run(audience: str, offset: int) -> None:
        for i in range(count):
            record(offset + i, audience)

    t, _ = ledger_core.timed(lambda: run("public", 0))
    ledger_core.row(f"django/sqlite: event_record, public (per event, {count:,})", t / count)
    t, _ = ledger_core.timed(lambda: run("sealed", count))  # sealed, and needs no process
    ledger_core.row(f"django/sqlite: event_record, sealed (per event, {count:,})", t / count)
    t, epoch = ledger_core.timed(lambda: integrate_epoch(force=True))
    assert epoch is not None
    ledger_core.row(f"django/sqlite: integrate them as one epoch ({epoch.events:,} events)", t)
    t, (size, problems) = ledger_core.timed(audit_log)
    assert not problems
    ledger_core.row(f"django/sqlite: `ledger audit` of {size:,} leaves", t)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="entries for the in-memory core and pymerkle")
    parser.add_argument("--db-n", type=int, help="entries for SQLite and PostgreSQL (default: --n)")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/goodoffices_bench", help="scratch DB")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--django", type=int, default=2000, help="events through event_record (0 to skip)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    db_n = args.db_n or args.n

    print("== in memory, beside pymerkle 7 (benchmarks/ledger_core.py) ==", flush=True)
    ledger_core.main(["--n", str(args.n), "--proofs", "2000", "--seed", str(args.seed)])

    entries = [b"entry %d" % i for i in range(db_n)]
    store = MemoryHashStore()
    store.extend(entries)
    root = store.root()

    print(f"== SQLite, same stored-hash layout, n = {db_n:,} ==", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        bench_table("sqlite", SqliteTable(Path(tmp) / "bench.sqlite3"), entries, root, args.seed)

    if not args.no_pg:
        url = postgres_url(args.pg)
        if url is not None:
            print(f"== PostgreSQL, same stored-hash layout, n = {db_n:,} ==", flush=True)
            table = PostgresTable(url)
            try:
                bench_table("postgres", table, entries, root, args.seed)
            finally:
                table.drop()

    if args.django:
        print("== the platform: event_record through Django on SQLite ==", flush=True)
        bench_django(args.django)


if __name__ == "__main__":
    warnings.simplefilter("ignore", DeprecationWarning)
    main(sys.argv[1:])
