"""The platform's one clock. Services ask it what time it is, so that a loader can replay a
history as it happened (the demo's 2023 meetings), stepping the clock forward through it."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_replay: ContextVar[datetime | None] = ContextVar("goodoffices_clock", default=None)


def now() -> datetime:
    """The current instant (aware, UTC), or the replayed one inside ``replaying``."""
    replayed = _replay.get()
    return replayed if replayed is not None else datetime.now(UTC)


@contextmanager
def replaying(at: datetime) -> Iterator[None]:
    """Run the block as if it were ``at`` (an aware datetime)."""
    if at.tzinfo is None:
        raise ValueError("replay at an aware datetime")
    token = _replay.set(at)
    try:
        yield
    finally:
        _replay.reset(token)
