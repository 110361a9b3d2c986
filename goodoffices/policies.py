"""The one policy module: who may do what, and which records each user may see.

Deny by default: a permission not granted by a rule below is refused. Reads are
restricted by *audience* (DESIGN.md, principle 2): each record carries one, and a
user's roles in the record's process give the set of audiences that user may read.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from goodoffices.accounts.models import User
from goodoffices.lib import audience
from goodoffices.lib.errors import Forbidden, NotFound
from goodoffices.processes.models import (
    Appointment,
    AppointmentRole,
    DelegationMembership,
    DelegationRole,
    Framework,
    FrameworkOperator,
    Mandate,
    Party,
    Process,
)

AnyUser = User | AnonymousUser


class Permission(StrEnum):
    FRAMEWORK_CREATE = "framework:create"
    FRAMEWORK_MANAGE = "framework:manage"
    MANDATE_CREATE = "framework:create_mandate"
    MANDATE_AMEND = "mandate:amend"
    PROCESS_CREATE = "mandate:create_process"
    PROCESS_VIEW = "process:view"
    APPOINTMENT_MANAGE = "process:appoint"
    DELEGATION_MANAGE = "party:manage_delegation"
    EVENT_VIEW = "event:view"
    CAUCUS_VIEW = "caucus:view"
    CAUCUS_POST = "caucus:post"
    PROPOSAL_CREATE = "process:propose_meeting"
    PROPOSAL_RESPOND = "proposal:respond"
    MEETING_RECORD = "meeting:record"
    MEETING_APPROVE = "meeting:approve_minutes"
    COMMUNIQUE_DRAFT = "meeting:draft_communique"
    COMMUNIQUE_CONSENT = "communique:consent"


@dataclass(frozen=True)
class Roles:
    """What one user is in one process."""

    mediator: bool = False
    observer: bool = False
    monitor: bool = False
    operator: bool = False
    parties: dict[int, frozenset[str]] = field(default_factory=dict)
    all_party_ids: tuple[int, ...] = ()

    @property
    def admitted(self) -> bool:
        return self.mediator or self.observer or self.monitor or self.operator or bool(self.parties)

    def is_head_of(self, party_id: int) -> bool:
        return DelegationRole.HEAD in self.parties.get(party_id, frozenset())

    def audiences(self) -> frozenset[str]:
        seen = {audience.PUBLIC}
        if self.admitted:
            seen.add(audience.PROCESS)
        if self.mediator or self.parties:
            seen.add(audience.PLENARY)
        if self.mediator:
            seen.add(audience.MEDIATORS)
            seen.update(audience.caucus(pid) for pid in self.all_party_ids)
        for pid in self.parties:
            seen.add(audience.caucus(pid))
            seen.add(audience.party(pid))
        return frozenset(seen)


NO_ROLES = Roles()


def _operator_framework_ids(user: User) -> set[int]:
    cache = user.__dict__.setdefault("_goodoffices_operator_of", None)
    if cache is None:
        cache = set(FrameworkOperator.objects.filter(user=user).values_list("framework_id", flat=True))
        user.__dict__["_goodoffices_operator_of"] = cache
    return cache


def roles_in(user: AnyUser, processes: Iterable[Process]) -> dict[int, Roles]:
    """Roles of ``user`` in each process, in a fixed number of queries."""
    procs = list(processes)
    if not procs or not user.is_authenticated:
        return {p.pk: NO_ROLES for p in procs}
    assert isinstance(user, User)
    ids = [p.pk for p in procs]
    appointments: dict[int, set[str]] = {}
    for pid, role in Appointment.objects.filter(user=user, process_id__in=ids).values_list("process_id", "role"):
        appointments.setdefault(pid, set()).add(role)
    memberships: dict[int, dict[int, set[str]]] = {}
    for proc_id, party_id, role in DelegationMembership.objects.filter(
        user=user, party__process_id__in=ids
    ).values_list("party__process_id", "party_id", "role"):
        memberships.setdefault(proc_id, {}).setdefault(party_id, set()).add(role)
    all_parties: dict[int, list[int]] = {}
    for proc_id, party_id in Party.objects.filter(process_id__in=ids).values_list("process_id", "id"):
        all_parties.setdefault(proc_id, []).append(party_id)
    operator_of = _operator_framework_ids(user)
    framework_of = dict(Mandate.objects.filter(processes__in=ids).values_list("processes", "framework_id"))
    result = {}
    for p in procs:
        roles = appointments.get(p.pk, set())
        result[p.pk] = Roles(
            mediator=AppointmentRole.MEDIATOR in roles,
            observer=AppointmentRole.OBSERVER in roles,
            monitor=AppointmentRole.MONITOR in roles,
            operator=user.is_staff or framework_of.get(p.pk) in operator_of,
            parties={k: frozenset(v) for k, v in memberships.get(p.pk, {}).items()},
            all_party_ids=tuple(all_parties.get(p.pk, [])),
        )
    return result


def roles_for(user: AnyUser, process: Process) -> Roles:
    cache: dict[int, Roles] = getattr(user, "_goodoffices_roles", None) or {}
    if process.pk not in cache:
        cache.update(roles_in(user, [process]))
        if user.is_authenticated:
            user.__dict__["_goodoffices_roles"] = cache
    return cache[process.pk]


def forget_roles(user: AnyUser) -> None:
    """Drop cached roles after a service changed them."""
    user.__dict__.pop("_goodoffices_roles", None)
    user.__dict__.pop("_goodoffices_operator_of", None)


def can(user: AnyUser, permission: Permission, obj: Any = None) -> bool:
    """May ``user`` do ``permission`` to ``obj``? Deny unless a rule below allows."""
    if not user.is_authenticated or not user.is_active:
        return False
    assert isinstance(user, User)
    match permission:
        case Permission.FRAMEWORK_CREATE:
            return user.is_staff
        case Permission.FRAMEWORK_MANAGE | Permission.MANDATE_CREATE:
            return isinstance(obj, Framework) and (user.is_staff or obj.pk in _operator_framework_ids(user))
        case Permission.MANDATE_AMEND | Permission.PROCESS_CREATE:
            return isinstance(obj, Mandate) and (user.is_staff or obj.framework_id in _operator_framework_ids(user))
        case Permission.PROCESS_VIEW:
            return isinstance(obj, Process) and roles_for(user, obj).admitted
        case Permission.APPOINTMENT_MANAGE:
            return isinstance(obj, Process) and roles_for(user, obj).operator
        case Permission.DELEGATION_MANAGE:
            if not isinstance(obj, Party):
                return False
            roles = roles_for(user, obj.process)
            return roles.is_head_of(obj.pk) or roles.operator
        case Permission.CAUCUS_VIEW | Permission.CAUCUS_POST:
            # A caucus is one party and the mediators; no other party, observer or operator.
            if not isinstance(obj, Party):
                return False
            roles = roles_for(user, obj.process)
            return roles.mediator or obj.pk in roles.parties
        case Permission.PROPOSAL_CREATE:
            # A party's head of delegation or a mediator proposes meetings.
            if not isinstance(obj, Process):
                return False
            roles = roles_for(user, obj)
            return roles.mediator or any(roles.is_head_of(pid) for pid in roles.parties)
        case Permission.PROPOSAL_RESPOND | Permission.MEETING_APPROVE | Permission.COMMUNIQUE_CONSENT:
            # A party's acts (readiness, approval, consent) are its head of delegation's.
            process = getattr(obj, "process", None)
            if not isinstance(process, Process):
                return False
            roles = roles_for(user, process)
            return any(roles.is_head_of(pid) for pid in roles.parties)
        case Permission.MEETING_RECORD:
            process = getattr(obj, "process", None)
            return isinstance(process, Process) and roles_for(user, process).mediator
        case Permission.COMMUNIQUE_DRAFT:
            process = getattr(obj, "process", None)
            if not isinstance(process, Process):
                return False
            roles = roles_for(user, process)
            return roles.mediator or any(roles.is_head_of(pid) for pid in roles.parties)
        case Permission.EVENT_VIEW:
            if obj.audience == audience.PUBLIC:
                return True
            if obj.process is None:
                return False
            return obj.audience in roles_for(user, obj.process).audiences()
    return False


def may_see(user: AnyUser, obj: Any) -> bool:
    """May ``user`` see ``obj`` at all? A process by admission; a record by its audience in its
    process (a record without an audience, such as a party, by admission to its process)."""
    process = obj if isinstance(obj, Process) else getattr(obj, "process", None)
    if not isinstance(process, Process):
        return False
    roles = roles_for(user, process)
    record_audience = None if obj is process else getattr(obj, "audience", None)
    return roles.admitted if record_audience is None else record_audience in roles.audiences()


def require(user: AnyUser, permission: Permission, obj: Any, *, visible: bool | None = None) -> None:
    """Refuse what ``user`` may not do to ``obj``: ``NotFound`` when the user may not even see it
    (``visible``, judged by ``may_see`` unless given), ``Forbidden`` when it may see but not act."""
    if can(user, permission, obj):
        return
    if not (may_see(user, obj) if visible is None else visible):
        raise NotFound(type(obj).__name__.lower())
    raise Forbidden(f"your role does not allow this ({permission.value})")


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
        | Q(mandate__framework_id__in=_operator_framework_ids(user))
    ).distinct()


def restrict_by_audience(user: AnyUser, queryset: QuerySet[Any], process_field: str = "process") -> QuerySet[Any]:
    """Keep only the records whose audience ``user`` may read in their process."""
    condition = Q(audience=audience.PUBLIC)
    processes = list(visible_processes(user))
    for process_id, roles in roles_in(user, processes).items():
        condition |= Q(**{f"{process_field}_id": process_id}, audience__in=sorted(roles.audiences()))
    return queryset.filter(condition)


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
        case "caucus":
            condition = mediators | Q(delegations__party_id=party_id)
        case _:
            condition = Q(delegations__party_id=party_id)
    return list(User.objects.filter(condition, is_active=True).distinct().order_by("pk"))
