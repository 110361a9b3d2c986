"""The log's signing key: a Go-format note signer key in a file outside the database, never served."""

import os
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError

from goodoffices.lib.ledger import Ed25519Signer, generate_key
from goodoffices.lib.ledger.errors import KeyFormatError
from goodoffices.lib.ledger.keyfile import read_secret, write_secret

from .log import LogView


class LogKeyUnavailable(Exception):
    """The log cannot sign: the key file is missing, unreadable or does not match the origin.

    ``str()`` is for the operator (logs, commands) and may name the key file; ``public`` is what
    a public answer may say, and names no server path."""

    def __init__(self, detail: str, *, public: str) -> None:
        super().__init__(detail)
        self.public = public


def key_path() -> Path:
    return Path(settings.LEDGER_KEY_FILE)


def log_signer() -> Ed25519Signer:
    path = key_path()
    try:
        skey = read_secret(path)
    except FileNotFoundError:
        raise LogKeyUnavailable(
            f"the log has no signing key yet: {path} does not exist (an operator runs `goodoffices ledger keygen`)",
            public="the log has no signing key yet (an operator runs `goodoffices ledger keygen`)",
        ) from None
    except OSError as exc:
        raise LogKeyUnavailable(
            f"the log's signing key {path} cannot be read: {exc.strerror}",
            public="the log's signing key cannot be read",
        ) from None
    try:
        signer = Ed25519Signer.from_skey(skey)
    except (KeyFormatError, ValueError) as exc:
        raise LogKeyUnavailable(
            f"the log's signing key {path} is not a note signer key: {exc}",
            public="the log's signing key is not a note signer key",
        ) from None
    if signer.name != settings.LEDGER_ORIGIN:
        # The origin is the log's identity for every verifier and witness; never sign under another one.
        raise LogKeyUnavailable(
            f"the log's signing key is named {signer.name!r} but GOODOFFICES_LEDGER_ORIGIN is "
            f"{settings.LEDGER_ORIGIN!r}; they must be the same",
            public="the log's signing key is not named for this log's origin (GOODOFFICES_LEDGER_ORIGIN)",
        )
    return signer


def lost_key_advice(size: int) -> str:
    return (
        f"the log already holds {size} entries signed with its key, so a new key would make every verifier "
        f"holding the old one fail: restore {key_path()} from your backup and start again (if the key is lost "
        "for good, `goodoffices ledger rotate-key --old-key-lost` records the change of key in the log)"
    )


def log_keygen() -> str:
    """Create the log's key file and return the verifier key. Refuses to replace an existing key,
    and to give a log that already has entries a new key: that is a recorded handover (rotate-key)."""
    try:
        size = LogView.current().size
    except DatabaseError:
        size = 0  # not migrated yet: a new log
    if size and not key_path().exists():
        raise LogKeyUnavailable(lost_key_advice(size), public="the log's signing key is missing")
    skey, vkey = generate_key(settings.LEDGER_ORIGIN)
    try:
        write_secret(key_path(), skey)
    except FileExistsError:
        raise LogKeyUnavailable(
            f"{key_path()} already exists; refusing to replace the log's key",
            public="the log's key exists already",
        ) from None
    return vkey


def pending_key_path() -> Path:
    """Where ``rotate-key`` keeps the next key until its handover is recorded."""
    path = key_path()
    return path.with_name(path.name + ".next")


def retired_key_path(key_id: int) -> Path:
    path = key_path()
    return path.with_name(f"{path.name}.retired-{key_id:08x}")


def pending_key_write(skey: str) -> None:
    write_secret(pending_key_path(), skey)


def pending_key_read() -> Ed25519Signer | None:
    path = pending_key_path()
    try:
        return Ed25519Signer.from_skey(read_secret(path))
    except FileNotFoundError:
        return None
    except (OSError, KeyFormatError, ValueError) as exc:
        raise LogKeyUnavailable(
            f"the next key {path} cannot be read ({exc}); remove it and rotate again",
            public="the log's next key cannot be read",
        ) from None


def pending_key_discard() -> None:
    pending_key_path().unlink(missing_ok=True)


def pending_key_install(retiring: Ed25519Signer | None) -> None:
    """Make the next key the log's key, keeping the old key file beside it (renames, each atomic)."""
    path = key_path()
    if retiring is not None and path.exists():
        os.replace(path, retired_key_path(retiring.key_id))
    os.replace(pending_key_path(), path)
