"""An event's canonical form (RFC 8785) and its ledger entry: the bytes the ledger hashes.

Plain reads of one event, used by the event writer, the ledger and its audit alike.
"""

from datetime import UTC
from typing import Any

from goodoffices.lib.canonical import canonical_json
from goodoffices.lib.ledger import ledger_entry


def event_canonical(event: Any) -> bytes:
    """The event's canonical JSON. ``event`` is an Event (or a migration's historical model
    with the same fields, so that a data migration derives the same bytes).

    It names the event by its ``public_id`` (derived from its salt), never by its place among
    all events; an event recorded before public ids existed keeps its original form, with ``seq``."""
    public_id = getattr(event, "public_id", None)
    name: dict[str, Any] = {"seq": event.seq} if public_id is None else {"id": public_id}
    return canonical_json(
        {
            **name,
            "kind": event.kind,
            "at": event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": event.actor_id,
            "process": event.process_id,
            "subject": {"type": event.subject_type, "id": event.subject_id},
            "audience": event.audience,
            "payload": event.payload,
        }
    )


def event_entry(event: Any) -> bytes:
    """The event's ledger entry: its canonical JSON if public, else a sealed commitment."""
    return ledger_entry(audience=event.audience, salt=event.salt, canonical=event_canonical(event))
