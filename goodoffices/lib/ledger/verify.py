"""Independent verification of a published log, from its tiles alone."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .checkpoint import Checkpoint
from .cosignature import cosigners_from_vkeys
from .errors import CheckpointError, LedgerError, NoteError, ResourceMissingError, ResourceUnavailableError
from .note import Ed25519Verifier, NoteVerifier, open_note
from .tile_audit import Failure, Fetch, audit_tree


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
) -> VerifyResult:
    """Verify everything a log serves: checkpoint, cosignatures, tiles, entries and history.

    ``fetch`` must raise :class:`ResourceMissingError` for a path it cannot
    serve. Key strings that do not parse raise; everything about the log
    itself ends up in the result.
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
    try:
        note = open_note(message, verifiers)
        checkpoint = Checkpoint.parse(note.text)
    except NoteError as exc:
        return failed(Failure("signature", f"checkpoint signature: {exc}"))
    except CheckpointError as exc:
        return failed(Failure("checkpoint", f"malformed checkpoint: {exc}"))
    if not any((s.name, s.key_id) == (log.name, log.key_id) for s in note.verified):
        return failed(Failure("signature", "checkpoint is not signed by the log key"))

    failures: list[Failure] = []
    signed = {(s.name, s.key_id) for s in note.verified}
    cosigned = tuple(sorted({w.name for w in witnesses if (w.name, w.key_id) in signed}))
    if len(cosigned) < required_witnesses:
        failures.append(
            Failure("witnesses", f"{len(cosigned)} of the required {required_witnesses} witness cosignatures present")
        )

    earlier = [previous_state.size] if previous_state and previous_state.size <= checkpoint.size else []
    try:
        audit = audit_tree(checkpoint.size, fetch, earlier)
    except LedgerError as exc:
        failures.append(Failure("tiles", f"cannot read tiles: {exc}"))
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
    return VerifyResult(True, verdict, [], checkpoint, cosigned, audit.entries_checked)
