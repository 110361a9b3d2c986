"""Reads, already restricted to what the user may see. Not visible raises ``NotFound``."""

from django.db.models import Prefetch, QuerySet

from goodoffices.events.models import Event
from goodoffices.lib.errors import NotFound
from goodoffices.policies import AnyUser, may_see, restrict_by_audience, visible_processes

from .models import Appointment, DelegationMembership, Party, Process


def process_list(*, user: AnyUser) -> QuerySet[Process]:
    return (
        visible_processes(user)
        .select_related("mandate__framework", "mandate_version")
        .prefetch_related("parties")
        .order_by("title")
    )


def process_get(*, user: AnyUser, process_id: int) -> Process:
    process = (
        visible_processes(user)
        .select_related("mandate__framework", "mandate_version")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=Party.objects.prefetch_related(
                    Prefetch("memberships", queryset=DelegationMembership.objects.select_related("user"))
                ),
            ),
            Prefetch("appointments", queryset=Appointment.objects.select_related("user")),
        )
        .filter(pk=process_id)
        .first()
    )
    if process is None:
        raise NotFound("process")
    return process


def party_get(*, user: AnyUser, process: Process, party_id: int) -> Party:
    party = Party.objects.filter(process=process, pk=party_id).first()
    if party is None or not may_see(user, party):
        raise NotFound("party")
    return party


def event_list(*, user: AnyUser, process: Process) -> QuerySet[Event]:
    return restrict_by_audience(user, Event.objects.filter(process=process)).select_related("actor").order_by("-seq")


def event_get(*, user: AnyUser, process: Process, seq: int) -> Event:
    event = event_list(user=user, process=process).filter(seq=seq).first()
    if event is None:
        raise NotFound("event")
    return event
