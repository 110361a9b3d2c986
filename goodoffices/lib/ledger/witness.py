"""The witness side of c2sp.org/tlog-witness ``add-checkpoint``.

Transport-free: parse the request body, decide, and return the HTTP status
the spec prescribes with the body to send. Persisting the new state
atomically with the old-size check is the caller's job (the spec's race).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .checkpoint import Checkpoint
from .cosignature import CosignatureSigner, cosignature_line
from .errors import CheckpointError, KeyFormatError, LedgerError, NoteError, ProofError, WitnessError
from .merkle import EMPTY_ROOT, HASH_SIZE, verify_consistency
from .note import NoteVerifier, b64decode_strict, open_note
from .verify import CheckpointState

MAX_PROOF_LINES = 63
_OLD = re.compile(r"old (0|[1-9][0-9]*)")


@dataclass(frozen=True)
class AddCheckpointRequest:
    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: bytes


def format_add_checkpoint(old_size: int, proof: Sequence[bytes], checkpoint: bytes) -> bytes:
    lines = [f"old {old_size}", *(base64.b64encode(h).decode() for h in proof)]
    return ("".join(line + "\n" for line in lines) + "\n").encode() + checkpoint


def parse_add_checkpoint(body: bytes) -> AddCheckpointRequest:
    """Parse an add-checkpoint request body strictly."""
    head, sep, checkpoint = body.partition(b"\n\n")
    if not sep:
        raise WitnessError("request has no blank line before the checkpoint")
    try:
        lines = head.decode("ascii").split("\n")
    except UnicodeDecodeError:
        raise WitnessError("request header is not ASCII") from None
    match = _OLD.fullmatch(lines[0])
    if not match:
        raise WitnessError("first line must be 'old <size>'")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise WitnessError(f"more than {MAX_PROOF_LINES} consistency proof lines")
    proof = []
    for line in lines[1:]:
        try:
            h = b64decode_strict(line, "proof hash")
        except KeyFormatError as exc:
            raise WitnessError(str(exc)) from None
        if len(h) != HASH_SIZE:
            raise WitnessError("proof hash is not 32 bytes")
        proof.append(h)
    return AddCheckpointRequest(int(match.group(1)), tuple(proof), checkpoint)


@dataclass(frozen=True)
class WitnessDecision:
    """``status`` is the HTTP status; on 200, ``body`` holds the cosignature lines and ``state`` the new state."""

    status: int
    body: bytes
    reason: str
    state: CheckpointState | None = None

    @property
    def accepted(self) -> bool:
        return self.status == 200


def _refuse(status: int, reason: str, body: bytes | None = None) -> WitnessDecision:
    return WitnessDecision(status, body if body is not None else (reason + "\n").encode(), reason)


def add_checkpoint(  # noqa: C901 - C2SP tlog-witness checks, one per refusal
    request: AddCheckpointRequest,
    logs: Mapping[str, Sequence[NoteVerifier]],
    latest: Mapping[str, CheckpointState],
    cosigner: CosignatureSigner,
) -> WitnessDecision:
    """Decide an add-checkpoint request.

    ``logs`` maps each known origin to its trusted log keys; ``latest`` maps
    origins to the last checkpoint this witness cosigned.
    """
    origin = request.checkpoint.split(b"\n", 1)[0].decode("utf-8", "replace")
    if origin not in logs:
        return _refuse(404, f"unknown log origin {origin!r}")
    try:
        note = open_note(request.checkpoint, logs[origin])
        checkpoint = Checkpoint.parse(note.text)
    except NoteError as exc:
        return _refuse(403, f"checkpoint signature: {exc}")
    except CheckpointError as exc:
        return _refuse(400, f"malformed checkpoint: {exc}")
    if checkpoint.origin != origin:
        return _refuse(400, "malformed checkpoint origin")
    if request.old_size > checkpoint.size:
        return _refuse(400, f"old size {request.old_size} is larger than checkpoint size {checkpoint.size}")
    previous = latest.get(origin)
    known_size = previous.size if previous else 0
    if request.old_size != known_size:
        return WitnessDecision(409, f"{known_size}\n".encode(), f"old size {request.old_size} is not {known_size}")
    if checkpoint.size == 0 and checkpoint.root != EMPTY_ROOT:
        return _refuse(422, "a checkpoint of size 0 must have the empty-tree root")
    if request.old_size == 0:
        if request.proof:
            return _refuse(422, "consistency proof must be empty when the old size is 0")
    elif previous is not None:
        try:
            verify_consistency(previous.size, checkpoint.size, request.proof, previous.root, checkpoint.root)
        except ProofError as exc:
            kind = "fork" if previous.size == checkpoint.size else "inconsistent"
            return _refuse(422, f"{kind}: {exc}")
    line = cosignature_line(checkpoint.body(), cosigner)
    return WitnessDecision(200, line.encode(), "cosigned", CheckpointState.of(checkpoint))


def cosign_if_consistent(
    checkpoint: Checkpoint, previous: CheckpointState | None, proof: Sequence[bytes], cosigner: CosignatureSigner
) -> str:
    """Return a cosignature line for an already signature-checked checkpoint, refusing rollback and forks."""
    if previous is not None:
        if previous.origin != checkpoint.origin:
            raise WitnessError("checkpoint is for another log")
        if checkpoint.size < previous.size:
            raise WitnessError(f"rollback: tree size {checkpoint.size} < previously seen {previous.size}")
        try:
            if previous.size > 0:
                verify_consistency(previous.size, checkpoint.size, proof, previous.root, checkpoint.root)
        except LedgerError as exc:
            raise WitnessError(f"fork: {exc}") from None
    return cosignature_line(checkpoint.body(), cosigner)
