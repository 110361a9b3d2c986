"""Who may join a delegation (issue 8, item 19): one person, one role in a process; the other
parties and the mediators see who joined; and a head adding someone never learns whether a
user name exists."""

import pytest

from goodoffices.events.models import Event, EventKind
from goodoffices.lib.errors import Invalid
from goodoffices.processes.models import DelegationMembership
from goodoffices.processes.services import appointment_make, delegation_member_add

from .world import World, make_user

HOLDS_ANOTHER_ROLE = ["mediator", "observer", "monitor", "operator", "head_b", "delegate_b"]


def _add(client, world: World, username: str, role: str = "delegate", api: bool = True):
    if api:
        return client.post(
            f"/api/v1/processes/{world.process.pk}/parties/{world.party_a.pk}/members",
            {"username": username, "role": role},
            content_type="application/json",
        )
    return client.post(
        f"/processes/{world.process.pk}/parties/{world.party_a.pk}/", {"username": username, "role": role}
    )


def _unchanged(world: World, before: tuple[int, int]) -> bool:
    return (DelegationMembership.objects.count(), Event.objects.count()) == before


@pytest.mark.parametrize("persona", HOLDS_ANOTHER_ROLE)
@pytest.mark.parametrize("actor", ["head_a", "operator"])
def test_no_one_with_another_role_in_the_process_joins_a_delegation(world, api_for, actor, persona):
    client = api_for(actor)
    before = (DelegationMembership.objects.count(), Event.objects.count())
    response = _add(client, world, world.users[persona].username)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["username"]
    assert _unchanged(world, before)
    with pytest.raises(Invalid):
        delegation_member_add(actor=world.operator, party=world.party_a, user=world.users[persona], role="signatory")


def test_a_head_cannot_tell_a_missing_name_from_an_ineligible_one(world, api_for, client_for):
    head = api_for("head_a")
    unknown = _add(head, world, "nobody-is-called-this")
    ineligible = [_add(head, world, world.users[p].username) for p in HOLDS_ANOTHER_ROLE]
    assert {r.status_code for r in [unknown, *ineligible]} == {422}
    assert {r.content for r in ineligible} == {unknown.content}
    for name in ("nobody-is-called-this", world.observer.username):
        assert name not in unknown.content.decode()
    web = client_for("head_a")
    pages = [_add(web, world, name, api=False) for name in ("nobody-is-called-this", world.observer.username)]
    assert [p.status_code for p in pages] == [422, 422]
    assert pages[0].context["form"].errors == pages[1].context["form"].errors


def test_an_operator_learns_why(world, api_for):
    operator = api_for("operator")
    unknown = _add(operator, world, "nobody-is-called-this").json()["detail"]
    observer = _add(operator, world, world.observer.username).json()["detail"]
    other_party = _add(operator, world, world.head_b.username).json()["detail"]
    assert "no active account is called 'nobody-is-called-this'" in unknown
    assert "observer" in observer
    assert "already represents Beta" in other_party


def test_whoever_may_not_manage_the_delegation_learns_nothing_about_names(world, api_for):
    for persona, status in (("delegate_a", 403), ("head_b", 403), ("observer", 403), ("outsider", 404)):
        for name in ("nobody-is-called-this", world.outsider.username):
            assert _add(api_for(persona), world, name).status_code == status, (persona, name)


def test_the_other_parties_and_the_mediators_see_who_joined(world, api_for, client_for):
    newcomer = make_user("newcomer")
    assert _add(api_for("head_a"), world, "newcomer").status_code == 201
    event = Event.objects.get(kind=EventKind.DELEGATION_MEMBER_ADDED, payload__user=newcomer.pk)
    for persona in ("mediator", "head_b", "delegate_b", "delegate_a"):
        listed = api_for(persona).get(f"/api/v1/processes/{world.process.pk}/events?limit=200").json()["items"]
        assert {"party": world.party_a.pk, "user": newcomer.pk, "role": "delegate"} in [e["payload"] for e in listed]
        activity = client_for(persona).get(f"/processes/{world.process.pk}/activity/")
        assert event.public_id in {e.public_id for e in activity.context["events"]}, persona
        delegation = client_for(persona).get(f"/processes/{world.process.pk}/parties/{world.party_a.pk}/")
        assert "Newcomer" in delegation.content.decode(), persona
    # Plenary: not the observers' business.
    observed = api_for("observer").get(f"/api/v1/processes/{world.process.pk}/events?limit=200").json()["items"]
    assert event.public_id not in [e["id"] for e in observed]


@pytest.mark.parametrize("role", ["observer", "monitor", "mediator"])
def test_a_delegation_member_is_appointed_to_nothing(world, role):
    before = Event.objects.count()
    with pytest.raises(Invalid) as refused:
        appointment_make(actor=world.operator, process=world.process, user=world.delegate_a, role=role)
    assert "represents Alpha" in str(refused.value)
    assert Event.objects.count() == before


def test_a_member_may_hold_several_roles_in_their_own_delegation(world, api_for):
    response = _add(api_for("head_a"), world, world.delegate_a.username, role="signatory")
    assert response.status_code == 201
    again = _add(api_for("head_a"), world, world.delegate_a.username, role="signatory")
    assert again.status_code == 422
    assert "already holds that role" in again.json()["detail"]
