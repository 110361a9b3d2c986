"""Every persona against every analytics endpoint, API and web.

Written by hand from issue 13: an analysis's issues are the plenary's (the delegations and the
mediators); its numbers are each party's, entered by its head or a delegate and seen by its delegation
and the mediators; the combined analysis and putting a package into the text are the mediators' alone.
Observers, monitors, the operator and outsiders see no analysis (404, as for one that does not exist).
The stateless solver is for mediators: 403 for every other signed-in user (it is about no process, so
there is nothing to hide), 401 for anonymous callers.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from goodoffices.analytics.models import Analysis
from goodoffices.events.models import Event

from ..world import PERSONAS
from .conftest import ALPHA, SECRET_A, SECRET_B, enter, make_analysis

ALL = (*PERSONAS, "anonymous")
PLENARY = {"mediator", "head_a", "delegate_a", "head_b", "delegate_b"}
ADMITTED = PLENARY | {"observer", "monitor", "operator"}
SIGNED_IN = set(PERSONAS)
CAUCUS = {"A": {"mediator", "head_a", "delegate_a"}, "B": {"mediator", "head_b", "delegate_b"}}


@dataclass
class Seeded:
    analysis: Analysis


@pytest.fixture
def seeded(world) -> Seeded:
    analysis = make_analysis(world)
    enter(world, analysis, "head_a", SECRET_A)
    enter(world, analysis, "delegate_b", SECRET_B)
    return Seeded(analysis)


@dataclass
class Case:
    name: str
    method: str
    url: Callable[..., str]
    ok: set[str]
    ok_code: int
    sees: set[str]
    api: bool = False
    body: Callable[..., dict[str, object]] | None = None
    events: int = 1

    def expect(self, persona: str) -> int:
        if persona == "anonymous":
            return 401 if self.api else 302
        if persona in self.ok:
            return self.ok_code
        return 403 if persona in self.sees else 404


def U(path: str) -> Callable[..., str]:
    return lambda w, s: path.format(process=w.process.pk, analysis=s.analysis.pk, a=w.party_a.pk, b=w.party_b.pk)


def numbers_form(numbers):
    out = {}
    for j, w in enumerate(numbers["weights"]):
        out[f"weight_{j}"] = str(w)
        for k, v in enumerate(numbers["values"][j]):
            out[f"value_{j}_{k}"] = str(v)
    return lambda w, s: out


SOLVE: dict[str, object] = {
    "method": "max_joint",
    "parties": ["A", "B"],
    "issues": [{"name": "x", "options": [{"name": "p", "utilities": [1, 2]}, {"name": "q", "utilities": [2, 1]}]}],
}

CASES = [
    Case(
        "api:analytics_solve",
        "post",
        U("/api/v1/analytics/solve"),
        {"mediator"},
        200,
        SIGNED_IN,
        True,
        lambda w, s: SOLVE,
        events=0,
    ),
    Case("web:analyses", "get", U("/processes/{process}/analyses/"), ADMITTED, 200, ADMITTED, events=0),
    Case(
        "web:analysis_create",
        "post",
        U("/processes/{process}/analyses/new/"),
        {"mediator"},
        302,
        ADMITTED,
        body=lambda w, s: {"title": "Gas", "issues": "Price: low | market"},
    ),
    Case(
        "web:analysis_from_text",
        "post",
        U("/processes/{process}/analyses/from-text/"),
        {"mediator"},
        302,
        ADMITTED,
        body=lambda w, s: {"text": str(s.analysis.text_id)},
    ),
    Case("web:analysis", "get", U("/analyses/{analysis}/"), PLENARY, 200, PLENARY, events=0),
    Case(
        "web:preferences_set",
        "post",
        U("/analyses/{analysis}/parties/{a}/preferences/"),
        {"head_a", "delegate_a"},
        302,
        CAUCUS["A"],
        body=numbers_form(ALPHA),
    ),
    Case(
        "web:analysis_to_text",
        "post",
        U("/analyses/{analysis}/to-text/"),
        {"mediator"},
        302,
        {"mediator"},
        body=lambda w, s: {"method": "nash", "pick_0": "1", "pick_1": "1", "pick_2": "0"},
    ),
]

# Each party's distinctive numbers as its own form shows them.
SHOWN = {
    "A": [f'value="{n}"'.encode() for n in (97, 89, 61, 59, 83)],
    "B": [f'value="{n}"'.encode() for n in (91, 93, 71, 53, 87)],
}


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.name}-{c.method}")
def test_analytics_endpoint(world, seeded, api_for, client_for, persona, case):
    client = api_for(persona) if case.api else client_for(persona)
    url = case.url(world, seeded)
    before = Event.objects.count()
    if case.body is None:
        response = getattr(client, case.method)(url)
    elif case.api:
        response = getattr(client, case.method)(url, case.body(world, seeded), content_type="application/json")
    else:
        response = getattr(client, case.method)(url, case.body(world, seeded))
    want = case.expect(persona)
    assert response.status_code == want, (persona, response.content[:400])
    if want >= 400 or (want == 302 and persona == "anonymous"):
        assert Event.objects.count() == before, "a refused request writes nothing"
    else:
        assert Event.objects.count() == before + case.events, "an allowed write records exactly its event"
    if persona == "anonymous" and not case.api:
        assert response["Location"].startswith("/login/")
    content = response.content
    for side in ("A", "B"):
        for secret in SHOWN[side]:
            # Not even the mediators' pages show the numbers as entered: only their delegation's form does.
            if persona not in CAUCUS[side] or persona == "mediator":
                assert secret not in content, (persona, secret)
    if persona not in PLENARY:
        assert b"Corridor" not in content


@pytest.mark.parametrize("persona", sorted(PLENARY))
def test_each_delegation_sees_its_own_numbers_on_the_page(world, seeded, client_for, persona):
    content = client_for(persona).get(f"/analyses/{seeded.analysis.pk}/").content
    for side in ("A", "B"):
        shown = all(secret in content for secret in SHOWN[side])
        assert shown == (persona in CAUCUS[side] and persona != "mediator"), (persona, side)
    assert (b"Combined analysis" in content) == (persona == "mediator")


def test_the_list_holds_only_what_the_reader_may_see(world, seeded, client_for):
    for persona in ADMITTED:
        content = client_for(persona).get(f"/processes/{world.process.pk}/analyses/").content
        assert (f'href="/analyses/{seeded.analysis.pk}/"'.encode() in content) == (persona in PLENARY), persona


def test_events_tell_no_party_the_others_numbers(world, seeded, api_for):
    """The events API: a party reads its own caucus's events (a commitment, never numbers), never the other's."""
    for persona in sorted(ADMITTED):
        body = api_for(persona).get(f"/api/v1/processes/{world.process.pk}/events?limit=200").content
        kinds = body.count(b"analysis.preferences_set")
        expected = {"mediator": 2, "head_a": 1, "delegate_a": 1, "head_b": 1, "delegate_b": 1}.get(persona, 0)
        assert kinds == expected, (persona, body[:300])
        for _side, numbers in (("A", SECRET_A), ("B", SECRET_B)):
            assert str(numbers["weights"]).encode() not in body


MATRIX_COVERS = {c.name for c in CASES}
