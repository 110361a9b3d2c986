"""The policy matrix: every persona against every audience and every endpoint.

The expectations are written out by hand from DESIGN.md, not derived from the policy
module, so a change of policy has to change this table too. A last test fails when an
endpoint exists that the matrix does not cover.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pyotp
import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from goodoffices.api.api import api
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience

from .world import PERSONAS, World, make_user

ALL = (*PERSONAS, "anonymous")
ADMITTED = ("mediator", "head_a", "delegate_a", "head_b", "delegate_b", "observer", "monitor", "operator")
AUDIENCES = ("public", "process", "plenary", "mediators", "caucus:A", "caucus:B", "party:A", "party:B")

SEES: dict[str, set[str]] = {
    "mediator": {"public", "process", "plenary", "mediators", "caucus:A", "caucus:B"},
    "head_a": {"public", "process", "plenary", "caucus:A", "party:A"},
    "delegate_a": {"public", "process", "plenary", "caucus:A", "party:A"},
    "head_b": {"public", "process", "plenary", "caucus:B", "party:B"},
    "delegate_b": {"public", "process", "plenary", "caucus:B", "party:B"},
    "observer": {"public", "process"},
    "monitor": {"public", "process"},
    "operator": {"public", "process"},
    # Not admitted: the process does not exist for them, so neither do its records.
    "outsider": set(),
    "anonymous": set(),
}


def _audience(world: World, name: str) -> str:
    kind, _, side = name.partition(":")
    if not side:
        return name
    party = world.party_a if side == "A" else world.party_b
    return audience.caucus(party.pk) if kind == "caucus" else audience.party(party.pk)


@pytest.fixture
def seeded(world: World) -> dict[str, str]:
    """One event per audience, each with a marker; returns audience name -> the event's public id."""
    seqs = {}
    with transaction.atomic():
        for name in AUDIENCES:
            event = event_record(
                kind=EventKind.PROCESS_CREATED,
                actor=world.mediator,
                subject=world.process,
                audience=_audience(world, name),
                process=world.process,
                payload={"marker": f"marker-{name}"},
            )
            assert event.public_id is not None
            seqs[name] = event.public_id
    return seqs


def _visible_count(world: World, persona: str) -> int:
    from goodoffices.events.models import Event

    base = {a: Event.objects.filter(process=world.process, audience=_audience(world, a)).count() for a in AUDIENCES}
    return sum(base[a] for a in SEES[persona])


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("audience_name", AUDIENCES)
def test_event_detail(world, seeded, api_for, persona, audience_name):
    response = api_for(persona).get(f"/api/v1/processes/{world.process.pk}/events/{seeded[audience_name]}")
    if persona == "anonymous":
        assert response.status_code == 401
    elif audience_name in SEES[persona]:
        assert response.status_code == 200
        assert response.json()["payload"] == {"marker": f"marker-{audience_name}"}
    else:
        assert response.status_code == 404
        assert f"marker-{audience_name}" not in response.content.decode()


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("audience_name", AUDIENCES)
def test_event_list_and_count(world, seeded, api_for, persona, audience_name):
    response = api_for(persona).get(f"/api/v1/processes/{world.process.pk}/events?limit=200")
    if persona == "anonymous":
        assert response.status_code == 401
        return
    if persona == "outsider":
        assert response.status_code == 404
        return
    body = response.json()
    markers = {item["payload"].get("marker") for item in body["items"]}
    assert (f"marker-{audience_name}" in markers) == (audience_name in SEES[persona])
    assert len(body["items"]) == _visible_count(world, persona)
    assert body["next"] is None


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("audience_name", AUDIENCES)
def test_activity_page(world, seeded, client_for, persona, audience_name):
    from goodoffices.events.models import Event

    response = client_for(persona).get(f"/processes/{world.process.pk}/activity/")
    if persona == "anonymous":
        assert response.status_code == 302
        return
    if persona == "outsider":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    shown = {event.public_id for event in response.context["events"]}
    assert (seeded[audience_name] in shown) == (audience_name in SEES[persona])
    assert len(shown) == _visible_count(world, persona)
    assert (
        Event.objects.filter(public_id__in=shown)
        .exclude(audience__in=[_audience(world, a) for a in SEES[persona]])
        .count()
        == 0
    )


# --- endpoints ---------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    method: str
    url: Callable[[World], str]
    expect: Callable[[str], int]
    api: bool = True
    body: Callable[[World], dict[str, object]] | None = None


def read_admitted(api: bool) -> Callable[[str], int]:
    def expect(persona: str) -> int:
        if persona == "anonymous":
            return 401 if api else 302
        return 200 if persona in ADMITTED else 404

    return expect


def signed_in_only(api: bool) -> Callable[[str], int]:
    def expect(persona: str) -> int:
        if persona == "anonymous":
            return 401 if api else 302
        return 200

    return expect


def write_by(allowed: set[str], ok: int, api: bool) -> Callable[[str], int]:
    def expect(persona: str) -> int:
        if persona == "anonymous":
            return 401 if api else 302
        if persona in allowed:
            return ok
        return 403 if persona in ADMITTED else 404

    return expect


def _member_of(world: World, persona: str) -> int:
    return world.party_a.memberships.get(user=world.users[persona]).pk


ENDPOINTS = [
    Endpoint(
        "web:appointments",
        "get",
        lambda w: f"/processes/{w.process.pk}/appointments/",
        write_by({"operator"}, 200, False),
        api=False,
    ),
    Endpoint(
        "web:appointments_post",
        "post",
        lambda w: f"/processes/{w.process.pk}/appointments/",
        write_by({"operator"}, 302, False),
        api=False,
        body=lambda w: {"username": "newcomer", "role": "observer", "organisation": "UN"},
    ),
    Endpoint(
        "web:appointment_end",
        "post",
        lambda w: f"/processes/{w.process.pk}/appointments/{w.process.appointments.get(role='monitor').pk}/end/",
        write_by({"operator"}, 302, False),
        api=False,
    ),
    Endpoint(
        "web:mandate_amend",
        "get",
        lambda w: f"/processes/{w.process.pk}/mandate/amend/",
        write_by({"operator"}, 200, False),
        api=False,
    ),
    Endpoint(
        "web:mandate_amend_post",
        "post",
        lambda w: f"/processes/{w.process.pk}/mandate/amend/",
        write_by({"operator"}, 302, False),
        api=False,
        body=lambda w: {
            "scope": "Gas supply\nElectricity line\nMine inspection",
            "languages": ["en", "ru"],
            "held_meetings_audience": "process",
            "note": "adds mine inspection",
        },
    ),
    Endpoint("api:process_list", "get", lambda w: "/api/v1/processes", signed_in_only(True)),
    Endpoint("api:me", "get", lambda w: "/api/v1/me", signed_in_only(True)),
    Endpoint("api:process_detail", "get", lambda w: f"/api/v1/processes/{w.process.pk}", read_admitted(True)),
    Endpoint("api:event_list", "get", lambda w: f"/api/v1/processes/{w.process.pk}/events", read_admitted(True)),
    Endpoint(
        "api:member_add",
        "post",
        lambda w: f"/api/v1/processes/{w.process.pk}/parties/{w.party_a.pk}/members",
        write_by({"head_a", "operator"}, 201, True),
        body=lambda w: {"username": "newcomer", "role": "delegate"},
    ),
    # Issue 8, item 19: refused for someone with another role in the process, and answered alike
    # for a name no account has (tests/test_delegations.py compares the answers).
    Endpoint(
        "api:member_add (holds another role)",
        "post",
        lambda w: f"/api/v1/processes/{w.process.pk}/parties/{w.party_a.pk}/members",
        write_by({"head_a", "operator"}, 422, True),
        body=lambda w: {"username": w.observer.username, "role": "delegate"},
    ),
    Endpoint(
        "api:member_add (no such account)",
        "post",
        lambda w: f"/api/v1/processes/{w.process.pk}/parties/{w.party_a.pk}/members",
        write_by({"head_a", "operator"}, 422, True),
        body=lambda w: {"username": "nobody-is-called-this", "role": "delegate"},
    ),
    Endpoint(
        "api:member_remove",
        "delete",
        lambda w: f"/api/v1/processes/{w.process.pk}/parties/{w.party_a.pk}/members/{_member_of(w, 'delegate_a')}",
        write_by({"head_a", "operator"}, 204, True),
    ),
    Endpoint(
        "api:mandate_amend",
        "post",
        lambda w: f"/api/v1/processes/{w.process.pk}/mandate/amendments",
        write_by({"operator"}, 201, True),
        body=lambda w: {"note": "adds a topic", "scope": ["Gas supply", "Electricity line", "Mine inspection"]},
    ),
    Endpoint("web:dashboard", "get", lambda w: "/dashboard/", signed_in_only(False), api=False),
    Endpoint("web:account", "get", lambda w: "/account/", signed_in_only(False), api=False),
    Endpoint("web:two_factor", "get", lambda w: "/account/two-factor/", signed_in_only(False), api=False),
    Endpoint("web:process", "get", lambda w: f"/processes/{w.process.pk}/", read_admitted(False), api=False),
    Endpoint("web:mandate", "get", lambda w: f"/processes/{w.process.pk}/mandate/", read_admitted(False), api=False),
    Endpoint("web:activity", "get", lambda w: f"/processes/{w.process.pk}/activity/", read_admitted(False), api=False),
    Endpoint(
        "web:delegation",
        "get",
        lambda w: f"/processes/{w.process.pk}/parties/{w.party_a.pk}/",
        read_admitted(False),
        api=False,
    ),
    Endpoint(
        "web:delegation_add",
        "post",
        lambda w: f"/processes/{w.process.pk}/parties/{w.party_a.pk}/",
        write_by({"head_a", "operator"}, 302, False),
        api=False,
        body=lambda w: {"username": "newcomer", "role": "delegate"},
    ),
    Endpoint(
        "web:delegation_add (holds another role)",
        "post",
        lambda w: f"/processes/{w.process.pk}/parties/{w.party_a.pk}/",
        write_by({"head_a", "operator"}, 422, False),
        api=False,
        body=lambda w: {"username": w.head_b.username, "role": "delegate"},
    ),
    Endpoint(
        "web:delegation_add (no such account)",
        "post",
        lambda w: f"/processes/{w.process.pk}/parties/{w.party_a.pk}/",
        write_by({"head_a", "operator"}, 422, False),
        api=False,
        body=lambda w: {"username": "nobody-is-called-this", "role": "delegate"},
    ),
    Endpoint(
        "web:delegation_remove",
        "post",
        lambda w: f"/processes/{w.process.pk}/parties/{w.party_a.pk}/members/{_member_of(w, 'delegate_a')}/remove/",
        write_by({"head_a", "operator"}, 302, False),
        api=False,
    ),
]


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_endpoint(world, api_for, client_for, persona, endpoint):
    from goodoffices.events.models import Event

    make_user("newcomer")
    client: Client = api_for(persona) if endpoint.api else client_for(persona)
    url = endpoint.url(world)
    before = Event.objects.count()
    if endpoint.body is None:
        response = getattr(client, endpoint.method)(url)
    elif endpoint.api:
        response = getattr(client, endpoint.method)(url, endpoint.body(world), content_type="application/json")
    else:
        response = getattr(client, endpoint.method)(url, endpoint.body(world))
    expected = endpoint.expect(persona)
    assert response.status_code == expected, response.content[:300]
    if endpoint.method != "get" and persona != "anonymous":
        # A write that is refused leaves no trace; one that is allowed records its event.
        # A GET never writes; a refused write leaves no trace; an allowed one records its event.
        wrote = 1 if expected in (201, 204, 302) and endpoint.method != "get" else 0
        assert Event.objects.count() == before + wrote
    if persona == "anonymous" and not endpoint.api:
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_a_session_without_its_second_factor_is_anonymous_everywhere(world, endpoint):
    """Issue 8, item 2: the operator and head_a turned two-factor on, and these sessions were
    opened without it (as the admin's password-only login used to): every endpoint answers
    them as it answers the anonymous, and nothing is written."""
    from goodoffices.accounts.services import totp_begin, totp_confirm
    from goodoffices.events.models import Event

    make_user("newcomer")
    for persona in ("operator", "head_a"):
        user = world.users[persona]
        totp_confirm(user=user, code=pyotp.TOTP(totp_begin(user=user)).now())
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        before = Event.objects.count()
        url = endpoint.url(world)
        if endpoint.body is None:
            response = getattr(client, endpoint.method)(url)
        elif endpoint.api:
            response = getattr(client, endpoint.method)(url, endpoint.body(world), content_type="application/json")
        else:
            response = getattr(client, endpoint.method)(url, endpoint.body(world))
        assert response.status_code == endpoint.expect("anonymous"), (persona, response.content[:300])
        assert Event.objects.count() == before


def test_process_list_shows_only_admitted(world, api_for):
    for persona in ALL[:-1]:
        ids = {item["id"] for item in api_for(persona).get("/api/v1/processes").json()["items"]}
        assert (world.process.pk in ids) == (persona in ADMITTED), persona


# Endpoints that are not about a process's records, each with the test that covers it.
EXEMPT = {
    "api:token_create": "tests/test_accounts.py (credentials, not roles)",
    "api:event_detail": "test_event_detail above, per audience",
    "api:openapi-json": "tests/test_api.py",
    "api:openapi-view": "tests/test_api.py",
    "web:home": "redirect only",
    "web:healthz": "tests/test_platform.py",
    "web:login": "tests/test_accounts.py",
    "web:logout": "tests/test_accounts.py",
    "web:language_set": "tests/test_i18n.py",
    "web:token_create": "tests/test_accounts.py",
    "web:token_revoke": "tests/test_accounts.py",
    "web:password_reset": "tests/test_accounts.py (no role: the owner's e-mail address is the credential)",
    "web:password_reset_done": "tests/test_accounts.py",
    "web:password_reset_confirm": "tests/test_accounts.py",
    "web:password_reset_complete": "tests/test_accounts.py",
    "web:admin": "tests/test_admin.py: Django's staff-only admin, read-only models, no sign-in of its own",
}
# Every test module may declare the endpoints its own matrix covers, as MATRIX_COVERS.
MATRIX_COVERS = {e.name for e in ENDPOINTS} | set(EXEMPT)


def _web_names() -> set[str]:
    names = set()

    def walk(patterns: list[URLPattern | URLResolver]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    names.add("web:admin")
                elif p.namespace is None:
                    walk(p.url_patterns)
            elif p.name:
                names.add(f"web:{p.name}")

    walk(get_resolver().url_patterns)
    return names


def _api_names() -> set[str]:
    names = {"api:openapi-json", "api:openapi-view"}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                names.add(f"api:{op.view_func.__name__}")
    return names


def _declared_coverage() -> set[str]:
    import importlib
    import pkgutil

    import tests

    covered: set[str] = set()
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.rsplit(".", 1)[-1].startswith("test_"):
            covered |= getattr(importlib.import_module(module.name), "MATRIX_COVERS", set())
    return covered


def test_every_endpoint_is_in_the_matrix():
    missing = sorted((_api_names() | _web_names()) - _declared_coverage())
    assert not missing, f"endpoints missing from the policy matrix: {missing}"
