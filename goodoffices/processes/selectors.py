"""Reads, already restricted to what the user may see. Not visible raises ``NotFound``."""

from django.db.models import QuerySet

from goodoffices.compiled import CompiledModelQuery, prefetched
from goodoffices.events.models import Event
from goodoffices.events.selectors import event_lookup
from goodoffices.lib.errors import NotFound
from goodoffices.policies import AnyUser, may_see, restrict_in_process, roles_for, visible_processes

from .models import Appointment, DelegationMembership, Party, Process


def process_list(*, user: AnyUser) -> QuerySet[Process]:
    return (
        visible_processes(user)
        .select_related("mandate__framework", "mandate_version")
        .prefetch_related("parties")
        .order_by("title")
    )


def process_get(*, user: AnyUser, process_id: int, with_people: bool = False) -> Process:
    """The process if ``user`` is admitted to it, with its parties (and, ``with_people``, its
    delegations and appointments); else ``NotFound``, as for a process that does not exist."""
    process = _process_read(process_id, with_people=with_people)
    if process is None or not roles_for(user, process).admitted:
        raise NotFound("process")
    return process


# Every request in a process reads it first: statements compiled once per connection (the ORM's
# building of them cost more than half of a caucus message's request), whose rows are given to
# the instances as ``prefetch_related`` would give them.
_PROCESS = CompiledModelQuery(
    Process,
    lambda pk: Process.objects.select_related("mandate__framework", "mandate_version").filter(pk=pk),
    values=(int,),
)
_PARTIES = CompiledModelQuery(Party, lambda pk: Party.objects.filter(process_id=pk).order_by("id"), values=(int,))
_MEMBERSHIPS = CompiledModelQuery(
    DelegationMembership,
    lambda pk: (
        DelegationMembership.objects.filter(party__process_id=pk)
        .select_related("user")
        .order_by("party", "role", "user__username")
    ),
    values=(int,),
)
_APPOINTMENTS = CompiledModelQuery(
    Appointment,
    lambda pk: Appointment.objects.filter(process_id=pk).select_related("user").order_by("role", "user__username"),
    values=(int,),
)


def with_parties(process: Process) -> list[Party]:
    """Read ``process``'s parties into it (by a compiled statement), as ``prefetch_related("parties")``."""
    parties = _PARTIES.objects(process.pk)
    prefetched(process, "parties", parties, "process")
    return parties


def _process_read(process_id: int, *, with_people: bool) -> Process | None:
    found = _PROCESS.objects(process_id)
    if not found:
        return None
    process = found[0]
    parties = with_parties(process)
    if with_people:
        by_party: dict[int, list[DelegationMembership]] = {party.pk: [] for party in parties}
        for membership in _MEMBERSHIPS.objects(process_id):
            by_party[membership.party_id].append(membership)
        for party in parties:
            prefetched(party, "memberships", by_party[party.pk], "party")
        prefetched(process, "appointments", _APPOINTMENTS.objects(process_id), "process")
    return process


def party_get(*, user: AnyUser, process: Process, party_id: int) -> Party:
    # From the process's parties, which process_get read with it: no query, and the party
    # shares that process (with its parties) for whatever reads it next.
    party = next((p for p in process.parties.all() if p.pk == party_id), None)
    if party is not None:
        party.process = process
    if party is None or not may_see(user, party):
        raise NotFound("party")
    return party


def event_list(*, user: AnyUser, process: Process) -> QuerySet[Event]:
    return restrict_in_process(user, process, Event.objects.all()).select_related("actor", "leaf").order_by("-seq")


def event_get(*, user: AnyUser, process: Process, event_id: str) -> Event:
    """The event a reader names by its public id, if it may see it."""
    lookup = event_lookup(event_id)
    event = event_list(user=user, process=process).filter(**lookup).first() if lookup else None
    if event is None:
        raise NotFound("event")
    return event
