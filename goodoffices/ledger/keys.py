"""The log's signing key: a Go-format note signer key in a file outside the database, never served."""

from pathlib import Path

from django.conf import settings

from goodoffices.lib.ledger import Ed25519Signer, generate_key
from goodoffices.lib.ledger.errors import KeyFormatError
from goodoffices.lib.ledger.keyfile import read_secret, write_secret


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


def log_keygen() -> str:
    """Create the log's key file and return the verifier key. Refuses to replace an existing key."""
    skey, vkey = generate_key(settings.LEDGER_ORIGIN)
    try:
        write_secret(key_path(), skey)
    except FileExistsError:
        raise LogKeyUnavailable(
            f"{key_path()} already exists; refusing to replace the log's key",
            public="the log's key exists already",
        ) from None
    return vkey
