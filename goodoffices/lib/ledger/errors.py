"""Exception hierarchy of the ledger core.

Every refusal raises a specific subclass so that callers (the Django views, the
verifier CLI) can tell a malformed input from a cryptographic mismatch without
parsing messages.
"""

from __future__ import annotations


class LedgerError(ValueError):
    """Base class of every error raised by ``goodoffices.lib.ledger``."""


class ProofError(LedgerError):
    """A Merkle proof, or its parameters, is not acceptable."""


class HashLengthError(ProofError):
    """A hash that must be 32 bytes long is not."""


class ProofLengthError(ProofError):
    """A proof has more or fewer hashes than the tree shape requires."""


class RootMismatchError(ProofError):
    """A proof verifies structurally but yields a different root hash."""


class StorageError(LedgerError):
    """A stored-hash reader returned something unusable."""


class NoteError(LedgerError):
    """Base class of signed-note errors."""


class KeyNameError(NoteError):
    """A key name breaks the signed-note naming rules."""


class KeyFormatError(NoteError):
    """A verifier or signer key string is malformed."""


class MalformedNoteError(NoteError):
    """A signed note does not follow the signed-note syntax."""


class InvalidSignatureError(NoteError):
    """A signature from a known key failed to verify."""


class UnverifiedNoteError(NoteError):
    """No signature on the note comes from a known key."""


class CheckpointError(LedgerError):
    """A checkpoint body does not follow c2sp.org/tlog-checkpoint."""


class CosignatureError(LedgerError):
    """A cosignature is malformed, or a cosignature policy is not met."""


class TilePathError(LedgerError):
    """A tile or entry-bundle path is malformed."""


class TileError(LedgerError):
    """A tile's content does not match what the tree requires."""


class EntryTooLargeError(LedgerError):
    """An entry cannot be encoded in a bundle (more than 65535 bytes)."""


class BundleFormatError(LedgerError):
    """An entry bundle is malformed."""


class ResourceMissingError(LedgerError, LookupError):
    """A fetch function could not provide a requested resource."""


class ResourceUnavailableError(ResourceMissingError):
    """The log answered but could not serve the resource now (HTTP 5xx); the message carries its reason."""


class WitnessError(LedgerError):
    """A witness refuses to cosign a checkpoint."""


class ArchiveError(LedgerError):
    """An export archive is malformed."""
