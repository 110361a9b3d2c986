"""An event's canonical form (RFC 8785) and its ledger entry: the bytes the ledger hashes.

Plain reads of one event, used by the event writer, the ledger and its audit alike.
"""

from datetime import UTC
from typing import Any

from goodoffices.lib.canonical import canonical_json
from goodoffices.lib.ledger import ledger_entry


def event_canonical(event: Any) -> bytes:
    """The event's canonical JSON. ``event`` is an Event (or a migration's historical model
    with the same fields, so that a data migration derives the same bytes)."""
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


def event_entry(event: Any) -> bytes:
    """The event's ledger entry: its canonical JSON if public, else a sealed commitment."""
    return ledger_entry(audience=event.audience, salt=event.salt, canonical=event_canonical(event))
