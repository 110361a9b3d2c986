"""Every persona against every texts endpoint, API and web.

Written by hand from DESIGN.md and issue 11: a negotiating text is the plenary's (the parties'
delegations and the mediators); everyone else gets 404, as for a text that does not exist, and an
empty list of texts. The mediators keep the text (create, revise, decide on amendments, tag
commitments); a party amends through its head or a delegate and states its position through its
head; the plenary comments. What a party says in caucus is seen by that party and the mediators only.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from goodoffices.events.models import Event
from goodoffices.texts import services
from goodoffices.texts.models import Amendment, TaggedCommitment, Text

from ..world import PERSONAS
from .conftest import make_text

ALL = (*PERSONAS, "anonymous")
PLENARY = {"mediator", "head_a", "delegate_a", "head_b", "delegate_b"}
ADMITTED = PLENARY | {"observer", "monitor", "operator"}
HEADS = {"head_a", "head_b"}
DELEGATIONS = {"head_a", "delegate_a", "head_b", "delegate_b"}
CAUCUS = {"A": {"mediator", "head_a", "delegate_a"}, "B": {"mediator", "head_b", "delegate_b"}}


@dataclass
class Seeded:
    text: Text
    amendment: Amendment
    caucus_amendments: dict[str, Amendment]
    commitment: TaggedCommitment


@pytest.fixture
def seeded(world) -> Seeded:
    text = make_text(world)
    amendment = services.amendment_propose(
        actor=world.head_a, text=text, operation={"op": "delete", "clause": "cargo"}, note="plenary-amendment"
    )
    caucus_amendments = {}
    for side, head in (("A", world.head_a), ("B", world.head_b)):
        services.position_set(
            actor=head,
            text=text,
            clause="corridor",
            stance="agree",
            note=f"secret-position-{side}",
            audience_name="caucus",
        )
        services.comment_add(
            actor=head,
            text=text,
            clause="corridor",
            body=f"secret-comment-{side}",
            audience_name=f"caucus:{(world.party_a if side == 'A' else world.party_b).pk}",
        )
        caucus_amendments[side] = services.amendment_propose(
            actor=head,
            text=text,
            operation={"op": "replace", "clause": "review", "text": f"secret-words-{side}."},
            note=f"secret-amendment-{side}",
            audience_name="caucus",
        )
    commitment = services.commitment_tag(
        actor=world.mediator, text=text, clause="review", obligor=world.party_a, action="Meet", category="ceasefire"
    )
    return Seeded(text, amendment, caucus_amendments, commitment)


@dataclass
class Case:
    name: str
    method: str
    url: Callable[..., str]
    ok: set[str]
    ok_code: int
    sees: set[str]
    api: bool = True
    body: Callable[..., dict[str, object]] | None = None

    def expect(self, persona: str) -> int:
        if persona == "anonymous":
            return 401 if self.api else 302
        if persona in self.ok:
            return self.ok_code
        return 403 if persona in self.sees else 404


def J(**kw):
    return lambda w, s: kw


def T(path: str) -> Callable[..., str]:
    return lambda w, s: path.format(process=w.process.pk, text=s.text.pk, amendment=s.amendment.pk)


CASES = [
    Case("api:text_list", "get", T("/api/v1/processes/{process}/texts"), ADMITTED, 200, ADMITTED),
    Case(
        "api:text_create",
        "post",
        T("/api/v1/processes/{process}/texts"),
        {"mediator"},
        201,
        ADMITTED,
        body=J(title="New text", sections=[{"title": "S", "clauses": [{"text": "One [clause]."}]}]),
    ),
    Case("api:text_detail", "get", T("/api/v1/texts/{text}"), PLENARY, 200, PLENARY),
    Case("api:text_versions", "get", T("/api/v1/texts/{text}/versions"), PLENARY, 200, PLENARY),
    Case("api:text_version", "get", T("/api/v1/texts/{text}/versions/1"), PLENARY, 200, PLENARY),
    Case("api:text_redline", "get", T("/api/v1/texts/{text}/redline?from=1&to=1"), PLENARY, 200, PLENARY),
    Case(
        "api:text_revise",
        "post",
        T("/api/v1/texts/{text}/revisions"),
        {"mediator"},
        201,
        PLENARY,
        body=J(operations=[{"op": "delete", "clause": "review"}]),
    ),
    Case("api:text_amendments", "get", T("/api/v1/texts/{text}/amendments"), PLENARY, 200, PLENARY),
    Case(
        "api:amendment_propose",
        "post",
        T("/api/v1/texts/{text}/amendments"),
        DELEGATIONS,
        201,
        PLENARY,
        body=J(op="delete", clause="review"),
    ),
    Case("api:amendment_detail", "get", T("/api/v1/amendments/{amendment}"), PLENARY, 200, PLENARY),
    Case(
        "api:amendment_detail",
        "get",
        lambda w, s: f"/api/v1/amendments/{s.caucus_amendments['A'].pk}",
        CAUCUS["A"],
        200,
        CAUCUS["A"],
    ),
    Case(
        "api:amendment_decide",
        "post",
        T("/api/v1/amendments/{amendment}/decision"),
        {"mediator"},
        200,
        PLENARY,
        body=J(take_in=True),
    ),
    Case(
        "api:amendment_decide",
        "post",
        lambda w, s: f"/api/v1/amendments/{s.caucus_amendments['B'].pk}/decision",
        {"mediator"},
        200,
        CAUCUS["B"],
        body=J(take_in=False, reason="Not now"),
    ),
    Case(
        "api:position_set",
        "put",
        T("/api/v1/texts/{text}/clauses/cargo/position"),
        HEADS,
        200,
        PLENARY,
        body=J(stance="reserve", note="x"),
    ),
    Case("api:text_comments", "get", T("/api/v1/texts/{text}/comments"), PLENARY, 200, PLENARY),
    Case(
        "api:comment_add",
        "post",
        T("/api/v1/texts/{text}/clauses/cargo/comments"),
        PLENARY,
        201,
        PLENARY,
        body=J(body="A question"),
    ),
    Case("api:text_commitments", "get", T("/api/v1/texts/{text}/commitments"), PLENARY, 200, PLENARY),
    Case(
        "api:commitment_tag",
        "post",
        T("/api/v1/texts/{text}/clauses/cargo/commitments"),
        {"mediator"},
        201,
        PLENARY,
        body=lambda w, s: {"obligor": w.party_b.pk, "action": "Let cargo pass", "category": "humanitarian_access"},
    ),
    Case(
        "api:commitment_untag",
        "delete",
        lambda w, s: f"/api/v1/texts/{s.text.pk}/commitments/{s.commitment.pk}",
        {"mediator"},
        204,
        PLENARY,
    ),
    Case("web:texts", "get", T("/processes/{process}/texts/"), ADMITTED, 200, ADMITTED, api=False),
    Case("web:text_create", "get", T("/processes/{process}/texts/new/"), {"mediator"}, 200, ADMITTED, api=False),
    Case(
        "web:text_create",
        "post",
        T("/processes/{process}/texts/new/"),
        {"mediator"},
        302,
        ADMITTED,
        api=False,
        body=J(title="New text", outline="One [clause]."),
    ),
    Case("web:text", "get", T("/texts/{text}/"), PLENARY, 200, PLENARY, api=False),
    Case("web:text_versions", "get", T("/texts/{text}/versions/"), PLENARY, 200, PLENARY, api=False),
    Case("web:text_version", "get", T("/texts/{text}/versions/1/"), PLENARY, 200, PLENARY, api=False),
    Case("web:text_redline", "get", T("/texts/{text}/redline/?from=1&to=1"), PLENARY, 200, PLENARY, api=False),
    Case(
        "web:text_revise",
        "post",
        T("/texts/{text}/revise/"),
        {"mediator"},
        302,
        PLENARY,
        api=False,
        body=J(op="delete", clause="review"),
    ),
    Case(
        "web:amendment_propose",
        "post",
        T("/texts/{text}/amendments/"),
        DELEGATIONS,
        302,
        PLENARY,
        api=False,
        body=J(op="delete", clause="review", audience="plenary"),
    ),
    Case(
        "web:amendment_decide",
        "post",
        T("/amendments/{amendment}/decision/"),
        {"mediator"},
        302,
        PLENARY,
        api=False,
        body=J(take_in="0", reason="Not now"),
    ),
    Case(
        "web:position_set",
        "post",
        T("/texts/{text}/clauses/cargo/position/"),
        HEADS,
        302,
        PLENARY,
        api=False,
        body=J(stance="agree", audience="plenary"),
    ),
    Case(
        "web:comment_add",
        "post",
        T("/texts/{text}/clauses/cargo/comments/"),
        PLENARY,
        302,
        PLENARY,
        api=False,
        body=J(body="A question", audience="plenary"),
    ),
    Case(
        "web:commitment_tag",
        "post",
        T("/texts/{text}/clauses/cargo/commitments/"),
        {"mediator"},
        302,
        PLENARY,
        api=False,
        body=lambda w, s: {"obligor": str(w.party_a.pk), "action": "Let cargo pass", "category": "humanitarian_access"},
    ),
    Case(
        "web:commitment_untag",
        "post",
        lambda w, s: f"/texts/{s.text.pk}/commitments/{s.commitment.pk}/untag/",
        {"mediator"},
        302,
        PLENARY,
        api=False,
    ),
]


def _secrets_of(side: str) -> list[bytes]:
    return [f"secret-{kind}-{side}".encode() for kind in ("position", "comment", "amendment", "words")]


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.name}-{c.method}")
def test_texts_endpoint(world, seeded, api_for, client_for, persona, case):
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
    if want >= 400 or (case.method != "get" and persona not in case.ok):
        assert Event.objects.count() == before, "a refused request writes nothing"
    elif case.method != "get":
        assert Event.objects.count() == before + 1, "an allowed write records exactly its event"
    else:
        assert Event.objects.count() == before, "a read writes nothing"
    if persona == "anonymous" and not case.api:
        assert response["Location"].startswith("/login/")
    content = response.content
    if persona not in PLENARY:
        assert b"Humanitarian access" not in content
        assert b"plenary-amendment" not in content
    for side in ("A", "B"):
        if persona not in CAUCUS[side]:
            for secret in _secrets_of(side):
                assert secret not in content, (persona, secret)


READS = [
    ("api", "/api/v1/texts/{text}"),
    ("api", "/api/v1/texts/{text}/amendments"),
    ("api", "/api/v1/texts/{text}/comments"),
    ("web", "/texts/{text}/"),
]


@pytest.mark.parametrize("persona", sorted(PLENARY))
@pytest.mark.parametrize(("kind", "path"), READS)
def test_a_party_reads_its_own_caucus_and_never_the_other(world, seeded, api_for, client_for, persona, kind, path):
    client = api_for(persona) if kind == "api" else client_for(persona)
    content = client.get(path.format(text=seeded.text.pk)).content
    markers = {
        "/api/v1/texts/{text}": ["position"],
        "/api/v1/texts/{text}/amendments": ["amendment"],
        "/api/v1/texts/{text}/comments": ["comment"],
        "/texts/{text}/": ["position", "comment", "amendment"],
    }[path]
    for side in ("A", "B"):
        for marker in markers:
            assert (f"secret-{marker}-{side}".encode() in content) == (persona in CAUCUS[side]), (persona, marker)


def test_the_list_holds_only_what_the_reader_may_see(world, seeded, api_for):
    for persona in ADMITTED:
        items = api_for(persona).get(f"/api/v1/processes/{world.process.pk}/texts").json()["items"]
        assert [t["id"] for t in items] == ([seeded.text.pk] if persona in PLENARY else []), persona


MATRIX_COVERS = {c.name for c in CASES}
