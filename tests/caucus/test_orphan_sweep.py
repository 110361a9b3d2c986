"""A crash between storing an uploaded document and committing its row leaves a file nobody can
reach; the worker removes such files once they are older than the grace period, and never a file
that a row names or an upload still in flight (issue 14, item 6)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone

from goodoffices.caucus.models import CaucusDocument
from goodoffices.caucus.services import caucus_document_upload
from goodoffices.caucus.sweep import orphan_files_sweep

from ..demo_server import GOODOFFICES, clean_env
from ..world import make_world
from .conftest import stored_files
from .samples import pdf


def _age(path: Path, seconds_ago: float) -> None:
    then = time.time() - seconds_ago
    os.utime(path, (then, then))


def test_the_sweep_removes_old_orphans_only(world, media_root):
    document = caucus_document_upload(
        actor=world.head_a, party=world.party_a, upload=SimpleUploadedFile("note.pdf", pdf())
    )
    kept = media_root / document.file.name
    orphan = kept.with_name("0" * 32)
    in_flight = kept.with_name("1" * 32)
    orphan.write_bytes(b"left by a crash")
    in_flight.write_bytes(b"being uploaded")
    for path in (kept, orphan):
        _age(path, 2 * 3600)
    removed = orphan_files_sweep(older_than=timezone.now() - timedelta(hours=1))
    assert removed == [f"caucus/{world.party_a.pk}/{orphan.name}"]
    assert stored_files(media_root) == sorted([kept, in_flight])
    assert (media_root / CaucusDocument.objects.get().file.name).read_bytes() == pdf()


UPLOAD = """
import os, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "goodoffices.settings"
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from goodoffices.accounts.models import User
from goodoffices.caucus.services import caucus_document_upload
from goodoffices.processes.models import DelegationMembership

head = User.objects.get(username="stepanakert")
party = DelegationMembership.objects.filter(user=head, role="head").first().party
print(party.pk, flush=True)
document = caucus_document_upload(
    actor=head, party=party, upload=SimpleUploadedFile(sys.argv[1], b"%PDF-1.4\\n%%EOF\\n" + sys.argv[1].encode())
)
print(document.file.name, flush=True)
"""


def _uploader(data_dir: Path, name: str) -> subprocess.Popen[str]:
    env = clean_env(GOODOFFICES_DEMO="true", GOODOFFICES_DATA_DIR=str(data_dir))
    return subprocess.Popen(
        [sys.executable, "-c", UPLOAD, name], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _worker_once(data_dir: Path) -> str:
    env = clean_env(GOODOFFICES_DEMO="true", GOODOFFICES_DATA_DIR=str(data_dir))
    result = subprocess.run(
        [GOODOFFICES, "worker", "--once"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_an_upload_killed_before_commit_leaves_an_orphan_that_the_worker_removes(tmp_path):
    data_dir = tmp_path / "data"
    loaded = subprocess.run(
        [GOODOFFICES, "demo", "--no-serve", "--data-dir", str(data_dir)],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    committed = _uploader(data_dir, "committed.pdf")
    out, err = committed.communicate(timeout=120)
    assert committed.returncode == 0, err
    party_id, committed_name = out.split()
    caucus_dir = data_dir / "media" / "caucus" / party_id
    before = set(caucus_dir.iterdir())

    # Hold SQLite's write lock, as a long transaction of another request would: the upload stores
    # its file, then waits to commit; it is killed right there.
    db = sqlite3.connect(data_dir / "goodoffices.sqlite3", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    crashing = _uploader(data_dir, "crashed.pdf")
    try:
        deadline = time.monotonic() + 60
        while not set(caucus_dir.iterdir()) - before:
            assert crashing.poll() is None, crashing.communicate()
            assert time.monotonic() < deadline, "the upload never stored its file"
            time.sleep(0.05)
        crashing.send_signal(signal.SIGKILL)
        crashing.communicate(timeout=30)
    finally:
        db.execute("ROLLBACK")
        db.close()
    (orphan,) = set(caucus_dir.iterdir()) - before
    rows = sqlite3.connect(data_dir / "goodoffices.sqlite3")
    documents = {name for (name,) in rows.execute("SELECT file FROM caucus_caucusdocument")}
    rows.close()
    assert f"caucus/{party_id}/{orphan.name}" not in documents, "the killed upload committed nothing"
    assert committed_name in documents

    # Within the grace period the file may still be an upload in flight: the worker leaves it.
    _worker_once(data_dir)
    assert orphan.exists()
    for path in caucus_dir.iterdir():
        _age(path, 2 * 3600)
    out = _worker_once(data_dir)
    assert "orphan-files: removed 1 stored file(s)" in out
    assert not orphan.exists()
    remaining = {f"caucus/{party_id}/{p.name}" for p in caucus_dir.iterdir()}
    assert remaining == {d for d in documents if d.startswith(f"caucus/{party_id}/")}
    assert committed_name in remaining


UPLOAD_AS = """
import os, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "goodoffices.settings"
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from goodoffices.accounts.models import User
from goodoffices.caucus.services import caucus_document_upload
from goodoffices.processes.models import Party

caucus_document_upload(
    actor=User.objects.get(pk=int(sys.argv[1])),
    party=Party.objects.get(pk=int(sys.argv[2])),
    upload=SimpleUploadedFile("crashed.pdf", b"%PDF-1.4\\n%%EOF\\n"),
)
"""


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_an_upload_killed_before_commit_leaves_only_an_orphan_the_sweep_removes(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite case runs against the demo above")
    world = make_world()
    settings.MEDIA_ROOT = tmp_path / "media"
    kept = caucus_document_upload(actor=world.head_a, party=world.party_a, upload=SimpleUploadedFile("a.pdf", pdf()))
    caucus_dir = tmp_path / "media" / "caucus" / str(world.party_a.pk)
    before = set(caucus_dir.iterdir())
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = clean_env(GOODOFFICES_TESTING="true", GOODOFFICES_DATABASE_URL=url, GOODOFFICES_DATA_DIR=str(tmp_path))
    # Another transaction holds the event counter: the upload stores its file, then waits to record its event.
    blocker = connections.create_connection("default")
    try:
        blocker.set_autocommit(False)
        with blocker.cursor() as cursor:
            cursor.execute("SELECT next_seq FROM events_eventcounter WHERE id = 1 FOR UPDATE")
        crashing = subprocess.Popen(
            [sys.executable, "-c", UPLOAD_AS, str(world.head_a.pk), str(world.party_a.pk)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not set(caucus_dir.iterdir()) - before:
            assert crashing.poll() is None, crashing.communicate()
            assert time.monotonic() < deadline, "the upload never stored its file"
            time.sleep(0.05)
        crashing.send_signal(signal.SIGKILL)
        crashing.communicate(timeout=30)
    finally:
        blocker.rollback()
        blocker.close()
    (orphan,) = set(caucus_dir.iterdir()) - before
    assert list(CaucusDocument.objects.values_list("pk", flat=True)) == [kept.pk]
    assert orphan_files_sweep(older_than=timezone.now() - timedelta(hours=1)) == []  # maybe still in flight
    for path in caucus_dir.iterdir():
        _age(path, 2 * 3600)
    assert orphan_files_sweep(older_than=timezone.now() - timedelta(hours=1)) == [
        f"caucus/{world.party_a.pk}/{orphan.name}"
    ]
    assert set(caucus_dir.iterdir()) == before
