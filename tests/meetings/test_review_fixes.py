"""Behaviour a careful reviewer checked: no 500s on odd input, no leaks through the admin or a
changed mandate rule, and the two-factor rule holds on the API too."""

from datetime import timedelta

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from goodoffices.accounts.models import User
from goodoffices.events.models import Event
from goodoffices.lib.errors import Invalid
from goodoffices.meetings import services
from goodoffices.meetings.models import Meeting, Proposal
from goodoffices.processes.services import mandate_amend

from ..world import sign_in
from .conftest import confirm, hold, propose
from .helpers import proposal_body


@pytest.mark.parametrize(
    "query", ["?counter=abc", "?reschedule=abc", "?reschedule=1e3", "?counter=99999999999999999999"]
)
def test_odd_ids_in_the_proposal_form_are_not_found(world, client_for, query):
    response = client_for("head_a").get(f"/processes/{world.process.pk}/meetings/propose/{query}")
    assert response.status_code == 404


@pytest.mark.parametrize("field", ["scope", "tasks", "languages", "term_start", "mediators_see_readiness"])
def test_null_in_an_amendment_is_refused(world, api_for, field):
    api = api_for("operator")
    before = world.mandate.versions.count()
    response = api.post(
        f"/api/v1/processes/{world.process.pk}/mandate/amendments",
        {"note": "nulls", field: None},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert world.mandate.versions.count() == before


@pytest.mark.parametrize(
    ("starts", "zone"), [("9999-12-31T22:00:00Z", "Asia/Tokyo"), ("0001-01-01T01:00:00Z", "America/New_York")]
)
def test_slots_at_the_end_of_time_are_refused(world, api_for, starts, zone):
    ends = starts.replace("T22", "T23").replace("T01", "T02")
    response = api_for("head_a").post(
        f"/api/v1/processes/{world.process.pk}/proposals",
        proposal_body(timezone=zone, slots=[{"starts_at": starts, "ends_at": ends}]),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Proposal.objects.exists()


def test_nul_characters_are_refused_by_the_api(world, api_for):
    response = api_for("head_a").post(
        f"/api/v1/processes/{world.process.pk}/proposals",
        proposal_body(title="Talks\x00"),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"]


def test_a_communique_too_big_to_publish_is_refused_when_drafted(world):
    meeting = hold(world, confirm(world, propose(world)))
    with pytest.raises(Invalid, match="bytes in UTF-8"):
        services.communique_draft(actor=world.mediator, meeting=meeting, text="🕊" * 19_000)


def test_changing_the_readiness_rule_reveals_no_earlier_consent(world, api_for):
    mandate_amend(actor=world.operator, mandate=world.mandate, note="sealed", mediators_see_readiness=False)
    world.process.refresh_from_db()
    proposal = propose(world)
    services.readiness_set(actor=world.head_a, proposal=proposal, ready=True, slot=1)
    mandate_amend(actor=world.operator, mandate=world.mandate, note="open", mediators_see_readiness=True)
    assert api_for("mediator").get(f"/api/v1/proposals/{proposal.pk}").json()["my_readiness"] == {}


def test_the_admin_shows_staff_no_sealed_event(world):
    from goodoffices.lib import audience

    proposal = propose(world)
    services.readiness_set(actor=world.head_a, proposal=proposal, ready=True)
    admin = User.objects.create_superuser(
        "root", "root@example.org", "pw", totp_secret=pyotp.random_base32(), totp_enabled=True
    )
    client = sign_in(Client(HTTP_HOST="localhost"), admin)
    listing = client.get("/admin/events/event/?all=")
    shown = {e.pk for e in listing.context["cl"].result_list}
    sealed = set(Event.objects.exclude(audience__in=[audience.PUBLIC, audience.PROCESS]).values_list("pk", flat=True))
    assert sealed
    assert not shown & sealed
    consent_event = Event.objects.get(kind="consent.given")
    assert client.get(f"/admin/events/event/{consent_event.pk}/change/").status_code in (302, 404)


def test_the_api_enforces_the_mandates_two_factor_rule(world, api_for, client_for):
    mandate_amend(actor=world.operator, mandate=world.mandate, note="2FA", two_factor_required=True)
    token = Client(HTTP_HOST="localhost").post(
        "/api/v1/auth/token",
        {"username": world.mediator.username, "password": "correct horse battery staple"},
        content_type="application/json",
    )
    assert token.status_code == 403
    assert "two-factor" in token.json()["detail"]
    session = client_for("mediator")
    assert session.get(f"/api/v1/processes/{world.process.pk}").status_code == 403
    # Observers are not concerned by the rule.
    assert api_for("observer").get(f"/api/v1/processes/{world.process.pk}").status_code == 200


def test_only_a_postponed_meeting_of_the_process_is_rescheduled(world):
    meeting = confirm(world, propose(world))
    with pytest.raises(Invalid, match="only a postponed meeting"):
        propose(world, actor="mediator", reschedules=meeting)


def test_a_meeting_public_by_the_mandate_publishes_its_record_and_nothing_before_it(world):
    mandate_amend(actor=world.operator, mandate=world.mandate, note="public", held_meetings_audience="public")
    world.process.refresh_from_db()
    meeting = hold(world, confirm(world, propose(world)))
    assert Event.objects.get(kind="meeting.held", subject_id=str(meeting.pk)).audience == "public"
    # Its confirmation (with the proposal behind it) stays sealed: the mandate publishes the record.
    confirmed = Event.objects.get(kind="meeting.confirmed", subject_id=str(meeting.pk))
    assert not Event.objects.filter(kind="ledger.opened", subject_id=confirmed.public_id).exists()
    assert Meeting.objects.get(pk=meeting.pk).audience == "public"


def test_half_a_slot_is_a_form_error(world, client_for):
    start = (timezone.now() + timedelta(days=150)).replace(hour=10, minute=0).strftime("%Y-%m-%dT%H:%M")
    response = client_for("head_a").post(
        f"/processes/{world.process.pk}/meetings/propose/",
        {
            "title": "T",
            "format": "direct",
            "modality": "in_person",
            "venue": "Geneva",
            "timezone": "Europe/Zurich",
            "agenda": ["Gas supply"],
            "delegation_size": 5,
            "slot0_start": start,
            "slot0_end": start.replace("T10", "T12"),
            "slot1_start": start,
        },
    )
    assert response.status_code == 422
    assert "Give both the start and the end." in response.content.decode()
    assert not Proposal.objects.exists()
