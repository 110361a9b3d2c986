"""Refusals in the mandate's words (issue 10, item 3): the web form and the API give the same
reasons for the same unreasonable proposal; an agenda item outside the scope names the mandate;
a slot is named by the number a person sees (1, 2, ...) and its field; a local time that a
daylight-saving change skips or repeats at the venue is refused saying so."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from goodoffices.events.models import Event
from goodoffices.meetings.models import Proposal

from .helpers import proposal_body
from .test_daylight_saving import AUTUMN, SPRING, open_ended  # noqa: F401 - the fixture is used by name


def _venue_time(days: int, hour: int) -> str:
    return (timezone.now() + timedelta(days=days)).strftime(f"%Y-%m-%dT{hour:02d}:00")


def _web_body(agenda: list[str], slots: list[tuple[str, str]]) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "Talks on the gas supply",
        "format": "direct",
        "modality": "in_person",
        "venue": "Geneva",
        "timezone": "Europe/Zurich",
        "agenda": agenda,
        "delegation_size": "5",
    }
    for i, (starts, ends) in enumerate(slots):
        body[f"slot{i}_start"], body[f"slot{i}_end"] = starts, ends
    return body


def _page_errors(response) -> dict[str, list[str]]:
    """The errors the form shows, by field (``__all__`` above the form)."""
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


CASES = {
    "outside the scope": (
        ["Borders", "Gas supply"],
        [(_venue_time(10, 10), _venue_time(10, 12))],
        {"agenda[0]": "the agenda item “Borders” is outside the scope of the mandate “Mandate” (version 2)"},
    ),
    "in the past, then overlapping": (
        ["Gas supply"],
        [
            (_venue_time(-2, 10), _venue_time(-2, 12)),
            (_venue_time(10, 10), _venue_time(10, 12)),
            (_venue_time(10, 11), _venue_time(10, 13)),
        ],
        {"slots[0].starts_at": "slot 1 must be in the future", "slots[2]": "slot 3 overlaps slot 2"},
    ),
    "in the spring gap": (
        ["Gas supply"],
        [(_venue_time(10, 10), _venue_time(10, 12)), (f"{SPRING}T02:30", f"{SPRING}T03:30")],
        {"slots[1].starts_at": "slot 2 starts at {SPRING} 02:30, a time that does not exist in Europe/Zurich"},
    ),
    "ending in the autumn fold": (
        ["Gas supply"],
        [(f"{AUTUMN}T01:00", f"{AUTUMN}T02:30")],
        {"slots[0].ends_at": "slot 1 ends at {AUTUMN} 02:30, a time that is ambiguous in Europe/Zurich"},
    ),
}
# Where each API field shows on the web form.
FORM_FIELD = {
    "agenda[0]": "agenda",
    "slots[0].starts_at": "slot0_start",
    "slots[2]": "slot2_start",
    "slots[1].starts_at": "slot1_start",
    "slots[0].ends_at": "slot0_end",
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_web_form_and_the_api_give_the_same_reasons(world, api_for, client_for, open_ended, case):  # noqa: F811
    agenda, slots, expected = CASES[case]
    expected = {field: words.format(SPRING=SPRING, AUTUMN=AUTUMN) for field, words in expected.items()}
    api_client, web_client = api_for("head_a"), client_for("head_a")
    before = Event.objects.count()
    api = api_client.post(
        f"/api/v1/processes/{world.process.pk}/proposals",
        proposal_body(agenda=agenda, slots=[{"starts_at": s, "ends_at": e} for s, e in slots]),
        content_type="application/json",
    )
    assert api.status_code == 422, api.content
    api_errors = {e["field"]: e["message"] for e in api.json()["errors"]}
    web = web_client.post(f"/processes/{world.process.pk}/meetings/propose/", _web_body(agenda, slots))
    assert web.status_code == 422
    page_errors = _page_errors(web)
    for field, words in expected.items():
        assert words in api_errors[field], (field, api_errors)
        # The same words, beside the field the person filled in.
        assert api_errors[field] in page_errors[FORM_FIELD[field]], (field, page_errors)
        assert api_errors[field] in html.unescape(web.content.decode())
    assert not Proposal.objects.exists()
    assert Event.objects.count() == before


def test_a_slot_is_never_named_from_zero(world, api_for, open_ended):  # noqa: F811
    response = api_for("head_a").post(
        f"/api/v1/processes/{world.process.pk}/proposals",
        proposal_body(slots=[{"starts_at": _venue_time(-1, 10), "ends_at": _venue_time(-1, 11)}]),
        content_type="application/json",
    )
    messages = [e["message"] for e in response.json()["errors"]]
    assert messages
    assert not any(re.search(r"\bslot 0\b", m) for m in messages), messages


def test_the_api_names_a_missing_readiness_slot_by_index_and_a_begun_one_by_number(world, api_for):
    a = api_for("head_a")
    proposal = a.post(
        f"/api/v1/processes/{world.process.pk}/proposals", proposal_body(), content_type="application/json"
    ).json()
    response = api_for("head_b").put(
        f"/api/v1/proposals/{proposal['id']}/readiness", {"ready": True, "slot": 7}, content_type="application/json"
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "slot"
    assert error["message"] == "there is no slot at index 7: this proposal has 2 slot(s), at indexes 0 to 1"
