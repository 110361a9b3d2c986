"""Query budgets of the agreements API and pages (issue 9: any API read at most 8 queries, any page at
most 12), measured with 1 record of every kind and again with 50: agreements, signing keys, and an
agreement with 40 commitments (a clause takes at most 20) and its signatures. An N+1 shows as a count
that grows."""

import os

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from goodoffices.agreements import services
from goodoffices.texts import services as text_services

from .conftest import adopt, clean_text, fresh, register_key, sign_with

API_BUDGET = 8
PAGE_BUDGET = 12


def _agreement_with_commitments(world, count: int, title: str):
    text = clean_text(world, title, agreed=False)
    for i in range(count):
        # At most 20 commitments a clause: spread over both clauses and both parties.
        text_services.commitment_tag(
            actor=world.mediator,
            text=text,
            clause=("c1", "c2")[i % 2],
            obligor=(world.party_a, world.party_b)[(i // 2) % 2],
            action=f"Act {i}",
            category="ceasefire",
        )
    for head in (world.head_a, world.head_b):
        for clause in ("c1", "c2"):
            text_services.position_set(actor=head, text=text, clause=clause, stance="agree")
    return adopt(world, text)


def _grow(world, start: int, count: int) -> dict[str, int]:
    state: dict[str, int] = {}
    for i in range(start, start + count):
        agreement = adopt(world, clean_text(world, f"Arrangements {i}"))
        # Keys come and go: the list holds every one ever registered.
        services.signing_key_retire(actor=world.mediator, key=register_key(world, world.mediator).key)
        state["agreement"] = agreement.pk
    many = _agreement_with_commitments(world, 38 if start else 1, f"Commitments {start}")
    for name in ("head_a", "mediator", "monitor"):
        held = register_key(world, world.users[name])
        sign_with(world.users[name], many, held)
        services.signing_key_retire(actor=world.users[name], key=held.key)
    open_text = clean_text(world, f"Put {start}")
    state["adoption"] = services.adoption_put(actor=world.mediator, text=open_text, agreement_audience="public").pk
    state["many"] = many.pk
    return state


BUDGETS = {
    "api agreements": ("api", "anonymous", "/api/v1/processes/{process}/agreements", API_BUDGET),
    "api agreements (plenary)": ("api", "head_a", "/api/v1/processes/{process}/agreements", API_BUDGET),
    "api agreement": ("api", "anonymous", "/api/v1/agreements/{many}", API_BUDGET),
    "api canonical": ("api", "anonymous", "/api/v1/agreements/{many}/canonical", API_BUDGET),
    "api commitments": ("api", "delegate_b", "/api/v1/agreements/{many}/commitments", API_BUDGET),
    "api adoption": ("api", "head_b", "/api/v1/adoptions/{adoption}", API_BUDGET),
    "api signing keys": ("api", "observer", "/api/v1/processes/{process}/signing-keys", API_BUDGET),
    "web agreements": ("web", "anonymous", "/processes/{process}/agreements/", PAGE_BUDGET),
    "web agreements (plenary)": ("web", "head_b", "/processes/{process}/agreements/", PAGE_BUDGET),
    "web agreement": ("web", "anonymous", "/agreements/{many}/", PAGE_BUDGET),
    "web agreement (signatory)": ("web", "head_b", "/agreements/{many}/", PAGE_BUDGET),
    "web adoption": ("web", "head_a", "/adoptions/{adoption}/", PAGE_BUDGET),
    "web signing keys": ("web", "observer", "/processes/{process}/signing-keys/", PAGE_BUDGET),
}


def _count(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if os.environ.get("GOODOFFICES_SHOW_QUERIES", "-") in url:
        print(*(q["sql"][:300] for q in queries.captured_queries), sep="\n")
    return response.status_code, len(queries)


def _measure(world, state, clients) -> dict[str, int]:
    counts = {}
    for name, (kind, persona, path, _budget) in BUDGETS.items():
        status, counts[name] = _count(clients[kind, persona], path.format(process=world.process.pk, **state))
        assert status == 200, name
    return counts


def test_agreements_pages_and_lists_do_not_grow(signatories, client_for, api_for):
    world = signatories
    clients = {
        (kind, persona): (api_for(persona) if kind == "api" else fresh(client_for(persona)))
        if persona != "anonymous"
        else Client(HTTP_HOST="localhost")
        for kind, persona, _path, _budget in BUDGETS.values()
    }
    state = _grow(world, 0, 1)
    _measure(world, state, clients)  # once first: a token's first use of the minute is recorded
    small = _measure(world, state, clients)
    state = _grow(world, 1, 49)
    _measure(world, state, clients)  # growing took minutes: the tokens' use is recorded once again
    large = _measure(world, state, clients)
    print("queries at 50 records:", large)
    problems = {
        name: f"{small[name]} queries with 1 record, {large[name]} with 50"
        if small[name] != large[name]
        else f"{large[name]} queries, over its budget of {BUDGETS[name][3]}"
        for name in BUDGETS
        if small[name] != large[name] or large[name] > BUDGETS[name][3]
    }
    assert not problems, problems
