"""The integrator: once per epoch, the events committed since the last epoch become leaves.

An epoch appends every waiting event's entry and enough cover entries (sealed commitments to
random bytes, indistinguishable from any sealed entry) to make a whole number of steps, at
least one step even when nothing happened; within the epoch, leaves are in the order of their
leaf hashes, which depends only on their content. So an outside watcher learns how many steps
each epoch took and nothing about what happened, or when, within one.

Exactly once and crash-safe: an epoch is one transaction that locks the ledger's state row,
appends its leaves and stored hashes and moves the state forward; killed at any instant it
leaves nothing, and the next run integrates the same events. Writers commit in ``seq`` order
(the event counter), so the events below the new mark are exactly those committed.
"""

import logging
import math
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction

from goodoffices.events.entries import event_entry
from goodoffices.events.models import Event
from goodoffices.lib import clock
from goodoffices.lib.ledger import cover_entry, leaf_hash, stored_hash_count, stored_hashes_for_append

from .log import DatabaseHashReader
from .models import Leaf, LedgerState, StoredHash

BATCH = 2000
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Epoch:
    number: int
    events: int
    covers: int
    size: int


class _Overlay:
    """Stored hashes: those this epoch is adding, then the table's."""

    def __init__(self) -> None:
        self.new: dict[int, bytes] = {}
        self.table = DatabaseHashReader()

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        missing = [i for i in indexes if i not in self.new]
        found = dict(zip(missing, self.table.read_hashes(missing), strict=True)) if missing else {}
        return [self.new[i] if i in self.new else found[i] for i in indexes]


def epoch_due(state: LedgerState, now: datetime) -> bool:
    return state.integrated_at is None or now - state.integrated_at >= timedelta(seconds=settings.LEDGER_EPOCH_SECONDS)


@transaction.atomic
def integrate_epoch(*, force: bool = False, step: int | None = None) -> Epoch | None:
    """Integrate one epoch if one is due (or ``force``); None when it is not due yet."""
    now = clock.now()
    step = step or settings.LEDGER_EPOCH_STEP
    state, _ = LedgerState.objects.select_for_update().get_or_create(id=1)
    if not force and not epoch_due(state, now):
        return None
    waiting = list(Event.objects.filter(seq__gte=state.events_integrated).order_by("seq"))
    leaves: list[tuple[bytes, Event | None, str, str]] = []
    leaves.extend((leaf_hash(event_entry(waiting_event)), waiting_event, "", "") for waiting_event in waiting)
    covers = max(1, math.ceil(len(waiting) / step)) * step - len(waiting)
    for _ in range(covers):
        salt, nonce = secrets.token_hex(32), secrets.token_hex(32)
        leaves.append((leaf_hash(cover_entry(salt, nonce)), None, salt, nonce))
    # The order within an epoch is the order of the leaf hashes: content, not time.
    leaves.sort(key=lambda leaf: leaf[0])
    overlay = _Overlay()
    rows: list[Leaf] = []
    number = state.epochs
    for offset, (digest, event, salt, nonce) in enumerate(leaves):
        index = state.size + offset
        start = stored_hash_count(index)
        for i, h in enumerate(stored_hashes_for_append(index, digest, overlay)):
            overlay.new[start + i] = h
        rows.append(Leaf(index=index, epoch=number, event=event, cover_salt=salt, cover_nonce=nonce, hash=digest))
    StoredHash.objects.bulk_create((StoredHash(index=i, hash=h) for i, h in sorted(overlay.new.items())), BATCH)
    Leaf.objects.bulk_create(rows, BATCH)
    state.size += len(leaves)
    state.events_integrated += len(waiting)
    if waiting and waiting[-1].seq + 1 != state.events_integrated:
        raise RuntimeError("the events table has a gap: refusing to integrate")
    state.epochs += 1
    state.integrated_at = now
    state.save()
    return Epoch(number=number, events=len(waiting), covers=covers, size=state.size)


def run_integrator(*, stop: threading.Event) -> None:
    """Integrate each epoch as it falls due until ``stop`` is set (the demo runs this beside
    its server; in production, `goodoffices ledger integrate --loop` or the worker does)."""
    while not stop.is_set():
        try:
            integrate_epoch()
        except DatabaseError:
            logger.exception("ledger: integrating an epoch failed; retrying at the next tick")
        finally:
            close_old_connections()
        stop.wait(min(settings.LEDGER_EPOCH_SECONDS, 1.0))
