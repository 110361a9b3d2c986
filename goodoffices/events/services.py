"""The one way to write an event. Call it inside the service's transaction.

An event commits with the state change it records and is integrated into the ledger at the
next epoch (goodoffices/ledger/integrate.py): writers take no part of the Merkle tree's work.
"""

import secrets
from typing import Any

from django.db import connection, models, transaction

from goodoffices.lib import audience as audiences
from goodoffices.lib import clock
from goodoffices.lib.canonical import canonical_json
from goodoffices.lib.errors import Invalid
from goodoffices.lib.ledger import event_id
from goodoffices.lib.ledger.tiles import MAX_ENTRY_SIZE
from goodoffices.policies.roles import party_known

from .entries import event_entry
from .models import Event, EventCounter, EventKind

_KINDS = frozenset(EventKind.values)


def _next_seq() -> int:
    """Take the next sequence number, locking the counter until commit: writers commit in
    ``seq`` order, which is what lets the integrator take every event below a mark."""
    table = EventCounter._meta.db_table
    sql = f"UPDATE {table} SET next_seq = next_seq + 1 WHERE id = 1 RETURNING next_seq"  # noqa: S608 - the model's own table name
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        if row is None:
            # The very first event: the counter row is made here. Two first writers at once must
            # not both insert it (the second would fail on its key), so the insert yields to one
            # already made, and both then take their number from the same row, one after the other.
            EventCounter.objects.bulk_create([EventCounter(id=1, next_seq=0)], ignore_conflicts=True)
            cursor.execute(sql)
            row = cursor.fetchone()
    assert row is not None
    return int(row[0]) - 1


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


def _names_a_party_of(process: Any, party_id: int | None) -> bool:
    # The process's parties are usually known already: read with the process (process_get
    # prefetches them) or with the actor's roles in this request.
    if party_id is not None and party_known(process.pk, party_id):
        return True
    prefetched = getattr(process, "_prefetched_objects_cache", {}).get("parties")
    if prefetched is not None:
        return any(party.pk == party_id for party in prefetched)
    return bool(process.parties.filter(pk=party_id).exists())


def event_record(
    *,
    kind: str,
    actor: Any,
    subject: models.Model,
    audience: str,
    payload: dict[str, Any],
    process: Any = None,
    subject_id: str | None = None,
) -> Event:
    """Record the event of a state change made in the caller's transaction. ``subject_id``
    names the subject where its primary key should not be shown (an event opened in the ledger)."""
    # A test case's own wrapping transaction does not count: the service must open one.
    blocks = transaction.get_connection().atomic_blocks
    if not any(not getattr(block, "_from_testcase", False) for block in blocks):
        raise RuntimeError("event_record must run inside the service's transaction")
    if kind not in _KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    audience_kind, named_id = audiences.parse(audience)
    without_process = (audiences.PUBLIC, audiences.SEALED, audiences.OPERATORS)
    if audience_kind not in without_process and process is None:
        raise ValueError(f"audience {audience!r} needs a process")
    if audiences.names_party(audience) and not _names_a_party_of(process, named_id):
        raise ValueError(f"audience {audience!r} names a party outside the process")
    # Refuse payloads that have no canonical form, or that the database cannot store (NUL),
    # before anything is written: services validate what people type, this guards the record.
    canonical_json(payload)
    if _holds_nul(payload):
        raise ValueError("an event payload must not contain NUL characters")
    salt = secrets.token_hex(32)
    event = Event(
        kind=kind,
        occurred_at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        process=process,
        subject_type=subject._meta.label_lower,
        subject_id=subject_id if subject_id is not None else str(subject.pk),
        audience=audience,
        payload=payload,
        salt=salt,
        public_id=event_id(salt),
    )
    if audience == audiences.PUBLIC:
        # A public event enters the ledger in full; a sealed one is a fixed-size commitment.
        entry = event_entry(event)
        if len(entry) > MAX_ENTRY_SIZE:
            raise Invalid.one(
                "payload",
                f"this record is {len(entry)} bytes in canonical form, too large for the ledger "
                f"(at most {MAX_ENTRY_SIZE} bytes); shorten it or attach the content separately",
            )
    event.seq = _next_seq()
    event.save(force_insert=True)
    return event
