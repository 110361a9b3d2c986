"""The one way to write an event. Call it inside the service's transaction."""

import secrets
from datetime import UTC
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from goodoffices.ledger.log import ledger_append
from goodoffices.lib import audience as audiences
from goodoffices.lib.canonical import canonical_json

from .models import Event, EventCounter, EventKind


def _next_seq() -> int:
    counter, _ = EventCounter.objects.select_for_update().get_or_create(id=1)
    seq = counter.next_seq
    EventCounter.objects.filter(id=1).update(next_seq=seq + 1)
    return seq


def event_record(
    *,
    kind: str,
    actor: Any,
    subject: models.Model,
    audience: str,
    payload: dict[str, Any],
    process: Any = None,
) -> Event:
    """Append the event for a state change made in the caller's transaction."""
    # A test case's own wrapping transaction does not count: the service must open one.
    blocks = transaction.get_connection().atomic_blocks
    if not any(not getattr(block, "_from_testcase", False) for block in blocks):
        raise RuntimeError("event_record must run inside the service's transaction")
    if kind not in EventKind.values:
        raise ValueError(f"unknown event kind {kind!r}")
    audience_kind, party_id = audiences.parse(audience)
    if audience_kind != audiences.PUBLIC and audience_kind != audiences.MEDIATORS and process is None:
        raise ValueError(f"audience {audience!r} needs a process")
    if party_id is not None and not process.parties.filter(pk=party_id).exists():
        raise ValueError(f"audience {audience!r} names a party outside the process")
    # Refuse payloads that have no canonical form before anything is written.
    canonical_json(payload)
    event = Event.objects.create(
        seq=_next_seq(),
        kind=kind,
        occurred_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        process=process,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        audience=audience,
        payload=payload,
        salt=secrets.token_hex(32),
    )
    # Same transaction: the event and its leaf commit together or not at all.
    ledger_append(event)
    return event


def event_canonical(event: Event) -> bytes:
    """The event's canonical JSON (RFC 8785): the bytes the ledger hashes."""
    return canonical_json(
        {
            "seq": event.seq,
            "kind": event.kind,
            "at": event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": event.actor_id,
            "process": event.process_id,
            "subject": {"type": event.subject_type, "id": event.subject_id},
            "audience": event.audience,
            "payload": event.payload,
        }
    )
