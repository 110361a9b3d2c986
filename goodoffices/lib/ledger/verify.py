"""Independent verification of a published log, from its tiles alone."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .checkpoint import Checkpoint
from .cosignature import cosigners_from_vkeys
from .errors import (
    CheckpointError,
    LedgerError,
    NoteError,
    ResourceMissingError,
    ResourceUnavailableError,
    UnverifiedNoteError,
)
from .note import Ed25519Verifier, NoteVerifier, VerifiedNote, open_note, parse_note
from .progress import SILENT, Progress
from .rotation import KeyChain, Rotation, follow_rotations, rotation_in_entry
from .tile_audit import Failure, Fetch, OnEntry, TreeAudit, audit_tree


@dataclass(frozen=True)
class CheckpointState:
    """What a verifier or witness remembers about a log between runs."""

    origin: str
    size: int
    root: bytes

    @classmethod
    def of(cls, checkpoint: Checkpoint) -> CheckpointState:
        return cls(checkpoint.origin, checkpoint.size, checkpoint.root)

    def to_json(self) -> dict[str, Any]:
        return {"origin": self.origin, "size": self.size, "root": base64.b64encode(self.root).decode()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckpointState:
        return cls(str(data["origin"]), int(data["size"]), base64.b64decode(data["root"], validate=True))


@dataclass
class VerifyResult:
    ok: bool
    verdict: str
    failures: list[Failure] = field(default_factory=list)
    checkpoint: Checkpoint | None = None
    witnesses: tuple[str, ...] = ()
    entries_checked: int = 0
    # The log's key after following its handovers, when it differs from the key given.
    handed_over_to: Ed25519Verifier | None = None

    @property
    def state(self) -> CheckpointState | None:
        """The state to remember for the next run, only when everything verified."""
        return CheckpointState.of(self.checkpoint) if self.ok and self.checkpoint else None


def _short(root: bytes) -> str:
    return base64.b64encode(root).decode()


def check_against_previous(
    checkpoint: Checkpoint, previous: CheckpointState, root_at_previous_size: bytes | None
) -> list[Failure]:
    """Rollback and fork checks of a new checkpoint against the last seen state."""
    if previous.origin != checkpoint.origin:
        return [Failure("origin", f"origin {checkpoint.origin!r} differs from previously seen {previous.origin!r}")]
    if checkpoint.size < previous.size:
        return [Failure("rollback", f"rollback: tree size {checkpoint.size} < previously seen {previous.size}")]
    if checkpoint.size == previous.size and checkpoint.root != previous.root:
        return [Failure("fork", f"fork: two different roots for tree size {checkpoint.size}")]
    if root_at_previous_size is not None and root_at_previous_size != previous.root:
        return [
            Failure(
                "fork",
                f"fork: the tree at previously seen size {previous.size} has root "
                f"{_short(root_at_previous_size)}, not {_short(previous.root)}",
            )
        ]
    return []


def verify_log(  # noqa: C901 - the verifier names each failure by its own check
    fetch: Fetch,
    log_verifier_key: str,
    witness_keys: Sequence[str],
    required_witnesses: int,
    previous_state: CheckpointState | None = None,
    progress: Progress = SILENT,
) -> VerifyResult:
    """Verify everything a log serves: checkpoint, cosignatures, tiles, entries and history.

    ``fetch`` must raise :class:`ResourceMissingError` for a path it cannot
    serve (:class:`ResourceUnavailableError`, with the server's reason, when
    the server answered 5xx). Key strings that do not parse raise; everything
    about the log itself ends up in the result. A checkpoint signed by another
    key is accepted when the log's own entries hand it over from the given key
    (see :mod:`.rotation`). ``progress`` hears how far the reading of the tree has got.
    """
    log = Ed25519Verifier.from_vkey(log_verifier_key)
    witnesses = cosigners_from_vkeys(witness_keys)
    if not 0 <= required_witnesses <= len(witnesses):
        raise ValueError(f"cannot require {required_witnesses} of {len(witnesses)} witnesses")

    def failed(*failures: Failure, **kw: Any) -> VerifyResult:
        first = failures[0].message
        more = f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""
        return VerifyResult(False, f"FAILED: {first}{more}", list(failures), **kw)

    try:
        message = fetch("checkpoint")
    except ResourceUnavailableError as exc:
        return failed(Failure("unavailable", f"the log cannot serve its checkpoint now: {exc}"))
    except ResourceMissingError:
        return failed(Failure("missing", "missing resource checkpoint"))
    verifiers: list[NoteVerifier] = [log, *witnesses]
    refusal: Failure | None = None
    try:
        note = open_note(message, verifiers)
        checkpoint = Checkpoint.parse(note.text)
    except UnverifiedNoteError as exc:
        refusal = Failure("signature", f"checkpoint signature: {exc}")
    except NoteError as exc:
        return failed(Failure("signature", f"checkpoint signature: {exc}"))
    except CheckpointError as exc:
        return failed(Failure("checkpoint", f"malformed checkpoint: {exc}"))
    if refusal is None and not any((s.name, s.key_id) == (log.name, log.key_id) for s in note.verified):
        refusal = Failure("signature", "checkpoint is not signed by the log key")

    earlier = [previous_state.size] if previous_state else []
    chain: KeyChain | None = None
    if refusal is None:
        audit = _audit(checkpoint.size, fetch, earlier, progress=progress)
    else:
        # Not signed by the key we trust: perhaps that key handed the log over to a new one.
        rotated = _after_rotation(message, fetch, log, witnesses, earlier, progress)
        if isinstance(rotated, Failure):
            why = f"; {rotated.message}" if rotated.message else ""
            return failed(Failure(refusal.code, refusal.message + why))
        note, checkpoint, audit, chain = rotated

    failures: list[Failure] = []
    signed = {(s.name, s.key_id) for s in note.verified}
    cosigned = tuple(sorted({w.name for w in witnesses if (w.name, w.key_id) in signed}))
    if len(cosigned) < required_witnesses:
        failures.append(
            Failure("witnesses", f"{len(cosigned)} of the required {required_witnesses} witness cosignatures present")
        )
    if isinstance(audit, Failure):
        failures.append(audit)
        return failed(*failures, checkpoint=checkpoint, witnesses=cosigned)
    failures.extend(audit.failures)
    if audit.suppressed:
        failures.append(Failure("more", f"{audit.suppressed} further failures not listed"))
    if audit.root is not None and audit.root != checkpoint.root:
        failures.append(Failure("root-mismatch", f"root mismatch at size {checkpoint.size}"))
    if previous_state is not None:
        failures.extend(check_against_previous(checkpoint, previous_state, audit.roots.get(previous_state.size)))

    extra = {"checkpoint": checkpoint, "witnesses": cosigned, "entries_checked": audit.entries_checked}
    if failures:
        return failed(*failures, **extra)
    verdict = (
        f"OK: {checkpoint.origin} at size {checkpoint.size}, {audit.entries_checked} entries re-hashed, "
        f"{len(cosigned)}/{required_witnesses} required witnesses"
    )
    if chain is not None:
        last = chain.followed[-1]
        verdict += (
            f"; the log's key was handed over (entry {last.seq}, signed by the key you gave): "
            f"from now on verify with --key {chain.key.vkey}"
        )
    return VerifyResult(True, verdict, [], checkpoint, cosigned, audit.entries_checked, chain.key if chain else None)


def _audit(
    size: int, fetch: Fetch, earlier: list[int], on_entry: OnEntry | None = None, progress: Progress = SILENT
) -> TreeAudit | Failure:
    try:
        return audit_tree(size, fetch, [s for s in earlier if s <= size], on_entry, progress)
    except LedgerError as exc:
        return Failure("tiles", f"cannot read tiles: {exc}")


def _after_rotation(
    message: bytes,
    fetch: Fetch,
    trusted: Ed25519Verifier,
    witnesses: Sequence[NoteVerifier],
    earlier: list[int],
    progress: Progress,
) -> tuple[VerifiedNote, Checkpoint, TreeAudit | Failure, KeyChain] | Failure:
    """Read the log's key handovers and verify the checkpoint with the key they lead to.

    The entries are read from the tree the (not yet verified) checkpoint describes; they count only
    because the handover notes in them are signed by ``trusted``, and the root they hash to must then
    be the one the handed-over key signed. Returns a Failure (its message says why, or is empty when
    the log simply records no handover) when the checkpoint stays unverified."""
    try:
        claimed = Checkpoint.parse(parse_note(message).text)
    except LedgerError:
        return Failure("signature", "")
    rotations: list[Rotation] = []

    def collect(seq: int, entry: bytes) -> None:
        rotation = rotation_in_entry(seq, entry)
        if rotation is not None:
            rotations.append(rotation)

    audit = _audit(claimed.size, fetch, earlier, collect, progress)
    chain = follow_rotations(trusted, rotations)
    why = chain.refused[-1] if chain.refused else ""
    if not chain.followed:
        return Failure("rotation", why)
    try:
        note = open_note(message, [chain.key, *witnesses])
    except NoteError:
        return Failure("rotation", why)
    if not any((s.name, s.key_id) == (chain.key.name, chain.key.key_id) for s in note.verified):
        return Failure("rotation", why)
    return note, Checkpoint.parse(note.text), audit, chain
