"""What one user is in one process, computed once per request.

Roles are read in a fixed number of queries and kept in a per-request cache (a context
variable the middleware opens and closes), never on the user object: a service that
changes someone's roles calls ``forget_roles`` so the rest of the request sees the change.
Outside a request (commands, tests calling services) nothing is cached.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from goodoffices.accounts.models import User
from goodoffices.lib import audience
from goodoffices.processes.models import (
    Appointment,
    AppointmentRole,
    DelegationMembership,
    DelegationRole,
    FrameworkOperator,
    Mandate,
    Party,
    Process,
)

AnyUser = User | AnonymousUser


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

    @property
    def in_plenary(self) -> bool:
        """The parties' delegations and the mediators."""
        return self.mediator or bool(self.parties)

    def is_head_of(self, party_id: int) -> bool:
        return DelegationRole.HEAD in self.parties.get(party_id, frozenset())

    @property
    def headed_parties(self) -> tuple[int, ...]:
        return tuple(pid for pid in self.parties if self.is_head_of(pid))

    def names(self) -> list[str]:
        """The roles as words of the vocabulary: appointments first, then delegation roles."""
        names = [
            name
            for name, held in (
                (AppointmentRole.MEDIATOR.value, self.mediator),
                (AppointmentRole.OBSERVER.value, self.observer),
                (AppointmentRole.MONITOR.value, self.monitor),
                ("operator", self.operator),
            )
            if held
        ]
        for party_roles in self.parties.values():
            names.extend(sorted(party_roles))
        return names

    def audiences(self) -> frozenset[str]:
        seen = {audience.PUBLIC}
        if self.admitted:
            seen.add(audience.PROCESS)
        if self.in_plenary:
            seen.add(audience.PLENARY)
        if self.mediator:
            seen.add(audience.MEDIATORS)
            seen.update(audience.caucus(pid) for pid in self.all_party_ids)
        for pid in self.parties:
            seen.add(audience.caucus(pid))
            seen.add(audience.party(pid))
        return frozenset(seen)


NO_ROLES = Roles()


@dataclass
class _UserCache:
    roles: dict[int, Roles] = field(default_factory=dict)
    operator_of: frozenset[int] | None = None


_request_cache: ContextVar[dict[int, _UserCache] | None] = ContextVar("goodoffices_roles", default=None)


@contextmanager
def roles_cache() -> Iterator[None]:
    """Keep roles for the duration of one request (or one command)."""
    token = _request_cache.set({})
    try:
        yield
    finally:
        _request_cache.reset(token)


def _cache_for(user: User) -> _UserCache:
    cache = _request_cache.get()
    if cache is None:
        return _UserCache()
    return cache.setdefault(user.pk, _UserCache())


def forget_roles(user: AnyUser) -> None:
    """Drop cached roles after a service changed them."""
    cache = _request_cache.get()
    if cache is not None and user.pk is not None:
        cache.pop(user.pk, None)


def operator_framework_ids(user: User) -> frozenset[int]:
    """The frameworks ``user`` operates."""
    cached = _cache_for(user)
    if cached.operator_of is None:
        cached.operator_of = frozenset(
            FrameworkOperator.objects.filter(user=user).values_list("framework_id", flat=True)
        )
    return cached.operator_of


def roles_in(user: AnyUser, processes: Iterable[Process]) -> dict[int, Roles]:
    """Roles of ``user`` in each process, in a fixed number of queries."""
    procs = list(processes)
    if not procs or not user.is_authenticated:
        return {p.pk: NO_ROLES for p in procs}
    assert isinstance(user, User)
    cached = _cache_for(user)
    missing = [p for p in procs if p.pk not in cached.roles]
    if missing:
        cached.roles.update(_read_roles(user, missing))
    return {p.pk: cached.roles[p.pk] for p in procs}


def _read_roles(user: User, procs: list[Process]) -> dict[int, Roles]:
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
    for proc_id, party_id in Party.objects.filter(process_id__in=ids).order_by("id").values_list("process_id", "id"):
        all_parties.setdefault(proc_id, []).append(party_id)
    operator_of = operator_framework_ids(user)
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
    return roles_in(user, [process])[process.pk]


class RolesCacheMiddleware:
    """Computes each reader's roles at most once per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with roles_cache():
            return self.get_response(request)
