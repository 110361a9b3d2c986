"""Query budgets of the texts pages and lists: a fixed number of queries whatever the size of the
text or the process. Each is measured with 1 record of every kind and again with 50 (texts,
versions, clauses, positions, amendments open and decided, comments, tagged commitments); an N+1
shows as a count that grows, and an endpoint over its budget fails too."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from goodoffices.texts import services

from .conftest import make_text

# Budgets as measured when they were set (tightened to the counts measured on 30 November 2026);
# lowering one is welcome, raising one needs a reason. The text itself reads six kinds of record
# (version, parties, positions, comments, commitments, amendments) besides who asks; the page
# also reads the text's latest adoption for its adoption panel (issue 11).
BUDGETS = {
    "web texts": ("web", "head_a", "/processes/{process}/texts/", 8),
    "web text": ("web", "head_a", "/texts/{text}/", 17),
    "web text (mediator)": ("web", "mediator", "/texts/{text}/", 17),
    "web versions": ("web", "head_b", "/texts/{text}/versions/", 10),
    "api texts": ("api", "head_a", "/api/v1/processes/{process}/texts", 5),
    "api text": ("api", "head_b", "/api/v1/texts/{text}", 11),
    "api versions": ("api", "head_a", "/api/v1/texts/{text}/versions", 5),
    "api amendments": ("api", "head_a", "/api/v1/texts/{text}/amendments", 5),
    "api comments": ("api", "delegate_a", "/api/v1/texts/{text}/comments", 5),
    "api commitments": ("api", "mediator", "/api/v1/texts/{text}/commitments", 6),
}


def _grow(world, text, start: int, count: int) -> None:
    for i in range(start, start + count):
        make_text(world, title=f"Text {i}")
        clause = f"added-{i}"
        services.text_revise(
            actor=world.mediator,
            text=text,
            operations=[{"op": "insert", "clause": clause, "after": "review", "text": f"Clause [{i}]."}],
        )
        for head in (world.head_a, world.head_b):
            services.position_set(actor=head, text=text, clause=clause, stance="reserve", note=f"note {i}")
            services.position_set(actor=head, text=text, clause=clause, stance="agree", audience_name="caucus")
            services.comment_add(actor=head, text=text, clause=clause, body=f"Comment {i}")
        head = world.head_a if i % 2 else world.head_b
        services.amendment_propose(
            actor=head, text=text, operation={"op": "resolve", "clause": clause, "bracket": 1, "option": "A"}
        )
        decided = services.amendment_propose(actor=head, text=text, operation={"op": "delete", "clause": clause})
        services.amendment_decide(actor=world.mediator, amendment=decided, take_in=False, reason="Not now")
        services.commitment_tag(
            actor=world.mediator, text=text, clause=clause, obligor=world.party_a, action="Act", category="ceasefire"
        )


def _measure(world, text, clients) -> dict[str, int]:
    counts = {}
    for name, (kind, persona, path, _budget) in BUDGETS.items():
        url = path.format(process=world.process.pk, text=text.pk)
        with CaptureQueriesContext(connection) as queries:
            response = clients[kind, persona].get(url)
        assert response.status_code == 200, (name, response.content[:300])
        counts[name] = len(queries)
    return counts


def test_texts_pages_and_lists_do_not_grow_with_the_text(world, client_for, api_for):
    clients = {
        (kind, persona): (api_for(persona) if kind == "api" else client_for(persona))
        for kind, persona, _path, _budget in BUDGETS.values()
    }
    text = make_text(world)
    _grow(world, text, 0, 1)
    _measure(world, text, clients)  # once first: a token's first use of the minute is recorded
    small = _measure(world, text, clients)
    _grow(world, text, 1, 49)
    _measure(world, text, clients)  # again: growing may have taken past the minute of a token's last use
    large = _measure(world, text, clients)
    print("queries at 50 records:", large)
    problems = {
        name: f"{small[name]} queries with 1 record, {large[name]} with 50"
        if small[name] != large[name]
        else f"{large[name]} queries, over its budget of {BUDGETS[name][3]}"
        for name in BUDGETS
        if small[name] != large[name] or large[name] > BUDGETS[name][3]
    }
    assert not problems, problems
