"""Writes of the ledger app: openings, witness registration, received cosignatures, key handovers."""

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from goodoffices.events.entries import event_canonical
from goodoffices.events.models import Event, EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience
from goodoffices.lib.errors import Invalid
from goodoffices.lib.ledger import Checkpoint, CosignatureVerifier, Ed25519Signer, Ed25519Verifier, generate_key
from goodoffices.lib.ledger.errors import LedgerError
from goodoffices.lib.ledger.note import parse_note
from goodoffices.lib.ledger.rotation import sign_handover

from .integrate import integrate_epoch
from .keys import (
    LogKeyUnavailable,
    key_path,
    log_signer,
    pending_key_discard,
    pending_key_install,
    pending_key_read,
    pending_key_write,
)
from .log import LogView, tree_size
from .models import Cosignature, KeyRotation, Leaf, Witness


def opening_subject(event: Event) -> str:
    """How a ``ledger.opened`` event names the event it opens: by its public id (by its row
    for events recorded before public ids), never by its place among all events."""
    return event.public_id or str(event.pk)


def ledger_open(*, event: Event, actor: Any = None) -> Event:
    """Publish the salt and content of a sealed event, so anyone can check its leaf.

    Call it inside the service that declassifies the event's subject.
    """
    name = opening_subject(event)
    if event.audience == audience.PUBLIC:
        raise Invalid.one("event", f"event {name} is public: its entry is already open")
    already = Event.objects.filter(kind=EventKind.LEDGER_OPENED, subject_type=Event._meta.label_lower, subject_id=name)
    if already.exists():
        raise Invalid.one("event", f"event {name} has already been opened")
    payload: dict[str, Any] = {"salt": event.salt, "event": json.loads(event_canonical(event))}
    if event.public_id is None:
        payload["seq"] = event.seq
    return event_record(
        kind=EventKind.LEDGER_OPENED,
        actor=actor,
        subject=event,
        subject_id=name,
        audience=audience.PUBLIC,
        process=event.process,
        payload=payload,
    )


@transaction.atomic
def ledger_open_cover(*, index: int, actor: Any = None) -> Event:
    """Prove, for an audit, that leaf ``index`` is a cover entry: publish its salt and nonce.
    Says nothing about any other leaf."""
    leaf = Leaf.objects.filter(index=index).first()
    if leaf is None or index >= tree_size():
        raise Invalid.one("index", f"leaf {index} is not in the log")
    if leaf.event_id is not None:
        raise Invalid.one("index", f"leaf {index} is not a cover entry")
    if Event.objects.filter(kind=EventKind.LEDGER_COVER_OPENED, subject_id=f"leaf:{index}").exists():
        raise Invalid.one("index", f"leaf {index} has already been opened")
    return event_record(
        kind=EventKind.LEDGER_COVER_OPENED,
        actor=actor,
        subject=leaf,
        subject_id=f"leaf:{index}",
        audience=audience.PUBLIC,
        payload={"index": index, "salt": leaf.cover_salt, "cover": leaf.cover_nonce},
    )


@transaction.atomic
def witness_add(*, vkey: str, actor: Any = None) -> Witness:
    """Register a witness by its cosignature verifier key (re-activating it if it was removed)."""
    try:
        verifier = CosignatureVerifier.from_vkey(vkey.strip())
    except LedgerError as exc:
        raise Invalid.one("vkey", f"not a witness cosignature key: {exc}") from None
    existing = Witness.objects.filter(name=verifier.name, key_id=verifier.key_id).first()
    if existing is not None and existing.active:
        raise Invalid.one("vkey", f"witness {verifier.name} is already registered with this key")
    if existing is None:
        witness = Witness.objects.create(name=verifier.name, key_id=verifier.key_id, vkey=verifier.vkey)
    else:
        Witness.objects.filter(pk=existing.pk).update(active=True)
        witness = Witness.objects.get(pk=existing.pk)
    event_record(
        kind=EventKind.LEDGER_WITNESS_ADDED,
        actor=actor,
        subject=witness,
        audience=audience.PUBLIC,
        payload={"name": witness.name, "vkey": witness.vkey},
    )
    return witness


@transaction.atomic
def witness_remove(*, name: str, actor: Any = None) -> Witness:
    """Stop counting a witness: its cosignatures are no longer served. The registration stays on record."""
    witness = Witness.objects.filter(name=name, active=True).first()
    if witness is None:
        raise Invalid.one("name", f"no active witness is named {name!r}")
    Witness.objects.filter(pk=witness.pk).update(active=False)
    witness.active = False
    event_record(
        kind=EventKind.LEDGER_WITNESS_REMOVED,
        actor=actor,
        subject=witness,
        audience=audience.PUBLIC,
        payload={"name": witness.name, "vkey": witness.vkey},
    )
    return witness


class CosignatureRefused(Exception):
    """A submitted cosignature was refused; ``status`` is the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CosignatureReceipt:
    checkpoint: Checkpoint
    witnesses: tuple[str, ...]


@transaction.atomic
def cosignature_submit(*, note: bytes, log: Ed25519Verifier) -> CosignatureReceipt:  # noqa: C901 - each refusal has its own HTTP status
    """Check a witness's cosigned checkpoint of this log and store its cosignatures.

    Refusals: malformed (400), not this log's checkpoint or signature (400), a size
    this log does not have or a different root (409), no valid cosignature from a
    registered witness (403). Nothing is stored unless everything holds.
    """
    try:
        parsed = parse_note(note)
        checkpoint = Checkpoint.parse(parsed.text)
    except LedgerError as exc:
        raise CosignatureRefused(400, f"malformed checkpoint note: {exc}") from None
    if checkpoint.origin != log.name:
        raise CosignatureRefused(400, f"checkpoint origin {checkpoint.origin!r} is not this log ({log.name!r})")
    body = parsed.text.encode()
    log_signatures = [s for s in parsed.signatures if (s.name, s.key_id) == (log.name, log.key_id)]
    if not log_signatures or not all(log.verify(body, s.signature) for s in log_signatures):
        raise CosignatureRefused(400, "the checkpoint does not carry a valid signature of this log")
    view = LogView.current()
    if checkpoint.size > view.size:
        raise CosignatureRefused(409, f"this log has no tree of size {checkpoint.size} (it has {view.size} leaves)")
    if LogView(checkpoint.size).root != checkpoint.root:
        raise CosignatureRefused(409, f"the root hash is not this log's root at size {checkpoint.size}")

    registered = {(w.name, w.key_id): w for w in Witness.objects.filter(active=True)}
    accepted: list[tuple[Witness, bytes]] = []
    for sig in parsed.signatures:
        witness = registered.get((sig.name, sig.key_id))
        if witness is None:
            continue
        if not CosignatureVerifier.from_vkey(witness.vkey).verify(body, sig.signature):
            raise CosignatureRefused(403, f"the cosignature of witness {witness.name} does not verify")
        accepted.append((witness, sig.signature))
    if not accepted:
        raise CosignatureRefused(403, "no cosignature from a registered witness (unknown or removed witness key)")
    for witness, signature in accepted:
        Cosignature.objects.update_or_create(
            witness=witness,
            tree_size=checkpoint.size,
            defaults={"root": checkpoint.root, "signature": signature},
        )
    return CosignatureReceipt(checkpoint, tuple(sorted(w.name for w, _ in accepted)))


@dataclass(frozen=True)
class KeyHandover:
    rotation: KeyRotation
    # True when this call only finished a handover that an earlier, interrupted call recorded.
    resumed: bool = False


def ledger_key_rotate(*, old_key_lost: bool = False, actor: Any = None) -> KeyHandover:
    """Hand the log over to a new signing key, as a recorded act.

    The old key signs a note naming the new one; the public event ``ledger.key_rotated`` carries
    it, so verifiers holding the old key follow the handover. The steps: the new key is written
    beside the old one (``<key>.next``), the event is committed, then the files are renamed (the
    old key kept as ``<key>.retired-<key id>``). Run again after an interruption, it finishes the
    recorded handover instead of starting another. With ``old_key_lost`` (the key file is gone for
    good) the event records a new key that no handover vouches for.
    """
    staged = pending_key_read()
    last = KeyRotation.objects.order_by("-id").first()
    if staged is not None:
        if last is not None and last.new_key == staged.verifier.vkey:
            integrate_epoch(force=True)
            pending_key_install(_readable_signer())
            return KeyHandover(last, resumed=True)
        pending_key_discard()  # written by a run that stopped before recording it: never used
    old: Ed25519Signer | None = None
    if old_key_lost:
        if key_path().exists():
            raise Invalid.one(
                "old_key_lost",
                f"{key_path()} exists: rotate without --old-key-lost, so that the old key signs the handover",
            )
        if LogView.current().size == 0:
            raise Invalid.one("old_key_lost", "the log is empty: create its first key with `goodoffices ledger keygen`")
    else:
        old = log_signer()  # LogKeyUnavailable says what is wrong with it
    skey, new_key = generate_key(settings.LEDGER_ORIGIN)
    pending_key_write(skey)
    handover = sign_handover(old, new_key) if old is not None else None
    old_key = old.verifier.vkey if old is not None else (last.new_key if last is not None else None)
    try:
        with transaction.atomic():
            rotation = KeyRotation.objects.create(old_key=old_key or "", new_key=new_key, handover=handover or "")
            event_record(
                kind=EventKind.LEDGER_KEY_ROTATED,
                actor=actor,
                subject=rotation,
                audience=audience.PUBLIC,
                payload={"old_key": old_key, "new_key": new_key, "handover": handover},
            )
    except BaseException:
        pending_key_discard()
        raise
    # The handover enters the log (an epoch of its own, now) before the new key signs anything,
    # so that a verifier holding the old key finds it under the first checkpoint it cannot check.
    integrate_epoch(force=True)
    pending_key_install(old)
    return KeyHandover(rotation)


def _readable_signer() -> Ed25519Signer | None:
    try:
        return log_signer()
    except LogKeyUnavailable:
        return None
