"""Checkpoints (c2sp.org/tlog-checkpoint): the signed tree head of the log."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import CheckpointError, KeyFormatError
from .merkle import HASH_SIZE
from .note import NoteSigner, NoteVerifier, Signature, VerifiedNote, b64decode_strict, open_note, sign_note

_SIZE = re.compile(r"0|[1-9][0-9]*")
# Tree sizes are int64 in Go's tlog; a larger one could not be read back there.
MAX_TREE_SIZE = (1 << 63) - 1


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin:
            raise CheckpointError("checkpoint origin must not be empty")
        for line in (self.origin, *self.extensions):
            if "\n" in line or any(ord(c) < 0x20 for c in line):
                raise CheckpointError("checkpoint lines must not contain control characters")
        if any(not ext for ext in self.extensions):
            raise CheckpointError("checkpoint extension lines must not be empty")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointError(f"tree size {self.size} is out of range")
        if len(self.root) != HASH_SIZE:
            raise CheckpointError(f"root hash is {len(self.root)} bytes long, want {HASH_SIZE}")

    def body(self) -> str:
        """The note text: origin, size, base64 root and extensions, each line ending in a newline."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode(), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint body strictly."""
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint body must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("checkpoint body needs an origin, a tree size and a root hash")
        origin, size, root, *extensions = lines
        if not origin:
            raise CheckpointError("checkpoint origin must not be empty")
        if not _SIZE.fullmatch(size):
            raise CheckpointError(f"tree size {size!r} is not a decimal without leading zeros")
        try:
            raw_root = b64decode_strict(root, "root hash")
        except KeyFormatError as exc:
            raise CheckpointError(str(exc)) from None
        return cls(origin, int(size), raw_root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signers: Sequence[NoteSigner], existing: Sequence[Signature] = ()) -> bytes:
    """Return the signed checkpoint note."""
    return sign_note(checkpoint.body(), signers, existing)


def open_checkpoint(
    message: bytes, verifiers: Iterable[NoteVerifier], origin: str | None = None
) -> tuple[Checkpoint, VerifiedNote]:
    """Verify a signed checkpoint note and parse its body.

    ``verifiers`` may include witness cosignature verifiers; which of them
    signed is in the returned note's ``verified`` signatures.
    """
    note = open_note(message, verifiers)
    checkpoint = Checkpoint.parse(note.text)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint origin {checkpoint.origin!r} is not {origin!r}")
    return checkpoint, note
