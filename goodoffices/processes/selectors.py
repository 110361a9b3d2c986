"""Reads, already restricted to what the user may see. Not visible raises ``NotFound``."""

from django.db.models import Prefetch, QuerySet

from goodoffices.compiled import CompiledModelQuery
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
    if with_people:
        queryset = Process.objects.select_related("mandate__framework", "mandate_version").prefetch_related(
            Prefetch(
                "parties",
                queryset=Party.objects.prefetch_related(
                    Prefetch("memberships", queryset=DelegationMembership.objects.select_related("user"))
                ),
            ),
            Prefetch("appointments", queryset=Appointment.objects.select_related("user")),
        )
        process = queryset.filter(pk=process_id).first()
    else:
        process = _process_with_parties(process_id)
    if process is None or not roles_for(user, process).admitted:
        raise NotFound("process")
    return process


# Every request in a process reads it first: two statements compiled once per connection (the
# ORM's building of them cost more than half of a caucus message's request).
_PROCESS = CompiledModelQuery(
    Process,
    lambda pk: Process.objects.select_related("mandate__framework", "mandate_version").filter(pk=pk),
    values=(int,),
)
_PARTIES = CompiledModelQuery(Party, lambda pk: Party.objects.filter(process_id=pk).order_by("id"), values=(int,))


def _process_with_parties(process_id: int) -> Process | None:
    """The process with its mandate, framework and mandate version, and its parties as
    ``prefetch_related("parties")`` would give them (each party sharing the process)."""
    found = _PROCESS.objects(process_id)
    if not found:
        return None
    process = found[0]
    parties = _PARTIES.objects(process_id)
    process_field = Party._meta.get_field("process")
    for party in parties:
        process_field.set_cached_value(party, process)
    queryset = process.parties.get_queryset()
    queryset._result_cache = parties
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    process._prefetched_objects_cache = {"parties": queryset}  # type: ignore[attr-defined]
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
