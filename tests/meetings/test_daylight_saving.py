"""Slots around a change of daylight-saving time at the venue (issue 8, item 9).

A time given without an offset is wall-clock time at the venue. Where the clocks skip an hour
(spring) that time does not exist; where they repeat one (autumn) it names two instants. Both
are refused with a 422 naming the slot, on the API and the web; a slot is compared by the
instants it spans, never by the wall clock. The dates are next year's, so the test never expires.
"""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from goodoffices.events.models import Event
from goodoffices.meetings.models import Proposal
from goodoffices.processes.services import mandate_amend

from .helpers import proposal_body


def _last_sunday(year: int, month: int) -> date:
    day = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


NEXT_YEAR = timezone.now().year + 1
# Europe/Zurich: 02:00 becomes 03:00 on the last Sunday of March, 03:00 becomes 02:00 again on
# the last Sunday of October.
SPRING = _last_sunday(NEXT_YEAR, 3).isoformat()
AUTUMN = _last_sunday(NEXT_YEAR, 10).isoformat()


@pytest.fixture
def open_ended(world):
    """The mandate's term runs on, so that next year's dates stay inside it whatever today is."""
    mandate_amend(actor=world.operator, mandate=world.mandate, note="open-ended term", term_end=None)
    world.process.refresh_from_db()


def _propose(api, world, *slots):
    return api.post(
        f"/api/v1/processes/{world.process.pk}/proposals",
        proposal_body(slots=[{"starts_at": s, "ends_at": e} for s, e in slots]),
        content_type="application/json",
    )


@pytest.mark.parametrize(("day", "before", "after"), [(SPRING, 1, 2), (AUTUMN, 2, 1)])
def test_the_dates_are_the_changes_of_next_year(day, before, after):
    zurich = zoneinfo.ZoneInfo("Europe/Zurich")
    midnight = datetime.fromisoformat(day).replace(tzinfo=zurich)
    assert midnight.utcoffset() == timedelta(hours=before)
    assert (midnight + timedelta(hours=12)).utcoffset() == timedelta(hours=after)


@pytest.mark.parametrize(
    ("starts", "ends", "words"),
    [
        # In the gap: 02:30 never happens that night.
        (f"{SPRING}T02:30:00", f"{SPRING}T03:10:00", "does not exist in Europe/Zurich"),
        (f"{SPRING}T01:00:00", f"{SPRING}T02:15:00", "does not exist in Europe/Zurich"),
        # In the fold: 02:30 happens twice.
        (f"{AUTUMN}T02:30:00", f"{AUTUMN}T04:00:00", "is ambiguous in Europe/Zurich"),
        (f"{AUTUMN}T00:30:00", f"{AUTUMN}T02:10:00", "is ambiguous in Europe/Zurich"),
    ],
)
def test_a_local_time_skipped_or_repeated_is_refused_naming_the_slot(world, api_for, open_ended, starts, ends, words):
    api = api_for("head_a")
    before = Event.objects.count()
    response = _propose(api, world, (starts, ends))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    [error] = [e for e in response.json()["errors"] if e["field"].startswith("slots[0].")]
    assert error["message"].startswith("slot 1 ")
    assert words in error["message"]
    assert "daylight-saving" in error["message"]
    assert not Proposal.objects.exists()
    assert Event.objects.count() == before


def test_a_slot_across_the_change_is_measured_in_real_time(world, api_for, open_ended):
    # Wall clock 01:00 to 04:00 on the spring night is two hours, not three.
    response = _propose(api_for("head_a"), world, (f"{SPRING}T01:00:00", f"{SPRING}T04:00:00"))
    assert response.status_code == 201, response.content
    [slot] = Proposal.objects.get().slots.all()
    assert slot.ends_at - slot.starts_at == timedelta(hours=2)
    assert slot.starts_at == datetime.fromisoformat(f"{SPRING}T00:00:00").replace(tzinfo=UTC)


def test_times_in_the_fold_given_with_their_offset_are_instants(world, api_for, open_ended):
    # The first 02:30 (summer time) to the second 02:30 (winter time): one hour, though the
    # wall clock shows the same time at both ends.
    response = _propose(api_for("head_a"), world, (f"{AUTUMN}T02:30:00+02:00", f"{AUTUMN}T02:30:00+01:00"))
    assert response.status_code == 201, response.content
    [slot] = Proposal.objects.get().slots.all()
    assert slot.ends_at - slot.starts_at == timedelta(hours=1)


def test_slots_are_compared_as_instants_not_wall_clocks(world, api_for, open_ended):
    # Two slots given in summer and winter time that do not overlap in real time.
    response = _propose(
        api_for("head_a"),
        world,
        (f"{AUTUMN}T01:30:00+02:00", f"{AUTUMN}T02:20:00+02:00"),
        (f"{AUTUMN}T02:10:00+01:00", f"{AUTUMN}T03:00:00+01:00"),
    )
    assert response.status_code == 201, response.content


def test_the_web_form_refuses_a_time_in_the_gap_and_names_it(world, client_for, open_ended):
    before = Event.objects.count()
    response = client_for("head_a").post(
        f"/processes/{world.process.pk}/meetings/propose/",
        {
            "title": "Talks on the gas supply",
            "format": "direct",
            "modality": "in_person",
            "venue": "Geneva",
            "timezone": "Europe/Zurich",
            "agenda": ["Gas supply"],
            "delegation_size": "5",
            "slot0_start": f"{SPRING}T02:30",
            "slot0_end": f"{SPRING}T03:30",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "does not exist in Europe/Zurich" in page
    assert not Proposal.objects.exists()
    assert Event.objects.count() == before


def test_the_web_form_reads_slots_in_the_venue_zone_not_the_readers(world, client_for, open_ended):
    # A reader in Zurich proposing a meeting in New York at 02:30 on Zurich's spring night: the
    # time exists in New York, so the form takes it as New York time.
    world.head_a.timezone = "Europe/Zurich"
    world.head_a.save(update_fields=["timezone"])
    response = client_for("head_a").post(
        f"/processes/{world.process.pk}/meetings/propose/",
        {
            "title": "Talks on the gas supply",
            "format": "direct",
            "modality": "in_person",
            "venue": "New York",
            "timezone": "America/New_York",
            "agenda": ["Gas supply"],
            "delegation_size": "5",
            "slot0_start": f"{SPRING}T02:30",
            "slot0_end": f"{SPRING}T03:30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [slot] = Proposal.objects.get().slots.all()
    new_york = slot.starts_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert (new_york.hour, new_york.minute) == (2, 30)
