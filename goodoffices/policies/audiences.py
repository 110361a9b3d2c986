"""Which records each user may see, by audience (DESIGN.md, principle 2), and who reads what."""

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from goodoffices.accounts.models import User
from goodoffices.compiled import table
from goodoffices.lib import audience
from goodoffices.processes.models import (
    Appointment,
    AppointmentRole,
    DelegationMembership,
    Framework,
    FrameworkOperator,
    Mandate,
    Party,
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


def audience_reader_ids(process: Process, record_audience: str) -> tuple[str, list[Any]] | None:
    """The ids of everyone who may read a record with ``record_audience`` in ``process`` (active
    or not), as SQL and its parameters; None when no one in the process may (sealed, operators).

    Written as SQL, not built by the ORM: every notice asks it, and building its unions through
    the ORM cost more than the rest of a proposal (issue 9's profile)."""
    kind, party_id = audience.parse(record_audience)
    q = connection.ops.quote_name
    appointments, memberships, parties = table(Appointment), table(DelegationMembership), table(Party)
    mediators: tuple[str, list[Any]] = (
        f"SELECT {q('user_id')} FROM {appointments} WHERE {q('process_id')} = %s AND {q('role')} = %s",  # noqa: S608 - names from the models
        [process.pk, AppointmentRole.MEDIATOR.value],
    )
    members = (
        f"SELECT m.{q('user_id')} FROM {memberships} m INNER JOIN {parties} p ON p.{q('id')} = m.{q('party_id')}"  # noqa: S608 - names from the models
        f" WHERE p.{q('process_id')} = %s",
        [process.pk],
    )
    of_party = (f"SELECT {q('user_id')} FROM {memberships} WHERE {q('party_id')} = %s", [party_id])  # noqa: S608 - names from the models
    appointed = (f"SELECT {q('user_id')} FROM {appointments} WHERE {q('process_id')} = %s", [process.pk])  # noqa: S608 - names from the models
    staff = (f"SELECT {q('id')} FROM {table(User)} WHERE {q('is_staff')} = %s", [True])  # noqa: S608 - names from the models
    operators = (
        f"SELECT o.{q('user_id')} FROM {table(FrameworkOperator)} o INNER JOIN {table(Mandate)} d"  # noqa: S608 - names from the models
        f" ON d.{q('framework_id')} = o.{q('framework_id')} WHERE d.{q('id')} = %s",
        [process.mandate_id],
    )
    sets: list[tuple[str, list[Any]]]
    match kind:
        case audience.PUBLIC | audience.PROCESS:
            sets = [members, appointed, staff, operators]  # mediators are appointed
        case audience.PLENARY:
            sets = [mediators, members]
        case audience.MEDIATORS:
            sets = [mediators]
        case audience.CAUCUS:
            sets = [mediators, of_party]
        case audience.PARTY:
            sets = [of_party]
        case _:
            # sealed and operators:<framework> have no reader in a process.
            return None
    return " UNION ".join(sql for sql, _ in sets), [param for _, params in sets for param in params]


def audience_members(process: Process, record_audience: str) -> list[User]:
    """Everyone active who may read a record with ``record_audience`` in ``process``, by primary
    key: the people to notify about it, and no one else."""
    readers = audience_reader_ids(process, record_audience)
    if readers is None:
        return []
    query = User.objects.filter(is_active=True, pk__in=RawSQL(*readers))  # noqa: S611 - SQL from the models' names
    return list(query.order_by("pk"))
