from django.core import mail

from goodoffices.events.models import Event
from goodoffices.meetings.models import Meeting, Notification, Proposal

from .conftest import begun
from .helpers import proposal_body, slot


def _json(response):
    return response.content.decode()


def test_proposal_readiness_meeting_communique_register(world, api_for):
    a, b, mediator = api_for("head_a"), api_for("head_b"), api_for("mediator")
    created = a.post(
        f"/api/v1/processes/{world.process.pk}/proposals", proposal_body(), content_type="application/json"
    )
    assert created.status_code == 201, _json(created)
    proposal = created.json()
    assert proposal["status"] == "open"
    assert len(proposal["slots"]) == 2

    counter = b.post(
        f"/api/v1/proposals/{proposal['id']}/counter",
        proposal_body(title="Talks on gas and electricity", agenda=["Gas supply", "Electricity line"]),
        content_type="application/json",
    )
    assert counter.status_code == 201, _json(counter)
    counter_id = counter.json()["id"]
    assert counter.json()["parent"] == proposal["id"]
    assert a.get(f"/api/v1/proposals/{proposal['id']}").json()["status"] == "countered"

    first = a.put(
        f"/api/v1/proposals/{counter_id}/readiness", {"ready": True, "slot": 1}, content_type="application/json"
    )
    assert first.json() == {"status": "awaiting", "meeting": None}
    # Baku learns nothing of Stepanakert's readiness.
    seen_by_b = b.get(f"/api/v1/proposals/{counter_id}").json()
    assert seen_by_b["my_readiness"] == {}
    kinds_b = [e["kind"] for e in b.get(f"/api/v1/processes/{world.process.pk}/events?limit=200").json()["items"]]
    assert "consent.given" not in kinds_b
    # The mandate lets mediators see each party's readiness.
    assert mediator.get(f"/api/v1/proposals/{counter_id}").json()["my_readiness"] == {str(world.party_a.pk): 1}

    mail.outbox.clear()
    second = b.put(
        f"/api/v1/proposals/{counter_id}/readiness", {"ready": True, "slot": 1}, content_type="application/json"
    )
    assert second.status_code == 200
    assert second.json()["status"] == "confirmed"
    meeting_id = second.json()["meeting"]
    for client in (a, b, mediator):
        assert client.get(f"/api/v1/meetings/{meeting_id}").json()["status"] == "confirmed"
    assert api_for("observer").get(f"/api/v1/meetings/{meeting_id}").status_code == 404
    assert api_for("observer").get(f"/api/v1/proposals/{counter_id}").status_code == 404
    assert len(mail.outbox) == 0  # sent after commit; the test's transaction never commits
    recipients = set(
        Notification.objects.filter(message__startswith="Meeting confirmed").values_list("user__username", flat=True)
    )
    assert recipients == {"mediator", "head_a", "delegate_a", "head_b", "delegate_b"}

    early = mediator.post(
        f"/api/v1/meetings/{meeting_id}/held", {"attendance": [], "outcomes": ""}, content_type="application/json"
    )
    assert early.status_code == 422
    assert early.json()["errors"][0]["field"] == "starts_at"
    with begun(Meeting.objects.get(pk=meeting_id)):
        held = mediator.post(
            f"/api/v1/meetings/{meeting_id}/held",
            {"attendance": ["head_a", "head_b", "mediator"], "outcomes": "Agreed to inspect the line."},
            content_type="application/json",
        )
    assert held.status_code == 200, _json(held)
    # The mandate's rule (process) now admits observers.
    assert api_for("observer").get(f"/api/v1/meetings/{meeting_id}").status_code == 200

    drafted = mediator.post(
        f"/api/v1/meetings/{meeting_id}/communique",
        {"text": "The sides met in Geneva."},
        content_type="application/json",
    )
    assert drafted.status_code == 201, _json(drafted)
    assert api_for("observer").get(f"/api/v1/meetings/{meeting_id}").json()["communique"] is None
    assert a.put(
        f"/api/v1/meetings/{meeting_id}/communique/consent",
        {"consent": True, "version": 1},
        content_type="application/json",
    ).json() == {"status": "awaiting"}
    amended = b.put(
        f"/api/v1/meetings/{meeting_id}/communique",
        {"text": "The sides met in Geneva and agreed."},
        content_type="application/json",
    )
    assert amended.json()["communique"]["version"] == 2
    # Consent to version 1 does not count for version 2, and a consent to a version one did not
    # read is refused with nothing written.
    stale = b.put(
        f"/api/v1/meetings/{meeting_id}/communique/consent",
        {"consent": True, "version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert "version 1" in stale.json()["detail"]
    assert b.put(
        f"/api/v1/meetings/{meeting_id}/communique/consent",
        {"consent": True, "version": 2},
        content_type="application/json",
    ).json() == {"status": "awaiting"}
    assert api_for("anonymous").get("/api/v1/register/meetings").json()["items"] == []
    published = a.put(
        f"/api/v1/meetings/{meeting_id}/communique/consent",
        {"consent": True, "version": 2},
        content_type="application/json",
    )
    assert published.json() == {"status": "published"}
    register = api_for("anonymous").get("/api/v1/register/meetings").json()["items"]
    assert [item["communique"] for item in register] == ["The sides met in Geneva and agreed."]
    assert Event.objects.filter(kind="communique.published", audience="public").count() == 1


def test_unreasonable_proposal_lists_each_broken_rule(world, api_for):
    a = api_for("head_a")
    before = (Proposal.objects.count(), Event.objects.count())
    response = a.post(
        f"/api/v1/processes/{world.process.pk}/proposals",
        proposal_body(agenda=["status of X", "Gas supply"], timezone="Mars/Base", slots=[slot(-1)]),
        content_type="application/json",
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "the agenda item “status of X” is outside the scope of the mandate “Mandate” (version 1)" in detail
    assert "“Mars/Base” is not the time zone of a place" in detail
    assert (Proposal.objects.count(), Event.objects.count()) == before


def test_withdrawn_readiness_leaves_no_trace_for_the_other_party(world, api_for):
    a, b = api_for("head_a"), api_for("head_b")
    proposal = a.post(
        f"/api/v1/processes/{world.process.pk}/proposals", proposal_body(), content_type="application/json"
    ).json()
    snapshot_a = (
        a.get(f"/api/v1/proposals/{proposal['id']}").json(),
        a.get(f"/api/v1/processes/{world.process.pk}/events?limit=200").json(),
    )
    snapshot_b = b.get(f"/api/v1/processes/{world.process.pk}/events?limit=200").json()
    proposal_b = b.get(f"/api/v1/proposals/{proposal['id']}").json()
    b_ready = b.put(f"/api/v1/proposals/{proposal['id']}/readiness", {"ready": True}, content_type="application/json")
    assert b_ready.json()["status"] == "awaiting"
    assert (
        b.put(
            f"/api/v1/proposals/{proposal['id']}/readiness", {"ready": False}, content_type="application/json"
        ).json()["status"]
        == "awaiting"
    )
    # Stepanakert sees exactly what it saw before Baku's readiness came and went.
    after_a = (
        a.get(f"/api/v1/proposals/{proposal['id']}").json(),
        a.get(f"/api/v1/processes/{world.process.pk}/events?limit=200").json(),
    )
    assert after_a == snapshot_a
    assert b.get(f"/api/v1/proposals/{proposal['id']}").json() == proposal_b
    after_b = b.get(f"/api/v1/processes/{world.process.pk}/events?limit=200").json()
    assert len(after_b["items"]) == len(snapshot_b["items"]) + 2
    assert Meeting.objects.count() == 0
