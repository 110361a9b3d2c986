"""Every persona against every meetings endpoint, in each lifecycle state.

Expectations are written from DESIGN.md and issue 3: proposals and confirmed meetings are
for the mediators and the invited delegations only; a held meeting is seen by whom the
mandate says (here: everyone admitted); a party's acts are its head's."""

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

import pytest

from goodoffices.events.models import Event
from goodoffices.meetings import services

from ..world import PERSONAS
from .conftest import begun
from .helpers import proposal_body

ALL = (*PERSONAS, "anonymous")
PLENARY = {"mediator", "head_a", "delegate_a", "head_b", "delegate_b"}
ADMITTED = PLENARY | {"observer", "monitor", "operator"}
HEADS = {"head_a", "head_b"}


@dataclass
class Case:
    name: str
    method: str
    url: Callable[..., str]
    ok: set[str]
    ok_code: int
    sees: set[str]
    api: bool = True
    body: Callable[..., object] | None = None
    # Events an allowed write records (marking notices read is not recorded state).
    events: int = 1
    # What the stages need first (through the services), before the request is counted.
    prepare: Callable[..., object] | None = None

    def expect(self, persona: str) -> int:
        if persona == "anonymous":
            return 401 if self.api else 302
        if persona in self.ok:
            return self.ok_code
        return 403 if persona in self.sees else 404


def with_russian(w, s) -> None:
    """The stages' draft communiqué with a Russian version, to remove."""
    services.communique_language_set(
        actor=w.mediator, communique=s.communique, language="ru", text="Текст", authentic=True
    )


def J(**kw):
    return lambda w, s: kw


CASES = [
    Case(
        "api:declassification_request",
        "post",
        lambda w, s: f"/api/v1/meetings/{s.held.pk}/declassification",
        {"mediator", *HEADS},
        201,
        ADMITTED,
        body=J(to="public"),
    ),
    Case(
        "api:declassification_consent",
        "put",
        lambda w, s: f"/api/v1/meetings/{s.held.pk}/declassification/consent",
        HEADS,
        200,
        ADMITTED,
        body=J(consent=True, to="public"),
    ),
    Case(
        "api:proposal_create",
        "post",
        lambda w, s: f"/api/v1/processes/{w.process.pk}/proposals",
        {"mediator", *HEADS},
        201,
        ADMITTED,
        body=lambda w, s: proposal_body(),
    ),
    Case(
        "api:proposal_list", "get", lambda w, s: f"/api/v1/processes/{w.process.pk}/proposals", ADMITTED, 200, ADMITTED
    ),
    Case("api:proposal_detail", "get", lambda w, s: f"/api/v1/proposals/{s.proposal.pk}", PLENARY, 200, PLENARY),
    Case(
        "api:proposal_counter",
        "post",
        lambda w, s: f"/api/v1/proposals/{s.proposal.pk}/counter",
        {"mediator", *HEADS},
        201,
        PLENARY,
        body=lambda w, s: proposal_body(),
    ),
    Case(
        "api:proposal_decline",
        "post",
        lambda w, s: f"/api/v1/proposals/{s.proposal.pk}/decline",
        {"head_b"},
        200,
        PLENARY - {"head_a"} | {"head_a"},
        body=J(reason="Not now"),
    ),
    Case(
        "api:proposal_withdraw",
        "post",
        lambda w, s: f"/api/v1/proposals/{s.proposal.pk}/withdraw",
        {"head_a", "mediator"},
        200,
        PLENARY,
    ),
    Case(
        "api:readiness_set",
        "put",
        lambda w, s: f"/api/v1/proposals/{s.proposal.pk}/readiness",
        HEADS,
        200,
        PLENARY,
        body=J(ready=True, slot=1),
    ),
    Case("api:meeting_list", "get", lambda w, s: f"/api/v1/processes/{w.process.pk}/meetings", ADMITTED, 200, ADMITTED),
    Case("api:meeting_detail", "get", lambda w, s: f"/api/v1/meetings/{s.confirmed.pk}", PLENARY, 200, PLENARY),
    Case(
        "api:meeting_hold",
        "post",
        lambda w, s: f"/api/v1/meetings/{s.confirmed.pk}/held",
        {"mediator"},
        200,
        PLENARY,
        body=J(attendance=["head_a"], outcomes="x"),
    ),
    Case(
        "api:meeting_postpone",
        "post",
        lambda w, s: f"/api/v1/meetings/{s.confirmed.pk}/postpone",
        {"mediator"},
        200,
        PLENARY,
        body=J(reason="Weather"),
    ),
    Case(
        "api:meeting_cancel",
        "post",
        lambda w, s: f"/api/v1/meetings/{s.confirmed.pk}/cancel",
        {"mediator"},
        200,
        PLENARY,
        body=J(reason="Weather"),
    ),
    Case(
        "api:minutes_draft",
        "put",
        lambda w, s: f"/api/v1/meetings/{s.held.pk}/minutes",
        {"mediator"},
        200,
        ADMITTED,
        body=J(text="Minutes v2"),
    ),
    Case(
        "api:minutes_approve",
        "put",
        lambda w, s: f"/api/v1/meetings/{s.held.pk}/minutes/approval",
        HEADS,
        200,
        ADMITTED,
        body=J(approve=True, version=1),
    ),
    Case(
        "api:communique_draft",
        "post",
        lambda w, s: f"/api/v1/meetings/{s.confirmed.pk}/communique",
        set(),
        201,
        PLENARY,
        body=J(text="Too early"),
    ),
    Case(
        "api:communique_amend",
        "put",
        lambda w, s: f"/api/v1/meetings/{s.held.pk}/communique",
        {"mediator", *HEADS},
        200,
        PLENARY,
        body=J(text="New text"),
    ),
    Case(
        "api:communique_language_set",
        "put",
        lambda w, s: f"/api/v1/meetings/{s.held.pk}/communique/languages/ru",
        {"mediator", *HEADS},
        200,
        PLENARY,
        body=J(text="Новый текст", authentic=True),
    ),
    Case(
        "api:communique_language_remove",
        "delete",
        lambda w, s: f"/api/v1/meetings/{s.held.pk}/communique/languages/ru",
        {"mediator", *HEADS},
        200,
        PLENARY,
        prepare=lambda w, s: with_russian(w, s),
    ),
    Case(
        "api:communique_consent",
        "put",
        lambda w, s: f"/api/v1/meetings/{s.held.pk}/communique/consent",
        HEADS,
        200,
        PLENARY,
        body=J(consent=True, version=1),
    ),
    Case(
        "web:meetings", "get", lambda w, s: f"/processes/{w.process.pk}/meetings/", ADMITTED, 200, ADMITTED, api=False
    ),
    Case(
        "web:proposal_create",
        "get",
        lambda w, s: f"/processes/{w.process.pk}/meetings/propose/",
        {"mediator", *HEADS},
        200,
        ADMITTED,
        api=False,
    ),
    Case("web:proposal", "get", lambda w, s: f"/proposals/{s.proposal.pk}/", PLENARY, 200, PLENARY, api=False),
    Case(
        "web:proposal_readiness",
        "post",
        lambda w, s: f"/proposals/{s.proposal.pk}/readiness/",
        HEADS,
        302,
        PLENARY,
        api=False,
        body=lambda w, s: {"ready": "1", "slot": "0"},
    ),
    Case(
        "web:proposal_decline",
        "post",
        lambda w, s: f"/proposals/{s.proposal.pk}/decline/",
        {"head_b"},
        302,
        PLENARY,
        api=False,
        body=lambda w, s: {"reason": "Not now"},
    ),
    Case(
        "web:proposal_withdraw",
        "post",
        lambda w, s: f"/proposals/{s.proposal.pk}/withdraw/",
        {"head_a", "mediator"},
        302,
        PLENARY,
        api=False,
    ),
    Case("web:meeting", "get", lambda w, s: f"/meetings/{s.held.pk}/", ADMITTED, 200, ADMITTED, api=False),
    Case(
        "web:meeting_calendar",
        "get",
        lambda w, s: f"/meetings/{s.confirmed.pk}/calendar.ics",
        PLENARY,
        200,
        PLENARY,
        api=False,
    ),
    Case(
        "web:meeting_hold",
        "post",
        lambda w, s: f"/meetings/{s.confirmed.pk}/held/",
        {"mediator"},
        302,
        PLENARY,
        api=False,
        body=lambda w, s: {"attendance": [w.head_a.username], "outcomes": "x", "confirm": "1"},
    ),
    Case(
        "web:meeting_postpone",
        "post",
        lambda w, s: f"/meetings/{s.confirmed.pk}/postpone/",
        {"mediator"},
        302,
        PLENARY,
        api=False,
        body=lambda w, s: {"postpone-reason": "Weather"},
    ),
    Case(
        "web:meeting_cancel",
        "post",
        lambda w, s: f"/meetings/{s.confirmed.pk}/cancel/",
        {"mediator"},
        302,
        PLENARY,
        api=False,
        body=lambda w, s: {"cancel-reason": "Weather"},
    ),
    Case(
        "web:minutes_draft",
        "post",
        lambda w, s: f"/meetings/{s.held.pk}/minutes/",
        {"mediator"},
        302,
        ADMITTED,
        api=False,
        body=lambda w, s: {"minutes-text": "Minutes v2"},
    ),
    Case(
        "web:minutes_approve",
        "post",
        lambda w, s: f"/meetings/{s.held.pk}/minutes/approval/",
        HEADS,
        302,
        ADMITTED,
        api=False,
        body=lambda w, s: {"approve": "1", "version": "1"},
    ),
    Case(
        "web:communique_draft",
        "post",
        lambda w, s: f"/meetings/{s.confirmed.pk}/communique/",
        set(),
        302,
        PLENARY,
        api=False,
        body=lambda w, s: {"communique-text": "Too early"},
    ),
    Case(
        "web:communique_amend",
        "post",
        lambda w, s: f"/meetings/{s.held.pk}/communique/amend/",
        {"mediator", *HEADS},
        302,
        PLENARY,
        api=False,
        body=lambda w, s: {"communique-text": "New text"},
    ),
    Case(
        "web:communique_language_add",
        "post",
        lambda w, s: f"/meetings/{s.held.pk}/communique/languages/",
        {"mediator", *HEADS},
        302,
        PLENARY,
        api=False,
        body=lambda w, s: {"language": "ru", "text": "Новый текст", "marking": "authentic"},
    ),
    Case(
        "web:communique_language_change",
        "post",
        lambda w, s: f"/meetings/{s.held.pk}/communique/languages/ru/",
        {"mediator", *HEADS},
        302,
        PLENARY,
        api=False,
        body=lambda w, s: {"language": "ru", "text": "Новый текст", "marking": "information"},
    ),
    Case(
        "web:communique_language_remove",
        "post",
        lambda w, s: f"/meetings/{s.held.pk}/communique/languages/ru/remove/",
        {"mediator", *HEADS},
        302,
        PLENARY,
        api=False,
        body=lambda w, s: {},
        prepare=lambda w, s: with_russian(w, s),
    ),
    Case(
        "web:communique_consent",
        "post",
        lambda w, s: f"/meetings/{s.held.pk}/communique/consent/",
        HEADS,
        302,
        PLENARY,
        api=False,
        body=lambda w, s: {"consent": "1", "version": "1"},
    ),
    Case(
        "web:declassification_request",
        "post",
        lambda w, s: f"/meetings/{s.held.pk}/declassification/",
        {"mediator", *HEADS},
        302,
        ADMITTED,
        api=False,
        body=lambda w, s: {"to": "public"},
    ),
    Case(
        "web:declassification_consent",
        "post",
        lambda w, s: f"/meetings/{s.held.pk}/declassification/consent/",
        HEADS,
        302,
        ADMITTED,
        api=False,
        body=lambda w, s: {"consent": "1", "to": "public"},
    ),
    Case("web:notifications", "get", lambda w, s: "/notifications/", set(PERSONAS), 200, set(), api=False),
    Case(
        "web:notifications_read",
        "post",
        lambda w, s: "/notifications/read/",
        set(PERSONAS),
        302,
        set(),
        api=False,
        body=lambda w, s: {},
        events=0,
    ),
    Case("web:calendar", "get", lambda w, s: "/calendar/", set(PERSONAS), 200, set(), api=False),
    Case(
        "web:notification_settings",
        "get",
        lambda w, s: "/notifications/settings/",
        set(PERSONAS),
        200,
        set(),
        api=False,
    ),
    Case(
        "web:notification_settings",
        "post",
        lambda w, s: "/notifications/settings/",
        set(PERSONAS),
        302,
        set(),
        api=False,
        body=lambda w, s: {"choice": "digest"},
        # A personal, operational setting (like delivery): not recorded state.
        events=0,
    ),
]

# The head of the proposing party is refused with 422 (withdraw, not decline), and a
# communiqué cannot be drafted before the meeting is held (409): specific, not 403. The web
# answers such refusals with a redirect and a message; they are refusals all the same.
SPECIAL = {
    ("api:proposal_decline", "head_a"): 422,
    ("web:proposal_decline", "head_a"): 302,
    ("api:communique_draft", "mediator"): 409,
    ("api:communique_draft", "head_a"): 409,
    ("api:communique_draft", "head_b"): 409,
    ("web:communique_draft", "mediator"): 302,
    ("web:communique_draft", "head_a"): 302,
    ("web:communique_draft", "head_b"): 302,
}
REFUSED = {key for key, status in SPECIAL.items() if status < 400}


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_meetings_endpoint(world, stages, api_for, client_for, persona, case):
    client = api_for(persona) if case.api else client_for(persona)
    url = case.url(world, stages)
    if case.prepare is not None:
        case.prepare(world, stages)
    before = Event.objects.count()
    # A meeting is recorded as held only once it has begun: those cases run after its start.
    when = begun(stages.confirmed) if case.name.endswith("meeting_hold") else nullcontext()
    with when:
        if case.body is None:
            response = getattr(client, case.method)(url)
        elif case.api:
            response = getattr(client, case.method)(url, case.body(world, stages), content_type="application/json")
        else:
            response = getattr(client, case.method)(url, case.body(world, stages))
    want = SPECIAL.get((case.name, persona), case.expect(persona))
    assert response.status_code == want, (persona, response.content[:400])
    if want >= 400 or (case.name, persona) in REFUSED or persona not in case.ok:
        assert Event.objects.count() == before, "a refused request writes nothing"
    elif case.method != "get" and persona in case.ok:
        assert Event.objects.count() == before + case.events, "an allowed write records exactly its event"
    if want == 404 and case.method == "get":
        body = response.content.decode()
        assert "Talks on the gas supply" not in body
        assert "Open proposal" not in body


def test_anonymous_reads_the_register_only(world, stages, client_for, api_for):
    assert client_for("anonymous").get("/register/").status_code == 200
    assert client_for("anonymous").get("/register/feed.atom").status_code == 200
    assert api_for("anonymous").get("/api/v1/register/meetings").status_code == 200
    # A held meeting with only a draft communiqué is not on the register.
    assert client_for("anonymous").get(f"/register/meetings/{stages.held.pk}/").status_code == 404


def test_lists_hold_only_what_the_reader_may_see(world, stages, api_for):
    for persona in ADMITTED:
        proposals = api_for(persona).get(f"/api/v1/processes/{world.process.pk}/proposals").json()["items"]
        meetings = api_for(persona).get(f"/api/v1/processes/{world.process.pk}/meetings").json()["items"]
        if persona in PLENARY:
            assert len(proposals) == 3
            assert {m["title"] for m in meetings} == {"Confirmed meeting", "Held meeting"}
        else:
            assert proposals == []
            assert [m["title"] for m in meetings] == ["Held meeting"]
            # Draft communiqué and draft minutes stay with the plenary.
            assert meetings[0]["communique"] is None
            assert meetings[0]["minutes"] == ""


MATRIX_COVERS = {c.name for c in CASES} | {
    "api:register_meetings",
    "web:register",
    "web:register_feed",
    "web:register_print",  # tests/meetings/test_register.py: public, like the register
    "web:register_meeting",
    "web:calendar_feed",  # tests/meetings/test_calendar.py: the secret is the credential
}
