"""The one way to write an event. Call it inside the service's transaction."""

import secrets
from typing import Any

from django.db import models, transaction

from goodoffices.ledger.log import ledger_append
from goodoffices.lib import audience as audiences
from goodoffices.lib import clock
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
    audience_kind, named_id = audiences.parse(audience)
    without_process = (audiences.PUBLIC, audiences.SEALED, audiences.OPERATORS)
    if audience_kind not in without_process and process is None:
        raise ValueError(f"audience {audience!r} needs a process")
    if audiences.names_party(audience) and not process.parties.filter(pk=named_id).exists():
        raise ValueError(f"audience {audience!r} names a party outside the process")
    # Refuse payloads that have no canonical form before anything is written.
    canonical_json(payload)
    event = Event.objects.create(
        seq=_next_seq(),
        kind=kind,
        occurred_at=clock.now(),
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
