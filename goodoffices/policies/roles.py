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
from functools import lru_cache
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest, HttpResponse

from goodoffices.accounts.models import User
from goodoffices.compiled import table
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
    guarantor: bool = False
    operator: bool = False
    parties: dict[int, frozenset[str]] = field(default_factory=dict)
    all_party_ids: tuple[int, ...] = ()

    @property
    def admitted(self) -> bool:
        return self.mediator or self.observer or self.monitor or self.guarantor or self.operator or bool(self.parties)

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
                (AppointmentRole.GUARANTOR.value, self.guarantor),
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
    facts: dict[str, bool] = field(default_factory=dict)


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


def cached_fact(user: User, name: str, compute: Callable[[], bool]) -> bool:
    """A fact about ``user`` (say, whether a mandate requires them to use two-factor), computed
    at most once per request."""
    cached = _cache_for(user)
    if name not in cached.facts:
        cached.facts[name] = compute()
    return cached.facts[name]


def party_known(process_id: int, party_id: int) -> bool:
    """Whether roles read in this request already show ``party_id`` to be a party of the
    process (False means "not known here", not "not a party")."""
    cache = _request_cache.get()
    return cache is not None and any(
        party_id in roles.all_party_ids
        for user_cache in cache.values()
        if (roles := user_cache.roles.get(process_id)) is not None
    )


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
        cached.roles.update(_read_roles(user, missing, cached))
    return {p.pk: cached.roles[p.pk] for p in procs}


# The rows of the one roles query, by their first column.
_APPOINTMENT, _MEMBERSHIP, _OPERATOR, _PARTY = 0, 1, 2, 3


@lru_cache(maxsize=64)
def _roles_sql(ids: int, operators: bool, parties: int) -> str:
    """The roles query for ``ids`` processes: the user's appointments and memberships, the
    frameworks it operates (when not known yet) and the parties and framework of ``parties``
    processes not read with them, as one ``UNION ALL``.

    Written as SQL, not built by the ORM: it runs on every request and in every service call, and
    building its four parts through the ORM cost more than all the rest of a caucus message
    (issue 9's profile). The statement depends only on the counts, so it is built once per shape;
    tests/test_policy_rules.py and the policy matrices check what it reads."""
    q = connection.ops.quote_name
    marks = ", ".join(["%s"] * ids)
    parts = [
        f"SELECT {_APPOINTMENT}, a.{q('process_id')}, 0, a.{q('role')}, 0 FROM {table(Appointment)} a"  # noqa: S608 - names from the models, values as parameters
        f" WHERE a.{q('user_id')} = %s AND a.{q('process_id')} IN ({marks})",
        f"SELECT {_MEMBERSHIP}, p.{q('process_id')}, m.{q('party_id')}, m.{q('role')}, 0"  # noqa: S608 - names from the models, values as parameters
        f" FROM {table(DelegationMembership)} m INNER JOIN {table(Party)} p ON p.{q('id')} = m.{q('party_id')}"
        f" WHERE m.{q('user_id')} = %s AND p.{q('process_id')} IN ({marks})",
    ]
    if operators:
        parts.append(
            f"SELECT {_OPERATOR}, 0, o.{q('framework_id')}, '', 0 FROM {table(FrameworkOperator)} o"  # noqa: S608 - names from the models, values as parameters
            f" WHERE o.{q('user_id')} = %s"
        )
    if parties:
        parts.append(
            f"SELECT {_PARTY}, p.{q('process_id')}, p.{q('id')}, '', d.{q('framework_id')}"  # noqa: S608 - names from the models, values as parameters
            f" FROM {table(Party)} p INNER JOIN {table(Process)} r ON r.{q('id')} = p.{q('process_id')}"
            f" INNER JOIN {table(Mandate)} d ON d.{q('id')} = r.{q('mandate_id')}"
            f" WHERE p.{q('process_id')} IN ({', '.join(['%s'] * parties)})"
        )
    return " UNION ALL ".join(parts)


def _read_roles(user: User, procs: list[Process], cached: _UserCache) -> dict[int, Roles]:
    """One query for any number of processes: the user's appointments, memberships (and, once
    per request, the frameworks it operates), and every party and framework of the processes not
    read with their parties."""
    ids = [p.pk for p in procs]
    all_parties: dict[int, list[int]] = {}
    framework_of: dict[int, int] = {}
    unread = []
    for proc in procs:
        # A process read with its parties and mandate (as process_get reads it) needs no rows here.
        prefetched = getattr(proc, "_prefetched_objects_cache", {}).get("parties")
        if prefetched is not None and Process.mandate.is_cached(proc):
            all_parties[proc.pk] = [party.pk for party in prefetched]
            framework_of[proc.pk] = proc.mandate.framework_id
        else:
            unread.append(proc.pk)
    read_operators = cached.operator_of is None
    params: list[Any] = [user.pk, *ids, user.pk, *ids]
    if read_operators:
        params.append(user.pk)
    params.extend(unread)
    appointments: dict[int, set[str]] = {}
    memberships: dict[int, dict[int, set[str]]] = {}
    operator_of: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(_roles_sql(len(ids), read_operators, len(unread)), params)
        rows = cursor.fetchall()
    for row_kind, proc_id, party_id, role, framework_id in rows:
        if row_kind == _APPOINTMENT:
            appointments.setdefault(proc_id, set()).add(role)
        elif row_kind == _MEMBERSHIP:
            memberships.setdefault(proc_id, {}).setdefault(party_id, set()).add(role)
        elif row_kind == _OPERATOR:
            operator_of.add(party_id)
        else:
            all_parties.setdefault(proc_id, []).append(party_id)
            framework_of[proc_id] = framework_id
    if read_operators:
        cached.operator_of = frozenset(operator_of)
    operators = cached.operator_of
    assert operators is not None
    result = {}
    for p in procs:
        roles = appointments.get(p.pk, set())
        result[p.pk] = Roles(
            mediator=AppointmentRole.MEDIATOR in roles,
            observer=AppointmentRole.OBSERVER in roles,
            monitor=AppointmentRole.MONITOR in roles,
            guarantor=AppointmentRole.GUARANTOR in roles,
            operator=user.is_staff or framework_of.get(p.pk) in operators,
            parties={k: frozenset(v) for k, v in memberships.get(p.pk, {}).items()},
            all_party_ids=tuple(sorted(all_parties.get(p.pk, []))),
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
