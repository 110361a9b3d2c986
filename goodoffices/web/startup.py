"""Checks `serve` and `demo` run before they start: a data directory, file store, database or ledger
key the server cannot use stops it with one line that says what is wrong and what to do, instead
of a server that answers errors on every page, or a traceback."""

import os
import sqlite3
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection

from goodoffices.ledger.keys import LogKeyUnavailable, key_path, log_signer, lost_key_advice
from goodoffices.ledger.log import LogView
from goodoffices.ledger.models import KeyRotation


class NotReady(Exception):
    """The server cannot run as configured; the message is one line for the operator."""


def _writable_directory(path: Path, what: str, setting: str) -> None:
    advice = f"give the server's user write access to it, or choose another with {setting}"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NotReady(f"the {what} {path} cannot be created ({exc.strerror}): {advice}") from None
    if not path.is_dir():
        raise NotReady(f"the {what} {path} is not a directory: {advice}")
    try:
        fd, probe = tempfile.mkstemp(dir=path, prefix=".write-check-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise NotReady(f"the {what} {path} is not writable ({exc.strerror}): {advice}") from None


def _sqlite_file(path: Path) -> None:
    """The database file and its WAL companions must be readable and writable, and be a database."""
    _writable_directory(path.parent, "database directory", "GOODOFFICES_DATA_DIR")
    for companion in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if companion.exists() and not os.access(companion, os.R_OK | os.W_OK):
            raise NotReady(
                f"the database file {companion} is not readable and writable by the server's user: "
                "fix its owner or permissions (restore it from a backup if it is damaged)"
            )
    if not path.exists():
        return  # migrate creates it
    try:
        db = sqlite3.connect(f"file:{path}?mode=rw", uri=True)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise NotReady(
            f"the database file {path} cannot be used ({exc}): restore it from a backup "
            "(docs/operators.md, Backup and restore)"
        ) from None


def _database() -> None:
    if connection.vendor == "sqlite":
        _sqlite_file(Path(str(connection.settings_dict["NAME"])))
        return
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NotReady(f"cannot connect to the database ({first}): check GOODOFFICES_DATABASE_URL") from None


def _ledger_key(*, required: bool) -> None:
    if not key_path().exists():
        size = _log_size()
        if size:
            raise NotReady(lost_key_advice(size))
        if not required:
            return  # the demo creates the first key of an empty log
    try:
        signer = log_signer()
    except LogKeyUnavailable as exc:
        raise NotReady(f"the ledger cannot sign: {exc}") from None
    handed_to = _last_handover()
    if handed_to is not None and handed_to != signer.verifier.vkey:
        raise NotReady(
            f"the ledger key file {key_path()} does not hold the key the log was last handed over to "
            f"({handed_to}): restore that key, or run `goodoffices ledger rotate-key` to finish an interrupted handover"
        )


def _log_size() -> int:
    try:
        return LogView.current().size
    except DatabaseError:
        return 0  # not migrated yet: nothing signed so far


def _last_handover() -> str | None:
    try:
        return KeyRotation.objects.order_by("-id").values_list("new_key", flat=True).first()
    except DatabaseError:
        return None


def check_ready(*, key_required: bool) -> None:
    """Raise ``NotReady`` naming the first thing the server cannot use."""
    _writable_directory(Path(settings.DATA_DIR), "data directory", "GOODOFFICES_DATA_DIR")
    _writable_directory(Path(settings.MEDIA_ROOT), "file store (uploaded documents)", "GOODOFFICES_DATA_DIR")
    _database()
    _ledger_key(required=key_required)
