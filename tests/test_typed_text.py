"""Every text a person types goes through one validator (goodoffices.lib.text), whichever
interface it comes from (issue 8, item 7): what is not text is refused with a 422 naming the
field and writes nothing; a single-line field holds no line break; texts are stored in NFC; the
public feed declares its summaries as plain text and never fails on a stored text.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from goodoffices.accounts.models import User
from goodoffices.accounts.services import api_token_create
from goodoffices.events.models import Event
from goodoffices.lib.signatures import generate_private_key, public_key_of, to_base64
from goodoffices.meetings import services
from goodoffices.meetings.models import Communique, Meeting, Proposal

from .meetings.conftest import confirm, hold, propose
from .meetings.helpers import proposal_body, slot
from .world import World, make_user

# Each kind of character that is not text; a lone surrogate travels as a JSON escape.
NOT_TEXT = {
    "NUL": "\x00",
    "bell": "\x07",
    "escape": "\x1b",
    "DEL": "\x7f",
    "C1 padding": "\x80",
    "C1 CSI": "\x9b",
    "lone surrogate": "\ud800",
    "LRE": "\u202a",
    "RLO": "\u202e",
    "LRI": "\u2066",
    "PDI": "\u2069",
    "noncharacter": "\uffff",
}
LINE_BREAKS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r", "VT": "\x0b", "NEL": "\x85", "LS": "\u2028", "tab": "\t"}


class Context:
    """The records a request needs, made through the services when first asked for."""

    def __init__(self, world: World) -> None:
        self.world = world

    @cached_property
    def proposal(self) -> Proposal:
        return propose(self.world)

    @cached_property
    def confirmed(self) -> Meeting:
        return confirm(self.world, propose(self.world, title="To be held"))

    @cached_property
    def held(self) -> Meeting:
        return hold(self.world, confirm(self.world, propose(self.world, title="Held")))

    @cached_property
    def communique(self) -> Communique:
        return services.communique_draft(actor=self.world.mediator, meeting=self.held, text="Draft")

    @cached_property
    def newcomer(self) -> User:
        return make_user("newcomer")

    @cached_property
    def commitment(self) -> Any:
        from .monitoring.factories import Spec, make_agreement

        agreement = make_agreement(self.world.process, [Spec("1", self.world.party_a, "Open the road")])
        return agreement.commitments.get()

    @cached_property
    def report(self) -> Any:
        from goodoffices.monitoring.services import report_file

        return report_file(
            actor=self.world.monitor,
            commitment=self.commitment,
            observed_on=date(2024, 1, 10),
            status=1,
            breach=False,
            summary="The road is closed.",
            audience_name="public",
        )


@dataclass(frozen=True)
class Typed:
    """One typed field of one API operation."""

    persona: str
    method: str
    url: Callable[[Context], str]
    body: Callable[[Context], dict[str, Any]]
    path: tuple[str | int, ...]  # where the text sits in the body
    field: str  # how the error names it
    single_line: bool


def _proposal_body(c: Context) -> dict[str, Any]:
    return proposal_body()


def _mandate_body(c: Context) -> dict[str, Any]:
    return {
        "title": "A second mandate",
        "scope": ["Gas supply", "Water"],
        "tasks": ["Mediate", "Report"],
        "term_start": "2023-03-01",
        "note": "Issued",
        "refused_venues": {"Alpha": ["Baku", "Yerevan"]},
    }


def _process(c: Context) -> int:
    return c.world.process.pk


PROPOSALS = "/api/v1/processes/{}/proposals"
TYPED = [
    Typed("head_a", "post", lambda c: PROPOSALS.format(_process(c)), _proposal_body, ("title",), "title", True),
    Typed("head_a", "post", lambda c: PROPOSALS.format(_process(c)), _proposal_body, ("venue",), "venue", True),
    Typed("head_a", "post", lambda c: PROPOSALS.format(_process(c)), _proposal_body, ("agenda", 0), "agenda[0]", True),
    Typed(
        "head_a",
        "post",
        lambda c: PROPOSALS.format(_process(c)),
        lambda c: proposal_body(modality="virtual", online_link="https://meet.example.org/talks"),
        ("online_link",),
        "online_link",
        True,
    ),
    Typed(
        "head_b",
        "post",
        lambda c: f"/api/v1/proposals/{c.proposal.pk}/counter",
        _proposal_body,
        ("title",),
        "title",
        True,
    ),
    Typed(
        "head_b",
        "post",
        lambda c: f"/api/v1/proposals/{c.proposal.pk}/decline",
        lambda c: {"reason": "Too early"},
        ("reason",),
        "reason",
        False,
    ),
    Typed(
        "mediator",
        "post",
        lambda c: f"/api/v1/meetings/{c.confirmed.pk}/held",
        lambda c: {"attendance": ["head_a"], "outcomes": "Agreed on the gas supply"},
        ("outcomes",),
        "outcomes",
        False,
    ),
    Typed(
        "mediator",
        "post",
        lambda c: f"/api/v1/meetings/{c.confirmed.pk}/postpone",
        lambda c: {"reason": "The venue is closed"},
        ("reason",),
        "reason",
        False,
    ),
    Typed(
        "mediator",
        "post",
        lambda c: f"/api/v1/meetings/{c.confirmed.pk}/cancel",
        lambda c: {"reason": "The talks are suspended"},
        ("reason",),
        "reason",
        False,
    ),
    Typed(
        "mediator",
        "put",
        lambda c: f"/api/v1/meetings/{c.held.pk}/minutes",
        lambda c: {"text": "The parties met."},
        ("text",),
        "text",
        False,
    ),
    Typed(
        "mediator",
        "post",
        lambda c: f"/api/v1/meetings/{c.held.pk}/communique",
        lambda c: {"text": "The parties met in Geneva."},
        ("text",),
        "text",
        False,
    ),
    Typed(
        "mediator",
        "put",
        lambda c: f"/api/v1/meetings/{c.communique.meeting_id}/communique",
        lambda c: {"text": "The parties met in Geneva."},
        ("text",),
        "text",
        False,
    ),
    Typed(
        "mediator",
        "put",
        lambda c: f"/api/v1/meetings/{c.communique.meeting_id}/communique/languages/ru",
        lambda c: {"text": "Стороны встретились в Женеве.", "authentic": True},
        ("text",),
        "text",
        False,
    ),
    Typed(
        "head_a",
        "post",
        lambda c: f"/api/v1/processes/{_process(c)}/caucus/{c.world.party_a.pk}/messages",
        lambda c: {"body": "A word for the mediators"},
        ("body",),
        "body",
        False,
    ),
    *[
        Typed(
            "staff",
            "post",
            lambda c: "/api/v1/frameworks",
            lambda c: {"name": "A contact group", "description": "Three states", "members": ["France", "Norway"]},
            path,
            field,
            single,
        )
        for path, field, single in [
            (("name",), "name", True),
            (("description",), "description", False),
            (("members", 1), "members[1]", True),
        ]
    ],
    *[
        Typed(
            "operator",
            "post",
            lambda c: f"/api/v1/frameworks/{c.world.framework.pk}/mandates",
            _mandate_body,
            path,
            field,
            single,
        )
        for path, field, single in [
            (("title",), "title", True),
            (("scope", 1), "scope[1]", True),
            (("tasks", 1), "tasks[1]", True),
            (("note",), "note", False),
            (("refused_venues", "Alpha", 1), "refused_venues[Alpha][1]", True),
        ]
    ],
    *[
        Typed(
            "operator",
            "post",
            lambda c: f"/api/v1/mandates/{c.world.mandate.pk}/processes",
            lambda c: {"title": "A second dialogue", "parties": ["Alpha", "Beta"]},
            path,
            field,
            True,
        )
        for path, field in [(("title",), "title"), (("parties", 1), "parties[1]")]
    ],
    Typed(
        "operator",
        "post",
        lambda c: f"/api/v1/processes/{_process(c)}/appointments",
        lambda c: {"username": c.newcomer.username, "role": "observer", "organisation": "Norway"},
        ("organisation",),
        "organisation",
        True,
    ),
    *[
        Typed(
            "operator",
            "post",
            lambda c: f"/api/v1/processes/{_process(c)}/mandate/amendments",
            lambda c: {"note": "Adds water", "scope": ["Gas supply", "Water"], "tasks": ["Mediate", "Report"]},
            path,
            field,
            single,
        )
        for path, field, single in [
            (("note",), "note", False),
            (("scope", 1), "scope[1]", True),
            (("tasks", 1), "tasks[1]", True),
        ]
    ],
    Typed(
        "mediator",
        "post",
        lambda c: f"/api/v1/processes/{_process(c)}/signing-keys",
        # A fresh key each time: a key is registered once.
        lambda c: {
            "public_key": to_base64(public_key_of(generate_private_key())),
            "origin": "openssl",
            "label": "Laptop",
        },
        ("label",),
        "label",
        True,
    ),
    *[
        Typed(
            "monitor",
            "post",
            lambda c: f"/api/v1/commitments/{c.commitment.pk}/reports",
            lambda c: {
                "observed_on": "2024-01-10",
                "status": 1,
                "breach": False,
                "summary": "The road is closed at the checkpoint.",
                "audience": "public",
                "sources": [{"url": "https://example.org/news/1", "title": "A news report", "read_on": "2024-01-11"}],
            },
            path,
            field,
            single,
        )
        for path, field, single in [
            (("summary",), "summary", False),
            (("sources", 0, "url"), "sources[0].url", True),
            (("sources", 0, "title"), "sources[0].title", True),
        ]
    ],
    Typed(
        "head_a",
        "post",
        lambda c: f"/api/v1/reports/{c.report.pk}/responses",
        lambda c: {"kind": "response", "body": "The road opens next week."},
        ("body",),
        "body",
        False,
    ),
]


def _api(world: World, persona: str) -> Client:
    user = User.objects.get(username="staff") if persona == "staff" else world.users[persona]
    _, token = api_token_create(user=user, name="tests")
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")


def _with(body: dict[str, Any], path: tuple[str | int, ...], character: str) -> dict[str, Any]:
    """``body`` with ``character`` typed into the middle of the text at ``path``."""
    *parents, last = path
    target: Any = body
    for key in parents:
        target = target[key]
    target[last] = f"{str(target[last])[:3]}{character}{str(target[last])[3:]}"
    return body


def _base(field: str) -> str:
    return re.split(r"[\[.]", field, maxsplit=1)[0]


def _named(response: Any, field: str) -> bool:
    # NUL and lone surrogates are refused by the schema already, which may name the whole list
    # or spell a place in it otherwise (``refused_venues.Alpha[1]``).
    return any(e["field"] == field or _base(e["field"]) == _base(field) for e in response.json().get("errors", []))


@pytest.mark.parametrize("typed", TYPED, ids=[f"{i:02}-{t.persona}-{t.field}" for i, t in enumerate(TYPED)])
def test_the_api_refuses_what_is_not_text_in_every_typed_field(world, typed):
    context = Context(world)
    api = _api(world, typed.persona)
    url = typed.url(context)
    characters = {**NOT_TEXT, **(LINE_BREAKS if typed.single_line else {})}
    for name, character in characters.items():
        before = Event.objects.count()
        response = getattr(api, typed.method)(
            url, _with(typed.body(context), typed.path, character), content_type="application/json"
        )
        assert response.status_code == 422, (name, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert _named(response, typed.field), (name, response.json())
        assert Event.objects.count() == before, name
    # The same request with plain text is not refused for this field.
    response = getattr(api, typed.method)(url, typed.body(context), content_type="application/json")
    assert response.status_code < 300 or not _named(response, typed.field), response.content


def test_the_guard_every_typed_text_of_the_api_is_tried(world):
    """Each string of a request body is a typed text in TYPED, or not a text a person types."""
    spec = Client(HTTP_HOST="localhost").get("/api/v1/openapi.json").json()
    schemas = spec["components"]["schemas"]
    typed_texts = set()
    for name, schema in schemas.items():
        if not name.endswith("In"):
            continue
        for prop, declared in schema.get("properties", {}).items():
            items = declared.get("items", declared.get("additionalProperties", {}))
            inner = items.get("items", items) if isinstance(items, dict) else {}
            if "pattern" in declared or "pattern" in inner:
                typed_texts.add((name, prop))
    tried = {
        ("ProposalIn", "title"),
        ("ProposalIn", "venue"),
        ("ProposalIn", "agenda"),
        ("ProposalIn", "online_link"),
        ("ReasonIn", "reason"),
        ("HeldIn", "outcomes"),
        ("TextIn", "text"),
        ("CommuniqueIn", "text"),
        ("LanguageVersionIn", "text"),
        ("CaucusMessageIn", "body"),
        ("FrameworkIn", "name"),
        ("FrameworkIn", "description"),
        ("FrameworkIn", "members"),
        ("MandateIn", "title"),
        ("MandateIn", "scope"),
        ("MandateIn", "tasks"),
        ("MandateIn", "note"),
        ("MandateIn", "refused_venues"),
        ("ProcessIn", "title"),
        ("ProcessIn", "parties"),
        ("AppointmentIn", "organisation"),
        ("AmendmentIn", "note"),
        ("AmendmentIn", "scope"),
        ("AmendmentIn", "tasks"),
        ("SigningKeyIn", "label"),
        ("ReportIn", "summary"),
        ("SourceIn", "url"),
        ("SourceIn", "title"),
        ("ResponseIn", "body"),
    }
    assert typed_texts == tried


def test_a_bell_in_a_communique_is_refused_and_the_public_feed_stays_up(world, api_for, client_for):
    meeting = hold(world, confirm(world, propose(world)))
    api = api_for("mediator")
    url = f"/api/v1/meetings/{meeting.pk}/communique"
    refused = api.post(url, {"text": "The parties met.\x07"}, content_type="application/json")
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error == {"field": "text", "message": "must not contain control characters (found U+0007)"}
    assert not Communique.objects.exists()
    assert api.post(url, {"text": "The parties met in Geneva."}, content_type="application/json").status_code == 201
    assert api.put(url, {"text": "The parties met.\x07"}, content_type="application/json").status_code == 422
    communique = Communique.objects.get()
    services.communique_consent(actor=world.head_a, communique=communique, consent=True, version=communique.version)
    communique.refresh_from_db()
    services.communique_consent(actor=world.head_b, communique=communique, consent=True, version=communique.version)
    feed = client_for("anonymous").get("/register/feed.atom")
    assert feed.status_code == 200
    assert '<summary type="text" xml:lang="en">The parties met in Geneva.</summary>' in feed.content.decode()


def test_a_text_stored_before_the_validator_does_not_take_the_feed_down(world, client_for):
    meeting = hold(world, confirm(world, propose(world)))
    communique = services.communique_draft(actor=world.mediator, meeting=meeting, text="Agreed")
    services.communique_consent(actor=world.head_a, communique=communique, consent=True, version=communique.version)
    communique.refresh_from_db()
    services.communique_consent(actor=world.head_b, communique=communique, consent=True, version=communique.version)
    # As an older version of the platform could have stored it.
    Communique.objects.filter(pk=communique.pk).update(text="Agreed\x07 <b>in full</b>")
    feed = client_for("anonymous").get("/register/feed.atom")
    assert feed.status_code == 200
    summary = '<summary type="text" xml:lang="en">Agreed\ufffd &lt;b&gt;in full&lt;/b&gt;</summary>'
    assert summary in feed.content.decode()


def test_a_line_break_in_a_title_is_refused_before_anything_is_written_or_mailed(world, api_for):
    world.head_b.email = "head_b@example.org"
    world.head_b.save(update_fields=["email"])
    api = api_for("head_a")
    before = Event.objects.count()
    response = api.post(
        f"/api/v1/processes/{world.process.pk}/proposals",
        proposal_body(title="Talks\nBcc: everyone@example.org"),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "title", "message": "must be a single line: no line breaks"}]
    assert (Event.objects.count(), Proposal.objects.count(), len(mail.outbox)) == (before, 0, 0)


def test_typed_texts_are_stored_in_nfc(world, api_for):
    response = api_for("head_a").post(
        f"/api/v1/processes/{world.process.pk}/proposals",
        proposal_body(title="Talks in Gene\u0300ve", venue="Cafe\u0301 du Lac"),
        content_type="application/json",
    )
    assert response.status_code == 201
    proposal = Proposal.objects.get()
    assert (proposal.title, proposal.venue) == ("Talks in Genève", "Café du Lac")
    assert Event.objects.filter(kind="proposal.created").get().payload["title"] == "Talks in Genève"


# The web forms: the same services, the same refusals, shown on the form or as a message.


@dataclass(frozen=True)
class Form:
    persona: str
    url: Callable[[Context], str]
    data: Callable[[Context], dict[str, Any]]
    field: str


def _proposal_form(c: Context) -> dict[str, Any]:
    s = slot(10)
    return {
        "title": "Talks on the gas supply",
        "format": "direct",
        "modality": "in_person",
        "venue": "Geneva",
        "timezone": "Europe/Zurich",
        "agenda": "Gas supply",
        "delegation_size": "5",
        "slot0_start": s["starts_at"][:16],
        "slot0_end": s["ends_at"][:16],
    }


FORMS = [
    Form("head_a", lambda c: f"/processes/{_process(c)}/meetings/propose/", _proposal_form, "title"),
    Form("head_a", lambda c: f"/processes/{_process(c)}/meetings/propose/", _proposal_form, "venue"),
    Form(
        "head_b",
        lambda c: f"/processes/{_process(c)}/meetings/propose/?counter={c.proposal.pk}",
        _proposal_form,
        "title",
    ),
    Form("head_b", lambda c: f"/proposals/{c.proposal.pk}/decline/", lambda c: {"reason": "Too early"}, "reason"),
    Form(
        "mediator",
        lambda c: f"/meetings/{c.confirmed.pk}/held/",
        lambda c: {"attendance": "head_a", "outcomes": "Agreed", "confirm": "1"},
        "outcomes",
    ),
    Form(
        "mediator",
        lambda c: f"/meetings/{c.confirmed.pk}/postpone/",
        lambda c: {"postpone-reason": "Closed"},
        "postpone-reason",
    ),
    Form(
        "mediator", lambda c: f"/meetings/{c.confirmed.pk}/cancel/", lambda c: {"cancel-reason": "Off"}, "cancel-reason"
    ),
    Form("mediator", lambda c: f"/meetings/{c.held.pk}/minutes/", lambda c: {"minutes-text": "Met"}, "minutes-text"),
    Form(
        "mediator",
        lambda c: f"/meetings/{c.held.pk}/communique/",
        lambda c: {"communique-text": "Met"},
        "communique-text",
    ),
    Form(
        "mediator",
        lambda c: f"/meetings/{c.communique.meeting_id}/communique/amend/",
        lambda c: {"communique-text": "Met again"},
        "communique-text",
    ),
    Form(
        "head_a",
        lambda c: f"/processes/{_process(c)}/caucus/{c.world.party_a.pk}/messages/",
        lambda c: {"body": "A word"},
        "body",
    ),
    Form(
        "operator",
        lambda c: f"/processes/{_process(c)}/appointments/",
        lambda c: {"username": c.newcomer.username, "role": "observer", "organisation": "Norway"},
        "organisation",
    ),
    Form(
        "operator",
        lambda c: f"/processes/{_process(c)}/mandate/amend/",
        lambda c: {
            "scope": "Gas supply\nWater",
            "tasks": "Mediate",
            "languages": ["en", "ru"],
            "held_meetings_audience": "process",
            "note": "Adds water",
        },
        "note",
    ),
    Form(
        "operator",
        lambda c: f"/processes/{_process(c)}/mandate/amend/",
        lambda c: {
            "scope": "Gas supply\nWater",
            "tasks": "Mediate",
            "languages": ["en", "ru"],
            "held_meetings_audience": "process",
            "note": "Adds water",
        },
        "scope",
    ),
]


@pytest.mark.parametrize("form", FORMS, ids=[f"{f.field}:{i}" for i, f in enumerate(FORMS)])
@pytest.mark.parametrize("character", ["\x07", "\u202e", "\x9b"], ids=["bell", "RLO", "CSI"])
def test_every_form_refuses_what_is_not_text_and_writes_nothing(world, client_for, form, character):
    context = Context(world)
    client = client_for(form.persona)
    url = form.url(context)
    data = form.data(context)
    data[form.field] = f"{data[form.field][:3]}{character}{data[form.field][3:]}"
    before = Event.objects.count()
    response = client.post(url, data, follow=True)
    page = response.content.decode()
    assert f"U+{ord(character):04X}" in page, page[:3000]
    assert Event.objects.count() == before
