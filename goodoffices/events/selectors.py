"""Reads of events by the names readers see."""

from .models import Event

LEGACY = "legacy-"


def event_public_id(event: Event) -> str:
    """The id a reader sees: the public id (events recorded before public ids existed are
    named by their row, which they always were)."""
    return event.public_id or f"{LEGACY}{event.pk}"


def event_lookup(event_id: str) -> dict[str, object] | None:
    """The filter that finds the event a reader names, or None for a name no event can have."""
    if event_id.startswith(LEGACY):
        number = event_id.removeprefix(LEGACY)
        return {"pk": int(number), "public_id__isnull": True} if number.isdigit() and len(number) < 19 else None
    if len(event_id) == 32 and all(c in "0123456789abcdef" for c in event_id):
        return {"public_id": event_id}
    return None
