"""Which records each user may see, by audience (DESIGN.md, principle 2), and who reads what."""

from typing import Any

from django.db.models import Q, QuerySet

from goodoffices.accounts.models import User
from goodoffices.lib import audience
from goodoffices.processes.models import (
    AppointmentRole,
    Framework,
    FrameworkOperator,
    Process,
)

from .roles import AnyUser, operator_framework_ids, roles_in

# How far a held meeting's record reaches, narrowest first: a declassification only widens it.
WIDER = {audience.PLENARY: 0, audience.PROCESS: 1, audience.PUBLIC: 2}

# What staff may read of any process in the admin: what an operator may see there.
STAFF_AUDIENCES = (audience.PUBLIC, audience.PROCESS)


def visible_processes(user: AnyUser) -> QuerySet[Process]:
    """The processes ``user`` is admitted to: the only ones that exist for them."""
    if not user.is_authenticated:
        return Process.objects.none()
    assert isinstance(user, User)
    if user.is_staff:
        return Process.objects.all()
    return Process.objects.filter(
        Q(appointments__user=user)
        | Q(parties__memberships__user=user)
        | Q(mandate__framework_id__in=operator_framework_ids(user))
    ).distinct()


def visible_frameworks(user: AnyUser) -> QuerySet[Framework]:
    """The frameworks ``user`` operates (all of them for staff)."""
    if not user.is_authenticated:
        return Framework.objects.none()
    assert isinstance(user, User)
    if user.is_staff:
        return Framework.objects.all()
    return Framework.objects.filter(pk__in=operator_framework_ids(user))


def restrict_by_audience(user: AnyUser, queryset: QuerySet[Any], process_field: str = "process") -> QuerySet[Any]:
    """Keep only the records whose audience ``user`` may read in their process."""
    condition = Q(audience=audience.PUBLIC)
    processes = list(visible_processes(user))
    for process_id, roles in roles_in(user, processes).items():
        condition |= Q(**{f"{process_field}_id": process_id}, audience__in=sorted(roles.audiences()))
    return queryset.filter(condition)


def restrict_in_process(user: AnyUser, process: Process, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Keep only the records of ``process`` whose audience ``user`` may read there (one filter,
    no query of its own once the reader's roles are known)."""
    audiences = sorted(roles_in(user, [process])[process.pk].audiences())
    return queryset.filter(process=process, audience__in=audiences)


def restrict_for_staff(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Staff in the admin see what an operator may see: never a caucus, a party's consent or a draft."""
    return queryset.filter(audience__in=STAFF_AUDIENCES)


def attendance_candidates(process: Process) -> QuerySet[User]:
    """Who may be recorded as attending a meeting of ``process``: its mediators and the
    members of its delegations."""
    return (
        User.objects.filter(
            Q(appointments__process=process, appointments__role=AppointmentRole.MEDIATOR)
            | Q(delegations__party__process=process)
        )
        .distinct()
        .order_by("username")
    )


def audience_members(process: Process, record_audience: str) -> list[User]:
    """Everyone who may read a record with ``record_audience`` in ``process``: the people to
    notify about it, and no one else."""
    kind, party_id = audience.parse(record_audience)
    mediators = Q(appointments__process=process, appointments__role=AppointmentRole.MEDIATOR)
    members = Q(delegations__party__process=process)
    admitted = (
        mediators
        | members
        | Q(appointments__process=process)
        | Q(is_staff=True)
        | Q(pk__in=FrameworkOperator.objects.filter(framework_id=process.mandate.framework_id).values("user_id"))
    )
    match kind:
        case audience.PUBLIC | audience.PROCESS:
            condition = admitted
        case audience.PLENARY:
            condition = mediators | members
        case audience.MEDIATORS:
            condition = mediators
        case audience.CAUCUS:
            condition = mediators | Q(delegations__party_id=party_id)
        case audience.PARTY:
            condition = Q(delegations__party_id=party_id)
        case _:
            # sealed and operators:<framework> have no reader in a process.
            return []
    return list(User.objects.filter(condition, is_active=True).distinct().order_by("pk"))
