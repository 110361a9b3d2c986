"""Readiness for several slots (issue 10, item 2): each party marks every slot it could attend,
sealed; the meeting is confirmed at the earliest slot every party is ready for, at once for all;
no party learns another's slots; mediators (where the mandate lets them see readiness) see where
the slots fail to meet."""

import re
import zoneinfo

import pytest

from goodoffices.consent.models import Consent
from goodoffices.events.models import Event
from goodoffices.lib.errors import Invalid
from goodoffices.meetings import services
from goodoffices.meetings.models import Meeting, Proposal

from .conftest import propose, slots
from .helpers import proposal_body, slot


def test_confirmed_at_the_earliest_slot_every_party_is_ready_for(world):
    # Slot indexes are not in time order: slot 2 (day 11) comes before slot 1 (day 12).
    proposal = propose(world, slots=slots(10, 12, 11))
    assert services.readiness_set(actor=world.head_a, proposal=proposal, ready=True, slots=[0, 1, 2]).status == (
        "awaiting"
    )
    result = services.readiness_set(actor=world.head_b, proposal=proposal, ready=True, slots=[1, 2])
    assert result.status == "confirmed"
    assert result.meeting is not None
    assert result.meeting.starts_at == proposal.slots.get(index=2).starts_at


def test_slots_that_do_not_meet_confirm_nothing_until_they_do(world):
    proposal = propose(world, slots=slots(10, 11, 12))
    services.readiness_set(actor=world.head_a, proposal=proposal, ready=True, slots=[0, 1])
    assert services.readiness_set(actor=world.head_b, proposal=proposal, ready=True, slots=[2]).status == "awaiting"
    assert not Meeting.objects.exists()
    result = services.readiness_set(actor=world.head_b, proposal=proposal, ready=True, slots=[1, 2])
    assert result.meeting is not None
    assert result.meeting.starts_at == proposal.slots.get(index=1).starts_at


def test_no_slot_is_no_readiness(world):
    proposal = propose(world)
    with pytest.raises(Invalid, match="choose at least one slot your party is ready for"):
        services.readiness_set(actor=world.head_a, proposal=proposal, ready=True, slots=[])


def test_the_api_takes_slots_and_still_takes_one_slot(world, api_for):
    a, b = api_for("head_a"), api_for("head_b")
    proposal = a.post(
        f"/api/v1/processes/{world.process.pk}/proposals",
        proposal_body(slots=[slot(10), slot(11), slot(12)]),
        content_type="application/json",
    ).json()
    url = f"/api/v1/proposals/{proposal['id']}/readiness"
    assert a.put(url, {"ready": True, "slots": [0, 2]}, content_type="application/json").json() == {
        "status": "awaiting",
        "meeting": None,
    }
    mine = a.get(f"/api/v1/proposals/{proposal['id']}").json()
    assert mine["readiness_slots"] == {str(world.party_a.pk): [0, 2]}
    assert mine["my_readiness"] == {str(world.party_a.pk): 0}
    # The other party learns nothing of it.
    theirs = b.get(f"/api/v1/proposals/{proposal['id']}").json()
    assert theirs["readiness_slots"] == {}
    assert theirs["my_readiness"] == {}
    for body, field in (
        ({"ready": True, "slots": [7]}, "slots"),
        ({"ready": True, "slots": [0], "slot": 0}, "slots"),
        ({"ready": True, "slots": [10]}, "slots[0]"),
    ):
        refused = b.put(url, body, content_type="application/json")
        assert refused.status_code == 422, body
        assert [e["field"] for e in refused.json()["errors"]] == [field], refused.json()
    answer = b.put(url, {"ready": True, "slot": 2}, content_type="application/json").json()
    assert answer["status"] == "confirmed"
    assert isinstance(answer["meeting"], int)
    assert (
        Meeting.objects.get(pk=answer["meeting"]).starts_at
        == Proposal.objects.get(pk=proposal["id"]).slots.get(index=2).starts_at
    )


def test_no_party_learns_another_partys_slots(world, client_for, api_for):
    proposal = propose(world, slots=slots(10, 11, 12))
    b_web, b_api = client_for("head_b"), api_for("delegate_b")
    pages = (
        f"/proposals/{proposal.pk}/",
        f"/processes/{world.process.pk}/activity/",
        "/notifications/",
        f"/processes/{world.process.pk}/meetings/",
    )
    api = (f"/api/v1/proposals/{proposal.pk}", f"/api/v1/processes/{world.process.pk}/events")

    def seen() -> tuple[list[str], list[bytes]]:
        # Every page carries a fresh mask of the CSRF token: the rest must be the same.
        web = [re.sub(r"[A-Za-z0-9]{64}", "TOKEN", b_web.get(url).content.decode()) for url in pages]
        return web, [b_api.get(url).content for url in api]

    before = seen()
    client_for("head_a").post(f"/proposals/{proposal.pk}/readiness/", {"ready": "1", "slots": ["0", "2"]})
    assert Consent.objects.get(party=world.party_a).option == "0,2"
    assert seen() == before
    # The consent is sealed to Alpha and the mediators (this mandate lets them see readiness).
    assert set(Event.objects.filter(kind="consent.given").values_list("audience", flat=True)) == {
        f"caucus:{world.party_a.pk}"
    }


def test_mediators_see_where_the_slots_fail_to_meet_and_the_parties_do_not(world, client_for):
    proposal = propose(world, slots=slots(10, 11))
    services.readiness_set(actor=world.head_a, proposal=proposal, ready=True, slots=[0])
    services.readiness_set(actor=world.head_b, proposal=proposal, ready=True, slots=[1])
    mediator = client_for("mediator").get(f"/proposals/{proposal.pk}/").content.decode()
    assert "Where the parties' slots meet (seen by mediators only)" in mediator
    assert '<tr><th scope="row">1</th><td>Alpha</td><td>Beta</td></tr>' in mediator
    assert '<tr><th scope="row">2</th><td>Beta</td><td>Alpha</td></tr>' in mediator
    for head in ("head_a", "head_b"):
        page = client_for(head).get(f"/proposals/{proposal.pk}/").content.decode()
        assert "Where the parties" not in page
        assert "Alpha</td>" not in page


def test_the_proposer_says_at_once_its_party_is_ready_for_its_slots(world, client_for):
    client = client_for("head_a")
    start, end = slot(10)["starts_at"], slot(10)["ends_at"]
    zurich = zoneinfo.ZoneInfo("Europe/Zurich")
    from datetime import datetime

    local = [datetime.fromisoformat(t).astimezone(zurich).strftime("%Y-%m-%dT%H:%M") for t in (start, end)]
    form = client.get(f"/processes/{world.process.pk}/meetings/propose/").content.decode()
    assert "My party is ready for every slot I propose" in form
    assert (
        "My party is ready"
        not in client_for("mediator").get(f"/processes/{world.process.pk}/meetings/propose/").content.decode()
    )
    response = client.post(
        f"/processes/{world.process.pk}/meetings/propose/",
        {
            "title": "Talks",
            "format": "direct",
            "modality": "in_person",
            "venue": "Geneva",
            "timezone": "Europe/Zurich",
            "agenda": ["Gas supply"],
            "delegation_size": "5",
            "slot0_start": local[0],
            "slot0_end": local[1],
            "ready": "on",
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert Consent.objects.get(party=world.party_a, joint__subject_id=str(proposal.pk)).option == "0"
    assert not Consent.objects.filter(party=world.party_b).exists()


def test_a_counter_proposal_starts_from_the_slots_it_answers(world, client_for):
    proposal = propose(world, slots=slots(10, 11))
    form = client_for("head_b").get(f"/processes/{world.process.pk}/meetings/propose/?counter={proposal.pk}")
    zurich = zoneinfo.ZoneInfo("Europe/Zurich")
    page = form.content.decode()
    for s in proposal.slots.all():
        assert f'value="{s.starts_at.astimezone(zurich).strftime("%Y-%m-%dT%H:%M")}"' in page
        assert f'value="{s.ends_at.astimezone(zurich).strftime("%Y-%m-%dT%H:%M")}"' in page
    # One empty row more, for another slot.
    assert 'name="slot2_start"' in page
